"""Search bundles: the longest calendar periods that hold at most ``LIMIT`` releases each."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from pregon.plugins.search_periods import LIMIT, periods, start


def per_month(year: int, each: int, months: range = range(1, 13)) -> dict[tuple[int, int], int]:
    return {(year, m): each for m in months}


def test_a_small_office_gets_one_bundle_per_past_year_and_quarters_of_the_newest() -> None:
    counts = per_month(2024, 40) | per_month(2025, 40) | per_month(2026, 40, range(1, 5))
    groups = periods(counts)
    assert {groups[(2024, m)] for m in range(1, 13)} == {"2024"}
    assert {groups[(2025, m)] for m in range(1, 13)} == {"2025"}
    assert [groups[(2026, m)] for m in range(1, 5)] == ["2026-t1", "2026-t1", "2026-t1", "2026-t2"]


def test_a_past_year_too_large_for_one_bundle_is_split_by_semester_then_quarter() -> None:
    semesters = periods(per_month(2024, 500) | {(2026, 1): 1})  # 6,000 a year: 3,000 a semester
    assert {semesters[(2024, m)] for m in range(1, 7)} == {"2024-s1"}
    assert {semesters[(2024, m)] for m in range(7, 13)} == {"2024-s2"}
    quarters = periods(per_month(2024, 1_000) | {(2026, 1): 1})  # 6,000 a semester
    assert [quarters[(2024, m)] for m in (1, 4, 7, 12)] == ["2024-t1", "2024-t2", "2024-t3", "2024-t4"]
    months = periods(per_month(2024, 2_000) | {(2026, 1): 1})
    assert [months[(2024, m)] for m in (1, 7, 12)] == ["2024-m01", "2024-m07", "2024-m12"]


def test_the_closed_first_semester_of_the_newest_year_becomes_one_bundle() -> None:
    november = periods(per_month(2026, 500, range(1, 12)))
    assert {november[(2026, m)] for m in range(1, 7)} == {"2026-s1"}
    assert [november[(2026, m)] for m in (7, 8, 9, 10, 11)] == ["2026-t3"] * 3 + ["2026-t4"] * 2
    may = periods(per_month(2026, 500, range(1, 6)))
    assert [may[(2026, m)] for m in range(1, 6)] == ["2026-t1"] * 3 + ["2026-t2"] * 2
    # Too large for one bundle: the closed semester stays in quarters.
    large = periods(per_month(2026, 700, range(1, 9)))
    assert [large[(2026, m)] for m in (1, 4, 7)] == ["2026-t1", "2026-t2", "2026-t3"]


def test_a_new_release_in_the_open_quarter_changes_no_other_bundle() -> None:
    before = per_month(2024, 600) | per_month(2025, 300) | per_month(2026, 450, range(1, 12))
    after = before | {(2026, 11): before[(2026, 11)] + 1}
    changed = {m for m in before if periods(before)[m] != periods(after)[m]}
    assert changed == set()


@given(
    st.dictionaries(
        st.tuples(st.integers(2015, 2030), st.integers(1, 12)), st.integers(1, 2 * LIMIT), min_size=1, max_size=60
    )
)
def test_every_month_has_one_bundle_within_the_limit_unless_the_month_alone_is_over(
    counts: dict[tuple[int, int], int],
) -> None:
    groups = periods(counts)
    assert set(groups) == set(counts)
    size: Counter[str] = Counter()
    for month, name in groups.items():
        size[name] += counts[month]
        assert name.startswith(f"{month[0]}")
        year, first = start(name)
        assert year == month[0] and first <= month[1]
    for name, total in size.items():
        months = [m for m, n in groups.items() if n == name]
        assert total <= LIMIT or len(months) == 1, (name, total)
