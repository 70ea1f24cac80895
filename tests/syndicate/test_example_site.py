"""The example portal end to end: built by the real plugins, served over real HTTP, syndicated
to the outbox with the ``records`` approvals that ship in ``records/approvals/``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx

from tests.conftest import free_port, serve_directory
from tests.syndicate.harness import SyndicateProcess, run_syndicate
from tests.syndicate.sitekit import ledger_lines


def _fresh(project: Path) -> Path:
    # Tests start from the approvals only: a ledger left by a local `make demo` must not count.
    for name in ("ledger", "decisions"):
        shutil.rmtree(project / "records" / name, ignore_errors=True)
    return project


def _manifest(site: str) -> dict:
    return httpx.get(site + "pregon/manifest.json").json()


def _posted(project: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((project / "outbox").glob("*.json"))]


def test_example_site_posts_every_live_approved_item_exactly_once(served_site: str, project_copy: Path) -> None:
    project = _fresh(project_copy)
    manifest = _manifest(served_site)
    assert manifest["items"], "the example site has no items"
    first = run_syndicate(project, served_site, "--publish-backlog")
    assert first.returncode == 0, first.output
    posted = _posted(project)
    expected = {(i["id"], None) for i in manifest["items"]} | {
        (i["id"], u["id"]) for i in manifest["items"] if i.get("live") for u in i["updates"]
    }
    assert len(posted) == len(expected)
    assert {(p["item"], p["update"]) for p in posted} == expected
    for post in posted:
        for image in post["images"]:
            assert (project / "outbox" / image["file"]).read_bytes() == httpx.get(image["url"]).content

    second = run_syndicate(project, served_site)
    assert second.returncode == 0, second.output
    assert len(_posted(project)) == len(posted)
    assert sum(1 for line in ledger_lines(project) if line["state"] == "confirmed") == len(posted)


def test_example_site_first_run_refuses_the_backlog_without_seed(served_site: str, project_copy: Path) -> None:
    project = _fresh(project_copy)
    result = run_syndicate(project, served_site)
    assert result.returncode == 1
    assert "--seed" in result.stdout and "--publish-backlog" in result.stdout
    assert not (project / "outbox").exists()


def test_stale_deploy_of_one_page_holds_only_that_item(built_site: Path, tmp_path: Path, project_copy: Path) -> None:
    """A copy of the built site where one page still carries an older digest (partial deploy)."""
    project = _fresh(project_copy)
    manifest = json.loads((built_site / "pregon" / "manifest.json").read_text())
    stale = manifest["items"][0]
    copy = tmp_path / "stale-site"
    shutil.copytree(built_site, copy)
    page = copy / stale["url"].removeprefix(manifest["site_url"]) / "index.html"
    html = page.read_text(encoding="utf-8")
    assert stale["digest"] in html
    page.write_text(html.replace(stale["digest"], "sha256:" + "0" * 64), encoding="utf-8")
    # The copy is deployed under another address: move every absolute URL there.
    port = free_port()
    new_url = f"http://127.0.0.1:{port}/"
    for path in copy.rglob("*"):
        if path.suffix in (".html", ".json", ".xml"):
            path.write_text(
                path.read_text(encoding="utf-8").replace(manifest["site_url"], new_url),
                encoding="utf-8",
            )
    with serve_directory(copy, port) as site:
        result = run_syndicate(project, site, "--publish-backlog")
    assert result.returncode == 0, result.output
    posted_items = {p["item"] for p in _posted(project)}
    assert stale["id"] not in posted_items
    assert posted_items == {i["id"] for i in manifest["items"][1:]}
    assert "otra versión" in result.stdout


def test_unapproved_example_is_not_posted(served_site: str, project_copy: Path) -> None:
    project = _fresh(project_copy)
    manifest = _manifest(served_site)
    held = manifest["items"][-1]
    approvals = project / "records" / "approvals"
    for path in approvals.glob("*.jsonl"):
        lines = [line for line in path.read_text().splitlines() if held["digest"] not in line]
        path.write_text("\n".join(lines) + "\n")
    result = run_syndicate(project, served_site, "--publish-backlog")
    assert result.returncode == 0, result.output
    assert held["id"] not in {p["item"] for p in _posted(project)}
    assert "sin aprobación" in result.stdout
    decisions = [
        json.loads(line)
        for p in (project / "records" / "decisions").glob("*.jsonl")
        for line in p.read_text().splitlines()
    ]
    refused = [d for d in decisions if not d["approved"]]
    assert [d["item"] for d in refused] == [held["id"]] and refused[0]["provider"] == "records"


def test_demo_builds_serves_and_syndicates_once(project_copy: Path) -> None:
    project = _fresh(project_copy)
    port = free_port()
    first = SyndicateProcess(project, "", "--no-serve", "--port", str(port), command="demo").start().wait(300)
    assert first.returncode == 0, first.output
    assert "publicado" in first.stdout and (project / "site" / "pregon" / "manifest.json").is_file()
    posted = len(_posted(project))
    assert posted > 0
    second = SyndicateProcess(project, "", "--no-serve", "--port", str(port), command="demo").start().wait(300)
    assert second.returncode == 0, second.output
    assert "Nada nuevo que publicar" in second.stdout
    assert len(_posted(project)) == posted
