"""Small, deterministic repairs of markup the theme (Material) writes outside any template block
Pregón can override, so every page passes the Nu HTML Checker.

Material puts ``autocomplete="off"`` on its drawer and search toggles, which are checkboxes; HTML
allows ``autocomplete`` on text-like inputs only. (It is there so Firefox does not restore a
toggle's state on "back"; Pregón's pages open with the drawer closed either way.)
"""

from __future__ import annotations

import re

_CHECKBOX = re.compile(r"<input\b[^>]*\btype=\"checkbox\"[^>]*>", re.IGNORECASE)
_AUTOCOMPLETE = re.compile(r"\s+autocomplete=\"[^\"]*\"", re.IGNORECASE)


def conform(html: str) -> str:
    """``html`` with the attributes HTML does not allow where the theme writes them removed."""
    return _CHECKBOX.sub(lambda m: _AUTOCOMPLETE.sub("", m.group(0)), html)
