"""YAML loaders that refuse a document whose aliases make it grow without bound.

An alias (``*nombre``) repeats a value written once with an anchor (``&nombre``). PyYAML keeps one
copy and shares it, so nine lines of «a1: &a1 [*a0, *a0, …]» load at once into a value that holds
387 million strings once anything walks it: validating it, copying it or writing it as JSON never
ends. Every reader of an office's YAML (mkdocs.yml, rule files, press and WhatsApp lists) loads
with :class:`BoundedAliases`, which measures the document as if every alias were written out
and refuses it when that is past :data:`MAX_EXPANDED_NODES` and more than :data:`ALIAS_GROWTH`
times what is written, with a ``yaml.YAMLError`` that ``yaml_es`` says in Spanish. Ordinary anchors
(«defaults: &base {...}», «<<: *base») and long lists written out (a WhatsApp list of 50,000
subscribers) stay allowed.

Release front matter does not need this: its loader (``plugins/source.py``) refuses anchors and
aliases altogether.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_EXPANDED_NODES = 200_000
"""Values any document may hold with its aliases written out: mkdocs.yml has about 500, a rule
file of 500 rules about 10,000."""
ALIAS_GROWTH = 10
"""A longer document may hold this many times the values it writes."""

TOO_MANY_ALIASES = "aliases expand the document beyond the limit"
"""The problem of the refusal, which ``yaml_es.yaml_reason`` translates."""

_LIBYAML = getattr(yaml, "CSafeLoader", None)


def overgrown(root: yaml.Node, limit: int = MAX_EXPANDED_NODES) -> yaml.Node | None:
    """The innermost node of ``root`` that holds more than ``limit`` nodes with every alias
    written out (or a value that contains itself, «&a [*a]», which has no end); None if none does.

    Each distinct node is measured once (a shared node has one size wherever it appears), without
    recursion, so a deep or very shared document costs its number of distinct nodes."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # entered, children not yet measured
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > limit:
                return node
            continue
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                return child  # reached again from inside itself
            if id(child) not in sizes:
                stack.append((child, False))
    return None


def _distinct_nodes(root: yaml.Node) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        for child in _children(stack.pop()):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class BoundedAliases:
    """Mixin for a PyYAML loader (pure Python or libyaml): the document is composed as usual,
    then refused if its aliases expand it past :data:`MAX_EXPANDED_NODES`."""

    def get_single_node(self) -> Any:
        node = super().get_single_node()  # type: ignore[misc]
        if node is None:
            return node
        limit = max(MAX_EXPANDED_NODES, ALIAS_GROWTH * _distinct_nodes(node))
        culprit = overgrown(node, limit)
        if culprit is not None:
            raise yaml.composer.ComposerError(None, None, TOO_MANY_ALIASES, culprit.start_mark)
        return node


class BoundedSafeLoader(BoundedAliases, yaml.SafeLoader):
    """``yaml.SafeLoader`` with bounded aliases."""


BoundedFastLoader: type[yaml.SafeLoader] = (
    type("BoundedFastLoader", (BoundedAliases, _LIBYAML), {}) if _LIBYAML is not None else BoundedSafeLoader
)
"""libyaml's ``CSafeLoader`` (when PyYAML has it) with bounded aliases."""


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with bounded aliases."""
    return yaml.load(text, Loader=BoundedSafeLoader)
