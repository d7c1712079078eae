"""Benchmark of batch reports (issues 5 and 15), every time measured as a whole command in one run and printed
with its ratio to the baseline of the same run:

baseline  an empty notebook (one parameters cell) rendered by the ``papermill`` and ``jupyter nbconvert --to
          html`` commands — what any notebook report costs (two interpreters, a kernel, the HTML exporter);
1.        ``make report`` with nothing changed (goal: under 2 s): every report's inputs are unchanged, so none
          is executed again. Make's install and data steps are taken as done (``-o``): they are not the report
          step, and this checkout's venv may be another's;
2.        ``reformkit render`` of one scenario as a user types it (its report and its fylke's overview, each in
          a fresh kernel, with their Excel workbooks and SVG/PNG figures), into an empty folder;
3.        ``reformkit render --fylke all --jobs 2``: every fylke's overview, into an empty folder.

It also prints the size of every report (limit 5 MB). Run: .venv/bin/python benchmarks/bench_report.py
[--repeat N] (N runs of the baseline and of the no-op; the median is used).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SCENARIO = ROOT / "data" / "scenarios" / "more-og-romsdal-4.yaml"
LIMIT = 5 * 1024 * 1024


def run(cmd: list[str], cwd: Path = ROOT) -> float:
    """Wall time of a command (it must succeed)."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return seconds


def empty_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("offline = False")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def baseline(folder: Path) -> float:
    """papermill + nbconvert commands on the empty notebook."""
    nb = empty_notebook(folder)
    out = folder / "empty-out.ipynb"
    return (run([str(BIN / "papermill"), str(nb), str(out), "--no-progress-bar", "-k", "python3"])
            + run([str(BIN / "jupyter-nbconvert"), "--to", "html", "--log-level=ERROR", str(out)]))


def make_report() -> list[str]:
    venv = Path(sys.prefix)
    cache = os.environ.get("REFORMKIT_DATA_DIR") or str(ROOT / "data" / "cache")
    return ["make", "-s", "report", f"VENV={venv}", "-o", f"{venv}/.installed", "-o", f"{cache}/core/manifest.json"]


def sizes(folder: Path) -> list[tuple[str, int]]:
    return sorted((p.name, p.stat().st_size) for p in folder.glob("*.html") if p.name != "index.html")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of the baseline and of the no-op (median)")
    args = ap.parse_args()
    print(f"CPU cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f}")
    reformkit = str(BIN / "reformkit")
    with tempfile.TemporaryDirectory(prefix="rk-bench-") as tmp:
        tmp = Path(tmp)
        base_runs = [baseline(tmp) for _ in range(args.repeat)]
        base = statistics.median(base_runs)
        print(f"\nbaseline: empty notebook, papermill + nbconvert commands: {base:6.2f} s  "
              f"(runs {', '.join(f'{t:.2f}' for t in base_runs)})")

        run(make_report())                       # renders whatever is not up to date
        noop = [run(make_report()) for _ in range(args.repeat)]
        t = statistics.median(noop)
        print(f"1. make report, nothing changed:          {t:6.2f} s  {t / base:5.2f}×  "
              f"({'under' if t < 2 else 'OVER'} 2 s; runs {', '.join(f'{x:.2f}' for x in noop)})")

        one = tmp / "one"
        t = run([reformkit, "render", str(SCENARIO), "--out", str(one)])
        print(f"2. reformkit render {SCENARIO.name}: {t:6.2f} s  {t / base:5.2f}×  "
              f"({len(sizes(one))} reports: the scenario and its fylke's overview, with exports)")

        every = tmp / "fylker"
        t = run([reformkit, "render", "--fylke", "all", "--jobs", "2", "--out", str(every)])
        print(f"3. reformkit render --fylke all --jobs 2: {t:6.2f} s  {t / base:5.2f}×  "
              f"({len(sizes(every))} county overviews, {t / max(1, len(sizes(every))):.1f} s each)")

        print("\nreport sizes (limit 5 MB):")
        reports = sizes(one) + sizes(every) + sizes(ROOT / "reports")
        for name, size in reports:
            print(f"   {name:28s} {size / 1e6:5.2f} MB")
        biggest = max(s for _, s in reports)
        print(f"   largest: {biggest / 1e6:.2f} MB ({'ok' if biggest <= LIMIT else 'OVER 5 MB'})")
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
