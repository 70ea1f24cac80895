"""The published portal's address as a person or a workflow gives it (``--site``), checked once.

Standard library only: ``python -m pregon.pendiente`` runs before anything is installed.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def check_site(value: str) -> str:
    """``value`` without surrounding spaces; ``ValueError`` with a Spanish reason if it is not the
    address of a web site. An address with a user or a password is refused without being
    repeated: it would print a secret in the job's log."""
    value = value.strip()
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or is out of range
    except ValueError:
        raise ValueError(f"«{value}» no es una dirección web válida (p. ej. https://prensa.entidad.gov.co/)") from None
    if parts.username is not None or parts.password is not None:
        raise ValueError("la dirección del portal no debe llevar usuario ni contraseña; quítelos")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"«{value}» no es una dirección web completa (p. ej. https://prensa.entidad.gov.co/)")
    return value
