"""Time `monitor update` (one history entry added) on the shipped demands.yaml and on a 10,000-demand file.

    python benchmarks/update.py                  # 5 runs each, as a subprocess and in-process
    python benchmarks/update.py --repeat 10 --demands 20000

As a subprocess: `python -m monitor --file COPY --today 2026-11-24 update ID ...`, what a user waits for,
start-up included. In-process: `monitor.edit.add_entry` repeated in one fresh process (see run.py). Every run
works on a fresh copy of the file, so the file never grows between runs; the demand is the one in the middle
of the file. The parse floor (PyYAML's C loader on the same file) is shown for scale.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import generate  # noqa: E402
import run  # noqa: E402

SHIPPED = run.ROOT / "demands.yaml"


def update_subprocess(path: Path, repeat: int) -> dict:
    """Median wall time and peak memory of `monitor update` started as a command, on a fresh copy each run."""
    demand_id = run.middle_demand_id(path)
    times, peaks = [], []
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as folder:
        for index in range(repeat):
            copy = Path(folder) / f"copy-{index}" / "demands.yaml"
            copy.parent.mkdir()
            shutil.copyfile(path, copy)
            argv = [sys.executable, "-m", "monitor", "--file", str(copy), "--today", run.TODAY.isoformat(),
                    "update", demand_id, "--status", run.UPDATE_ARGS["status"], "--date", run.TODAY.isoformat(),
                    "--note", run.UPDATE_ARGS["note"]]
            for source in run.UPDATE_ARGS["sources"]:
                argv += ["--source", source]
            start = time.perf_counter()
            proc = subprocess.Popen(argv, cwd=copy.parent, env=run.child_env(), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            stderr = proc.stderr.read().decode("utf-8", "replace")
            _, status, usage = os.wait4(proc.pid, 0)
            times.append(time.perf_counter() - start)
            proc.stderr.close()
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                last = (stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
                return {"missing": f"failed: {last}"}
            peaks.append(usage.ru_maxrss)
    return {"times": times, "peak_kb": max(peaks)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=generate.DEFAULT_DEMANDS, help="the large file (default 10,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5); the median is shown")
    args = parser.parse_args(argv)
    files = [("shipped demands.yaml", SHIPPED if SHIPPED.exists() else None),
             (f"synthetic, {args.demands:,} demands", run.ensure_file(args.demands, generate.DEFAULT_SEED, False))]
    print(f"monitor update, one entry added; median of {args.repeat} runs, each on a fresh copy")
    print(f"{'file':<28} {'MB':>6} {'floor s':>8} {'in-process s':>13} {'x floor':>8} {'peak MB':>8} "
          f"{'command s':>10} {'peak MB':>8}")
    for label, path in files:
        if path is None:
            print(f"{label:<28} n/a (no {SHIPPED.name} in {SHIPPED.parent})")
            continue
        floor = run.run_child("parse", path, args.repeat)
        inproc = run.run_child("update", path, args.repeat)
        command = update_subprocess(path, args.repeat) if "times" in inproc else inproc
        size = path.stat().st_size / 1e6
        cells = [f"{label:<28} {size:>6.1f} {run.median(floor):>8.3f}"]
        if "times" in inproc:
            cells.append(f"{run.median(inproc):>13.3f} {run.median(inproc) / run.median(floor):>8.2f} "
                         f"{inproc['peak_kb'] / 1024:>8.0f}")
        else:
            cells.append(f"{'n/a':>13}  {inproc.get('missing')}")
        if "times" in command:
            cells.append(f"{statistics.median(command['times']):>10.3f} {command['peak_kb'] / 1024:>8.0f}")
        elif "times" in inproc:
            cells.append(f"{'n/a':>10}  {command.get('missing')}")
        print(" ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
