"""Yearly numbers of the press releases: «Comunicado n.º 023 de 2026».

A release gets its number the first time it is mailed, and keeps it: the number is written to
``numbering/AAAA.jsonl`` next to the sent log (in the records, ``records/email/numbering/``),
fsynced, and the caller makes the records durable (pushes them) **before** the first message
carrying it leaves. So a job killed at any moment either sent nothing with the number — and the
next run may give it again, to the same release or another, harmlessly — or the number is on
the records branch and the next run reads it back. The year is the release's date in Bogotá.
Lines hold the release id and its number only (:class:`.sendlog.SendLog`, latest line wins).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .sendlog import SendLog


@dataclass(frozen=True)
class ReleaseNumber:
    year: int
    number: int

    def label(self) -> str:
        return f"Comunicado n.º {self.number:03d} de {self.year}"


class Numbering:
    def __init__(self, folder: Path):
        self.folder = folder
        self._years: dict[int, SendLog] = {}

    def _log(self, year: int) -> SendLog:
        if year not in self._years:
            self._years[year] = SendLog(self.folder / f"{year}.jsonl", network="correo")
        return self._years[year]

    def get(self, item_id: str, year: int) -> ReleaseNumber | None:
        entry = self._log(year).get(item_id)
        return ReleaseNumber(year, int(entry["number"])) if entry else None

    def assign(self, item_id: str, year: int, make_durable: Callable[[], None]) -> ReleaseNumber:
        """The release's number, given now (recorded and made durable) if it had none."""
        known = self.get(item_id, year)
        if known is not None:
            return known
        log = self._log(year)
        number = 1 + max((int(entry["number"]) for _, entry in log.items()), default=0)
        log.record(item_id, year=year, number=number)
        make_durable()
        return ReleaseNumber(year, number)
