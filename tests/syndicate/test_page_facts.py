"""One reading of a live release page for the web-first gate and the press e-mail.

The unit tests feed HTML to the parser; the last tests run ``pregon syndicate`` as a subprocess
against a real HTTP server of a hand-made live site whose page says two digests at once.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pregon.plugins.release import _ID as _RELEASE_ID
from pregon.syndicate.channels.base import TransientError
from pregon.syndicate.channels.press_body import parse_body
from pregon.syndicate.live import LiveCheck
from pregon.syndicate.manifest import parse_manifest
from pregon.syndicate.page_facts import AMBIGUOUS, read_page

from pregon.safe_text import INVISIBLE
from tests.review.test_hostile_output import PAYLOADS
from tests.syndicate.harness import run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project

DIGEST = "sha256:" + "a" * 64
OTHER = "sha256:" + "b" * 64


def page(head: str, body: str = "<p>Texto</p>") -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>'
        f'<h2 id="titulo">T</h2><div class="pregon-release__body">{body}</div>'
        '<div class="pregon-release__body"><p>otro</p></div></body></html>'
    )


def test_digest_id_anchors_and_body_come_from_one_reading() -> None:
    facts = read_page(
        page(
            f'<meta name="pregon:digest" content="{DIGEST}"><meta name="pregon:id" content="2026/uno">',
            '<p id="actualizacion-1">Hoy &amp; mañana &#8212; <br/>fin</p><img src="a.jpg"><ul><li>x</li></ul>',
        )
    )
    assert facts.digest == DIGEST and facts.page_id == "2026/uno"
    assert {"titulo", "actualizacion-1"} <= facts.ids
    assert facts.body_found
    # The first body only, with the markup and references as the build wrote them.
    assert (
        facts.body_html
        == '<p id="actualizacion-1">Hoy &amp; mañana &#8212; <br/>fin</p><img src="a.jpg"><ul><li>x</li></ul>'
    )


def test_a_page_without_the_meta_or_the_body_says_so() -> None:
    facts = read_page("<html><head></head><body><p>hola</p></body></html>")
    assert facts.digest is None and facts.page_id is None and not facts.body_found and facts.body_html == ""


def test_the_same_digest_twice_is_still_that_digest() -> None:
    facts = read_page(page(f'<meta name="pregon:digest" content="{DIGEST}">' * 2))
    assert facts.digest == DIGEST


def test_two_different_digests_match_no_approval() -> None:
    facts = read_page(
        page(f'<meta name="pregon:digest" content="{DIGEST}"><meta name="pregon:digest" content="{OTHER}">')
    )
    assert facts.digest == AMBIGUOUS
    with pytest.raises(TransientError, match="otra versión"):
        parse_body(
            page(f'<meta name="pregon:digest" content="{DIGEST}"><meta name="pregon:digest" content="{OTHER}">'),
            "https://portal.example/prensa/uno/",
            DIGEST,
        )


@pytest.mark.parametrize("written", ["<meta {}>", "<meta {}/>", "<meta {} />"])
def test_a_second_digest_counts_wherever_it_is_and_however_it_is_closed(written: str) -> None:
    """Inside the release body too (the build's cleaning drops a <meta> there; a page made by
    other means need not)."""
    other = written.format(f'name="pregon:digest" content="{OTHER}"')
    facts = read_page(page(f'<meta name="pregon:digest" content="{DIGEST}">', f"<p>Texto</p>{other}<p>más</p>"))
    assert facts.digest == AMBIGUOUS
    assert facts.body_html.endswith("<p>más</p>")


def test_two_different_ids_match_no_release_whatever_its_id() -> None:
    facts = read_page(page('<meta name="pregon:id" content="uno"><meta name="pregon:id" content="dos">'))
    assert facts.page_id == AMBIGUOUS
    assert not _RELEASE_ID.fullmatch(AMBIGUOUS) and not AMBIGUOUS.startswith("sha256:")


def test_a_repeated_attribute_counts_once_as_browsers_read_it() -> None:
    facts = read_page(page(f'<meta name="pregon:digest" content="{DIGEST}" content="{OTHER}">'))
    assert facts.digest == DIGEST
    facts = read_page(page(f'<meta name="otra" name="pregon:digest" content="{OTHER}">'))
    assert facts.digest is None
    # An anchor a browser cannot jump to does not make a live update look published.
    facts = read_page(page("", '<p id="parrafo" id="actualizacion-2">Texto</p><br id="salto" id="actualizacion-3"/>'))
    assert {"parrafo", "salto"} <= facts.ids
    assert not {"actualizacion-2", "actualizacion-3"} & facts.ids


@given(st.text(max_size=300))
def test_any_text_is_read_without_an_exception(text: str) -> None:
    facts = read_page(text)
    assert facts.digest is None or isinstance(facts.digest, str)
    assert isinstance(facts.body_html, str)


def test_the_live_check_refuses_a_page_that_says_two_digests(tmp_path: Path, hand_site: HandSite) -> None:
    spec = Spec("uno")
    hand_site.write([spec])
    index = hand_site.root / "prensa" / "uno" / "index.html"
    # Another digest first, the approved one after it: a reader that keeps the last would accept it.
    html = index.read_text(encoding="utf-8")
    assert html.count('<meta charset="utf-8">') == 1
    index.write_text(
        html.replace('<meta charset="utf-8">', f'<meta charset="utf-8"><meta name="pregon:digest" content="{OTHER}">'),
        encoding="utf-8",
    )
    with hand_site.serve() as site, httpx.Client() as client:
        manifest = parse_manifest(client.get(site + "pregon/manifest.json").content)
        verdict = LiveCheck(site, manifest, client).check(manifest.items[0])
        project = make_project(tmp_path / "project", {"channels": {"outbox": {"folder": "outbox"}}})
        approve(project, spec.digest)
        result = run_syndicate(project, site)
    assert not verdict.ok and "más de un" in verdict.reason
    assert result.returncode == 0, result.output
    assert "más de un" in result.output
    assert not (project / "outbox").exists()
    assert not any(line.get("state") == "intent" for line in ledger_lines(project))


def test_hostile_values_from_the_live_site_start_no_workflow_command(tmp_path: Path, hand_site: HandSite) -> None:
    """The build refuses control characters in what editors write; a live site (or manifest)
    that carries line breaks and command prefixes anyway, in a title, a summary or a page's
    digest, still prints no line that starts a GitHub Actions command, however a log reader
    splits lines. (A manifest with other control characters is refused whole:
    ``test_manifest_reader.py``.)"""
    allowed = [p for p in PAYLOADS if not INVISIBLE.search(p)]
    assert len(allowed) >= 4
    spec = Spec("uno", title="Título" + allowed[0], summary="Resumen " + " ".join(allowed))
    stale = Spec("dos")
    hand_site.write([spec, stale], page_digests={"dos": "&#10;::error::pwn&#10;##[error]x"})
    project = make_project(tmp_path / "project", {"channels": {"outbox": {"folder": "outbox"}}})
    approve(project, spec.digest)
    approve(project, stale.digest)
    with hand_site.serve() as site:
        result = run_syndicate(project, site, "--dry-run")
    assert result.returncode == 0, result.output
    assert "Resumen" in result.output and "otra versión" in result.output  # both reached the output
    lines = re.split("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", result.output)
    assert [line for line in lines if line.lstrip().startswith("::") or "##[" in line] == []
    assert "\x1b" not in result.output
