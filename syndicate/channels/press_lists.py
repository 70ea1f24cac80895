"""Journalists' mailing lists: who receives a release, and what was already sent to whom.

Recipients are personal data, so they never live in the repository or the site. They come from a
private YAML (or JSON) file whose path is configured (usually through ``!ENV``), or from an
environment variable holding the same document::

    periodistas-regionales:
      - redaccion@diario.example
      - "Ana Pérez <ana@emisora.example>"
      - '"Gómez, Luis" <luis@radio.example>'   # a name with a comma goes in double quotes
    medios-nacionales:                          # a list with options
      live_updates: true                        # also receives the updates of live coverage
      recipients: [mesa@agencia.example]

A release names the lists it goes to in ``press_lists``. The name of an entry (``Ana Pérez``)
is shown in the message's ``To:``. Updates of a live-covered release go only to the lists that
say ``live_updates: true`` (default: no — a journalist asked for releases, not for every minute).

SMTP has no way to ask a server "did I already send this?", so :class:`SentLog` keeps that memory
in the records (pushed to the records branch every few recipients, see ``sent_log_every``): one
JSON line per handled message, identified by a keyed hash of its deterministic Message-ID, never
by the address. A message the server accepted but that was not yet made durable when the job died
is sent again by the next run; it then carries the same Message-ID, which lets mail clients and
archives recognise the copy.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import yaml
from email_validator import EmailNotValidError, ValidatedEmail, validate_email

from pregon.os_errors import reason
from pregon.yaml_es import yaml_reason
from pregon.yaml_limits import safe_load

from ..jsonlines import RecordError, append_lines, append_records, read_file, read_records
from .base import PermanentError


def inside_repository(path: Path) -> Path | None:
    """The git work tree containing ``path``, if any (recipients must stay out of every repo)."""
    for folder in path.resolve().parents:
        if (folder / ".git").exists():
            return folder
    return None


@dataclass(frozen=True)
class Recipient:
    address: str
    """Where the message goes (``recipient_address``: ASCII local part, IDNA domain)."""
    name: str = ""
    """The display name of the list entry, shown in ``To:`` (may be empty)."""


@dataclass(frozen=True)
class PressList:
    recipients: tuple[Recipient, ...]
    live_updates: bool = False
    """Whether the list also receives the updates of live-covered releases (opt-in)."""


_LIST_OPTIONS = frozenset({"recipients", "live_updates"})


def load_lists(file: Path | None, env_var: str) -> dict[str, tuple[str, ...]]:
    """The addresses of each list (see :func:`load_press_lists`)."""
    return {
        name: tuple(r.address for r in press_list.recipients)
        for name, press_list in load_press_lists(file, env_var).items()
    }


def load_press_lists(file: Path | None, env_var: str) -> dict[str, PressList]:
    """Lists from the private ``file``, else from the environment variable ``env_var``.

    Errors are Spanish and never repeat an address.
    """
    if file is not None:
        repo = inside_repository(file)
        if repo is not None:
            raise PermanentError(
                f"correo: el archivo de destinatarios {file} está dentro del repositorio {repo}; "
                "guárdelo fuera de cualquier repositorio (son datos personales)"
            )
        try:
            text, where = file.read_text(encoding="utf-8"), str(file)
        except OSError as exc:
            raise PermanentError(
                f"correo: no se puede leer el archivo de destinatarios {file} ({reason(exc)})"
            ) from None
    elif os.environ.get(env_var):
        text, where = os.environ[env_var], f"la variable de entorno {env_var}"
    else:
        raise PermanentError(
            f"correo: no hay destinatarios; configure recipients_file o la variable de entorno {env_var}"
        )
    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        raise PermanentError(f"correo: {where} no es YAML ni JSON válido ({yaml_reason(exc)})") from None
    except RecursionError:
        raise PermanentError(f"correo: {where} tiene demasiados niveles anidados") from None
    if not isinstance(data, Mapping):
        raise PermanentError(f"correo: {where} debe ser un mapa lista → direcciones")
    lists: dict[str, PressList] = {}
    for name, value in data.items():
        live_updates: Any = False
        entries = value
        if isinstance(value, Mapping):
            unknown = sorted(str(k) for k in value if k not in _LIST_OPTIONS)
            if unknown:
                raise PermanentError(
                    f"correo: {where}: la lista {name!r} tiene opciones desconocidas ({', '.join(unknown)}); "
                    "se admiten recipients y live_updates"
                )
            entries, live_updates = value.get("recipients"), value.get("live_updates", False)
            if not isinstance(live_updates, bool):
                raise PermanentError(f"correo: {where}: la lista {name!r}: live_updates debe ser true o false")
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise PermanentError(f"correo: {where}: la lista {name!r} debe ser una lista de direcciones")
        recipients = []
        for number, entry in enumerate(entries, 1):
            address = recipient_address(entry)
            if address is None:
                # The list and the position, never the entry: it is personal data and logs are public.
                raise PermanentError(
                    f"correo: {where}: la entrada {number} de la lista {name!r} no es una dirección válida "
                    "(una sola dirección por entrada, p. ej. «Nombre <correo@medio.com>»)"
                )
            recipients.append(Recipient(address, getaddresses([entry.strip()])[0][0].strip()))
        lists[str(name)] = PressList(tuple(recipients), live_updates)
    return lists


def _validated(address: str, *, ascii_only: bool) -> ValidatedEmail | None:
    try:
        return validate_email(
            address,
            check_deliverability=False,  # no DNS from CI; the SMTP server has the last word
            allow_smtputf8=not ascii_only,
            test_environment=True,  # RFC 2606 ".test" names: a rehearsal installation, nobody's mailbox
        )
    except EmailNotValidError:
        return None


def _single_address(text: str) -> str | None:
    """The address of ``text`` when it holds exactly one (``a@b.co`` or ``Name <a@b.co>``)."""
    text = text.strip()
    if not text or not text.isprintable():
        return None
    pairs = getaddresses([text])
    if len(pairs) != 1 or not pairs[0][1]:
        return None
    return pairs[0][1]


def valid_address(text: str, *, display_name: bool = False, ascii_only: bool = False) -> bool:
    """Whether ``text`` is one e-mail address (with ``display_name``: optionally ``Name <address>``)."""
    address = _single_address(text) if display_name else text.strip()
    return address is not None and _validated(address, ascii_only=ascii_only) is not None


def recipient_address(entry: str) -> str | None:
    """The address to send to for one list entry (``a@b.co`` or ``Name <a@b.co>``), or None.

    Addresses must be ASCII before the "@" (not every server speaks SMTPUTF8); a domain with
    accents travels in its ASCII (IDNA) form. Otherwise the address stays as written, so message
    ids and the sent log keep recognising it."""
    address = _single_address(entry)
    result = _validated(address, ascii_only=True) if address is not None else None
    if address is None or result is None or result.ascii_email is None:
        return None
    return address if address.isascii() else result.ascii_email


class SentLog:
    """What was already handled (``sent`` or ``refused``), one JSON line per message, fsynced.

    Either a monthly folder inside the records (``records/email/AAAA-MM.jsonl``, pushed to the
    records branch, so it survives the runner) or one private file (``sent_log:``). Lines carry
    no address and no Message-ID (which is derived from the address): only ``id``, an HMAC of the
    Message-ID under ``key`` (a secret from the environment), the post key, the list and the
    status. Without the secret nobody can test whether an address received a release."""

    def __init__(self, path: Path, key: bytes, *, folder: bool):
        self.path = path
        self.key = key
        self.folder = folder
        self._done: dict[str, str] = {}
        lines = read_records(path) if folder else (read_file(path) if path.exists() else iter(()))
        for place, entry in lines:
            if not isinstance(entry, dict):
                raise RecordError(f"{place}: línea ilegible (se esperaba un objeto JSON)")
            # Older private logs kept the Message-ID itself; it maps to the same id.
            ident = entry.get("id") or (
                self._id(entry["message_id"]) if isinstance(entry.get("message_id"), str) else None
            )
            status = entry.get("status", "sent")
            if not isinstance(ident, str) or status not in ("sent", "refused"):
                raise RecordError(f"{place}: línea ilegible (se esperaban id y status sent/refused)")
            self._done[ident] = status

    def _id(self, message_id: str) -> str:
        return hmac.new(self.key, message_id.encode(), "sha256").hexdigest()[:32]

    def __contains__(self, message_id: str) -> bool:
        """Whether the message was handled: delivered, or refused for good by the server."""
        return self._id(message_id) in self._done

    def status(self, message_id: str) -> str | None:
        return self._done.get(self._id(message_id))

    def record(self, message_id: str, *, key: str, press_list: str, status: str = "sent") -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        entry: dict[str, Any] = {
            "v": 1,
            "at": at,
            "status": status,
            "id": self._id(message_id),
            "key": key,
            "list": press_list,
        }
        if self.folder:
            append_records(self.path, at[:7], [entry], durable=True)
        else:
            append_lines(self.path, [entry], durable=True, mode=0o600)
        self._done[entry["id"]] = status
