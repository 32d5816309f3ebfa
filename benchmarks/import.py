"""Time `monitor import` on a 200-paragraph text, against the shipped demands.yaml.

    python benchmarks/import.py                  # 5 runs each
    python benchmarks/import.py --paragraphs 500 --repeat 3

The text is made from the paragraphs of seed 002 (../shared/seeds, a political group's motion; the shipped
examples/ sample when the seeds are not there), repeated and varied (each copy names its round, so no two
paragraphs are the same) to the number asked for, with 26 recitals, saved as pasted text and as an HTML page
laid out like the Parliament's. Timed as a user waits for it, start-up included: `monitor import FILE
--resolution 2012` (every demand matched against every paragraph) and `monitor import FILE --new bench
--adopted 2012-03-15 --dry-run` (every call drafted, the block checked and proven, nothing written).
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def seed_paragraphs() -> list[str]:
    """The words of the operative paragraphs of seed 002 (or of the shipped sample), without their numbers."""
    found = sorted(SEEDS.glob("002_*.txt")) if SEEDS.is_dir() else []
    source = found[0] if found else ROOT / "examples" / "motion-2012-greens-efa.txt"
    text = source.read_text(encoding="utf-8")
    return [m[1] for m in re.finditer(r"^\d{1,2}\. (.+)$", text, re.M)]


def long_text(paragraphs: int) -> tuple[str, list[tuple[str, str]]]:
    """(a pasted text of `paragraphs` numbered paragraphs, the same as (number, words) pairs)."""
    words = seed_paragraphs()[:-1]  # the last instructs the President: it goes at the end, once
    last = seed_paragraphs()[-1]
    items = []
    for n in range(1, paragraphs):
        base = words[(n - 1) % len(words)].rstrip(";.")
        items.append((str(n), f"{base} (round {(n - 1) // len(words) + 1});"))
    items.append((str(paragraphs), last))
    recitals = [f"{chr(65 + n)}. whereas the situation described in round {n + 1} continues;" for n in range(26)]
    lines = ["Benchmark text made by benchmarks/import.py from a political group's motion: not an adopted text",
             "European Parliament resolution of 15 March 2012 on a benchmark", "", "The European Parliament,",
             *recitals, *(f"{n}. {w}" for n, w in items)]
    return "\n".join(lines) + "\n", items


def as_html(text: str) -> str:
    rows = "".join(f"<tr><td>{html.escape(m[1])}.&nbsp;</td><td><p>{html.escape(m[2])}</p></td></tr>\n"
                   for m in re.finditer(r"^(\d+|[A-Z])\. (.+)$", text, re.M))
    return (f"<!DOCTYPE html><html><head><script>var x = 1;</script></head><body><p>{text.splitlines()[0]}</p>"
            f"<p>{text.splitlines()[1]}</p><p>The European Parliament,</p><table>{rows}</table></body></html>")


def timed(argv: list[str], cwd: Path, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(argv)}\n{proc.stderr}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text, items = long_text(args.paragraphs)
    with tempfile.TemporaryDirectory(prefix="monitor-import-bench-") as folder:
        work = Path(folder)
        shutil.copyfile(ROOT / "demands.yaml", work / "demands.yaml")
        (work / "text.txt").write_text(text, encoding="utf-8")
        (work / "text.html").write_text(as_html(text), encoding="utf-8")
        base = [sys.executable, "-m", "monitor", "--today", "2026-11-24", "import"]
        runs = {
            "--resolution 2012, pasted text": base + ["text.txt", "--resolution", "2012"],
            "--resolution 2012, HTML page": base + ["text.html", "--resolution", "2012"],
            "--new --dry-run, pasted text": base + ["text.txt", "--new", "bench", "--adopted", "2012-03-15",
                                                    "--dry-run"],
            "--version (start-up alone)": [sys.executable, "-m", "monitor", "--version"],
        }
        print(f"monitor import: {args.paragraphs} paragraphs ({len(text):,} characters), the shipped "
              f"demands.yaml; median of {args.repeat} runs, as a subprocess")
        for label, argv in runs.items():
            times = timed(argv, work, args.repeat)
            print(f"  {label:<34} {statistics.median(times):6.2f} s   (min {min(times):.2f} s)")


if __name__ == "__main__":
    main()
