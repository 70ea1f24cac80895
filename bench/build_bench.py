"""Build benchmark: Pregón's build against a plain Material build of the same pages, in one run.

    .venv/bin/python bench/build_bench.py                  # N = 500 and 4,000 (several minutes)
    .venv/bin/python bench/build_bench.py --sizes 5 --no-browser   # smoke run

For each N it writes N synthetic Spanish releases (valid front matter, one image each, eight
dependencias, releases spread over three years) into a temporary project, then builds it:

* ``plain``  — Material as an entity would run it without Pregón: its default search plugin on,
  releases out of the nav, the same Markdown pages;
* ``plain-nosearch`` — the same without Material's search (the part Pregón replaces);
* ``pregon`` — the ``pregon`` plugin: listings, feeds, manifest, head tags and the Pagefind index.

Each build runs in its own process; the script prints its CPU time (user + system, with its
children; best of ``--repeat``) and wall time, ms of CPU per release, peak memory (max RSS of the build process and its children, e.g. Pagefind) and the
ratios the goals are stated in. At the largest N it serves the Pregón site on 127.0.0.1, runs one
query in the Debian Chromium and counts the bytes the search fetched, next to the size of
Material's own search index. ``--profile`` also runs the Pregón build under pyinstrument.

Goals: Pregón ≤ 1.10 × plain; ms per release at 4,000 ≤ 1.2 × at 500; first query ≤ 1 MB.
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
GOALS = {"build_ratio": 1.10, "scaling": 1.2, "first_query_bytes": 1_000_000}

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
    paragraphs = ["\n".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(4)]
    body = f"{paragraphs[0]}\n\n{paragraphs[1]}\n\n## Más información\n\n{paragraphs[2]}\n\n- {paragraphs[3]}\n"
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body


def generate(root: Path, count: int, seed: int = 2026) -> None:
    """Write ``count`` releases (and an image each) plus both mkdocs configurations into ``root``."""
    rng = random.Random(seed)
    docs = root / "content"
    (docs / "prensa").mkdir(parents=True)
    (docs / "index.md").write_text(
        "---\ntitle: Inicio\n---\n\nComunicados de prensa de la Alcaldía.\n",
        encoding="utf-8",
    )
    image = io.BytesIO()
    picture = Image.new("RGB", (1200, 630), (70, 130, 180))
    ImageDraw.Draw(picture).rectangle((0, 420, 1200, 630), fill=(60, 140, 60))
    picture.save(image, "JPEG", quality=70)
    first = datetime(2026, 11, 19, 9, 0)
    step = timedelta(days=3 * 365) / max(count, 1)  # three years of releases, newest yesterday
    for n in range(count):
        when = first - step * n
        slug = f"comunicado-{n:05d}"
        folder = docs / "prensa" / f"{when:%Y}" / f"{when:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.md").write_text(_release(rng, n, when, slug), encoding="utf-8")
        (folder / f"{slug}.jpg").write_bytes(image.getvalue())
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


def build(root: Path, kind: str, site: Path) -> BuildResult:
    """Build ``mkdocs.<kind>.yml`` of ``root`` into ``site`` in its own process."""
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "PREGON_NOW": NOW, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(root / f"mkdocs.{kind}.yml"), str(site)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
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
) -> dict:
    results: dict = {"sizes": {}}
    base = keep or Path(tempfile.mkdtemp(prefix="pregon-bench-"))
    try:
        for n in sizes:
            root = base / f"n{n}"
            shutil.rmtree(root, ignore_errors=True)
            generate(root, n)
            best: dict[str, BuildResult] = {}
            for _ in range(repeat):  # alternate the builds so background load hits all alike
                for kind in ("plain", "plain-nosearch", "pregon"):
                    r = build(root, kind, root / f"site-{kind}")
                    if kind not in best or r.cpu_seconds < best[kind].cpu_seconds:
                        best[kind] = r
            entry = {k: asdict(v) for k, v in best.items()}
            # CPU time, not wall time: on a shared machine other processes stretch wall time unevenly.
            entry["ms_per_release"] = {k: 1000 * v.cpu_seconds / n for k, v in best.items()}
            entry["ratio"] = best["pregon"].cpu_seconds / best["plain"].cpu_seconds
            entry["ratio_nosearch"] = best["pregon"].cpu_seconds / best["plain-nosearch"].cpu_seconds
            entry["wall_ratio"] = best["pregon"].seconds / best["plain"].seconds
            index = root / "site-plain" / "search" / "search_index.json"
            entry["material_index_bytes"] = index.stat().st_size if index.exists() else None
            results["sizes"][n] = entry
            _print_size(n, entry)
        largest = max(sizes)
        site = base / f"n{largest}" / "site-pregon"
        if len(sizes) > 1:
            small, large = min(sizes), largest
            results["scaling"] = (
                results["sizes"][large]["ms_per_release"]["pregon"]
                / results["sizes"][small]["ms_per_release"]["pregon"]
            )
            print(
                f"\nCosto por comunicado de Pregón a {large} / a {small}: {results['scaling']:.2f}× "
                f"(meta ≤ {GOALS['scaling']}×)"
            )
        if browser:
            worst = None
            for query in ("salud", "vacunación gratuita", "puente La Esperanza"):
                size, files, shown = first_query_bytes(site, query)
                print(
                    f"Primera búsqueda «{query}» a {largest}: {size / 1024:.0f} KiB en {files} archivos de "
                    f"pagefind/ ({shown} resultados)"
                )
                if worst is None or size > worst[1]:
                    worst = (query, size)
            assert worst is not None
            results["first_query"] = {"query": worst[0], "bytes": worst[1]}
            material = results["sizes"][largest]["material_index_bytes"]
            print(
                f"Peor primera búsqueda: {worst[1] / 1024:.0f} KiB (meta ≤ {GOALS['first_query_bytes'] // 1000} kB); "
                f"índice de Material: {material / 1024 / 1024:.1f} MiB"
                if material
                else ""
            )
        if profile_out:
            profile(base / f"n{largest}", base / f"n{largest}" / "site-profile", profile_out)
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return results


def _print_size(n: int, entry: dict) -> None:
    print(f"\nN = {n} comunicados")
    print(
        f"  {'construcción':<16}{'CPU s':>8}{'reloj s':>9}{'ms CPU/comunicado':>19}{'memoria pico':>14}{'páginas':>9}"
    )
    for kind in ("plain", "plain-nosearch", "pregon"):
        r = entry[kind]
        print(
            f"  {kind:<16}{r['cpu_seconds']:>8.2f}{r['seconds']:>9.2f}{entry['ms_per_release'][kind]:>19.2f}"
            f"{r['peak_mb']:>11.0f} MB{r['pages']:>9}"
        )
    print(
        f"  Pregón / Material (CPU): {entry['ratio']:.2f}× (meta ≤ {GOALS['build_ratio']}×); reloj: "
        f"{entry['wall_ratio']:.2f}×; Pregón / Material sin búsqueda (CPU): {entry['ratio_nosearch']:.2f}×"
    )
    p = entry["pregon"]
    print(
        f"  de Pregón, Pagefind: {p['child_cpu_seconds']:.2f} s de CPU y {p['child_peak_mb']:.0f} MB de pico; "
        f"el resto (MkDocs + plugin): {p['cpu_seconds'] - p['child_cpu_seconds']:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 4000])
    parser.add_argument("--repeat", type=int, default=1, help="builds per kind; the best time counts")
    parser.add_argument(
        "--no-browser",
        dest="browser",
        action="store_false",
        help="skip the first-query measure",
    )
    parser.add_argument("--keep", type=Path, help="keep projects and sites in this folder")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--profile",
        type=Path,
        help="write a pyinstrument profile of the largest Pregón build",
    )
    args = parser.parse_args(argv)
    results = run(sorted(args.sizes), args.repeat, args.browser, args.keep, args.profile)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
