"""``pregon check``: every rule applied to each release, collected in one :class:`CheckResult`.

Errors (the release cannot go out as written) come from the portal's own loader, broken links,
images no network can take, and posts over a network's limit. Warnings and notices are hints for
the reviewer: language, personal data, electoral periods, spelling, plain language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pregon.plugins.lifecycle import now
from pregon.plugins.nesting import NestingGuard, TooDeep
from pregon.plugins.problems import ReleaseError
from pregon.plugins.release import Media, Release, release_from_source, update_id
from pregon.plugins.sanitize import body_problems, removals
from pregon.plugins.source import SourceFile, display_path, read_source
from pregon.plugins.symlinks import symlink_problems

from . import (
    electoral,
    inclusive,
    links,
    media,
    personal,
    plain,
    preview,
    prose,
    spelling,
)
from .findings import CheckResult, Finding, ReleaseReport, Severity
from .project import Project

RULE_SCHEMA = "esquema"
RULE_CONFIG = "configuracion"
RULE_HTML = "html"


@dataclass
class Toolkit:
    """Rule data loaded once per run."""

    terms: list[inclusive.Rule]
    periods: list[electoral.Period]
    speller: spelling.SpellChecker | None
    max_sentence_words: int


def load_toolkit(project: Project, result: CheckResult) -> Toolkit | None:
    """Load the office's rule files; problems go to ``result`` (None if a file is unusable)."""
    config = str(project.config_file)
    try:
        terms = inclusive.load_rule_set(project.inclusive_rule_files(), project.review.inclusive_rules_off)
        periods = electoral.load_calendar(project.rule_file("electoral_calendar"))
    except inclusive.RuleFileError as exc:
        result.general.append(Finding(Severity.ERROR, RULE_CONFIG, config, str(exc)))
        return None
    speller = None
    if project.review.spelling:
        try:
            words = spelling.load_words(project.rule_file("words"))
            # A word the rules suggest must never be reported as a spelling mistake.
            speller = spelling.SpellChecker(project.review.dictionary, words | inclusive.suggested_words(terms))
        except spelling.DictionaryMissing as exc:
            result.general.append(Finding(Severity.WARNING, spelling.RULE, config, str(exc)))
    return Toolkit(terms, periods, speller, project.review.max_sentence_words)


def _images(release: Release, raw_updates: list[object]) -> list[tuple[str, Media, tuple[str | int, ...]]]:
    """(field, media, front-matter location) of every image of the release and its live updates."""
    out: list[tuple[str, Media, tuple[str | int, ...]]] = []
    if release.image is not None:
        out.append(("image", release.image, ("image",)))
    out.extend((f"gallery[{i}].src", m, ("gallery", i, "src")) for i, m in enumerate(release.gallery))
    by_id = {u.id: u for u in release.updates}
    for i, raw in enumerate(raw_updates):
        update = by_id.get(update_id(raw)) if isinstance(raw, dict) else None
        if update is not None:
            out.extend((f"updates[{i}].image", m, ("updates", i, "image")) for m in update.media)
    return out


def _near(source: SourceFile, field_name: str | None) -> int | None:
    """Line of the field a missing one belongs to: `image` for a missing `image_alt`, and so on."""
    if not field_name:
        return None
    owner = re.sub(r"(_alt|\.alt)$", "", field_name)
    if owner == field_name:
        return None
    loc = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", owner)]
    if field_name.endswith(".alt"):
        loc.append("src")
    return source.line(tuple(loc))


def _check_body_html(report: ReleaseReport, source: SourceFile, project: Project) -> None:
    """Errors for what the portal's sanitiser would remove from the body, as the build renders it."""
    import markdown

    guard = NestingGuard()
    guard.page(lambda: (report.path, prose.body_first_line(source)))
    converter = markdown.Markdown(
        extensions=[*project.markdown_extensions, guard], extension_configs=dict(project.markdown_configs)
    )
    try:
        html = converter.convert(source.body)
    except TooDeep as exc:  # the build refuses it alike
        report.error(RULE_HTML, exc.reason, exc.line)
        return
    removed = removals(html, project.iframe_hosts)
    for problem in body_problems(report.path, source.body, prose.body_first_line(source), removed):
        report.error(RULE_HTML, problem.message, problem.line)


def check_release(
    path: Path, project: Project, tools: Toolkit, *, strip_exif: bool = False, dry_run: bool = False
) -> ReleaseReport:
    """Apply every rule to the release at ``path``."""
    report = ReleaseReport(display_path(path, project.root))
    try:
        source = read_source(path, project.root)
    except ReleaseError as exc:
        for problem in exc.problems:
            report.error(RULE_SCHEMA, problem.message, problem.line)
        return report
    if isinstance(source.meta.get("title"), str):
        report.title = source.meta["title"]
    links.check(report, source, project.rules.docs_dir)
    _check_body_html(report, source, project)

    release: Release | None = None
    try:
        release = release_from_source(source, project.rules)
    except ReleaseError as exc:
        for problem in exc.problems:
            if problem.field != "body":  # body images are reported by links.check, with their line
                report.error(RULE_SCHEMA, problem.message, problem.line or _near(source, problem.field))
    if release is not None:
        for problem in release.warnings:
            report.warning(RULE_SCHEMA, problem.message, problem.line)
        raw_updates = source.meta.get("updates") or []
        images = [(name, m, source.line(loc)) for name, m, loc in _images(release, raw_updates)]
        lines = {"title": source.line(("title",)), "accounts": source.line(("accounts",))}
        lines.update({f"social.{k}": source.line(("social", k)) for k in release.meta.social})
        lines.update(
            {
                f"update:{update_id(u)}": source.line(("updates", i, "text"))
                for i, u in enumerate(raw_updates)
                if isinstance(u, dict)
            }
        )
        image_lines = {m.src.rsplit("/", 1)[-1]: ln for _, m, ln in images if m.src}
        rendered = preview.check(report, project, release, lines, image_lines)
        networks = {str(options.get("network") or key) for key, options in project.channels.items()}
        media.check(report, images, networks, rendered)
        docs_dir = project.rules.docs_dir
        local = [(n, m.kind, docs_dir / m.src, ln) for n, m, ln in images if m.src]
        broken = media.check_complete(report, [(n, path, ln) for n, kind, path, ln in local if kind == "image"])
        personal.check_images(
            report, [(n, path, ln) for n, _, path, ln in local if path not in broken], strip=strip_exif, dry_run=dry_run
        )
        plain.check_preview_lengths(
            report, release.meta.title, release.meta.summary, lines["title"], source.line(("summary",))
        )
        tz = project.rules.timezone
        day = electoral.publication_day(release.date.astimezone(tz), now(tz))
        electoral.check(report, day, tools.periods, source.line(("date",)))

    pieces = list(prose.pieces(source))
    inclusive.check(report, pieces, tools.terms)
    personal.check_text(
        report,
        pieces,
        project.entity_emails,
        project.review.allowed_emails,
        (*project.entity_phones, *project.review.allowed_phones),
    )
    if tools.speller is not None:
        spelling.check(report, pieces, tools.speller)
    plain.check_sentences(report, pieces, tools.max_sentence_words)
    report.findings.sort(key=lambda f: (f.line or 0, f.severity != Severity.ERROR))
    return report


def check_config(project: Project, result: CheckResult) -> None:
    """The ``syndicate`` configuration of every account: an invalid one fails the check, with its
    line in mkdocs.yml; an unset environment variable is a warning (PRs get no secrets)."""
    from pregon.syndicate.config_check import config_issues

    where = display_path(project.config_file, project.root)
    for issue in config_issues(project.config_file):
        severity = Severity.ERROR if issue.severity == "error" else Severity.WARNING
        result.general.append(Finding(severity, RULE_CONFIG, where, issue.message, issue.line))


def run(project: Project, paths: Iterable[Path], *, strip_exif: bool = False, dry_run: bool = False) -> CheckResult:
    """Check the configuration, then every release in ``paths`` (files that are not releases are
    skipped)."""
    result = CheckResult()
    for problem in symlink_problems(project.rules.docs_dir, project.root):
        result.general.append(Finding(Severity.ERROR, RULE_SCHEMA, problem.path, problem.message))
    check_config(project, result)
    tools = load_toolkit(project, result)
    if tools is None:
        return result
    for path in paths:
        result.reports.append(check_release(path, project, tools, strip_exif=strip_exif, dry_run=dry_run))
    return result
