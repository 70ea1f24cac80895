"""Build benchmark: Pregón cold and warm against plain Material and Hugo on the same corpus, in one run.

    .venv/bin/python bench/build_bench.py --sizes 4000            # N = 4,000 (several minutes)
    .venv/bin/python bench/build_bench.py --sizes 4000 20000 --repeat 3
    .venv/bin/python bench/build_bench.py --sizes 5 --no-browser --no-hugo   # smoke run

For each N it writes N synthetic Spanish releases (valid front matter, one image each, eight
dependencias, releases spread over three years, the newest one a live release) into a temporary
project, then builds it, alternating the kinds so background load hits all alike:

* ``plain``  — Material as an entity would run it without Pregón: its default search plugin on,
  releases out of the nav, the same Markdown pages;
* ``plain-nosearch`` — the same without Material's search (the part Pregón replaces);
* ``pregon`` — a cold Pregón build (empty build cache): listings, feeds, manifest, head tags and
  the Pagefind bundles;
* ``pregon-new`` — then one new release, on the warm cache the cold build left;
* ``pregon-live`` — then one more update of the live release, on the warm cache;
* ``hugo`` — Hugo (Debian package ``hugo``; installed here with apt-get if missing) with minimal
  layouts, the same Markdown and images.

Each build runs in its own process; the script prints CPU time (user + system, with children
such as Pagefind; best of ``--repeat``, spread = worst / best), wall time, peak memory (max RSS of
the process and its children) and the ratios of the goals. At the largest N it serves the cold
Pregón site on 127.0.0.1, runs queries in the Debian Chromium and counts the bytes the search
fetched. ``--profile`` also runs the Pregón cold build under pyinstrument.

Goals: one new release or one live update on a warm cache ≤ 0.10 × Pregón cold and ≤ 1.0 × Hugo
cold; Pregón cold ≤ 1.3 × plain Material; peak memory ≤ 1.5 × plain Material; first query ≤ 1 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

NOW = "2026-11-20T10:00:00-05:00"
SITE_URL = "http://127.0.0.1:8000/"
CHROMIUM = "/usr/bin/chromium"
HUGO = "hugo"
GOALS = {
    "warm_vs_cold": 0.10,
    "warm_vs_hugo": 1.0,
    "cold_vs_plain": 1.3,
    "memory_vs_plain": 1.5,
    "first_query_bytes": 1_000_000,
}
PREGON_KINDS = ("pregon", "pregon-new", "pregon-live")

DEPENDENCIAS = {
    "despacho": "Despacho del Alcalde",
    "salud": "Secretaría de Salud",
    "educacion": "Secretaría de Educación",
    "infraestructura": "Secretaría de Infraestructura",
    "ambiente": "Secretaría de Ambiente",
    "cultura": "Secretaría de Cultura y Turismo",
    "gobierno": "Secretaría de Gobierno",
    "hacienda": "Secretaría de Hacienda",
}

# Words for synthetic releases: enough variety that the search index has a realistic vocabulary.
NOUNS = (  # noqa: SIM905 - a word list reads better as text
    "jornada vacunación biblioteca puente vía vereda barrio colegio hospital parque mercado "
    "festival acueducto alcantarillado alumbrado sendero ciclovía cancha polideportivo plaza "
    "terminal escuela beca subsidio impuesto predial presupuesto contrato licitación obra "
    "convocatoria capacitación emprendimiento cosecha siembra reforestación reciclaje quebrada "
    "río humedal bosque ruta transporte censo encuesta consejo cabildo audiencia rendición "
    "seguridad policía bomberos emergencia lluvia sequía inundación derrumbe carretera andén "
    "semáforo concierto teatro museo danza música lectura deporte torneo maratón feria artesanía "
    "turismo vivienda mejoramiento titulación agua energía"
).split()
VERBS = (  # noqa: SIM905 - a word list reads better as text
    "inaugura anuncia abre amplía entrega inicia termina convoca invita presenta repara construye "
    "mejora celebra organiza lanza firma aprueba recibe visita atiende informa recuerda premia"
).split()
PLACES = [
    "San Isidro del Río",
    "La Esperanza",
    "El Carmen",
    "Las Palmas",
    "Santa Rosa",
    "El Progreso",
    "La Floresta",
    "Villa Nueva",
    "Los Almendros",
    "El Cedral",
    "Buenos Aires",
    "La Unión",
    "San José",
    "El Porvenir",
    "Las Brisas",
    "Alto Bonito",
    "La Cumbre",
    "El Salitre",
    "Campo Alegre",
    "Bellavista",
]
ADJECTIVES = (  # noqa: SIM905 - a word list reads better as text
    "gratuita nueva municipal rural urbana comunitaria pública ampliada segura accesible "
    "sostenible histórica anual mensual abierta cultural deportiva educativa ambiental"
).split()


@dataclass
class BuildResult:
    kind: str
    seconds: float  # wall clock
    cpu_seconds: float  # user + system, of the build process and its children (Pagefind)
    child_cpu_seconds: float  # the children's share: Pagefind in the Pregón build
    peak_mb: float
    child_peak_mb: float
    pages: int


# --- Synthetic project ------------------------------------------------------------------------


def _sentence(rng: random.Random) -> str:
    noun, other = rng.sample(NOUNS, 2)
    return (
        f"La Alcaldía {rng.choice(VERBS)} la {noun} {rng.choice(ADJECTIVES)} en {rng.choice(PLACES)}, "
        f"con {rng.randint(2, 900)} personas y apoyo de la {other} del sector."
    )


def _release(rng: random.Random, n: int, when: datetime, slug: str) -> str:
    noun = rng.choice(NOUNS)
    title = f"{rng.choice(VERBS).capitalize()} la {noun} {rng.choice(ADJECTIVES)} en {rng.choice(PLACES)} ({n})"
    meta = {
        "title": title,
        "date": when.strftime("%Y-%m-%d %H:%M"),
        "summary": _sentence(rng),
        "dependencia": rng.choice(list(DEPENDENCIAS)),
        "tags": rng.sample(NOUNS, 2),
        "image": f"{slug}.jpg",
        "image_alt": f"Fotografía ilustrativa de la {noun} en {rng.choice(PLACES)}.",
        "featured": n % 400 == 0,
    }
    if n == 0:  # the newest release is live coverage, the target of the live-update measure
        meta["live"] = True
        meta["updates"] = [{"time": (when + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"), "text": _sentence(rng)}]
    paragraphs = ["\n".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(4)]
    body = f"{paragraphs[0]}\n\n{paragraphs[1]}\n\n## Más información\n\n{paragraphs[2]}\n\n- {paragraphs[3]}\n"
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body


def generate(root: Path, count: int, seed: int = 2026) -> None:
    """Write ``count`` releases (and an image each), the mkdocs configurations and the Hugo site."""
    rng = random.Random(seed)
    docs = root / "content"
    (docs / "prensa").mkdir(parents=True)
    (docs / "index.md").write_text(
        "---\ntitle: Inicio\n---\n\nComunicados de prensa de la Alcaldía.\n",
        encoding="utf-8",
    )
    image = _image()
    hugo = root / "hugo"
    first = datetime(2026, 11, 19, 9, 0)
    step = timedelta(days=3 * 365) / max(count, 1)  # three years of releases, newest yesterday
    for n in range(count):
        when = first - step * n
        slug = f"comunicado-{n:05d}"
        folder = docs / "prensa" / f"{when:%Y}" / f"{when:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        text = _release(rng, n, when, slug)
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
        (folder / f"{slug}.jpg").write_bytes(image)
        _hugo_page(hugo, folder.relative_to(docs), slug, text, when, image)
    common = {
        "site_name": "Alcaldía de Ejemplo",
        "site_url": SITE_URL,
        "docs_dir": "content",
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "es"},
        "nav": [{"Inicio": "index.md"}],
        "not_in_nav": "/prensa/\n/dependencias/\n/buscar.md\n",
    }
    pregon = {"entity": {"name": "Alcaldía de Ejemplo"}, "dependencias": DEPENDENCIAS}
    configs = {
        "plain": {**common, "plugins": ["search"]},
        "plain-nosearch": {**common, "plugins": []},
        "pregon": {**common, "plugins": [{"pregon": pregon}]},
    }
    for kind, config in configs.items():
        (root / f"mkdocs.{kind}.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    _hugo_site(hugo)


@functools.cache
def _image() -> bytes:
    out = io.BytesIO()
    picture = Image.new("RGB", (1200, 630), (70, 130, 180))
    ImageDraw.Draw(picture).rectangle((0, 420, 1200, 630), fill=(60, 140, 60))
    picture.save(out, "JPEG", quality=70)
    return out.getvalue()


def add_release(root: Path) -> None:
    """One new release, the newest of all (what an office publishes several times a day)."""
    folder = root / "content" / "prensa" / "2026" / "11"
    folder.mkdir(parents=True, exist_ok=True)
    text = _release(random.Random(7), 99999, datetime(2026, 11, 20, 8, 0), "comunicado-nuevo")
    (folder / "comunicado-nuevo.md").write_text(text, encoding="utf-8")
    (folder / "comunicado-nuevo.jpg").write_bytes(_image())


def add_live_update(root: Path) -> None:
    """One more update of the live release (the newest generated one, ``comunicado-00000``)."""
    [path] = (root / "content" / "prensa").glob("*/*/comunicado-00000.md")
    text = path.read_text(encoding="utf-8")
    update = "- time: 2026-11-20 09:30\n  text: La vía ya tiene paso en ambos carriles.\n"
    head, body = text[4:].split("\n---\n", 1)
    path.write_text("---\n" + head.replace("updates:\n", "updates:\n" + update, 1) + "\n---\n" + body, encoding="utf-8")


def _hugo_page(hugo: Path, folder: Path, slug: str, text: str, when: datetime, image: bytes) -> None:
    meta = yaml.safe_load(text.split("---\n")[1])
    body = text.split("---\n", 2)[2]
    front = {"title": meta["title"], "date": when.strftime("%Y-%m-%dT%H:%M:00-05:00"), "summary": meta["summary"]}
    page = hugo / "content" / folder / f"{slug}.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body, encoding="utf-8")
    static = hugo / "static" / folder / f"{slug}.jpg"
    static.parent.mkdir(parents=True, exist_ok=True)
    static.write_bytes(image)


# Minimal layouts: a page, a paginated list (sections and home) and a shared frame.
_HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
    '</head><body>{{ block "main" . }}{{ end }}</body></html>\n',
    "single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>'
    "<p>{{ .Summary }}</p>{{ .Content }}</article>{{ end }}\n",
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li>'
    '<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>'
    '{{ with .Paginator.Next }}<a href="{{ .URL }}">Más antiguos</a>{{ end }}{{ end }}\n',
}


def _hugo_site(hugo: Path) -> None:
    layouts = hugo / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    for name, text in _HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    (hugo / "layouts" / "index.html").write_text(_HUGO_LAYOUTS["list.html"], encoding="utf-8")
    (hugo / "hugo.toml").write_text(
        f'baseURL = "{SITE_URL}"\nlanguageCode = "es"\ntitle = "Alcaldía de Ejemplo"\npaginate = 20\n'
        'disableKinds = ["taxonomy", "term"]\n',
        encoding="utf-8",
    )


# --- Builds -----------------------------------------------------------------------------------

# Runs in a fresh interpreter so each build's memory is its own; prints seconds and peak RSS.
_RUNNER = """
import json, logging, resource, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.getLogger("mkdocs").setLevel(logging.ERROR)
start = time.perf_counter()
build(load_config(config_file=sys.argv[1], site_dir=sys.argv[2]))
seconds = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "child_cpu_seconds": kids.ru_utime + kids.ru_stime,
                  "peak_kb": max(me.ru_maxrss, kids.ru_maxrss), "child_peak_kb": kids.ru_maxrss}))
"""


# Runs a command (Hugo) and reports the same figures for it.
_COMMAND_RUNNER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
seconds = time.perf_counter() - start
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = kids.ru_utime + kids.ru_stime
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "child_cpu_seconds": cpu,
                  "peak_kb": kids.ru_maxrss, "child_peak_kb": kids.ru_maxrss}))
"""


def build(root: Path, kind: str, site: Path, config: str | None = None, keep_site: bool = False) -> BuildResult:
    """Build ``mkdocs.<config or kind>.yml`` of ``root`` into ``site`` in its own process.

    The Pregón build cache (``root/.cache/pregon``) is left as it is: the caller empties it for a
    cold build and keeps it for a warm one. ``site`` is emptied first unless ``keep_site``: a warm
    build goes into the folder the previous build wrote, as on an office's machine."""
    if not keep_site:
        shutil.rmtree(site, ignore_errors=True)
    command = [sys.executable, "-c", _RUNNER, str(root / f"mkdocs.{config or kind}.yml"), str(site)]
    return _measure(kind, command, root, site)


def hugo_build(root: Path, site: Path) -> BuildResult:
    shutil.rmtree(site, ignore_errors=True)
    command = [
        sys.executable,
        "-c",
        _COMMAND_RUNNER,
        HUGO,
        "--quiet",
        "--source",
        str(root / "hugo"),
        "--destination",
        str(site),
    ]
    return _measure("hugo", command, root, site)


def _measure(kind: str, command: list[str], root: Path, site: Path) -> BuildResult:
    env = {**os.environ, "PREGON_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"build {kind} failed:\n{proc.stdout}\n{proc.stderr}")
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    pages = sum(1 for _ in site.rglob("index.html"))
    return BuildResult(
        kind,
        stats["seconds"],
        stats["cpu_seconds"],
        stats["child_cpu_seconds"],
        stats["peak_kb"] / 1024,
        stats["child_peak_kb"] / 1024,
        pages,
    )


def ensure_hugo() -> bool:
    """Hugo from the Debian package, installed with apt-get if missing (bench only, never tests)."""
    if shutil.which(HUGO):
        return True
    print("Hugo no está instalado: apt-get install hugo …")
    apt = ["apt-get", "install", "-y", "-qq", HUGO]
    if os.geteuid() != 0:
        apt = ["sudo", "-n", *apt]
    result = subprocess.run(
        apt, capture_output=True, text=True, check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    )
    if result.returncode != 0 or not shutil.which(HUGO):
        print(f"No se pudo instalar Hugo; se omite la comparación con Hugo.\n{result.stderr[-500:]}")
        return False
    return True


def profile(root: Path, site: Path, out: Path) -> None:
    """Run the Pregón build under pyinstrument (not a project dependency: pip install pyinstrument)."""
    env = {**os.environ, "PREGON_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [
        sys.executable,
        "-m",
        "pyinstrument",
        "-o",
        str(out),
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(root / "mkdocs.pregon.yml"),
        "-d",
        str(site),
    ]
    subprocess.run(cmd, cwd=root, env=env, check=True)
    print(f"perfil de pyinstrument: {out}")


# --- First search query -----------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def first_query_bytes(site: Path, query: str) -> tuple[int, int, int]:
    """Bytes of everything the search page fetched from ``pagefind/`` for one query, in Chromium.

    Returns (pagefind bytes, number of pagefind files, number of results shown)."""
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    fetched: dict[str, int] = {}
    with serve(site) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        page = browser.new_page()

        def count(response) -> None:  # type: ignore[no-untyped-def]
            if "/pagefind/" in response.url and response.ok:
                fetched[response.url] = len(response.body())

        page.on("response", count)
        page.goto(f"{url}buscar/?q={query}")
        page.locator(".pagefind-ui__result").first.wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")
        shown = page.locator(".pagefind-ui__result").count()
        browser.close()
    return sum(fetched.values()), len(fetched), shown


# --- Report -----------------------------------------------------------------------------------


def run(
    sizes: list[int],
    repeat: int,
    browser: bool,
    keep: Path | None,
    profile_out: Path | None,
    hugo: bool = True,
) -> dict:
    results: dict = {"sizes": {}}
    hugo = hugo and ensure_hugo()
    base = keep or Path(tempfile.mkdtemp(prefix="pregon-bench-"))
    try:
        for n in sizes:
            root = base / f"n{n}"
            shutil.rmtree(root, ignore_errors=True)
            generate(root, n)
            runs: dict[str, list[BuildResult]] = {}
            for _ in range(repeat):  # alternate the builds so background load hits all alike
                for r in _one_round(root, hugo):
                    runs.setdefault(r.kind, []).append(r)
            entry = _figures(n, runs, root)
            results["sizes"][n] = entry
            _print_size(n, entry)
        largest = max(sizes)
        if browser:
            results["first_query"] = _first_queries(base / f"n{largest}" / "site-pregon", largest)
        results["goals"] = _goals(results)
        _print_goals(results["goals"])
        if profile_out:
            shutil.rmtree(base / f"n{largest}" / ".cache", ignore_errors=True)
            profile(base / f"n{largest}", base / f"n{largest}" / "site-profile", profile_out)
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return results


def _one_round(root: Path, hugo: bool) -> list[BuildResult]:
    """plain, plain without search, Pregón cold, + one release (warm), + one live update (warm), Hugo."""
    live = next((root / "content" / "prensa").glob("*/*/comunicado-00000.md"))
    original = live.read_text(encoding="utf-8")
    out = [build(root, kind, root / f"site-{kind}") for kind in ("plain", "plain-nosearch")]
    shutil.rmtree(root / ".cache", ignore_errors=True)  # cold: no build cache
    out.append(build(root, "pregon", root / "site-pregon"))
    add_release(root)
    out.append(build(root, "pregon-new", root / "site-pregon", config="pregon", keep_site=True))
    add_live_update(root)
    out.append(build(root, "pregon-live", root / "site-pregon", config="pregon", keep_site=True))
    for path in (root / "content" / "prensa" / "2026" / "11").glob("comunicado-nuevo.*"):
        path.unlink()
    live.write_text(original, encoding="utf-8")
    if hugo:
        out.append(hugo_build(root, root / "site-hugo"))
    return out


def _figures(n: int, runs: dict[str, list[BuildResult]], root: Path) -> dict:
    # CPU time, not wall time: on a shared machine other processes stretch wall time unevenly.
    best = {k: min(v, key=lambda r: r.cpu_seconds) for k, v in runs.items()}
    entry: dict = {k: asdict(v) for k, v in best.items()}
    entry["spread"] = {k: max(r.cpu_seconds for r in v) / min(r.cpu_seconds for r in v) for k, v in runs.items()}
    entry["runs"] = {k: [r.cpu_seconds for r in v] for k, v in runs.items()}
    entry["ms_per_release"] = {k: 1000 * v.cpu_seconds / n for k, v in best.items()}
    cold, plain = best["pregon"], best["plain"]
    entry["ratio"] = cold.cpu_seconds / plain.cpu_seconds
    entry["wall_ratio"] = cold.seconds / plain.seconds
    entry["memory_ratio"] = max(best[k].peak_mb for k in PREGON_KINDS) / plain.peak_mb
    for kind in ("pregon-new", "pregon-live"):
        entry[f"{kind}_vs_cold"] = best[kind].cpu_seconds / cold.cpu_seconds
        if "hugo" in best:
            entry[f"{kind}_vs_hugo"] = best[kind].cpu_seconds / best["hugo"].cpu_seconds
    index = root / "site-plain" / "search" / "search_index.json"
    entry["material_index_bytes"] = index.stat().st_size if index.exists() else None
    return entry


def _first_queries(site: Path, n: int) -> dict:
    worst = None
    for query in ("salud", "vacunación gratuita", "puente La Esperanza"):
        size, files, shown = first_query_bytes(site, query)
        print(
            f"Primera búsqueda «{query}» a {n}: {size / 1024:.0f} KiB en {files} archivos de pagefind/ ({shown} resultados)"
        )
        if worst is None or size > worst[1]:
            worst = (query, size)
    assert worst is not None
    return {"query": worst[0], "bytes": worst[1]}


def _goals(results: dict) -> list[dict]:
    """Every goal at every N: the measured ratio, its goal and whether it is met."""
    goals = []
    for n, entry in results["sizes"].items():
        rows = [
            ("nuevo comunicado (caché) / Pregón en frío", entry["pregon-new_vs_cold"], GOALS["warm_vs_cold"]),
            ("actualización en vivo (caché) / Pregón en frío", entry["pregon-live_vs_cold"], GOALS["warm_vs_cold"]),
            ("Pregón en frío / Material", entry["ratio"], GOALS["cold_vs_plain"]),
            ("memoria pico Pregón / Material", entry["memory_ratio"], GOALS["memory_vs_plain"]),
        ]
        if "pregon-new_vs_hugo" in entry:
            rows[2:2] = [
                ("nuevo comunicado (caché) / Hugo en frío", entry["pregon-new_vs_hugo"], GOALS["warm_vs_hugo"]),
                ("actualización en vivo (caché) / Hugo en frío", entry["pregon-live_vs_hugo"], GOALS["warm_vs_hugo"]),
            ]
        goals += [
            {"n": n, "goal": name, "ratio": ratio, "limit": limit, "met": ratio <= limit} for name, ratio, limit in rows
        ]
    if "first_query" in results:
        size = results["first_query"]["bytes"]
        goals.append(
            {
                "n": max(results["sizes"]),
                "goal": "primera búsqueda (bytes)",
                "ratio": size,
                "limit": GOALS["first_query_bytes"],
                "met": size <= GOALS["first_query_bytes"],
            }
        )
    return goals


def _print_size(n: int, entry: dict) -> None:
    print(f"\nN = {n} comunicados")
    print(f"  {'construcción':<16}{'CPU s':>8}{'dispersión':>12}{'reloj s':>9}{'memoria pico':>14}{'páginas':>9}")
    for kind in ("plain", "plain-nosearch", *PREGON_KINDS, "hugo"):
        if kind not in entry:
            continue
        r = entry[kind]
        print(
            f"  {kind:<16}{r['cpu_seconds']:>8.2f}{entry['spread'][kind]:>11.2f}×{r['seconds']:>9.2f}"
            f"{r['peak_mb']:>11.0f} MB{r['pages']:>9}"
        )
    p = entry["pregon"]
    print(
        f"  de Pregón en frío, Pagefind: {p['child_cpu_seconds']:.2f} s de CPU; el resto (MkDocs + plugin): "
        f"{p['cpu_seconds'] - p['child_cpu_seconds']:.2f} s; pico de los procesos hijos {p['child_peak_mb']:.0f} MB"
    )
    # Linux gives a child, at exec, the peak its parent had when it was launched: this figure is
    # Pagefind's own peak only when that is above MkDocs' at launch (/usr/bin/time tells it apart).
    print("  (el pico de un hijo incluye la memoria que tenía MkDocs al lanzarlo)")


def _print_goals(goals: list[dict]) -> None:
    print("\nMetas (mejor CPU de cada construcción):")
    for g in goals:
        value = f"{g['ratio'] / 1024:.0f} KiB" if g["goal"].endswith("(bytes)") else f"{g['ratio']:.3f}×"
        limit = f"{g['limit'] // 1000} kB" if g["goal"].endswith("(bytes)") else f"{g['limit']}×"
        print(f"  N = {g['n']}: {g['goal']}: {value} (meta ≤ {limit}): {'se cumple' if g['met'] else 'NO se cumple'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000])
    parser.add_argument("--repeat", type=int, default=1, help="builds per kind; the best time counts")
    parser.add_argument(
        "--no-browser",
        dest="browser",
        action="store_false",
        help="skip the first-query measure",
    )
    parser.add_argument("--no-hugo", dest="hugo", action="store_false", help="skip the Hugo build")
    parser.add_argument("--keep", type=Path, help="keep projects and sites in this folder")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--profile",
        type=Path,
        help="write a pyinstrument profile of the largest Pregón build",
    )
    args = parser.parse_args(argv)
    results = run(sorted(args.sizes), args.repeat, args.browser, args.keep, args.profile, hugo=args.hugo)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
