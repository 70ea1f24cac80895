"""The private store: reply and mention texts, kept out of the public repository.

Texts and authors of replies are personal data (Ley 1581 de 2012), so they never go to
``records/``. They live in the folder named by ``PREGON_PRIVATE_DIR`` (an encrypted volume, a
private bucket mounted by the workflow…), which must not be inside a git working tree, and are
purged after the configured retention on every ``pregon collect``.

Layout (JSON Lines, one ``"v": 1`` object per line)::

    menciones/AAAA-MM.jsonl            one line per reply or mention, by month of creation
    sentimiento/correcciones.jsonl     analysts' label corrections, by pseudonymous id
    sentimiento/etiquetas-oficina.jsonl  the office's own labelled texts (pregon sentiment train)
    informes/                          sentiment reports (pseudonymised texts), purged like mentions
    sal                                the secret salt of the pseudonyms (see pseudonym.py)
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from .jsonl import read_lines
from .months import Month
from .pseudonym import pseudonym
from .sentiment.labelled import Example

ENV = "PREGON_PRIVATE_DIR"


class PrivateStoreError(RuntimeError):
    """The private folder is missing, unset, or would leak personal data into a repository."""


@dataclass(frozen=True)
class StoredMention:
    """A reply or mention as kept in the private store."""

    channel: str
    remote_id: str
    author: str
    text: str
    created_at: datetime
    in_reply_to: str | None = None
    url: str | None = None

    def to_line(self, collected_at: datetime) -> dict[str, Any]:
        return {
            "v": 1,
            "channel": self.channel,
            "remote_id": self.remote_id,
            "author": self.author,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
            "in_reply_to": self.in_reply_to,
            "url": self.url,
            "collected_at": collected_at.isoformat(),
        }

    @classmethod
    def from_line(cls, line: dict[str, Any]) -> StoredMention:
        return cls(
            channel=line["channel"],
            remote_id=line["remote_id"],
            author=line["author"],
            text=line["text"],
            created_at=datetime.fromisoformat(line["created_at"]),
            in_reply_to=line.get("in_reply_to"),
            url=line.get("url"),
        )


def _inside_git_tree(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _write_jsonl(path: Path, lines: Iterable[dict[str, Any]]) -> None:
    """Replace ``path`` atomically, so a crash never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


class PrivateStore:
    """Reply and mention texts, corrections and office labels in ``PREGON_PRIVATE_DIR``."""

    def __init__(self, root: Path):
        root = root.expanduser().resolve()
        repo = _inside_git_tree(root)
        if repo is not None:
            raise PrivateStoreError(
                f"{ENV}={root} está dentro del repositorio {repo}: los textos de respuestas y menciones "
                "son datos personales (Ley 1581 de 2012) y no pueden quedar en un repositorio; "
                "use una carpeta privada fuera de él"
            )
        self.root = root

    @classmethod
    def configured(cls) -> PrivateStore | None:
        """The store named by ``PREGON_PRIVATE_DIR``, or ``None`` when the variable is unset."""
        value = os.environ.get(ENV)
        return cls(Path(value)) if value else None

    @classmethod
    def from_env(cls) -> PrivateStore:
        """The store named by ``PREGON_PRIVATE_DIR``; a Spanish error when the variable is unset."""
        store = cls.configured()
        if store is None:
            raise PrivateStoreError(
                f"falta la variable de entorno {ENV}: la carpeta privada (fuera del repositorio) "
                "donde se guardan los textos de respuestas y menciones"
            )
        return store

    # --- salt ------------------------------------------------------------------------------
    @cached_property
    def salt(self) -> bytes:
        """The secret key of the pseudonyms, created on first use."""
        path = self.root / "sal"
        if not path.is_file():
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        return bytes.fromhex(path.read_text().strip())

    def mention_id(self, channel: str, remote_id: str) -> str:
        """The pseudonymous id of a mention: what reports and correction files show."""
        return pseudonym(self.salt, "mencion", channel, remote_id)

    def author_code(self, channel: str, author: str) -> str:
        return pseudonym(self.salt, "autor", channel, author, length=10)

    # --- mentions --------------------------------------------------------------------------
    def _month_file(self, month: Month | str) -> Path:
        return self.root / "menciones" / f"{month}.jsonl"

    def add_mentions(self, mentions: Iterable[StoredMention], collected_at: datetime) -> list[StoredMention]:
        """Store mentions not stored yet (by channel and remote id); return those that were new."""
        by_month: dict[str, list[StoredMention]] = {}
        for mention in mentions:
            by_month.setdefault(mention.created_at.astimezone(UTC).strftime("%Y-%m"), []).append(mention)
        added: list[StoredMention] = []
        for month, batch in by_month.items():
            path = self._month_file(month)
            lines = list(read_lines(path))
            known = {(line["channel"], line["remote_id"]) for line in lines}
            for mention in batch:
                if (mention.channel, mention.remote_id) not in known:
                    known.add((mention.channel, mention.remote_id))
                    lines.append(mention.to_line(collected_at))
                    added.append(mention)
            _write_jsonl(path, lines)
        return added

    def mentions(self, month: Month) -> list[StoredMention]:
        """The stored mentions created in ``month`` (AAAA-MM, UTC)."""
        return [StoredMention.from_line(line) for line in read_lines(self._month_file(month))]

    def latest_mention(self, channel: str) -> datetime | None:
        """When the newest stored mention of ``channel`` was created (where the next collect resumes)."""
        folder = self.root / "menciones"
        for path in sorted(folder.glob("*.jsonl"), reverse=True) if folder.is_dir() else ():
            times = [datetime.fromisoformat(x["created_at"]) for x in read_lines(path) if x["channel"] == channel]
            if times:
                return max(times)
        return None

    def purge(self, retention_days: int, now: datetime) -> int:
        """Delete mentions created more than ``retention_days`` ago; return how many were deleted.

        Sentiment reports written here (``informes/``) quote those texts, so reports older than the
        retention go too.
        """
        limit = now - timedelta(days=retention_days)
        reports = self.root / "informes"
        for path in reports.iterdir() if reports.is_dir() else ():
            if path.is_file() and path.stat().st_mtime < limit.timestamp():
                path.unlink()
        folder = self.root / "menciones"
        removed = 0
        for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else ():
            lines = list(read_lines(path))
            kept = [x for x in lines if datetime.fromisoformat(x["created_at"]) >= limit]
            removed += len(lines) - len(kept)
            if not kept:
                path.unlink()
            elif len(kept) != len(lines):
                _write_jsonl(path, kept)
        return removed

    # --- corrections and office labels -----------------------------------------------------
    def corrections(self) -> dict[str, str]:
        """Analysts' corrected labels by pseudonymous mention id; the latest correction wins."""
        path = self.root / "sentimiento" / "correcciones.jsonl"
        return {line["id"]: line["etiqueta"] for line in read_lines(path)}

    def add_corrections(self, corrections: dict[str, str], at: datetime) -> None:
        path = self.root / "sentimiento" / "correcciones.jsonl"
        lines = list(read_lines(path))
        lines += [{"v": 1, "id": i, "etiqueta": label, "at": at.isoformat()} for i, label in corrections.items()]
        _write_jsonl(path, lines)

    def office_labels(self) -> list[Example]:
        path = self.root / "sentimiento" / "etiquetas-oficina.jsonl"
        return [Example(line["texto"], line["etiqueta"]) for line in read_lines(path)]

    def set_office_labels(self, examples: Iterable[Example]) -> None:
        path = self.root / "sentimiento" / "etiquetas-oficina.jsonl"
        _write_jsonl(path, ({"v": 1, "texto": e.text, "etiqueta": e.label} for e in examples))
