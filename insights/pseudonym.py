"""Pseudonymisation of replies and mentions before they appear in a report (Ley 1581 de 2012).

Authors and mention ids become keyed hashes (HMAC-SHA256 with a secret salt kept in the private
store), so the same person gets the same code across reports without the code revealing who it is:
without the salt nobody can hash a known handle and look for it. Texts keep their words but lose
@handles, e-mail addresses, phone numbers, links (a profile link names its owner) and the author's
own name where it appears.
"""

from __future__ import annotations

import hashlib
import hmac
import re

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
HANDLE = re.compile(r"(?<![\w@])@[\w.\-]*\w")
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Seven or more digits, possibly grouped by spaces, dots, dashes or parentheses, with an optional
# +57-style prefix: Colombian mobiles (300 123 4567), landlines (601 234 5678) and the like.
PHONE = re.compile(r"(?<!\w)\+?\(?\d(?:[\s.\-()]*\d){6,}(?!\w)")


def pseudonym(salt: bytes, *parts: str, length: int = 12) -> str:
    """A stable code for ``parts`` (e.g. channel and author) that cannot be reversed without ``salt``."""
    digest = hmac.new(salt, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
    return digest[:length]


def mask(text: str, names: tuple[str, ...] = ()) -> str:
    """``text`` without e-mails, @handles, links, phone numbers or any of ``names``."""
    text = EMAIL.sub("[correo]", text)
    text = URL.sub("[enlace]", text)
    text = HANDLE.sub("@usuario", text)
    text = PHONE.sub("[teléfono]", text)
    for name in names:
        bare = name.lstrip("@").strip()
        if len(bare) >= 3:
            text = re.sub(rf"(?<!\w){re.escape(bare)}(?!\w)", "[nombre]", text, flags=re.IGNORECASE)
    return text
