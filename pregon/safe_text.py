"""Text from releases, made safe to print where GitHub Actions reads workflow commands.

The runner treats an output line as a command when, after leading whitespace, it starts with
``::`` (``::error file=…::``, ``::add-mask::``, ``::stop-commands::``), and also when ``##[``
appears anywhere in it (the older form, still parsed: actions/runner ``ActionCommand.cs``). A
value that carries a line break can therefore start a command of its own. Every boundary that
prints release values (``Problem.__str__``, the formats of ``pregon check``, MkDocs' log) goes
through this module; ``syndicate/`` may import it too (it lives outside ``plugins/``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping

# Everything str.splitlines() breaks at is a superset of what the runner's line reader breaks
# at (\n, \r); escaping all of them also keeps viewers that honour U+2028 or NEL honest.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_COMMAND_V1 = "##["

INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
"""Characters no release text needs and that break XML, e-mail headers or line numbers (tab and
LF are fine). The build refuses them in every source file and front-matter value; the
syndicator refuses a manifest that carries them, since no Pregón build writes one."""

KEY = None
"""Last step of a :func:`first_invisible` path when the character is in a mapping's key."""


def first_invisible(value: object) -> tuple[tuple[str | int | None, ...], str] | None:
    """The first :data:`INVISIBLE` character in ``value``, a text or lists and mappings of texts
    (keys included, each before its value): the path of keys and positions to it, and the
    character. ``None`` when there is none."""
    if isinstance(value, str):
        found = INVISIBLE.search(value)
        return ((), found.group()) if found else None
    if isinstance(value, Mapping):
        for key, part in value.items():
            bad_key = INVISIBLE.search(key) if isinstance(key, str) else None
            if bad_key:
                return (KEY,), bad_key.group()
            inner = first_invisible(part)
            if inner:
                return (key, *inner[0]), inner[1]
    elif isinstance(value, list | tuple):
        for position, part in enumerate(value):
            inner = first_invisible(part)
            if inner:
                return (position, *inner[0]), inner[1]
    return None


def _escape_char(char: str) -> str:
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    return f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}"


def _is_unprintable(char: str) -> bool:
    """Line breaks and control characters (terminal escapes too); a tab is left alone."""
    return char != "\t" and (char in _LINE_BREAKS or unicodedata.category(char) == "Cc")


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and control characters written as visible escapes."""
    if text.isprintable():
        return text
    return "".join(_escape_char(c) if _is_unprintable(c) else c for c in text)


def _defuse_line(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith("::"):
        start = len(line) - len(stripped)
        line = line[:start] + ": :" + stripped[2:]
    # "# #[" reads the same to a person and is no longer the runner's "##[" prefix.
    return line.replace(_COMMAND_V1, "# #[")


def neutralise(text: str) -> str:
    """One line that cannot start a workflow command: for messages, paths and titles."""
    return _defuse_line(one_line(text))


def defuse_lines(text: str) -> str:
    """Multi-line text (a post preview, a Markdown summary) whose lines cannot start a command.

    Line breaks stay; other control characters are escaped and each line is defused."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("".join(_LINE_BREAKS))
        end = line[len(body) :]
        out.append(_defuse_line(one_line(body)) + end)
    return "".join(out)


# --- GitHub's own escaping of the commands Pregón means to print ----------------------------
# "Workflow commands for GitHub Actions" and @actions/core's command.ts: data escapes %, CR and
# LF; property values also ":" and ",". Other line breaks become visible escapes first, so no
# reader that splits lines more eagerly than the runner sees a line starting with "::".

_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def command_data(text: str) -> str:
    text = _OTHER_BREAKS.sub(lambda m: _escape_char(m.group()), text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def command_property(text: str) -> str:
    return command_data(text).replace(":", "%3A").replace(",", "%2C")


class NeutralisingFilter(logging.Filter):
    """Rewrites each record it sees as one defused line (install on the handlers that print)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        safe = neutralise(message)
        if safe != message or record.args:
            record.msg, record.args = safe, None
        return True


def neutralise_log(logger_name: str = "mkdocs") -> None:
    """Put :class:`NeutralisingFilter` on every handler of ``logger_name`` (once)."""
    for handler in logging.getLogger(logger_name).handlers:
        if not any(isinstance(f, NeutralisingFilter) for f in handler.filters):
            handler.addFilter(NeutralisingFilter())


def clip(value: object, limit: int = 60) -> str:
    """A value quoted in a message, shortened: a message must stay readable whatever was written."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
