"""Time the index page's filters and sorting in headless Chromium at 10,000 demands (issue 15: under 100 ms).

    python benchmarks/filter.py                  # 10,000 demands, 7 runs of each action
    python benchmarks/filter.py --demands 2000 --repeat 3

Writes the reports of a generated register (see generate.py), opens index.html in Debian's Chromium (as the
tests do) and times, inside the page, each action from the event to the end of the layout it causes
(`performance.now()` around the change plus a forced layout): a select filter, a text filter, clearing them,
and a sort by each kind of column. Prints the median and the slowest run of each, in milliseconds.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import generate  # noqa: E402
import run  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

# Each action runs in the page and returns its time in ms, layout included.
SELECT = """([id, value]) => { const s = document.getElementById(id), t = performance.now();
  s.value = value; s.dispatchEvent(new Event('change')); document.body.offsetHeight; return performance.now() - t; }"""
TYPE = """(text) => { const i = document.getElementById('filter'), t = performance.now();
  i.value = text; i.dispatchEvent(new Event('input')); document.body.offsetHeight; return performance.now() - t; }"""
SORT = """(col) => { const b = document.querySelectorAll('#all-demands thead button')[col], t = performance.now();
  b.click(); document.body.offsetHeight; return performance.now() - t; }"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    import monitor
    from monitor.report import write_reports

    data = run.ensure_file(args.demands, generate.DEFAULT_SEED, False)
    with tempfile.TemporaryDirectory(prefix="monitor-filter-") as out:
        write_reports(monitor.load_register(data, today=generate.TODAY), out, today=generate.TODAY)
        index = Path(out) / "index.html"
        print(f"{args.demands:,} demands; index.html is {index.stat().st_size / 1e6:.1f} MB")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(index.as_uri())
            page.wait_for_load_state("load")
            topic = page.eval_on_selector("#filter-topic option:nth-child(2)", "o => o.value")
            actions = {
                "filter by status": [(SELECT, ["filter-status", "not-met"]), (SELECT, ["filter-status", ""])],
                "filter by topic": [(SELECT, ["filter-topic", topic]), (SELECT, ["filter-topic", ""])],
                "filter by text": [(TYPE, "release"), (TYPE, "")],
                "sort by status": [(SORT, 4)],
                "sort by date": [(SORT, 5)],
                "sort by demand": [(SORT, 0)],
            }
            for name, steps in actions.items():
                times = [page.evaluate(script, arg) for _ in range(args.repeat) for script, arg in steps]
                print(f"  {name:<18} median {statistics.median(times):6.1f} ms   slowest {max(times):6.1f} ms")
            browser.close()


if __name__ == "__main__":
    main()
