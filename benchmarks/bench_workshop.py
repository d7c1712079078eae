"""Benchmark: one edit in the live workshop, Møre og Romsdal (four blocks).

Prints, each as a median over single moves (every move from the starting point, with the blocks it touches
not yet computed, so the economy of those two blocks is computed as in a real edit and the other blocks come
from the per-membership cache):

* ``evaluate`` after one move (goal: under 20 ms);
* the whole widget update in the kernel: the session's edit and evaluation plus redrawing every widget (map
  parameters, summary, legend, population chart, status) (goal: under 150 ms);

each with its ratio to a bare pandas groupby over the same population rows (27 kommuner × years × age × sex,
summed per kommune and year). The time from a click to the updated table in the browser (goal: under 400 ms)
is measured by ``tests/test_workshop_browser.py``, which prints it. Run: ``.venv/bin/python
benchmarks/bench_workshop.py``.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from _timing import runs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import reformkit as rk  # noqa: E402
from reformkit.evaluate import compute  # noqa: E402

CACHED = {compute.BLOCK_ECONOMY.name, compute.BLOCK_COOPERATION.name}


def forget_blocks(atlas) -> None:
    """Drop the per-block economy and cooperation memo, so the next evaluation computes every block again."""
    memo = atlas.store._memo
    for key in [k for k in memo if k[0] in CACHED]:
        del memo[key]


def moves(sc) -> list[tuple[str, str]]:
    """Every non-centre kommune to the next block: (kommunenummer, block)."""
    names = [b.name for b in sc.blocks]
    return [(code, names[(i + 1) % len(names)]) for i, b in enumerate(sc.blocks) for code in b.members
            if code != b.centre]


def time_evaluate(atlas, sc) -> list[float]:
    out = []
    for code, block in moves(sc):
        forget_blocks(atlas)
        rk.evaluate(sc, atlas)                       # the starting point: every block's economy cached
        edited = sc.moved(code, to_block=block)
        t0 = time.perf_counter()
        rk.evaluate(edited, atlas)
        out.append(time.perf_counter() - t0)
    return out


def time_widget(atlas, sc) -> list[float]:
    from reformkit.workbench.state import Session
    from reformkit.workbench.view import Workbench
    wb = Workbench(Session(sc, atlas=atlas, folder=ROOT))
    wb.widget
    out = []
    for code, block in moves(sc):
        forget_blocks(atlas)
        wb._run(wb.session.undo if wb.session.can_undo else (lambda: None))
        rk.evaluate(wb.session.scenario, atlas)
        wb._run(lambda: wb.session.move(code, block))
        out.append(wb.timings["edit"] + wb.timings["view"])
    return out


def groupby_seconds(atlas, sc) -> float:
    from reformkit.population import population_series
    rows = population_series(atlas, sc.base_year, sc.horizon, alternative=sc.projection)
    rows = rows[rows["kommunenummer"].isin(atlas.in_fylke(sc.area))]
    times = runs(lambda: rows.groupby(["kommunenummer", "year"], observed=True)["population"].sum(), 30)
    return statistics.median(times), len(rows)


def main() -> None:
    atlas = rk.load_atlas(2024)
    sc = rk.load_scenario(ROOT / "data" / "scenarios" / "more-og-romsdal-4.yaml", atlas=atlas)
    rk.evaluate(sc, atlas)                           # fills the memo: projection, travel times
    evaluate_s = statistics.median(time_evaluate(atlas, sc))
    widget_s = statistics.median(time_widget(atlas, sc))
    groupby_s, n_rows = groupby_seconds(atlas, sc)
    print(f"Møre og Romsdal, 4 blocks, {len(moves(sc))} single moves, {n_rows:,} population rows")
    print(f"median evaluate after one move                 {evaluate_s * 1000:7.1f} ms   (goal < 20 ms)")
    print(f"median widget update in the kernel             {widget_s * 1000:7.1f} ms   (goal < 150 ms)")
    print(f"plain pandas groupby over the same rows        {groupby_s * 1000:7.1f} ms")
    print(f"ratio evaluate / groupby                       {evaluate_s / groupby_s:7.1f}")
    print(f"ratio widget update / groupby                  {widget_s / groupby_s:7.1f}")
    print("click to updated table in the browser: printed by tests/test_workshop_browser.py (goal < 400 ms)")


if __name__ == "__main__":
    main()
