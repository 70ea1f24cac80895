"""Journalists' mailing lists: who receives a release, and what was already sent to whom.

Recipients are personal data, so they never live in the repository or the site. They come from a
private YAML (or JSON) file whose path is configured (usually through ``!ENV``), or from an
environment variable holding the same document::

    periodistas-regionales:
      - redaccion@diario.example
      - "Ana Pérez <ana@emisora.example>"
    medios-nacionales: [mesa@agencia.example]

A release names the lists it goes to in ``press_lists``.

SMTP has no way to ask a server "did I already send this?", so :class:`SentLog` keeps that memory
next to the recipients, in the same private place: one JSON line per delivered message with its
deterministic Message-ID and a hash of the address (not the address). A message the server
accepted but that the process died before logging is sent again on the next run; it then carries
the same Message-ID, which lets mail clients and archives recognise the copy.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import yaml
from email_validator import EmailNotValidError, ValidatedEmail, validate_email

from .base import PermanentError


def inside_repository(path: Path) -> Path | None:
    """The git work tree containing ``path``, if any (recipients must stay out of every repo)."""
    for folder in path.resolve().parents:
        if (folder / ".git").exists():
            return folder
    return None


def load_lists(file: Path | None, env_var: str) -> dict[str, tuple[str, ...]]:
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
                f"correo: no se puede leer el archivo de destinatarios {file} ({exc.strerror})"
            ) from None
    elif os.environ.get(env_var):
        text, where = os.environ[env_var], f"la variable de entorno {env_var}"
    else:
        raise PermanentError(
            f"correo: no hay destinatarios; configure recipients_file o la variable de entorno {env_var}"
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise PermanentError(f"correo: {where} no es YAML ni JSON válido") from None
    if not isinstance(data, Mapping):
        raise PermanentError(f"correo: {where} debe ser un mapa lista → direcciones")
    lists: dict[str, tuple[str, ...]] = {}
    for name, entries in data.items():
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise PermanentError(f"correo: {where}: la lista {name!r} debe ser una lista de direcciones")
        addresses = []
        for number, entry in enumerate(entries, 1):
            address = recipient_address(entry)
            if address is None:
                # The list and the position, never the entry: it is personal data and logs are public.
                raise PermanentError(
                    f"correo: {where}: la entrada {number} de la lista {name!r} no es una dirección válida "
                    "(una sola dirección por entrada, p. ej. «Nombre <correo@medio.com>»)"
                )
            addresses.append(address)
        lists[str(name)] = tuple(addresses)
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


def address_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:24]


class SentLog:
    """Append-only JSON Lines of handled messages (``sent`` or ``refused``), fsynced line by line."""

    def __init__(self, path: Path):
        self.path = path
        self._done: dict[str, str] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    self._done[entry["message_id"]] = entry.get("status", "sent")

    def __contains__(self, message_id: str) -> bool:
        """Whether the message was handled: delivered, or refused for good by the server."""
        return message_id in self._done

    def status(self, message_id: str) -> str | None:
        return self._done.get(message_id)

    def record(self, message_id: str, *, key: str, press_list: str, address: str, status: str = "sent") -> None:
        entry: dict[str, Any] = {
            "v": 1,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "status": status,
            "message_id": message_id,
            "key": key,
            "list": press_list,
            "recipient": address_hash(address),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._done[message_id] = status
