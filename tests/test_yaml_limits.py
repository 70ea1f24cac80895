"""YAML whose aliases make it grow without bound is refused by every reader of an office's YAML,
in Spanish and with a line, instead of hanging the command that walks it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pregon.review.inclusive import RuleFileError, read_yaml_mapping
from pregon.syndicate.channels.base import PermanentError
from pregon.syndicate.channels.press_lists import load_press_lists
from pregon.syndicate.config import _Loader as SyndicateLoader

from pregon.cli import main
from pregon.config_file import AnyTagLoader, LocatedLoader
from pregon.yaml_es import yaml_reason
from pregon.yaml_limits import MAX_EXPANDED_NODES, BoundedFastLoader, BoundedSafeLoader, overgrown
from tests.conftest import build_site

LOADERS = [BoundedSafeLoader, BoundedFastLoader, AnyTagLoader, LocatedLoader, SyndicateLoader]
REFUSAL = "sus alias «*» repiten los valores tantas veces que el documento no tendría fin"


def laughs(levels: int = 9, indent: str = "") -> str:
    """The «billion laughs»: each level repeats the one before nine times (9**levels strings)."""
    lines = [f'{indent}a0: &a0 ["ja","ja","ja","ja","ja","ja","ja","ja","ja"]']
    lines += [f"{indent}a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
def test_the_billion_laughs_is_refused_at_the_anchor_that_grows_too_much(loader: type[yaml.SafeLoader]) -> None:
    with pytest.raises(yaml.YAMLError) as refused:
        yaml.load("sitio: x\n" + laughs(), Loader=loader)
    assert yaml_reason(refused.value).startswith(REFUSAL)
    mark = refused.value.problem_mark  # type: ignore[attr-defined]
    # 9**6 strings in a5 (on the 7th line) is the first value past the limit.
    assert 9**5 < MAX_EXPANDED_NODES < 9**6 and mark.line + 1 == 7


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
def test_a_value_that_contains_itself_is_refused(loader: type[yaml.SafeLoader]) -> None:
    with pytest.raises(yaml.YAMLError) as refused:
        yaml.load("a: &a [1, *a]\n", Loader=loader)
    assert yaml_reason(refused.value).startswith(REFUSAL)


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
def test_ordinary_anchors_load(loader: type[yaml.SafeLoader]) -> None:
    merged = yaml.load("base: &base {x: 1}\nuno:\n  <<: *base\n  y: 2\ndos: [*base, *base]\n", Loader=loader)
    assert merged["uno"] == {"x": 1, "y": 2} and merged["dos"] == [{"x": 1}, {"x": 1}]


@pytest.mark.parametrize("loader", [BoundedSafeLoader, BoundedFastLoader], ids=lambda loader: loader.__name__)
def test_a_list_longer_than_the_limit_loads_when_it_is_written_out(loader: type[yaml.SafeLoader]) -> None:
    subscribers = "\n".join(f"- ['+57300{i:07d}', Persona {i}]" for i in range(MAX_EXPANDED_NODES // 3 + 1))
    assert len(yaml.load(subscribers, Loader=loader)) > MAX_EXPANDED_NODES // 3  # past the limit, all written


def _written_out(value: Any) -> int:
    if isinstance(value, list):
        return 1 + sum(_written_out(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(1 + _written_out(v) for v in value.values())
    return 1


@settings(max_examples=200, deadline=None)
@given(
    shape=st.lists(st.lists(st.integers(0, 20), min_size=1, max_size=6), min_size=1, max_size=6),
    limit=st.integers(1, 400),
)
def test_the_measure_counts_the_document_with_every_alias_written_out(shape: list[list[int]], limit: int) -> None:
    """Anchor ``a<i>`` lists strings and earlier anchors: the measure refuses exactly when the
    document, expanded by PyYAML into plain lists, holds more than ``limit`` nodes."""
    lines = []
    for i, items in enumerate(shape):
        parts = [f"*a{n % i}" if i and n % 2 else f"s{n}" for n in items]
        lines.append(f"a{i}: &a{i} [{', '.join(parts)}]")
    text = "\n".join(lines)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    expanded = _written_out(yaml.safe_load(text))
    assert (overgrown(node, limit) is None) == (expanded <= limit)


def test_an_office_rule_file_and_a_press_list_with_the_laughs_are_refused_in_spanish(tmp_path: Path) -> None:
    rules = tmp_path / "reglas.yml"
    rules.write_text(laughs(), encoding="utf-8")
    with pytest.raises(
        RuleFileError, match=re.escape(f"{rules}:6: el archivo de lenguaje incluyente no es YAML válido ({REFUSAL}")
    ):
        read_yaml_mapping(rules, "el archivo de lenguaje incluyente")
    lists = tmp_path / "listas.yml"
    lists.write_text(laughs(), encoding="utf-8")
    with pytest.raises(PermanentError, match=re.escape(f"no es YAML ni JSON válido ({REFUSAL}")):
        load_press_lists(lists, "PREGON_PRESS_LISTS")


def test_pregon_check_refuses_a_mkdocs_yml_with_the_laughs(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It ran for ever: copying the syndication options walked 387 million strings."""
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("      syndicate:\n", "      syndicate:\n        insights:\n" + laughs(indent="          "), 1),
        encoding="utf-8",
    )
    anchor_line = (
        config.read_text(encoding="utf-8").splitlines().index("          a5: &a5 [" + ", ".join(["*a4"] * 9) + "]") + 1
    )
    monkeypatch.chdir(project_copy)
    result = CliRunner().invoke(main, ["check", "--all"], prog_name="pregon")
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"mkdocs.yml:{anchor_line}: YAML inválido ({REFUSAL}" in result.output


def test_mkdocs_build_stops_at_the_laughs_instead_of_logging_them_for_ever(project_copy: Path) -> None:
    """MkDocs writes every option to its debug log (an eager repr) after validating them; the
    plugin's validation, which runs first, refuses the document."""
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("strict: false\n", "strict: false\nextra:\n" + laughs(indent="  "), 1), encoding="utf-8"
    )
    result = build_site(project_copy / "site", "https://portal.example/", project=project_copy)
    assert result.returncode == 1
    assert (
        f"mkdocs.yml:{text[: text.index('strict: false')].count(chr(10)) + 8}: YAML inválido ({REFUSAL}"
        in result.stdout + result.stderr
    )
    assert not (project_copy / "site").exists()
