"""A synthetic year of an office's records, in the formats the real code writes, and report timings.

Generates, for ``--dias`` days from ``--desde``: the ledger (``syndicate.ledger.Entry`` lines),
gate decisions and approval records, daily metric snapshots (``insights.metrics.MetricsStore``)
and replies/mentions in a private store (``insights.private.PrivateStore``). Engagement has a
planted best hour per network (``PLANTED``), so best-hours computation can be checked against it.

    python bench/insights_year.py /tmp/anio --privado /tmp/anio-privado

then times ``report growth``, ``report sentiment`` and ``audit`` on every month, against the time
of merely reading the records (the baseline).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pregon.insights.metrics import MetricsStore
from pregon.insights.private import PrivateStore, StoredMention
from pregon.syndicate.channels.base import post_key
from pregon.syndicate.ledger import Entry
from pregon.syndicate.schedule import TIMEZONE

CHANNELS = ("bluesky", "mastodon", "facebook", "x")
PLANTED = {"bluesky": 12, "mastodon": 9, "facebook": 18, "x": 7}
"""Local hour whose posts get about three times the engagement, per network."""
HOURS = (7, 9, 10, 12, 15, 18)
SNAPSHOT_DAYS = (0, 1, 2, 6, 29)

POSITIVE = (
    "Gracias alcaldía por arreglar el parque, quedó excelente 👏",
    "Qué buena noticia para el barrio, felicitaciones al equipo",
    "Excelente gestión, por fin llegó el agua a la vereda 🙌",
    "Muy bien por la jornada de vacunación, atención rápida y amable",
    "Orgullo de nuestra ciudad, sigan así ❤️",
)
NEUTRAL = (
    "¿A qué hora abren las inscripciones?",
    "¿Dónde queda el punto de atención del sur?",
    "Información sobre el horario del evento por favor",
    "¿Ese subsidio aplica para el estrato 2?",
    "Compartan el enlace del formulario",
)
NEGATIVE = (
    "Pésimo servicio, llevamos tres semanas sin recolección de basura",
    "Los huecos de la calle 10 siguen igual, qué vergüenza",
    "Puro show, la inseguridad en el barrio está peor que nunca 😡",
    "Nadie responde en la línea, un abandono total",
    "Otra obra inconclusa, se roban la plata",
)
CONTACT = ("", " escríbanme a vecino{n}@correo.com", " mi número es 300 555 {n:04d}", " cc @vecina_{n}")


@dataclass(frozen=True)
class Generated:
    posts: int
    mentions: int
    first: date
    last: date


def _ledger_line(records: Path, entry: Entry) -> None:
    folder = records / "ledger"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{entry.at[:7]}.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(entry.to_json() + "\n")


def _jsonl(folder: Path, at: str, line: dict[str, object]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{at[:7]}.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"v": 1, **line}, ensure_ascii=False) + "\n")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_config(project: Path) -> None:
    """A mkdocs.yml whose syndicate section enables the synthetic networks."""
    channels = "\n".join(f"          {c}: {{api_base: http://127.0.0.1:9}}" for c in CHANNELS)
    (project / "mkdocs.yml").write_text(
        "site_name: Alcaldía de Ejemplo\nplugins:\n  - pregon:\n      syndicate:\n        records: records\n"
        f"        channels:\n{channels}\n        insights:\n          best_hours: {{min_posts: 4, top: 1}}\n",
        encoding="utf-8",
    )


def generate(project: Path, private: PrivateStore, *, start: date, days: int, seed: int = 21) -> Generated:
    """Write a synthetic ``days``-long history under ``project`` (records) and ``private``."""
    rng = random.Random(seed)
    records = project / "records"
    metrics = MetricsStore(records / "metrics")
    write_config(project)
    followers = {c: rng.randint(2_000, 20_000) for c in CHANNELS}
    posted = {c: rng.randint(500, 3_000) for c in CHANNELS}
    lines: list[dict[str, object]] = []
    post_count = mention_count = 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        for channel in CHANNELS:
            followers[channel] += max(-5, int(rng.gauss(6, 8)))
            lines.append({"kind": "account", "date": day.isoformat(), "taken_at": _utc(_at(day, 6)),
                          "channel": channel, "followers": followers[channel], "posts": posted[channel]})  # fmt: skip
        if day.weekday() >= 5 and rng.random() < 0.7:
            continue
        for number in range(rng.choice((1, 1, 2))):
            item = f"{day.isoformat()}-comunicado-{number + 1}"
            digest = f"sha256:{rng.getrandbits(128):032x}"
            hour = rng.choice(HOURS)
            published = _at(day, hour, rng.randint(0, 40))
            _jsonl(records / "approvals", _utc(published - timedelta(hours=2)), {
                "at": _utc(published - timedelta(hours=2)), "by": "jefa-prensa", "role": "contenido",
                "digest": digest, "source": f"content/prensa/{day:%Y/%m}/{item}.md", "pr": offset * 2 + number,
            })  # fmt: skip
            _jsonl(records / "approvals", _utc(published - timedelta(hours=1)), {
                "at": _utc(published - timedelta(hours=1)), "by": "disenador", "role": "diseño",
                "digest": digest, "source": f"content/prensa/{day:%Y/%m}/{item}.md", "pr": offset * 2 + number,
            })  # fmt: skip
            _jsonl(records / "decisions", _utc(published - timedelta(minutes=1)), {
                "at": _utc(published - timedelta(minutes=1)), "item": item, "update": None, "digest": digest,
                "provider": "records", "approved": True, "reason": "aprobado en registros",
                "approvers": {"contenido": "jefa-prensa", "diseño": "disenador"},
                "reference": f"PR #{offset * 2 + number}",
            })  # fmt: skip
            for channel in CHANNELS:
                key = post_key(item, channel)
                confirmed = published + timedelta(seconds=rng.randint(5, 90))
                attempts = 1 if rng.random() < 0.95 else 2
                remote = f"{channel}-{key[:12]}"
                common = {"key": key, "item": item, "channel": channel, "digest": digest, "run": "sintetico"}
                _ledger_line(records, Entry(state="intent", at=_utc(published), attempt=1, **common))
                if attempts == 2:
                    _ledger_line(records, Entry(state="failed", at=_utc(published + timedelta(seconds=3)), attempt=1,
                                                error="la red respondió 503", **common))  # fmt: skip
                    _ledger_line(records, Entry(state="intent", at=_utc(published + timedelta(seconds=4)), attempt=2,
                                                **common))  # fmt: skip
                _ledger_line(records, Entry(state="confirmed", at=_utc(confirmed), attempt=attempts, remote_id=remote,
                                            url=f"https://{channel}.example/{remote}", **common))  # fmt: skip
                posted[channel] += 1
                post_count += 1
                factor = 3.0 if hour == PLANTED[channel] else 1.0
                final = {f: max(0, int(rng.gauss(mean, mean / 4) * factor))
                         for f, mean in (("reactions", 40), ("shares", 10), ("replies", 6))}  # fmt: skip
                impressions = (
                    None if channel in ("bluesky", "mastodon") else int(sum(final.values()) * rng.uniform(15, 30))
                )
                for age in SNAPSHOT_DAYS:
                    share = min(1.0, 0.5 + age / 10)
                    when = _at(day + timedelta(days=age + 1), 6)
                    lines.append({"kind": "post", "date": when.date().isoformat(), "taken_at": _utc(when),
                                  "channel": channel, "item_id": item, "update_id": None, "remote_id": remote,
                                  "impressions": int(impressions * share) if impressions is not None else None,
                                  **{f: int(v * share) for f, v in final.items()}})  # fmt: skip
                mention_count += _mentions(rng, private, metrics, channel, remote, confirmed, lines)
    metrics.append(lines)
    return Generated(post_count, mention_count, start, start + timedelta(days=days - 1))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TIMEZONE)


def _mentions(rng: random.Random, private: PrivateStore, metrics: MetricsStore, channel: str, remote: str,
              posted: datetime, lines: list[dict[str, object]]) -> int:  # fmt: skip
    stored = []
    for n in range(rng.choice((0, 1, 1, 2, 3))):
        kind = rng.choices((POSITIVE, NEUTRAL, NEGATIVE), weights=(3, 2, 4))[0]
        number = rng.randint(0, 9999)
        text = rng.choice(kind) + rng.choice(CONTACT).format(n=number)
        created = posted + timedelta(minutes=rng.randint(2, 600))
        reply = rng.random() < 0.8
        stored.append(StoredMention(channel, f"{remote}-r{n}", f"vecino{number}.{channel}.example", text, created,
                                    remote if reply else None))  # fmt: skip
    for mention in private.add_mentions(stored, posted):
        lines.append({"kind": "mentions", "date": mention.created_at.astimezone(TIMEZONE).date().isoformat(),
                      "taken_at": _utc(mention.created_at), "channel": channel,
                      "replies": 1 if mention.in_reply_to else 0, "mentions": 0 if mention.in_reply_to else 1})  # fmt: skip
    return len(stored)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("destino", type=Path, help="carpeta del proyecto sintético (se crea)")
    parser.add_argument("--privado", type=Path, required=True, help="carpeta privada (fuera de todo repositorio)")
    parser.add_argument("--desde", type=date.fromisoformat, default=date(2025, 11, 1))
    parser.add_argument("--dias", type=int, default=365)
    args = parser.parse_args()

    import os

    from click.testing import CliRunner

    from pregon.cli import main as pregon

    args.destino.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    made = generate(args.destino, PrivateStore(args.privado), start=args.desde, days=args.dias)
    print(f"generado en {time.perf_counter() - started:.1f} s: {made.posts} publicaciones, {made.mentions} menciones, "
          f"{made.first} a {made.last}")  # fmt: skip

    os.environ["PREGON_PRIVATE_DIR"] = str(args.privado)
    config = str(args.destino / "mkdocs.yml")
    from pregon.insights.metrics import MetricsStore as Store
    from pregon.insights.posts import syndicated_posts

    started = time.perf_counter()
    months = Store(args.destino / "records" / "metrics").months()
    for month in months:
        Store(args.destino / "records" / "metrics").accounts(month)
    syndicated_posts(args.destino / "records")
    baseline = time.perf_counter() - started
    print(f"línea base (leer métricas y registro de todo el año): {baseline:.2f} s")
    runner = CliRunner()
    for command in (["report", "growth"], ["report", "sentiment"], ["audit"]):
        started = time.perf_counter()
        for month in months:
            result = runner.invoke(pregon, [*command, "-f", config, "--month", str(month)])
            if result.exit_code != 0:
                raise SystemExit(f"{' '.join(command)} {month} falló:\n{result.output}")
        elapsed = time.perf_counter() - started
        print(
            f"{' '.join(command):<18} {len(months)} meses en {elapsed:.2f} s ({elapsed / baseline:.1f}× la línea base)"
        )


if __name__ == "__main__":
    main()
