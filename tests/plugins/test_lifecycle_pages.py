"""Pages and listings of the example site follow the lifecycle at the fixed clock."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .conftest import DRAFT, EMBARGOED, EXPIRED, LIVE, LIVE_BLOG, page


def listed_ids(html: str, page_path: str) -> set[str]:
    """Ids of the releases a page links to, resolving relative links against the page's URL."""
    base = "http://site/" + page_path.removesuffix("index.html")
    paths = (urlsplit(urljoin(base, href)).path for href in re.findall(r'href="([^"#]*)"', html))
    return {m.group(1) for p in paths if (m := re.fullmatch(r"/(prensa/\d{4}/\d{2}/[a-z0-9-]+)/", p))}


def listed_on(site: Path, page_path: str) -> set[str]:
    """Releases in the list of cards of a page (not the banner, nav or footer)."""
    html = (site / page_path).read_text(encoding="utf-8")
    if 'class="pregon-cards"' not in html:
        return set()
    start = html.index('class="pregon-cards"')
    return listed_ids(html[start : html.index("</ul>", start)], page_path)


def test_every_release_in_force_has_a_page(built_site: Path) -> None:
    for item_id in LIVE | {EXPIRED}:
        assert (built_site / item_id / "index.html").is_file(), item_id


def test_embargoed_and_draft_releases_leave_no_trace(built_site: Path) -> None:
    for item_id in (EMBARGOED, DRAFT):
        assert not (built_site / item_id).exists()
    # The embargoed release's image is not published early either.
    assert not (built_site / "prensa/2026/11/nueva-sede-hospital.jpg").exists()
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in built_site.rglob("*.html"))
    assert "nueva-sede-hospital" not in everything
    assert "Calendario tributario" not in everything


def test_expired_release_says_so_and_is_out_of_listings(built_site: Path) -> None:
    html = page(built_site, EXPIRED)
    assert "Este comunicado ya no está vigente" in html
    for listing in ("index.html", "prensa/index.html", "dependencias/salud/index.html"):
        assert EXPIRED not in listed_on(built_site, listing), listing
    assert not (built_site / "prensa/2026/02/index.html").exists()  # its month has nothing listed


def test_listing_shows_exactly_the_releases_in_force(built_site: Path) -> None:
    assert listed_on(built_site, "prensa/index.html") == LIVE
    by_month: set[str] = set()
    for month in (built_site / "prensa/2026").glob("[0-9][0-9]/index.html"):
        by_month |= listed_on(built_site, month.relative_to(built_site).as_posix())
    assert by_month == LIVE
    archive = (built_site / "prensa/archivo/index.html").read_text(encoding="utf-8")
    assert "Noviembre de 2026" in archive and "Febrero de 2026" not in archive


def test_dependencia_pages_list_only_their_releases(built_site: Path) -> None:
    cultura = listed_on(built_site, "dependencias/cultura/index.html")
    assert cultura == {
        "prensa/2026/06/festival-del-rio",
        "prensa/2026/08/cine-al-parque",
    }
    assert (built_site / "dependencias/index.html").is_file()


def test_home_features_only_items_still_featured(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    carousel = html[html.index('<section class="pregon-carousel"') : html.index("pregon-ultimos")]
    featured = listed_ids(carousel, "index.html")
    # The festival was featured only until July; the other two are featured at the clock.
    assert featured == {"prensa/2026/10/rendicion-de-cuentas-2026", LIVE_BLOG}
    assert 'aria-roledescription="carrusel"' in carousel
    assert "data-pregon-prev" in carousel and "data-pregon-next" in carousel and "data-pregon-pause" in carousel
    # Without JavaScript the buttons stay hidden and anchor links reach every slide.
    assert re.search(r"data-pregon-controls hidden", carousel)
    assert 'href="#destacado-2"' in carousel


def test_releases_are_not_in_the_global_nav(built_site: Path) -> None:
    html = (built_site / "guia/index.html").read_text(encoding="utf-8")
    nav = html[html.index("md-nav--primary") : html.index("md-content")]
    assert "prensa/2026/" not in nav
    assert "Comunicados" in nav and "Guía para editores" in nav


def test_release_page_shows_media_updates_and_sharing(built_site: Path) -> None:
    html = page(built_site, "prensa/2026/06/festival-del-rio")
    assert 'alt="Ilustración de seis bailarinas' in html  # gallery with alt text
    assert "18:00" in html and "29 de junio de 2026" in html
    video = page(built_site, "prensa/2026/08/cine-al-parque")
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in video
    live = page(built_site, LIVE_BLOG)
    times = re.findall(r'<li id="(u-\d{8}T\d{4})"', live)
    assert times == sorted(times, reverse=True) and len(times) == 3  # newest first
    for host in (
        "facebook.com/sharer",
        "x.com/intent",
        "linkedin.com/sharing",
        "wa.me/",
        "t.me/share",
        "mailto:",
    ):
        assert host in live, host
