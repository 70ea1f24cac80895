"""Loader benchmark: time and memory of `load_release` + the digest on hostile files, against a normal one.

    .venv/bin/python bench/loader_bench.py            # every case, best of 5
    .venv/bin/python bench/loader_bench.py --repeat 1 # smoke run

Each case is one release file in a temporary copy of the example project; the script loads it
with ``load_release`` and computes ``release_digest`` and ``update_digests`` (refusals included:
a refused file must be refused fast too), measuring CPU time (best of ``--repeat``) and the peak
of Python allocations (tracemalloc). It prints, per case, the ratios to the normal release
measured in the same run, and whether each stays within its goal.

Goals (ratio to a normal release): time ≤ 50 × and peak memory ≤ 50 × for a 722-byte "billion
laughs" file, 1,000 missing gallery images (≤ 300 ×, one problem each, with its line), 50,000
``![`` in the body, nesting, a 2 MB body, a ``/dev/zero`` image and a sparse 60 MB image.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pregon.plugins.digest import release_digest, update_digests  # noqa: E402
from pregon.plugins.problems import ReleaseError  # noqa: E402
from pregon.plugins.release import load_release, load_rules  # noqa: E402

ITEM = "content/prensa/2026/03/biblioteca-amplia-horario.md"
# The 722-byte file of issue 10: each level refers nine times to the one before (9^9 leaves).
LAUGHS = (
    "updates:\n  - time: 2026-03-16 10:00\n    text: a\n    l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
    + "".join(f"    l{i}: &l{i} [{','.join(['*l' + str(i - 1)] * 9)}]\n" for i in range(1, 9))
)


def _cases(base: str) -> dict[str, tuple[str, float]]:
    """name -> (file text, goal as a ratio to the normal release)."""
    head, body = base.split("---\n\n", 1)
    gallery = "gallery:\n" + "".join(f"  - src: falta-{i}.jpg\n    alt: Foto {i}\n" for i in range(1000))
    return {
        "normal": (base, 1.0),
        "billion-laughs": (head + LAUGHS + "---\n\n" + body, 50.0),
        "gallery-1000-missing": (head + gallery + "---\n\n" + body, 300.0),
        "body-50000-image-openers": (base + "![" * 50_000, 50.0),
        "body-2mb": (base + ("Texto del comunicado. " * 90_000)[: 2_000_000 - len(base)], 100.0),
        "nesting-1000": (head + "search: " + "[" * 1000 + "]" * 1000 + "\n---\n\n" + body, 50.0),
        "image-dev-zero": (base.replace("image: biblioteca-horario-extendido.jpg", "image: cero.jpg"), 50.0),
        "image-sparse-60mb": (base.replace("image: biblioteca-horario-extendido.jpg", "image: enorme.jpg"), 50.0),
    }


def _measure(call: Callable[[], object], repeat: int) -> tuple[float, int]:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        call()
        best = min(best, time.process_time() - start)
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        for name in ("mkdocs.yml", "content"):
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
        folder = project / ITEM.rsplit("/", 1)[0]
        (folder / "cero.jpg").symlink_to("/dev/zero")
        with (folder / "enorme.jpg").open("wb") as handle:
            handle.truncate(60 * 1024 * 1024)
        rules = load_rules(project / "mkdocs.yml")
        path = project / ITEM
        base = path.read_text(encoding="utf-8")
        results: dict[str, tuple[float, int, str, float]] = {}
        for name, (text, goal) in _cases(base).items():
            path.write_text(text, encoding="utf-8")
            outcome: list[str] = []

            def once(outcome: list[str] = outcome) -> None:
                outcome.clear()
                for call in (
                    lambda: load_release(path, rules),
                    lambda: release_digest(path),
                    lambda: update_digests(path),
                ):
                    try:
                        call()
                        outcome.append("ok")
                    except ReleaseError as exc:
                        outcome.append(f"{len(exc.problems)} problema(s)")

            seconds, peak = _measure(once, args.repeat)
            results[name] = (seconds, peak, outcome[0], goal)
    normal_s, normal_peak = results["normal"][:2]
    print(f"{'caso':28} {'ms':>9} {'× normal':>9} {'KiB pico':>10} {'× normal':>9} {'meta':>6}  resultado")
    failed = False
    for name, (seconds, peak, outcome, goal) in results.items():
        t_ratio, m_ratio = seconds / max(normal_s, 1e-6), peak / max(normal_peak, 1)
        ok = t_ratio <= goal and m_ratio <= goal
        failed |= not ok
        print(
            f"{name:28} {seconds * 1000:9.1f} {t_ratio:9.1f} {peak / 1024:10.0f} {m_ratio:9.1f} {goal:6.0f}  "
            f"{outcome}{'' if ok else '  ← fuera de la meta'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
