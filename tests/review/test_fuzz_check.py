"""`pregon check` on any body and title: findings with lines inside the file, never a traceback.

The pieces are what the prose checks look for (inclusive-language terms, Colombian IDs and phone
numbers, abbreviations, Markdown blocks) mixed with arbitrary text and awkward characters."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Workspace

# fmt: off
PIECES = st.sampled_from(
    [
        "los ciudadanos", "las ciudadanas y los ciudadanos", "discapacitado", "voto inválido", "sufre de",
        "3.150", "a. m.", "n.º", "C.C. 1.020.304.050", "311 456 78 90", "(601) 338 2000", "T.I.", "NUIP",
        "pasaporte", "tod@s", "todes", "señorita", "interventoría", "fríjol", "https://example.org/a.b",
        "`código`", "```\nbloque\n```", "| a | b |\n|---|---|\n| 1 | 2 |", "- punto\n- otro", "1. uno",
        "# Título", "**negrita**", "<b>html</b>", "<!-- comentario -->", "[enlace](http://x.y)", "![img](x.jpg)",
        "\n\n", "\n", " ", ".", "?", "¿", "!", ",", ";", ":", "…", "—", "«", "»", "\"", "'", "\\", "*", "_", "~",
        "é", "Ñ", "ü", "🙂", "\u200b", "\u00a0", "\t", "\r\n", "\x0b", "\x00", "\ufeff", "ǅ", "ß", "İ", "ﬁ",
        "{{ x }}", "{% x %}", "[[x]]", ":::", "---", "===", "> cita", "    sangría",
    ]
)
# fmt: on
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=TEXT, title=st.text(max_size=40))
def test_any_body_gets_findings_not_a_traceback(ws: Workspace, body: str, title: str) -> None:
    path = ws.write("azar", {"title": repr(title)}, body=body)
    result = ws.check(path)
    lines = path.read_text(encoding="utf-8").count("\n") + 2
    for report in result.reports:
        for finding in report.findings:
            assert finding.line is None or 1 <= finding.line <= lines, finding


RUNS = st.lists(st.tuples(PIECES, st.integers(1, 3_000)), min_size=1, max_size=3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=RUNS)
def test_a_piece_pasted_thousands_of_times_gets_short_findings_not_a_traceback(
    ws: Workspace, runs: list[tuple[str, int]]
) -> None:
    """Long repetitions are what a broken paste produces, and what made the checks quadratic,
    quote 40,000 characters or repeat one warning thousands of times."""
    body = "".join(piece * times for piece, times in runs) + "\n"
    path = ws.write("pegado", body=body)
    result = ws.check(path)
    lines = path.read_text(encoding="utf-8").count("\n") + 2
    for report in result.reports:
        for finding in report.findings:
            assert finding.line is None or 1 <= finding.line <= lines, finding
            assert len(finding.message) < 600, finding.message[:200]
