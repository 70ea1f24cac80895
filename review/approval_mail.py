"""E-mail to the approvers a pull request waits for: what each account will post, to approve it.

Addresses come from ``approvals.notify`` (approver login or ``org/team`` -> address) and the SMTP
settings from ``syndicate.alerts.smtp`` or the e-mail channel (``pregon.syndicate.alerts``). The
previews are rendered by the channels themselves (``preview.py``) from the pull request's head,
read as git objects into a temporary folder — the pull request's code is never run.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePosixPath

from pregon.plugins.problems import ReleaseError
from pregon.plugins.release import load_release
from pregon.syndicate.alerts import AlertError, send_mail, smtp_settings
from pregon.syndicate.config import SyndicateConfig

from .forge_git import Repository
from .preview import manifest_item, render
from .project import Project


def preview_text(project: Project, repo: Repository, commit: str, path: str) -> str:
    """Every configured account's post for the release at ``path`` in ``commit``."""
    folder = PurePosixPath(path).parent.as_posix()
    with repo.materialised(commit, folder) as root:
        if root is None:
            return f"{path}: no se pudo leer en el commit {commit[:10]}"
        docs = root / project.rules.docs_dir.resolve().relative_to(repo.root.resolve())
        rules = dataclasses.replace(project.rules, root=root, docs_dir=docs)
        try:
            release = load_release(root / path, rules)
        except ReleaseError as exc:
            return f"{path}: {exc}"
        item = manifest_item(dataclasses.replace(project, rules=rules), release)
        blocks = [f"{item.title}\n{item.url}\n"]
        for channel, config in project.channels.items():
            preview = render(channel, dict(config), item)
            size = f" ({preview.length}/{preview.limit} {preview.unit})" if preview.limit else ""
            images = "".join(f"\n  [imagen] {url} — alt: {alt}" for url, alt in preview.media)
            blocks.append(f"── {channel}{size}\n{preview.text}{images}\n")
        return "\n".join(blocks)


def notify_approvers(
    config: SyndicateConfig,
    project: Project,
    repo: Repository,
    commit: str,
    pr_url: str,
    waiting: dict[str, list[str]],
) -> list[str]:
    """E-mail each configured approver of the missing control points (``waiting``: role ->
    releases) the previews; returns notes for the log."""
    points = config.approvals.control_points
    addresses: dict[str, set[str]] = {}
    for role, paths in waiting.items():
        for approver in points.get(role, ()):
            address = config.approvals.notify.get(approver)
            if address:
                addresses.setdefault(address, set()).update(paths)
    if not addresses:
        return []
    settings = smtp_settings(config.alerts, config.channels)
    if settings is None:
        return ["approvals.notify tiene direcciones pero no hay SMTP (syndicate.alerts.smtp o el canal de correo)"]
    notes = []
    for address, paths in sorted(addresses.items()):
        body = (
            f"Este pull request espera su aprobación: {pr_url}\n"
            "Revise el texto y la pieza gráfica; así saldrá en cada cuenta:\n\n"
            + "\n\n".join(preview_text(project, repo, commit, p) for p in sorted(paths))
        )
        try:
            send_mail(settings, (address,), f"Pregón: aprobación pendiente ({len(paths)} comunicado(s))", body)
            notes.append(f"vista previa enviada a {address}")
        except AlertError as exc:
            notes.append(f"no se pudo enviar la vista previa a {address}: {exc}")
    return notes
