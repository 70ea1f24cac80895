"""Per-account previews of a release's posts, rendered by the channels themselves.

The release is turned into the same :class:`pregon.syndicate.manifest.Item` the build will publish
(URLs from ``site_url`` and MkDocs' page-URL rule), and each configured account's channel
``render()`` produces the post, with that account's template, so the reviewer sees exactly what
will go out. An account that does not take the release (its selection, or the release's
``accounts:`` list) shows why. When a channel module cannot be loaded or rendered here, the
preview falls back to the shared template and counting rules and says so.
"""

from __future__ import annotations

import os

from pregon.plugins import derivatives
from pregon.plugins.release import Media as PluginMedia
from pregon.plugins.release import Release
from pregon.syndicate import counting
from pregon.syndicate.accounts import Account, AccountError, parse_account
from pregon.syndicate.channels import channel_class
from pregon.syndicate.channels.base import Channel
from pregon.syndicate.manifest import Crop, Dependencia, Item, Media, Source, Update
from pregon.syndicate.text import compose, compose_update

from .findings import Preview, ReleaseReport
from .project import Project

RULE = "redes"

# Channels whose posts are not length-limited texts (e-mail) or have no counting rule here.
_NOT_COUNTED = {"email", "outbox"}


def _crops(project: Project, media: PluginMedia, focus: derivatives.Focus) -> tuple[Crop, ...]:
    """The crops the build will publish for an image (planned from its header, none made here)."""
    if media.kind != "image" or not media.src:
        return ()
    try:
        with open(os.path.join(project.rules.docs_dir, media.src), "rb") as f:
            planned, _ = derivatives.plan(f.read(), media.src, focus)
    except Exception:  # the loader reported the file already; the preview shows the image itself
        return ()
    return tuple(
        Crop(ratio=c.ratio, url=project.media_url(c.path), width=c.width, height=c.height, mime=c.mime) for c in planned
    )


def _media(
    project: Project, items: tuple[PluginMedia, ...], main: PluginMedia | None = None, focus: derivatives.Focus = None
) -> tuple[Media, ...]:
    return tuple(
        Media(
            kind=m.kind,  # type: ignore[arg-type]
            url=project.media_url(m.src) if m.src else f"https://www.youtube.com/watch?v={m.youtube_id}",
            alt=m.alt,
            mime=m.mime,
            width=m.width,
            height=m.height,
            bytes=m.bytes,
            youtube_id=m.youtube_id,
            duration=m.duration,
            crops=_crops(project, m, focus if m is main else None),
        )
        for m in items
    )


CROPS_PREVIEW = "recortes para redes"
_CROP_USES = {
    "1.91:1": "tarjetas de enlace, WhatsApp y la página",
    "1:1": "Instagram (fotos horizontales)",
    "4:5": "Instagram (fotos verticales)",
    "9:16": "historias, fotos de TikTok y Reels",
}
SMALL_CARD = (600, 315)
"""Below this, Facebook, X and LinkedIn show a small thumbnail instead of a large card."""


def crops_preview(item: Item) -> Preview | None:
    """The crops the portal will publish for each image, and where each one goes."""
    lines, media = [], []
    for image in item.images:
        if not image.crops:
            continue
        lines.append(f"{image.url.rsplit('/', 1)[-1]} ({image.width}×{image.height}):")
        for crop in image.crops:
            lines.append(f"  {crop.ratio} · {crop.width}×{crop.height} · {_CROP_USES.get(crop.ratio, '')}".rstrip(" ·"))
            media.append((crop.url, image.alt))
    if not lines:
        return None
    return Preview(CROPS_PREVIEW, "\n".join(lines), None, None, "", media=tuple(media))


def manifest_item(project: Project, release: Release) -> Item:
    """The manifest item the build will publish for ``release`` (before it is live), with every
    live update, whatever its time: the reviewer sees the ones still to come too."""
    meta = release.meta
    url = project.release_url(release)
    focus = (meta.focal_point.x, meta.focal_point.y) if meta.focal_point is not None else None
    updates = tuple(
        Update(id=u.id, time=u.time, text=u.text, digest=u.digest, url=f"{url}#{u.id}", media=_media(project, u.media))
        for u in release.updates
    )
    return Item(
        id=release.id,
        url=url,
        digest=release.digest,
        title=meta.title,
        summary=meta.summary,
        date=meta.date,
        expires=meta.expires,
        dependencia=Dependencia(
            slug=meta.dependencia, name=project.rules.dependencias.get(meta.dependencia, meta.dependencia)
        ),
        tags=tuple(meta.tags),
        featured=meta.featured,
        media=_media(project, release.media, release.image, focus),
        social=dict(meta.social),
        press_lists=tuple(meta.press_lists),
        accounts=tuple(getattr(meta, "accounts", ()) or ()),
        source=Source(path=release.display_path),
        live=meta.live,
        updates=updates,
    )


def _counting_rule(channel: str, item: Item) -> str | None:
    if channel == "telegram" and not item.images:
        return "telegram_text"
    return channel if channel in counting.RULES and channel not in _NOT_COUNTED else None


# Pull requests (from forks, above all) get no secrets, so `!ENV` values are None there. Rendering
# never uses them, but channels validate their options on construction: fill the gaps.
_NO_SECRET = "pregon-check-sin-secreto"


def _channel(account: Account) -> Channel:
    cls = channel_class(account.network)
    config = dict(account.options)
    try:
        channel = cls(config)
    except Exception:
        if not any(v is None for v in config.values()):
            raise
        channel = cls({k: (_NO_SECRET if v is None else v) for k, v in config.items()})
    channel.account = account.key
    channel.selection = account.selection
    return channel


def label(account: Account) -> str:
    """``x-alcalde (x)``: the account, and its network when the key does not say it."""
    return account.key if account.key == account.network else f"{account.key} ({account.network})"


def render(channel: str, config: dict, item: Item, update: Update | None = None) -> Preview:
    """The preview of ``item`` (or one live ``update``) on account ``channel`` (its mapping
    ``config``), by the network's own ``render()`` when possible."""
    try:
        account = parse_account(channel, config)
    except AccountError as exc:
        return Preview(channel, "", None, None, "", problems=(exc.message,))
    network = account.network
    rule = _counting_rule(network, item)
    unit = counting.RULES[rule].unit if rule else ""
    label_ = f"actualización {update.time:%Y-%m-%d %H:%M}" if update is not None else None
    name = label(account)
    selected = account.selection.skip_reason(account.key, item)
    if selected:
        return Preview(name, "", None, None, unit, update=label_, skipped=selected)
    config = dict(account.options)
    try:
        post = _channel(account).render(item, update)
    except Exception as exc:
        reason = (
            "el módulo de esta red aún no está disponible" if isinstance(exc, ImportError) else exc.__class__.__name__
        )
        if update is not None:
            text = compose_update(update, config.get("update_template"))
        else:
            text = compose(item, network, config.get("template"))
        length = counting.count(rule, text) if rule else None
        limit = counting.RULES[rule].limit if rule else None
        problems = (
            (counting.too_long_message(rule, length, limit),) if rule and length and limit and length > limit else ()
        )
        return Preview(
            name,
            text,
            length,
            limit,
            unit,
            media=tuple((m.url, m.alt) for m in (update.media if update is not None else item.media[:1])),
            problems=problems,
            note=f"vista aproximada con la plantilla y las reglas de conteo ({reason})",
            update=label_,
        )
    skip = post.skip  # the channel has nothing to send here (the runner skips it)
    return Preview(
        name,
        post.text,
        post.length,
        post.limit,
        unit,
        media=tuple((m.url, m.alt) for m in post.media),
        card=dict(post.card),
        problems=() if skip else tuple(post.problems),
        update=label_,
        skipped=skip,
    )


def check(
    report: ReleaseReport,
    project: Project,
    release: Release,
    lines: dict[str, int | None],
    image_lines: dict[str, int | None],
) -> set[str]:
    """Render every configured account's post; what would make a post fail is an error.

    A problem is shown on the line of the image it names (``image_lines``: file name → line),
    else of ``update:<id>`` for an update's post, else of ``social.<network>``, else of ``title``
    (``lines``). A release that lists an account not configured is an error on ``accounts``.
    Returns the networks that rendered with their own module.
    """
    item = manifest_item(project, release)
    report.url = item.url
    unknown = [a for a in item.accounts if a not in project.channels]
    if unknown:
        report.error(
            RULE,
            f"accounts: {', '.join(unknown)} no es una cuenta configurada en mkdocs.yml "
            f"(cuentas: {', '.join(project.channels) or 'ninguna'})",
            lines.get("accounts") or lines.get("title"),
        )
    card = next((c for c in item.images[0].crops if c.ratio == "1.91:1"), None) if item.images else None
    if card is not None and (card.width < SMALL_CARD[0] or card.height < SMALL_CARD[1]):
        report.notice(
            RULE,
            f"la imagen principal da una tarjeta de enlace de {card.width}×{card.height}: las redes muestran "
            f"tarjetas grandes desde {SMALL_CARD[0]}×{SMALL_CARD[1]} (Pregón no agranda imágenes); use una foto más grande",
            image_lines.get(item.images[0].url.rsplit("/", 1)[-1]) or lines.get("image"),
        )
    rendered = set()
    for channel, config in project.channels.items():
        network = str(config.get("network") or channel)
        for update in (None, *sorted(item.updates, key=lambda u: u.time)):
            preview = render(channel, dict(config), item, update)
            report.previews.append(preview)
            if preview.note is None and update is None:
                rendered.add(network)
            fallback = lines.get(f"update:{update.id}") if update is not None else None
            fallback = fallback or lines.get(f"social.{network}") or lines.get("title")
            for problem in preview.problems:
                named = next((ln for name, ln in image_lines.items() if name in problem), None)
                report.error(RULE, problem, named or fallback)
    crops = crops_preview(item)
    if crops is not None:
        report.previews.append(crops)  # after the accounts' posts, which it explains
    return rendered
