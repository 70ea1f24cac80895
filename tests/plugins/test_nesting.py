"""Bodies nested deeper than any page needs are refused by name and line, never by a traceback.

Python-Markdown recurses into nested blocks and walks the element tree recursively: 1,000 nested
emphases in one release ended `mkdocs build` (and `pregon check`) with a RecursionError, and a few
thousand open brackets took a minute. The guard (`pregon.plugins.nesting`) stops both first.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pregon.plugins.nesting import MAX_BLOCK_DEPTH, MAX_TREE_DEPTH, NestingGuard, TooDeep, deep_block_line

from tests.conftest import ROOT, build_site

from .conftest import edit, pregon_check

ITEM = "prensa/2026/03/biblioteca-amplia-horario"
SHOWN = f"content/{ITEM}.md"
# The example site's extensions and the usual Material ones that nest blocks.
EXTENSIONS = [
    "attr_list",
    "md_in_html",
    "admonition",
    "toc",
    "tables",
    "footnotes",
    "def_list",
    "pymdownx.superfences",
    "pymdownx.details",
    "pymdownx.mark",
    "pymdownx.tilde",
]


def convert(body: str) -> str:
    guard = NestingGuard()
    guard.page(lambda: ("content/prensa/x.md", 10))
    return markdown.Markdown(extensions=[*EXTENSIONS, guard]).convert(body)


DEEP = MAX_BLOCK_DEPTH + 5


@pytest.mark.parametrize(
    "body",
    [
        "".join("    " * i + "- punto\n" for i in range(DEEP)),
        "".join("\t" * i + "1. punto\n" for i in range(DEEP)),
        "> " * DEEP + "cita",
        "".join("    " * i + "!!! note\n\n" for i in range(DEEP)) + "    " * DEEP + "x\n",
        "<div markdown>" * DEEP + "x" + "</div>" * DEEP,
        "<div markdown>\n" * DEEP + "x\n" + "</div>\n" * DEEP,
        "[" * DEEP + "enlace",
        "[a](" * DEEP,
        "[![" * DEEP + "a" + "](b)](c)" * DEEP,
    ],
    ids=["lists", "tabs", "quotes", "admonitions", "html-one-line", "html-lines", "brackets", "targets", "images"],
)
def test_blocks_nested_too_deep_are_refused_at_their_line(body: str) -> None:
    text = "Primer párrafo.\n\n" + body
    with pytest.raises(TooDeep) as refused:
        convert(text)
    index = deep_block_line(text.expandtabs(4).split("\n"))
    assert index is not None
    assert refused.value.line == 10 + index
    assert str(refused.value).startswith(f"content/prensa/x.md:{10 + index}: el cuerpo anida más de")


def test_inline_nesting_too_deep_is_refused_on_its_line() -> None:
    body = "Primer párrafo.\n\nSegundo párrafo, normal.\n\n" + "*a " * 1000 + "a*" * 1000 + "\n"
    with pytest.raises(TooDeep, match=rf"^content/prensa/x\.md:14: el cuerpo anida más de {MAX_TREE_DEPTH} elementos"):
        convert(body)


def test_what_press_releases_and_documentation_write_is_not_refused() -> None:
    """Every Markdown file of the project: releases, the editor's guide, the docs, test data."""
    files = [p for p in ROOT.rglob("*.md") if ".venv" not in p.parts and "node_modules" not in p.parts]
    assert len(files) > 40
    for path in files:
        convert(path.read_text(encoding="utf-8"))
    # Closed brackets and links, fenced code and quotes with lists inside are not nesting.
    convert("[a](b) " * 5000 + "\n\n```\n" + "[" * 500 + "\n```\n\n" + "> - *punto* [enlace](x)\n" * 500)


PIECES = st.sampled_from(
    ["> ", "    ", "\t", "- ", "1. ", "*", "**", "_", "[", "](", ")", "]", "==", "~~", "!!! note\n"]
)
PIECES = PIECES | st.sampled_from(["<div markdown>", "</div>", "\n", "\n\n", "a ", "`", "<span>", "|a|b|\n|-|-|\n"])
PIECES = PIECES | st.sampled_from(["+ ", "* ", "2) ", "???+ note\n", ":   ", "[^1]: ", '<div markdown="1">\n\n', "!"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(PIECES, st.integers(1, 600)), min_size=1, max_size=6))
def test_no_nesting_of_any_kind_makes_markdown_recurse_too_deep(runs: list[tuple[str, int]]) -> None:
    body = "".join(piece * times for piece, times in runs) + "fin\n"
    with contextlib.suppress(TooDeep):  # refused by name and line; a RecursionError fails the test
        convert(body)


def test_the_build_and_check_refuse_a_release_nested_too_deep_in_spanish(project_copy: Path, tmp_path: Path) -> None:
    path = edit(
        project_copy, ITEM, "\nLos fines de semana", "\n" + "*a " * 1000 + "a*" * 1000 + "\n\nLos fines de semana"
    )
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("*a"))
    result = build_site(tmp_path / "site", "http://portal.example/", project=project_copy)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
    assert f"{SHOWN}:{line}: el cuerpo anida más de {MAX_TREE_DEPTH} elementos" in result.stderr, result.stderr
    check = pregon_check(project_copy, SHOWN)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "Traceback" not in check.stdout + check.stderr
    assert f"{SHOWN}:{line}  error  [html] el cuerpo anida más de" in check.stdout, check.stdout


def test_the_refusal_cannot_print_a_workflow_command() -> None:
    """The message carries a file name an editor chose; CI reads `::` and `##[` as commands."""
    guard = NestingGuard()
    guard.page(lambda: ("content/prensa/::error::x\n##[warning]y.md", 3))
    message = str(guard.refuse(0, "r"))
    assert "\n" not in message and "##[" not in message
    assert not message.lstrip().startswith("::")
