"""`monitor validate` on a file of nothing but errors, just under the 20 MB limit (issue 11).

The file: two valid lines of header, then small demands, each with a bad id and a misspelt key, so that every
demand gives 9 problems (about 5 million in all). Prints the wall time and the peak memory of the command
(a fresh process, as a user runs it), the number of lines it printed and its exit code.

    .venv/bin/python benchmarks/invalid.py [--mb 19.9] [--repeat 3]
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write_file(path: Path, size: int) -> int:
    """Write the invalid register; returns the number of demands."""
    header = 'resolutions:\n  - id: "r"\n    title: T\n    adopted: 2013-04-18\ndemands:\n'
    parts, total, n = [header], len(header), 0
    while True:
        demand = f"  - id: Bad_{n}\n    status: done\n"
        if total + len(demand) > size:
            break
        parts.append(demand)
        total += len(demand)
        n += 1
    path.write_text("".join(parts), encoding="utf-8")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=19.9, help="file size in MB (default 19.9, under the limit)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = HERE / "data"
    folder.mkdir(exist_ok=True)
    path = folder / f"invalid-{args.mb}mb.yaml"
    demands = write_file(path, int(args.mb * 1_000_000))
    print(f"{path.name}: {path.stat().st_size:,} bytes, {demands:,} invalid demands")
    for run in range(1, args.repeat + 1):
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "monitor", "--file", str(path), "validate"],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - began
        # ru_maxrss of the children is the largest of them so far: every run is the same command on the same file
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"run {run}: {seconds:.1f} s, peak {peak_mb:,.0f} MB, exit {done.returncode}, "
              f"{len(done.stdout.splitlines())} lines printed; {done.stderr.strip()}")


if __name__ == "__main__":
    main()
