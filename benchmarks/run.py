"""Time every command on a synthetic register against the parse floor; print a table, the growth, the ratios.

    python benchmarks/run.py                     # 10,000 demands (and 1,000 for the growth), 5 runs each
    python benchmarks/run.py --demands 2000 --repeat 3 --no-growth

Each measurement runs in a fresh Python process that repeats it --repeat times and reports every time and its
own peak memory (ru_maxrss), so one measurement's imports and garbage never flatter or burden the next. The
figure shown is the median; "first" is the first run, which also pays for the lazy imports a real one-shot
command pays for. A command that does not exist yet is shown as n/a. The last line is always
`ratios: validate=X report=Y update=Z digest=W startup=S` (see benchmarks/README.md for what each means).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]  # run from a clone without installing, and find generate.py

import generate  # noqa: E402  (after the path is set)

TODAY = generate.TODAY
DIGEST_SINCE = TODAY - dt.timedelta(days=28)  # four weeks of changes: a digest after a missed month
STARTUP_RUNS = 10
UPDATE_ARGS = dict(status="in-progress", note="Benchmark entry: a hearing was scheduled.",
                   sources=["https://example.org/benchmark/entry"])


class Missing(Exception):
    """The command's library entry point is not there (yet)."""


# -- the measurements, each run in a child process ----------------------------------------------------------------

def _validate(path):
    import monitor

    register, problems = monitor.validate_file(path, today=TODAY)
    if register is None:
        raise SystemExit(f"{path} is not valid:\n" + "\n".join(str(p) for p in problems if p.is_error)[:2000])
    return register


def _entry(module: str, name: str):
    """`module.name`, or Missing when the module or the function does not exist."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == module or module.startswith(exc.name + ".")):
            raise Missing(f"no module {module}") from None
        raise
    if not hasattr(mod, name):
        raise Missing(f"no {module}.{name}")
    return getattr(mod, name)


def measure_parse(path, out):
    """The floor: PyYAML's C safe loader building plain Python values from the same file (read included)."""
    import yaml

    def run():
        with open(path, encoding="utf-8") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)
    return run, None


def measure_validate(path, out):
    return (lambda: _validate(path)), None


def measure_report(path, out):
    """`monitor report`: validate, then write_reports (the library part is timed on its own too)."""
    write_reports = _entry("monitor.report", "write_reports")

    def lib():
        folder = tempfile.mkdtemp(dir=out)
        write_reports(_validate_cached(path), folder, today=TODAY)
    return _with_validation(path, lib)


def measure_frames(path, out):
    """The shared stage of both formats: model -> pandas frames."""
    build_frames = _entry("monitor.frames", "build_frames")
    return _with_validation(path, lambda: build_frames(_validate_cached(path), TODAY))


def _measure_render(path, module: str, name: str):
    """Frames, then one format rendered in memory (not written) by `module.name(register, frames)`."""
    build_frames = _entry("monitor.frames", "build_frames")
    render = _entry(module, name)

    def lib():
        register = _validate_cached(path)
        render(register, build_frames(register, TODAY))
    return _with_validation(path, lib)


def measure_report_html(path, out):
    """HTML alone: frames, then every page rendered in memory (not written)."""
    return _measure_render(path, "monitor.render.html", "render_pages")


def measure_report_excel(path, out):
    """Excel alone: frames, then the workbook rendered to bytes in memory (not written)."""
    return _measure_render(path, "monitor.render.excel", "render_workbook")


def measure_update(path, out):
    """`monitor update`: add one entry to a demand in the middle of the file, on a fresh copy each run."""
    add_entry = _entry("monitor.edit", "add_entry")
    demand_id = middle_demand_id(path)
    copies = iter(range(10**6))

    def prepare():
        copy = Path(out) / f"update-{next(copies)}" / "demands.yaml"
        copy.parent.mkdir()
        shutil.copyfile(path, copy)
        return copy

    def run(copy):
        add_entry(copy, demand_id, date=TODAY, today=TODAY, **UPDATE_ARGS)
    return run, prepare


def measure_digest(path, out):
    """`monitor digest`: validate, then run_digest (no sending), each run with an empty state folder."""
    run_digest = _entry("monitor.digest", "run_digest")
    load_settings = _entry("monitor.settings", "load_settings")

    def lib():
        state = tempfile.mkdtemp(dir=out)
        os.environ["MONITOR_STATE"] = state  # read by load_settings: never the user's own .monitor/
        settings = load_settings(path)
        run_digest(_validate_cached(path), settings, out_dir=state, since=DIGEST_SINCE, send=False, today=TODAY)
    return _with_validation(path, lib)


MEASURES = {"parse": measure_parse, "validate": measure_validate, "frames": measure_frames,
            "report-html": measure_report_html,
            "report-excel": measure_report_excel, "report": measure_report, "update": measure_update,
            "digest": measure_digest}
_cache: dict = {}


def _validate_cached(path):
    return _cache["register"]


def _with_validation(path, lib):
    """Time validate + lib together (the command) and lib alone (the stage)."""
    def run():
        start = time.perf_counter()
        _cache["register"] = _validate(path)
        middle = time.perf_counter()
        lib()
        return middle - start
    run.split = True
    return run, None


def middle_demand_id(path) -> str:
    """The id of the demand in the middle of the file (a typical place for an update)."""
    ids = []
    in_demands = False
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("demands:"):
                in_demands = True
            elif in_demands and line.startswith("  - id: "):
                ids.append(line[8:].split("#")[0].strip().strip('"'))
    return ids[len(ids) // 2]


def child(kind: str, path: str, repeat: int) -> None:
    """Run one measurement `repeat` times in this process and print JSON: times, stage times, peak memory."""
    result: dict = {"kind": kind}
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as out:
        try:
            run, prepare = MEASURES[kind](path, out)
        except Missing as exc:
            result["missing"] = str(exc)
        else:
            totals, stages = [], []
            for _ in range(repeat):
                arg = (prepare(),) if prepare else ()
                start = time.perf_counter()
                before = run(*arg)
                total = time.perf_counter() - start
                totals.append(total)
                if getattr(run, "split", False):
                    stages.append(total - before)
            result["times"] = totals
            if stages:
                result["stage_times"] = stages
    result["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


# -- the parent: run the children, start-up, tables -----------------------------------------------------------------

def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.pop("MONITOR_FILE", None)
    return env


def run_child(kind: str, path: Path, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", kind, "--file", str(path),
                           "--repeat", str(repeat)], capture_output=True, text=True, env=child_env(), cwd=ROOT)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        reason = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"kind": kind, "missing": f"failed: {reason}"}
    return json.loads(lines[-1])


def startup(runs: int = STARTUP_RUNS) -> dict:
    """Wall time and peak memory of `python -c pass` and `python -m monitor --version`, each started `runs` times."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as cwd:
        for name, argv in (("bare", [sys.executable, "-c", "pass"]),
                           ("monitor", [sys.executable, "-m", "monitor", "--version"])):
            times, peaks, ok = [], [], True
            for _ in range(runs):
                start = time.perf_counter()
                proc = subprocess.Popen(argv, cwd=cwd, env=child_env(), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                _, status, usage = os.wait4(proc.pid, 0)
                times.append(time.perf_counter() - start)
                proc.returncode = os.waitstatus_to_exitcode(status)
                ok = ok and proc.returncode == 0
                peaks.append(usage.ru_maxrss)
            results[name] = {"times": times, "peak_kb": max(peaks)} if ok else {"missing": "exit code not 0"}
    return results


def ensure_file(demands: int, seed: int, regenerate: bool) -> Path:
    path = generate.default_path(demands, seed)
    stale = path.exists() and path.stat().st_mtime < Path(generate.__file__).stat().st_mtime
    if regenerate or stale or not path.exists():
        generate.write(path, demands, seed)
    return path


def measure_all(path: Path, repeat: int, kinds) -> dict:
    results = {}
    for kind in kinds:
        print(f"  {kind} ...", end="", flush=True, file=sys.stderr)
        results[kind] = run_child(kind, path, repeat)
        print(" " + _short(results[kind]), file=sys.stderr)
    return results


def median(result: dict, key: str = "times") -> float | None:
    return statistics.median(result[key]) if key in result else None


def _short(result: dict) -> str:
    return f"{median(result):.3f} s" if "times" in result else f"n/a ({result.get('missing')})"


def print_table(n: int, path: Path, results: dict, start: dict, repeat: int) -> None:
    floor = median(results["parse"])
    print(f"\n{n:,} demands, {path.stat().st_size / 1e6:.1f} MB ({path.relative_to(ROOT)}); "
          f"median of {repeat} runs per process, start-up median of {STARTUP_RUNS}")
    print(f"{'measurement':<46} {'median s':>9} {'first s':>9} {'x floor':>8} {'peak MB':>8}")
    rows = [("parse floor  yaml.load(CSafeLoader)", results["parse"], "times"),
            ("validate     validate_file", results["validate"], "times"),
            ("frames       (stage: build_frames)", results["frames"], "stage_times"),
            ("report html  (stage: frames + render_pages)", results["report-html"], "stage_times"),
            ("report excel (stage: frames + render_workbook)", results["report-excel"], "stage_times"),
            ("report       (stage: write_reports)", results["report"], "stage_times"),
            ("report       command = validate + write_reports", results["report"], "times"),
            ("update       add_entry (reads, validates, writes)", results["update"], "times"),
            ("digest       (stage: run_digest)", results["digest"], "stage_times"),
            ("digest       command = validate + run_digest", results["digest"], "times")]
    for label, result, key in rows:
        if key in result:
            value = median(result, key)
            print(f"{label:<46} {value:>9.3f} {result[key][0]:>9.3f} {value / floor:>8.2f} "
                  f"{result['peak_kb'] / 1024:>8.0f}")
        else:
            print(f"{label:<46} {'n/a':>9}  {result.get('missing', '')}")
    bare = start["bare"]
    for label, result in (("start-up     python -c pass", bare), ("start-up     python -m monitor --version",
                                                                    start["monitor"])):
        if "times" in result:
            value = median(result)
            print(f"{label:<46} {value:>9.3f} {result['times'][0]:>9.3f} {value / median(bare):>8.2f} "
                  f"{result['peak_kb'] / 1024:>8.0f}   (x bare python)")
        else:
            print(f"{label:<46} {'n/a':>9}  {result.get('missing', '')}")


def print_growth(small: int, large: int, by_size: dict) -> None:
    print(f"\ngrowth from {small:,} to {large:,} demands (N x{large / small:g}; linear = exponent 1.00; "
          "frames, report and digest rows include the validation before them)")
    print(f"{'measurement':<12} {f'{small:,} s':>10} {f'{large:,} s':>10} {'time x':>8} {'exponent':>9} "
          f"{f'peak MB {small:,}':>14} {f'peak MB {large:,}':>15}")
    for kind in ("parse", "validate", "frames", "report-html", "report-excel", "report", "update", "digest"):
        a, b = by_size[small].get(kind, {}), by_size[large].get(kind, {})
        if "times" in a and "times" in b:
            ta, tb = median(a), median(b)
            ratio = tb / ta
            exponent = math.log(ratio) / math.log(large / small)
            print(f"{kind:<12} {ta:>10.3f} {tb:>10.3f} {ratio:>8.1f} {exponent:>9.2f} "
                  f"{a['peak_kb'] / 1024:>14.0f} {b['peak_kb'] / 1024:>15.0f}")
        else:
            print(f"{kind:<12} {'n/a':>10}")


def ratios_line(results: dict, start: dict) -> str:
    floor = median(results["parse"])

    def ratio(result):
        return f"{median(result) / floor:.2f}" if "times" in result else "n/a"
    if "times" in start["monitor"] and "times" in start["bare"]:
        boot = f"{median(start['monitor']) / median(start['bare']):.2f}"
    else:
        boot = "n/a"
    return (f"ratios: validate={ratio(results['validate'])} report={ratio(results['report'])} "
            f"update={ratio(results['update'])} digest={ratio(results['digest'])} startup={boot}")


_PEAK_OF = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def command_peaks(path: Path) -> list[tuple[str, float, float]]:
    """Each real command run once as users run it: (command, seconds, peak MB of that process alone)."""
    work = Path(tempfile.mkdtemp(prefix="monitor-peaks-"))
    copy = work / "demands.yaml"
    shutil.copyfile(path, copy)
    first_id = next(line.split(":", 1)[1].split("#")[0].strip().strip('"')
                    for line in copy.read_text(encoding="utf-8").split("\ndemands:", 1)[1].splitlines()
                    if line.startswith("  - id:"))
    base = [sys.executable, "-m", "monitor", "--today", TODAY.isoformat(), "--file", str(copy)]
    commands = {
        "monitor validate": ["validate"],
        "monitor report": ["report", "--out", str(work / "reports")],
        "monitor update": ["update", first_id, "--status", "met", "--note", "Benchmark entry.",
                           "--source", "https://example.org/benchmark"],
        "monitor digest": ["digest", "--since", (TODAY - dt.timedelta(days=28)).isoformat(), "--out", str(work / "d")],
        "monitor status": ["status"],
    }
    rows = []
    env = dict(os.environ, MONITOR_STATE=str(work / "state"))
    for name, args in commands.items():
        began = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _PEAK_OF, *base, *args], capture_output=True, text=True,
                             cwd=ROOT, env=env, check=True)
        rows.append((name, time.perf_counter() - began, int(out.stdout.strip()) / 1024))
    shutil.rmtree(work, ignore_errors=True)
    return rows


def print_command_peaks(n: int, rows) -> None:
    print(f"\nthe commands as users run them, {n:,} demands: one run each, peak memory of that process")
    print(f"{'command':<20}{'s':>8}{'peak MB':>10}")
    for name, seconds, peak in rows:
        print(f"{name:<20}{seconds:>8.2f}{peak:>10.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=generate.DEFAULT_DEMANDS, help="file size (default 10,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5); the median is shown")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help="generator seed")
    parser.add_argument("--no-growth", action="store_true", help="skip the 1,000 vs 10,000 comparison")
    parser.add_argument("--regenerate", action="store_true", help="write the data files again even if present")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.file, args.repeat)
        return 0
    kinds = list(MEASURES)
    sizes = [args.demands] if args.no_growth else sorted({args.demands, 1_000, 10_000})
    by_size, paths = {}, {}
    for n in sizes:
        paths[n] = ensure_file(n, args.seed, args.regenerate)
        print(f"measuring {n:,} demands ({paths[n]}) ...", file=sys.stderr)
        by_size[n] = measure_all(paths[n], args.repeat, kinds)
    start = startup()
    for n in sizes:
        if n != args.demands:
            print_table(n, paths[n], by_size[n], start, args.repeat)
    print_table(args.demands, paths[args.demands], by_size[args.demands], start, args.repeat)
    if not args.no_growth:
        print_growth(1_000, 10_000, by_size)
    print_command_peaks(args.demands, command_peaks(paths[args.demands]))
    print()
    print(ratios_line(by_size[args.demands], start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
