"""Adopting Pregón on a live portal: never post the archive by accident.

* :func:`guard` — a channel with no ledger line yet (first run, or a network just enabled) that
  would post more than ``backlog_limit`` items refuses, naming the two ways out.
* :func:`seed` — ``pregon syndicate --seed`` records every item and live update of the manifest
  as ``seeded`` (already published) on every channel, without posting anything.
* :func:`skip_reason` — whether an account takes the item at all (its selection) and has anything
  to send for it (``Post.skip``), so such items count for neither.
"""

from __future__ import annotations

from collections.abc import Mapping

from .channels.base import Channel, post_key
from .ledger import Ledger
from .manifest import Item, Update
from .report import Outcome


def skip_reason(channel: Channel, item: Item, update: Update | None) -> str | None:
    """Why ``channel``'s account takes nothing for this item/update (its selection, or
    ``Post.skip``), or None.

    Rendering never touches the network, so this is known before any gate.
    """
    selected = channel.selection.skip_reason(channel.account, item)
    if selected:
        return selected
    try:
        return channel.render(item, update, None).skip
    except Exception:
        return None


def guard(items: tuple[Item, ...], channels: Mapping[str, Channel], ledger: Ledger, limit: int) -> list[Outcome]:
    """One error outcome per new account that would post more than ``limit`` items at once."""
    refused = []
    for name, channel in channels.items():
        if ledger.knows_channel(name):
            continue
        count = sum(1 for item in items if not skip_reason(channel, item, None))
        if count > limit:
            refused.append(
                Outcome(
                    "—",
                    "—",
                    name,
                    "error",
                    f"primera ejecución de este canal con {count} comunicados en el portal (más de "
                    f"{limit}): no se publica el archivo histórico. Use `pregon syndicate --seed` "
                    "para marcarlo como ya publicado, o `--publish-backlog` para publicarlo todo",
                )
            )
    return refused


def seed(
    items: tuple[Item, ...],
    channels: Mapping[str, Channel],
    ledger: Ledger,
    *,
    dry_run: bool,
) -> list[Outcome]:
    """Mark every post not yet done as ``seeded`` (nothing is written in a dry run)."""
    outcomes = []
    for item in items:
        units = [(None, item.digest)] + [(u.id, u.digest) for u in item.updates]
        for name, channel in channels.items():
            if channel.selection.skip_reason(name, item):
                continue  # never this account's post: nothing to adopt
            for update_id, digest in units:
                key = post_key(item.id, name, update_id)
                if ledger.history(key).done is not None:
                    continue
                if not dry_run:
                    ledger.append(
                        "seeded",
                        key=key,
                        item=item.id,
                        channel=name,
                        digest=digest,
                        update=update_id,
                    )
                outcomes.append(
                    Outcome(
                        item.id,
                        item.title,
                        name,
                        "seeded",
                        "marcado como ya publicado, sin publicar",
                        update_id,
                    )
                )
    return outcomes
