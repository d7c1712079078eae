"""Benchmark of batch reports (issue 5), measured in one run:

1. the time of one scenario report (papermill + nbconvert of notebooks/scenario_report.ipynb, through
   reformkit.report.render_notebook) divided by the time the same pipeline takes for an empty notebook
   (one parameters cell) — the fixed cost of starting a kernel and converting; goal ≤ 3×;
   To show where the time goes, the same run also times two cut-down copies of the report notebook: its
   import lines only, and its first code cell (imports, load the scenario and Atlas, evaluate);
2. the batch speed-up of ``--jobs 2`` over ``--jobs 1`` for the Møre og Romsdal scenarios (their reports, the
   county overview and the comparison), and the size of every report (limit 5 MB).

Run: .venv/bin/python benchmarks/bench_report.py [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from _timing import seconds

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reformkit import report  # noqa: E402
from reformkit.paths import SCENARIOS_DIR, notebook_file  # noqa: E402


def _stage_notebooks(tmp: Path) -> dict[str, Path]:
    """The report notebook cut after its first code cell, and that cell reduced to its import lines."""
    nb = nbformat.read(notebook_file(report.SCENARIO_NOTEBOOK), as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    first = code[1]                                   # code[0] is the parameters cell
    out = {}
    for name in ("imports", "load+evaluate"):
        cut = nbformat.from_dict(nb)
        cut.cells = cut.cells[:first + 1]
        if name == "imports":
            lines = cut.cells[-1].source.splitlines()
            cut.cells[-1] = nbformat.v4.new_code_cell("\n".join(l for l in lines if l.startswith(("import ", "from "))))
        out[name] = tmp / f"{name}.ipynb"
        nbformat.write(cut, out[name])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per single-report measurement (median is used)")
    args = ap.parse_args()
    print(f"CPU cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f}")
    scenario = SCENARIOS_DIR / "more-og-romsdal-4.yaml"
    with tempfile.TemporaryDirectory(prefix="rk-bench-") as tmp:
        tmp = Path(tmp)
        empty = tmp / "empty.ipynb"
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("offline = False")
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, empty)
        report.render_notebook(empty, {}, tmp / "warm.html")  # warm the vega bundle cache and imports

        stages = _stage_notebooks(tmp)
        params = {"scenario_path": str(scenario)}
        runs: dict[str, list[float]] = {"empty": [], **{k: [] for k in stages}, "report": []}
        for _ in range(args.repeat):  # interleaved, so a change in machine load hits all alike
            runs["empty"].append(seconds(lambda: report.render_notebook(empty, {}, tmp / "empty.html")))
            for name, path in stages.items():
                runs[name].append(seconds(lambda: report.render_notebook(path, params, tmp / "stage.html")))
            runs["report"].append(seconds(lambda: report.render_notebook(
                "scenario_report.ipynb", params, tmp / "scenario.html")))
        med = {k: statistics.median(v) for k, v in runs.items()}
        e, r = med["empty"], med["report"]
        print("\n1. One scenario report vs an empty notebook (papermill + nbconvert, median of "
              f"{args.repeat}; runs: empty {', '.join(f'{t:.2f}' for t in runs['empty'])} s, "
              f"report {', '.join(f'{t:.2f}' for t in runs['report'])} s)")
        print(f"   empty notebook:   {e:6.2f} s")
        print(f"   scenario report:  {r:6.2f} s   ({scenario.name}, {(tmp / 'scenario.html').stat().st_size / 1e6:.2f} MB)")
        print(f"   ratio:            {r / e:6.2f}×   (goal ≤ 3×)")
        print("\n   Where the time goes (cut-down copies of the report notebook, same pipeline):")
        labels = {"empty": "empty notebook", "imports": "+ its imports (pandas, geopandas, altair, reformkit)",
                  "load+evaluate": "+ load scenario and Atlas, evaluate", "report": "+ charts, tables, text (the report)"}
        for k in runs:
            print(f"   {labels[k]:58s} {med[k]:5.2f} s  {med[k] / e:5.2f}×")

        files = sorted(SCENARIOS_DIR.glob("more-og-romsdal-*.yaml"))
        times = {}
        for jobs in (1, 2):
            out = tmp / f"jobs{jobs}"
            t0 = time.perf_counter()
            res = report.render_batch(files, out, jobs=jobs, progress=False)
            times[jobs] = time.perf_counter() - t0
            assert not res.failures, [o.error for o in res.failures]
        print(f"\n2. Batch of {len(res.outcomes)} reports ({', '.join(f.name for f in files)} + county overview "
              "+ comparison)")
        print(f"   --jobs 1: {times[1]:6.2f} s")
        print(f"   --jobs 2: {times[2]:6.2f} s")
        print(f"   speed-up: {times[1] / times[2]:6.2f}×")
        print("\n   report sizes (limit 5 MB):")
        for o in res.outcomes:
            print(f"   {o.task.out.name:28s} {o.bytes / 1e6:5.2f} MB  {o.seconds:5.1f} s")
        biggest = max(o.bytes for o in res.outcomes)
        print(f"   largest: {biggest / 1e6:.2f} MB ({'ok' if biggest <= 5 * 1024 * 1024 else 'OVER 5 MB'})")
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
