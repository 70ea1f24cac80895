"""Web-first gate: an item is posted only if the live site really serves it, as the manifest says.

:class:`LiveCheck` asks the live site (never local files): the item's canonical URL answers 200
without a redirect, its page carries ``<meta name="pregon:digest">`` equal to the manifest's digest
(a stale or partial deploy shows a different digest), and the item is listed in the live JSON
feed named by the manifest (by id or by URL). A live update must also be on the page: the anchor
of its URL exists there.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import httpx

from pregon.json_input import loads as json_loads

from .bounded_get import TooLarge, get_bounded
from .manifest import (
    DIGEST_META,
    MANIFEST_PATH,
    Item,
    Manifest,
    ManifestError,
    Update,
    parse_manifest,
)
from .page_facts import AMBIGUOUS, MAX_PAGE_BYTES, PageFacts, read_page, too_large


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str
    """Spanish; says what was expected and what the site answered."""


class SiteUnreachable(RuntimeError):
    """The live site or its manifest could not be fetched (Spanish message)."""


def _describe(exc: httpx.HTTPError) -> str:
    # The class name only: exception text can carry a URL with credentials in it.
    return exc.__class__.__name__


def fetch_manifest(site: str, client: httpx.Client) -> Manifest:
    """The manifest as the live site serves it; SiteUnreachable or ManifestError otherwise."""
    url = urljoin(site, MANIFEST_PATH)
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise SiteUnreachable(f"no se pudo conectar con el sitio {site} ({_describe(exc)})") from None
    if response.status_code != 200:
        raise SiteUnreachable(f"{url} respondió {response.status_code}: el manifiesto no está publicado")
    try:
        return parse_manifest(response.content)
    except ManifestError as exc:
        raise ManifestError(f"{url}: {exc}") from None


class LiveCheck:
    """Checks items against the live site; fetches the feed once and each page once per run."""

    def __init__(self, site: str, manifest: Manifest, client: httpx.Client):
        self.site = site if site.endswith("/") else site + "/"
        self.manifest = manifest
        self.client = client
        self._feed: tuple[set[str], set[str]] | Verdict | None = None
        self._pages: dict[str, PageFacts | Verdict] = {}

    def _page(self, url: str) -> PageFacts | Verdict:
        if url not in self._pages:
            try:
                answer = get_bounded(url, MAX_PAGE_BYTES, self.client)
            except httpx.HTTPError as exc:
                self._pages[url] = Verdict(False, f"la página {url} no responde ({_describe(exc)})")
            except TooLarge as exc:
                self._pages[url] = Verdict(False, too_large(url, exc.limit_mb))
            else:
                if answer.status_code != 200:
                    self._pages[url] = Verdict(
                        False,
                        f"la página {url} respondió {answer.status_code}, no 200",
                    )
                else:
                    self._pages[url] = read_page(answer.text)
        return self._pages[url]

    def _feed_entries(self) -> tuple[set[str], set[str]] | Verdict:
        if self._feed is None:
            url = urljoin(self.site, self.manifest.feeds.json_feed)
            try:
                response = self.client.get(url)
                data = json_loads(response.content) if response.status_code == 200 else None
            except (httpx.HTTPError, ValueError):
                data = None
            if not isinstance(data, dict) or not isinstance(data.get("items"), list):
                self._feed = Verdict(False, f"el feed JSON {url} no está publicado o no es válido")
            else:
                entries = [e for e in data["items"] if isinstance(e, dict)]
                self._feed = (
                    {str(e.get("id")) for e in entries},
                    {str(e.get("url")) for e in entries},
                )
        return self._feed

    def check(self, item: Item) -> Verdict:
        """Whether ``item`` is live on the site exactly as the manifest describes it."""
        if not item.url.startswith(self.site):
            return Verdict(False, f"la URL {item.url} no está en el sitio consultado {self.site}")
        page = self._page(item.url)
        if isinstance(page, Verdict):
            return page
        live_digest = page.digest
        if live_digest is None:
            return Verdict(False, f'la página {item.url} no tiene <meta name="{DIGEST_META}">')
        if live_digest == AMBIGUOUS:
            return Verdict(False, f'la página {item.url} tiene más de un <meta name="{DIGEST_META}"> y no coinciden')
        if live_digest != item.digest:
            return Verdict(
                False,
                f"la página publicada tiene otra versión (huella {live_digest[:19]}…, el manifiesto dice "
                f"{item.digest[:19]}…): el despliegue está incompleto o desactualizado",
            )
        if page.page_id is not None and page.page_id != item.id:
            return Verdict(
                False,
                f"la página {item.url} es de otro comunicado (id {page.page_id!r})",
            )
        feed = self._feed_entries()
        if isinstance(feed, Verdict):
            return feed
        ids, urls = feed
        if item.id not in ids and item.url not in urls:
            return Verdict(False, "el comunicado no aparece en el feed JSON publicado")
        return Verdict(True, "publicado en el portal con la misma huella")

    def check_update(self, item: Item, update: Update) -> Verdict:
        """A live update is live when its item is and its anchor is on the live page."""
        base = self.check(item)
        if not base.ok:
            return base
        page_url, anchor = urldefrag(update.url)
        page = self._page(page_url)
        if isinstance(page, Verdict):
            return page
        if anchor and anchor not in page.ids:
            return Verdict(
                False,
                f"la actualización {update.id} aún no aparece en la página (falta #{anchor})",
            )
        return Verdict(True, "actualización publicada en el portal")
