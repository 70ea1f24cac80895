"""The ``pregon`` MkDocs plugin: wires MkDocs events to the modules that do the work.

``on_config`` reads the clock and registers the theme; ``on_files`` loads every release once,
applies the lifecycle and adds listing pages, feeds and the manifest as generated files;
``on_env`` hands the converted pages to the search index, which Pagefind builds in the
background while ``on_page_*`` give templates their data and ``on_post_page`` injects head tags;
``on_post_build`` waits for the index.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment
from mkdocs.config.base import ConfigErrors, ConfigWarnings, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler
from mkdocs.utils.templates import TemplateContext

from pregon import mkdocs_es
from pregon.config_file import ConfigFileError, LocatedLoader, line_of, load_config_document
from pregon.safe_text import neutralise_log

from . import brand, csp, derivatives, fingerprint, lifecycle, meta, search, search_periods, themedir
from .cache import BuildCache, TemplateCache, digest
from .catalog import Catalog, Entry, load_catalog
from .config import PregonConfig, invisible_option
from .feeds import FeedCache, FeedSite, feed_paths, render_feeds
from .gitinfo import tracked_under
from .htmlconform import conform
from .kept_output import KeptOutput, source_origin, unique_dests
from .manifest import MANIFEST_PATH, ItemTexts, entity_facts, render_manifest
from .nesting import NestingGuard
from .page_cache import TEMPLATE as CACHED_TEMPLATE
from .page_cache import PageCache, ServedFile
from .page_cache import serve as serve_cached
from .pages import View, add_view_files, build_views, share_links
from .problems import Problem
from .release import ReleaseRules
from .release_cache import CachedLoader
from .rendered_file import RenderedFile
from .sanitize import body_problems, clean_body_html, frame_sources, removals
from .schedule import NEXT_PATH, render_next, source_commit
from .site import SiteContext, current_announcement, fecha
from .site_map import add_site_map
from .sitemaps import render_sitemap, sitemap_path
from .source import display_path
from .symlinks import symlink_problems
from .theme_options import material_problem

log = logging.getLogger("mkdocs.plugins.pregon")

TEMPLATES = {
    "home": "pregon/home.html",
    "list": "pregon/listing.html",
    "month": "pregon/listing.html",
    "dependencia": "pregon/listing.html",
    "year": "pregon/archive.html",
    "archive": "pregon/archive.html",
    "dependencias": "pregon/archive.html",
}


def _cache_clash(folder: Path, project: Path, docs: Path, site: Path) -> str | None:
    """Why the build cache cannot live in ``folder`` (in Spanish), or None. Inside the docs folder
    it would be published with the site; inside the site folder, emptied by every build; around
    the project, content or site, its upkeep would touch the office's files."""

    def within(path: Path, parent: Path) -> bool:
        return path == parent or parent in path.parents

    if within(folder, docs):
        return "está dentro de la carpeta de los comunicados (docs_dir): se publicaría con el sitio"
    if within(folder, site):
        return "está dentro de la carpeta del sitio (site_dir), que cada construcción vacía"
    for name, other in (("del proyecto", project), ("de los comunicados", docs), ("del sitio", site)):
        if within(other, folder):
            return f"contiene la carpeta {name}"
    return None


def _where(config: MkDocsConfig, option: list[str]) -> str:
    """«mkdocs.yml:12», the file and line of ``option``, read again only to point an error."""
    path = Path(config.config_file_path or "mkdocs.yml")
    try:
        line = line_of(load_config_document(path, LocatedLoader), option)
    except ConfigFileError:
        line = None
    return f"{path.name}:{line}" if line is not None else path.name


class PregonPlugin(BasePlugin[PregonConfig]):
    # `mkdocs serve` and `--dirty` do not empty the site folder: its files are not set aside.
    keep_output = True

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.keep_output = command != "serve" and not dirty

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[ConfigErrors, ConfigWarnings]:
        """MkDocs' validation of the plugin's options, its reasons said in Spanish.

        First, mkdocs.yml itself is measured as Pregón's commands read it: MkDocs writes every
        option to its debug log right after this validation, and an alias bomb there
        («a1: &a1 [*a0, *a0, …]», see ``pregon.yaml_limits``) would keep it writing for ever."""
        if config_file_path and Path(config_file_path).is_file():
            try:
                load_config_document(config_file_path)
            except ConfigFileError as exc:
                raise Abort(f"pregon: {exc}") from None
        errors, warnings = super().load_config(options, config_file_path)
        spanish_errors: ConfigErrors = [(key, ValidationError(mkdocs_es.reworded(str(error)))) for key, error in errors]
        return spanish_errors, [(key, mkdocs_es.reworded(warning)) for key, warning in warnings]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        # Release values reach MkDocs' log (ours and MkDocs' own messages), which CI reads.
        neutralise_log("mkdocs")
        try:
            tz = ZoneInfo(self.config.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise PluginError(
                f"pregon: `timezone: {self.config.timezone}` no es una zona horaria válida (ej.: America/Bogota)"
            ) from None
        try:
            self.now = lifecycle.now(tz)
        except ValueError as exc:
            raise PluginError(f"pregon: {exc}") from None
        invisible = invisible_option(self.config) or invisible_option(
            {
                "site_name": config.site_name,
                "site_url": config.site_url or "",
                "site_description": config.site_description or "",
            }
        )
        if invisible:
            option, char = invisible
            raise PluginError(
                f"pregon: la opción `{option}` de mkdocs.yml contiene un carácter invisible (U+{ord(char):04X}), "
                "quizá escrito como escape entre comillas dobles: bórrelo"
            )
        if not config.site_url:
            raise PluginError(
                "pregon: falta `site_url` en mkdocs.yml: los feeds y el manifiesto necesitan direcciones absolutas"
            )
        try:
            self.announcement = current_announcement(self.config.announcement, self.now, tz)
        except (ValueError, TypeError):
            raise PluginError(
                f"pregon: `announcement.expires: {self.config.announcement.expires}` no es una fecha "
                "válida; escríbala como AAAA-MM-DD HH:MM"
            ) from None
        refused = material_problem(config.theme, config.extra, config.theme.dirs)
        if refused:
            keys, reason = refused
            raise PluginError(f"pregon: {_where(config, keys)}: `{' → '.join(keys)}`: {reason}")
        themedir.register(config)
        # A body nested deep enough to make Python-Markdown recurse is refused by name and line.
        self.nesting = NestingGuard()
        config.markdown_extensions.append(self.nesting)  # type: ignore[arg-type]  # Markdown takes instances
        self.frame_sources = frame_sources(self.config.iframe_hosts)
        self.rules = ReleaseRules(
            dependencias=dict(self.config.dependencias),
            timezone=tz,
            docs_dir=Path(config.docs_dir),
            root=Path(config.config_file_path).resolve().parent,
            releases_dir=self.config.releases_dir.strip("/"),
        )
        entity = self.config.entity
        self.logo = brand.logo(config)
        site_favicon = brand.favicon(config)
        self.site = FeedSite(
            url=config.site_url if config.site_url.endswith("/") else config.site_url + "/",
            description=config.site_description or f"Comunicados de prensa de {entity.name}",
            author=entity.name,
            email=entity.email,
            id_date=self.config.feeds.id_date,
            now=self.now,
            icon=self.logo.path if self.logo else None,
            favicon=site_favicon.path if site_favicon else None,
        )
        self.cache = self._open_cache(config)
        self.kept: KeptOutput | None = None
        self.loader = CachedLoader(self.cache, fingerprint.code_digest())
        self.page_cache: PageCache | None = None
        self.pages_in_order: list[File] | None = None  # every page, served ones included (on_nav)
        self.feeds = feed_paths()
        self.dependencia_feeds = {slug: feed_paths(f"dependencias/{slug}/") for slug in self.config.dependencias}
        # Built once: every page carries the same site feed links.
        self.feed_tags = meta.feed_links(self.site, self.feeds, config.site_name)
        self.dependencia_feed_tags = {
            slug: meta.feed_links(self.site, paths, self.config.dependencias[slug])
            for slug, paths in self.dependencia_feeds.items()
        }
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Before MkDocs collects the files: its walk follows symlinks into whatever they point to.
        if not self.config.enabled:
            return
        links = symlink_problems(self.rules.docs_dir, self.rules.root)
        if links:
            for problem in links:
                log.error(str(problem))
            raise PluginError(
                f"{len(links)} enlace(s) simbólico(s) en la carpeta del sitio: reemplácelos por archivos reales"
            )
        if self.cache is not None and self.keep_output and _no_other_plugin(config, self, ("on_post_build",)):
            # Before MkDocs empties the site folder: what it holds may be put back instead of written.
            self.kept = KeptOutput(self.cache, config.site_dir)
            self.kept.set_aside()

    def _open_cache(self, config: MkDocsConfig) -> BuildCache | None:
        if not self.config.cache.enabled:
            return None
        project = Path(config.config_file_path or ".").resolve().parent
        folder = (project / self.config.cache.dir).resolve()  # an absolute dir stays as it is
        clash = _cache_clash(folder, project, Path(config.docs_dir).resolve(), Path(config.site_dir).resolve())
        if clash:
            raise PluginError(
                f"pregon: `cache.dir: {self.config.cache.dir}` {clash}; use una carpeta solo para el caché, "
                "p. ej. .cache/pregon"
            )
        if tracked_under(folder):
            # Cache entries are trusted (releases are pickled): one that came in a commit is not a
            # build's own and could run code or stand for an approved release. Build without it.
            log.warning(
                "pregon: el caché de construcción %s está en el repositorio; no se usa. Quítelo con "
                "«git rm -r --cached %s» (ya está en .gitignore).",
                folder,
                self.config.cache.dir,
            )
            return None
        # Strict builds fail on warnings, which a page served from the cache would not repeat:
        # count them, and keep nothing from a build that had any (see on_post_build).
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.warnings)
        return BuildCache(folder)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        reserved = _in_search_folder(files, self.rules.root)
        if reserved:
            for problem in reserved:
                log.error(str(problem))
            raise PluginError(
                f"{len(reserved)} archivo(s) en la carpeta `{search.BUNDLE_DIR}/` del sitio, que es la del índice "
                "de búsqueda: muévalos a otra carpeta"
            )
        if self.kept is not None:
            self.kept.bring_back()
        self.catalog = catalog = load_catalog(files, self.rules, self.now, load=self.loader)
        self.loader.save()
        for warning in catalog.warnings:
            log.warning(str(warning))
        if catalog.problems:
            for problem in catalog.problems:
                log.error(str(problem))
            raise PluginError(
                f"{len(catalog.problems)} problema(s) en los comunicados: corríjalos según los mensajes anteriores"
            )
        _drop_unpublished(files, catalog)
        # What each release looks like in this build; page, listing and feed keys are built on it.
        self.entry_keys = {
            src_uri: fingerprint.entry_digest(entry, self.loader.content_keys[str(entry.release.path)])
            for src_uri, entry in catalog.entries.items()
        }
        self.crops = derivatives.plan_site(
            ((e.release, self.loader.content_keys[str(e.release.path)]) for e in catalog.entries.values()),
            self.rules.docs_dir,
            self.cache,
            fingerprint.code_digest(),
        )
        for src_uri, entry in catalog.entries.items():
            file = files.get_file_from_path(src_uri)
            if file is not None:
                # Front matter already parsed once: MkDocs gets the body only.
                file.content_string = entry.release.body
        self.views = add_view_files(
            build_views(
                catalog,
                per_page=self.config.pagination.per_page,
                home_latest=self.config.home_latest,
                feeds=self.dependencia_feeds,
            ),
            files,
            config,
        )
        self._add_generated(files, config)
        search.add_search_page(files, config)
        add_site_map(
            files,
            config,
            self.views.values(),
            {kind: self.site.absolute(path) for kind, path in self.feeds.items()},
            search.SEARCH_PAGE,
        )
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Everything a page depends on is known now: give each release and listing its cache key."""
        if not self.config.enabled or self.cache is None:
            return None
        site_key = digest(
            fingerprint.code_digest(),
            fingerprint.versions(),
            fingerprint.theme_digest(config),
            fingerprint.config_digest(config),
            fingerprint.nav_digest(nav, files, set(self.views)),
            repr(self.announcement),
        )
        self.page_cache = pages = PageCache(self.cache, site_key)
        for src_uri, key in self.entry_keys.items():
            pages.assign(src_uri, "release", key)
        for src_uri, view in self.views.items():
            file = files.get_file_from_path(src_uri)
            own = b"" if file is None or file.generated_by else file.content_bytes  # e.g. the site's index.md
            view_key = fingerprint.view_digest(view, self.entry_keys)
            pages.assign(src_uri, "view", view_key, own.decode("utf-8", "replace"))
        if _no_other_plugin(config, self, _PAGE_EVENTS):
            self._serve_unchanged(files, config, {id(page) for page in nav.pages})
        return nav

    def _serve_unchanged(self, files: Files, config: MkDocsConfig, in_nav: set[int]) -> None:
        """Unchanged pages outside the nav come out of the cache and skip MkDocs' page pipeline."""
        assert self.page_cache is not None
        order = []
        for file in files.documentation_pages():
            # A page in the nav stays a page: every page's nav is built from it.
            served = self.page_cache.serve_file(file, config, self.kept) if id(file.page) not in in_nav else None
            if served is None:
                order.append(file)
                continue
            entry = self.catalog.entries.get(file.src_uri)
            if entry is not None and entry.release.meta.search:
                served.page.meta["search"] = entry.release.meta.search  # type: ignore[union-attr]
            files.remove(file)
            files.append(served)
            order.append(served)
        self.pages_in_order = order

    def _add_generated(self, files: Files, config: MkDocsConfig) -> None:
        listed = self.catalog.listed
        limit = self.config.feeds.limit
        # Feeds carry the releases' converted bodies: their files are filled in on_env (_write_feeds).
        self.feed_sets = [(listed[:limit], "", config.site_name, "")]
        groups = self.catalog.by_dependencia()
        for slug, name in self.config.dependencias.items():
            self.feed_sets.append(
                (
                    groups.get(slug, [])[:limit],
                    f"dependencias/{slug}/",
                    f"{name} — {config.site_name}",
                    f"dependencias/{slug}/",
                )
            )
        outputs = {path: b"" for _, prefix, _, _ in self.feed_sets for path in feed_paths(prefix).values()}
        outputs |= self._dependencia_sitemaps(files, groups)
        manifest = functools.partial(
            render_manifest,
            self.site,
            listed,
            self.feeds,
            entity_facts(self.config.entity),
            crops=self.crops,
            items=ItemTexts(self.cache, self.entry_keys),
        )
        files.append(RenderedFile(config, MANIFEST_PATH, manifest))
        releases = [e.release for e in self.catalog.entries.values()] + self.catalog.hidden
        expires = self.announcement.expires if self.announcement else None
        outputs[NEXT_PATH] = render_next(
            self.now, lifecycle.next_change(releases, self.now, [expires]), source_commit(self.rules.root)
        )
        for path, content in outputs.items():
            files.append(File.generated(config, path, content=content))

    def _dependencia_sitemaps(self, files: Files, groups: dict[str, list[Entry]]) -> dict[str, bytes]:
        """``dependencias/<slug>/sitemap.xml``, where the theme looks next to the dependencia's feeds."""
        pages: dict[str, list[str]] = {slug: [] for slug in self.config.dependencias}
        for src_uri, view in self.views.items():
            file = files.get_file_from_path(src_uri)
            if view.kind == "dependencia" and view.dependencia in pages and file is not None:
                pages[view.dependencia].append(file.url)
        return {
            sitemap_path(f"dependencias/{slug}/"): render_sitemap(
                self.site,
                sorted(urls, key=lambda u: (len(u), u)),
                max((e.updated or e.release.date for e in groups.get(slug, [])), default=None),
            )
            for slug, urls in pages.items()
        }

    def _write_feeds(self, files: Files, config: MkDocsConfig) -> None:
        """Every page's Markdown is converted by now: the feeds get the cleaned bodies."""

        def body(entry: Entry) -> str:
            file = files.get_file_from_path(entry.release.src_uri)
            return (file.page.content or "") if file is not None and file.page is not None else ""

        feeds = FeedCache(self.cache, self.site, self.entry_keys, config) if self.cache else None
        render = feeds.render if feeds else functools.partial(render_feeds, self.site)
        for entries, prefix, title, home in self.feed_sets:
            for path, content in render(entries, prefix=prefix, title=title, home=home, body=body).items():
                file = files.get_file_from_path(path)
                assert file is not None, path  # added in _add_generated
                file.content_bytes = content

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
        if not self.config.enabled:
            return None
        env.globals["pregon"] = SiteContext(
            entity=self.config.entity,
            announcement=self.announcement,
            feeds={kind: self.site.absolute(path) for kind, path in self.feeds.items()},
            dependencias=dict(self.config.dependencias),
        )
        env.filters["fecha"] = fecha
        self._write_feeds(files, config)
        if self.cache is not None:
            env.bytecode_cache = TemplateCache(self.cache, digest(fingerprint.versions(), fingerprint.code_digest()))
        self._start_search_index(files, config)
        if self.kept is not None:
            self._place_static_files(files, config)
        return env

    def _place_static_files(self, files: Files, config: MkDocsConfig) -> None:
        """Files MkDocs would copy from a source: keep those the previous build copied unchanged.
        Every other file of the site (pages MkDocs renders, generated files, templates) is
        removed first, so that its previous bytes cannot stay if this build does not write it."""
        assert self.kept is not None
        templates = {*config.theme.static_templates, *config.extra_templates, "sitemap.xml.gz"}  # MkDocs' own
        self.produced = templates | {f.dest_uri for f in files}
        unique = unique_dests(f.dest_uri for f in files) - templates
        for file in list(files):
            if isinstance(file, ServedFile):
                continue  # it keeps or writes its own output
            copied = type(file) is File and not file.is_documentation_page() and not file.generated_by
            origin = None
            if copied and file.dest_uri in unique and file.abs_src_path is not None:
                origin = source_origin(file.abs_src_path)
            if origin is not None and self.kept.place(file.dest_uri, origin):
                files.remove(file)
                files.append(PlacedFile(file))
                continue
            self.kept.clear(file.dest_uri)
            if origin is not None:
                self.kept.expect(file.dest_uri, origin)
        for name in templates:
            self.kept.clear(name)

    def _start_search_index(self, files: Files, config: MkDocsConfig) -> None:
        """Every page's Markdown is converted by now: index it while MkDocs renders the templates."""
        indexed: list[tuple[Page, Entry | None]] = []
        for file in self.pages_in_order or files.documentation_pages():
            entry = self.catalog.entries.get(file.src_uri)
            if file.page is not None and search.is_indexed(file.page, entry, file.src_uri in self.views):
                indexed.append((file.page, entry))
        size = sum(len(page.content or "") for page, _ in indexed)
        self.search = search.SearchIndex(
            lang=config.theme.get("language") or "es", expected_bytes=2 * size, cache=self.cache, kept=self.kept
        )
        months = Counter((e.release.date.year, e.release.date.month) for _, e in indexed if e is not None)
        bundle_of = search_periods.periods(months)
        for page, entry in indexed:
            if entry is None:
                self.search.add(search.page_document(page))
            else:
                date = entry.release.date
                group = bundle_of[(date.year, date.month)]
                page_key = self.page_cache.keys.get(page.file.src_uri) if self.page_cache else None
                self.search.add_release(page, entry, group, page_key)
        for src_uri, view in self.views.items():
            office = files.get_file_from_path(src_uri)
            if view.kind == "dependencia" and view.page == 0 and view.dependencia and office and office.page:
                name = self.config.dependencias.get(view.dependencia, view.dependencia)
                self.search.add(search.dependencia_document(office.page, name))
        self.search.start(config.site_dir)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        cached = self.page_cache.lookup(page) if self.page_cache else None
        entry = self.catalog.entries.get(page.file.src_uri)
        if entry is not None:
            # Escaped once here: the theme prints page titles and descriptions without escaping.
            page.meta.setdefault("template", "pregon/release.html")
            page.meta["title"] = escape(entry.release.title)
            page.meta["description"] = escape(entry.release.meta.summary)
            # The front matter was stripped from the source, so page options come back from here.
            if entry.release.meta.hide:
                page.meta["hide"] = entry.release.meta.hide
            if entry.release.meta.search:
                page.meta["search"] = entry.release.meta.search
        view = self.views.get(page.file.src_uri)
        if view is not None:
            page.meta.setdefault("template", TEMPLATES[view.kind])
            page.meta.setdefault("title", view.title)
        if cached is not None:
            page.meta["template"] = CACHED_TEMPLATE
            serve_cached(page, cached)
        if entry is not None and _same_body(markdown, entry.release.body):
            release = entry.release
            self.nesting.page(lambda: (release.display_path, release.body_line))
            # MkDocs made its own copy of the body while looking for front matter; the
            # catalogue's copy serves, and a 20,000-release build holds one copy, not two.
            return release.body
        self.nesting.page(lambda: _body_origin(page, page.file.abs_src_path, self.rules.root))
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Every page body leaves the build cleaned; what was dropped is a warning (fatal with --strict)."""
        if not self.config.enabled:
            return None
        if self.page_cache is not None and page.file.src_uri in self.page_cache.hits:
            return None  # stored after this very cleaning (page_cache)
        hosts = self.config.iframe_hosts
        entry = self.catalog.entries.get(page.file.src_uri)
        cleaned = clean_body_html(html, hosts)
        removed = removals(html, hosts, cleaned)
        if removed:
            first_line: int | None
            if entry is not None and page.markdown == entry.release.body:
                # The catalogue parsed the release's file and knows where its body starts.
                shown, first_line = entry.release.display_path, entry.release.body_line
            else:  # MkDocs only holds the body of another page: find it in the file
                shown, first_line = _body_origin(page, page.file.abs_src_path, self.rules.root)
            for problem in body_problems(shown, page.markdown or "", first_line, removed):
                log.warning(str(problem))
        return cleaned

    def on_page_context(
        self,
        context: TemplateContext,
        *,
        page: Page,
        config: MkDocsConfig,
        nav: Navigation,
    ) -> TemplateContext | None:
        if not self.config.enabled:
            return None
        extra = cast("dict[str, Any]", context)  # MkDocs types only its own keys
        entry = self.catalog.entries.get(page.file.src_uri)
        if entry is not None:
            extra["entry"] = entry
            extra["share"] = share_links(self.site.absolute(entry.url), entry.release.title)
        view = self.views.get(page.file.src_uri)
        if view is not None:
            extra["view"] = view
        if page.file.src_uri == search.SEARCH_PAGE:
            extra["search_bundles"] = list(self.search.bundles().values())[1:]  # merged into the first
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        if self.page_cache is None:
            return self._finish_page(output, page, config)
        if page.file.src_uri in self.page_cache.hits:
            return self.page_cache.output(page)
        output = self._finish_page(output, page, config)
        if page.file.src_uri in self.page_cache.keys:
            log.debug("pregon: página renderizada (no estaba en el caché): %s", page.file.src_uri)
            self.page_cache.store(page, output)
            if self.kept is not None and self.pages_in_order is not None:  # no other plugin edits pages
                self.kept.expect(page.file.dest_uri, self.page_cache.origin(page.file.src_uri))
        return output

    def _finish_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        entry: Entry | None = self.catalog.entries.get(page.file.src_uri)
        view: View | None = self.views.get(page.file.src_uri)
        dependencia = entry.release.meta.dependencia if entry else (view.dependencia if view else None)
        tags = self.feed_tags + self.dependencia_feed_tags.get(dependencia or "", "")
        if entry is not None:
            tags = (
                meta.release_tags(
                    self.site,
                    entry,
                    config.site_name,
                    crops=self.crops,
                    logo=self.logo,
                    offices=list(self.config.dependencias.values()),
                )
                + tags
            )
            if 'rel="canonical"' not in output:
                tags += f'<link rel="canonical" href="{escape(self.site.absolute(entry.url))}">'
            output = meta.fix_title(output, escape(entry.release.title), entry.release.title)
        return csp.apply(conform(meta.inject(output, tags)), page.content, self.frame_sources)

    def on_template_context(
        self, context: TemplateContext, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        """The sitemap lists every page, those served from the cache too, in the same order."""
        if self.config.enabled and template_name == "sitemap.xml" and self.pages_in_order is not None:
            context["pages"] = self.pages_in_order
        return context

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
        """Static templates (404.html) carry the same policy as pages."""
        if not self.config.enabled or "<head>" not in output_content:
            return None
        return csp.apply(conform(output_content), None, self.frame_sources)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        # While Pagefind indexes on the other core.
        try:
            self.crops.write(config.site_dir, self.cache, self.kept)
        except derivatives.DamagedImage as exc:  # on_build_error stops the search index and the cache
            raise PluginError(f"pregon: {exc}") from None
        self.search.finish()
        if self.kept is not None:
            self.kept.close(self.produced)
        if self.cache is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            if config.strict and self.warnings.get_counts():
                # The build is about to fail; pages stored now would hide their warnings next time.
                self.cache.drop_written()
            else:
                self.cache.prune()
            if self.page_cache is not None:
                bundles = self.search.bundles()
                log.info(
                    "pregon: caché de construcción: %d de %d páginas (%d sin pasar por MkDocs) "
                    "y %d de %d índices de búsqueda reutilizados",
                    len(self.page_cache.hits),
                    len(self.page_cache.keys),
                    self.page_cache.served,
                    len(bundles) - len(self.search.built),
                    len(bundles),
                )

    def on_build_error(self, *, error: Exception) -> None:
        cache = getattr(self, "cache", None)
        if cache is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            cache.close()
        search_index = getattr(self, "search", None)
        if search_index is not None:
            search_index.abort()
        kept = getattr(self, "kept", None)
        if kept is not None:
            kept.abandon()


_PAGE_EVENTS = (
    "on_pre_page",
    "on_page_read_source",
    "on_page_markdown",
    "on_page_content",
    "on_page_context",
    "on_post_page",
)


def _no_other_plugin(config: MkDocsConfig, own: BasePlugin[Any], events: tuple[str, ...]) -> bool:
    """No other plugin or hook handles ``events``: e.g. none works on pages, so none would miss
    those served from the cache; none works on the written site, so none would miss files put back."""
    for plugin in config.plugins.values():
        if plugin is own:
            continue
        for event in events:
            method = getattr(type(plugin), event, None) if isinstance(plugin, BasePlugin) else None
            if isinstance(plugin, BasePlugin) and method is not getattr(BasePlugin, event, None):
                return False
            if not isinstance(plugin, BasePlugin) and callable(getattr(plugin, event, None)):
                return False
    return True


class PlacedFile(File):
    """A static file the previous build copied, put back in the site folder (:mod:`.kept_output`)."""

    def __init__(self, file: File) -> None:
        self.__dict__.update(file.__dict__)

    def copy_file(self, dirty: bool = False) -> None:
        """Already in the site folder."""


def _in_search_folder(files: Files, root: Path) -> list[Problem]:
    """Source files MkDocs would write where Pagefind writes the index (while MkDocs writes pages)."""
    return [
        Problem(
            display_path(Path(file.abs_src_path), root) if file.abs_src_path else file.src_uri,
            None,
            f"se publicaría en `{file.dest_uri}`, dentro de `{search.BUNDLE_DIR}/`, la carpeta que el portal "
            "reserva para el índice de búsqueda: muévalo a otra carpeta",
        )
        for file in files
        if not file.generated_by and file.dest_uri.split("/", 1)[0] == search.BUNDLE_DIR
    ]


def _drop_unpublished(files: Files, catalog: Catalog) -> None:
    """Drafts and embargoed releases get no page, and their media stay unpublished too."""
    shown = {m.src for e in catalog.entries.values() for m in _all_media(e.release)}
    for release in catalog.hidden:
        for src in [release.src_uri] + [m.src for m in _all_media(release) if m.src not in shown]:
            file = files.get_file_from_path(src) if src else None
            if file is not None:
                files.remove(file)


def _all_media(release: Any) -> list[Any]:
    return [*release.media, *(m for u in release.updates for m in u.media)]


def _same_body(markdown: str, body: str) -> bool:
    """``markdown`` is ``body`` as MkDocs passes it on: without the blank lines that start it
    (which Markdown ignores)."""
    return body.endswith(markdown) and not body[: len(body) - len(markdown)].strip("\n")


def _body_origin(page: Page, source: str | Path | None, root: Path) -> tuple[str, int | None]:
    """The page's file as editors know it, and the file line where its Markdown body starts."""
    if source is None:
        return page.file.src_uri, None
    try:
        text = Path(source).read_text(encoding="utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return display_path(Path(source), root), None
    start = text.find(page.markdown or "")
    return display_path(Path(source), root), (text.count("\n", 0, start) + 1 if start >= 0 else None)
