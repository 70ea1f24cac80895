"""Fuzzing the release loader: mutated YAML text, random bytes and well-formed front matter with
values of the wrong shape. Whatever the input, `load_release`, the digest functions and
`pregon check` (its in-process entry point) end with a release, a `ReleaseError` or a report:
never any other exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pregon.plugins.digest import release_digest, update_digests
from pregon.plugins.problems import ReleaseError
from pregon.plugins.release import ReleaseRules, load_release, load_rules
from pregon.review import check as checking
from pregon.review.project import Project, load_project

from tests.conftest import FIXED_NOW

ITEM = "content/prensa/2026/11/vias-rurales-temporada-de-lluvias.md"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HOSTILE = [*":-?&*!|>%@`'\"#[]{},\n\n  \t\r\x00\x07\x85\u2028\ufeff\u202e<<~=", "0", "9", "ñ", "---", "...", "\\"]


class Harness:
    def __init__(self, root: Path):
        self.root = root
        self.path = root / ITEM
        self.original = self.path.read_bytes()
        self.rules: ReleaseRules = load_rules(root / "mkdocs.yml")
        self.project: Project = load_project(root / "mkdocs.yml")
        self.tools = checking.load_toolkit(self.project, checking.CheckResult())

    def run(self, data: bytes) -> None:
        """Every entry point on ``data``; any exception other than ReleaseError fails the test."""
        self.path.write_bytes(data)
        for call in (
            lambda: load_release(self.path, self.rules),
            lambda: release_digest(self.path),
            lambda: update_digests(self.path),
        ):
            try:
                call()
            except ReleaseError as exc:
                assert exc.problems and all(p.message and p.path for p in exc.problems)
        assert self.tools is not None
        report = checking.check_release(self.path, self.project, self.tools)
        assert report.path.endswith(".md")


@pytest.fixture()
def harness(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    monkeypatch.setenv("PREGON_NOW", FIXED_NOW)
    monkeypatch.chdir(project_copy)
    return Harness(project_copy)


edit = st.tuples(st.floats(0, 1), st.integers(0, 3), st.sampled_from(HOSTILE) | st.text(max_size=3))


@FUZZ
@given(edits=st.lists(edit, min_size=1, max_size=6))
def test_mutated_yaml_text_never_raises_anything_but_release_error(harness: Harness, edits: list[Any]) -> None:
    text = harness.original.decode("utf-8")
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    harness.run(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(data=st.binary(max_size=400), framed=st.booleans())
def test_random_bytes_never_raise_anything_but_release_error(harness: Harness, data: bytes, framed: bool) -> None:
    harness.run(b"---\n" + data + b"\n---\nCuerpo\n" if framed else data)


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.datetimes()
    | st.dates(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
KEYS = [
    "title",
    "date",
    "summary",
    "dependencia",
    "tags",
    "image",
    "image_alt",
    "gallery",
    "video",
    "video_alt",
    "expires",
    "featured",
    "featured_until",
    "social",
    "press_lists",
    "accounts",
    "focal_point",
    "updates",
    "id",
    "live",
    "draft",
    "author",
    "hide",
    "search",
]


@FUZZ
@given(
    changes=st.dictionaries(st.sampled_from(KEYS), values, min_size=1, max_size=4), drop=st.sets(st.sampled_from(KEYS))
)
def test_front_matter_with_values_of_the_wrong_shape_is_refused_cleanly(
    harness: Harness, changes: dict[str, Any], drop: set[str]
) -> None:
    text = harness.original.decode("utf-8")
    _, front_matter, body = text.split("---\n", 2)
    meta = yaml.safe_load(front_matter)
    for key in drop:
        meta.pop(key, None)
    meta.update(changes)
    if isinstance(meta.get("updates"), list) and meta["updates"]:
        meta["updates"][0] = changes.get("updates", meta["updates"][0])
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    harness.run(f"---\n{dumped}---\n{body}".encode("utf-8", "surrogatepass"))
