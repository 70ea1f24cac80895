"""Numbers as an office in Colombia reads them: a comma for decimals, a dot for thousands.

The one place for it: the site's build (``plugins/``), ``pregon check`` (``review/``), the
channels (``syndicate/``) and the reports (``insights/colombia.py``) all word sizes and figures
with these, so a message never shows ``0.43`` on one screen and ``0,43`` on the next.
"""

from __future__ import annotations


def decimal(value: float, places: int = 2) -> str:
    """1.234,56"""
    text = f"{value:,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def size_text(n: int) -> str:
    """A file's size: «15,3 MB» (mebibytes, one decimal) from 1 MiB up, else «1.234 B»."""
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",") if n >= 1024 * 1024 else f"{n:,} B".replace(",", ".")
