"""The Content-Security-Policy every page carries, in a ``<meta http-equiv>`` it satisfies.

Scripts come from the site itself; the few inline scripts the theme writes (Material's
``__md_scope`` helpers, the announcement's "already dismissed" check) are allowed by their
SHA-256, computed on the final page, so a script that is not the theme's never runs even if
it reached a page. Frames only from the embeds the office lists, images from the site (and the
``data:`` icons Material's stylesheet uses), fonts from the site only, no plugins, no ``<base>``
tricks, forms only to the site. The search page also allows WebAssembly, which Pagefind needs.

A policy in a meta tag cannot say ``frame-ancestors`` or ``report-uri`` (browsers ignore them
there with a console error), so it does not; a server that can send headers may add them.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

# The theme's tag (plugins/theme/main.html): strict until the page's hashes are known.
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')
FALLBACK = "default-src 'self'; object-src 'none'; base-uri 'self'"

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<code>.*?)</script>", re.DOTALL | re.IGNORECASE)
_INLINE_STYLE = re.compile(r"<style(?:\s[^>]*)?>(?P<css>.*?)</style>", re.DOTALL | re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
WASM_MARKER = "pagefind/pagefind-ui.js"


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _inline_script_hashes(html: str) -> list[str]:
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE):
            continue
        kind = _TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") in _JS_TYPES:  # JSON and JSON-LD are data, never run
            hashes.append(_hash(match.group("code")))
    return list(dict.fromkeys(hashes))


def policy(html: str, frame_sources: Iterable[str]) -> str:
    """The policy for one finished page (``html`` without the parts its body wrote)."""
    scripts = ["'self'", *_inline_script_hashes(html)]
    if WASM_MARKER in html:
        scripts.append("'wasm-unsafe-eval'")
    styles = ["'self'", *dict.fromkeys(_hash(m.group("css")) for m in _INLINE_STYLE.finditer(html))]
    frames = list(frame_sources) or ["'none'"]
    directives = [
        "default-src 'self'",
        f"script-src {' '.join(scripts)}",
        f"style-src {' '.join(styles)}",
        "img-src 'self' data:",
        "font-src 'self'",
        "media-src 'self'",
        "connect-src 'self'",
        f"frame-src {' '.join(frames)}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def apply(output: str, body: str | None, frame_sources: Iterable[str]) -> str:
    """Fill the page's CSP meta tag (the theme writes it; added after ``<meta charset>`` if not).

    Inline code inside ``body`` (what a release wrote) is never hashed: it stays blocked."""
    theme_only = output.replace(body, "") if body else output
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(theme_only, frame_sources)}">'
    filled, count = META.subn(lambda _: tag, output, count=1)
    if count:
        return filled
    charset = re.search(r"<meta charset=[^>]*>", output)
    at = charset.end() if charset else output.find("<head>") + len("<head>")
    return output[:at] + tag + output[at:] if at > 0 else output
