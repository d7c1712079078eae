"""Benchmark of reformkit.economy: what the economy adds to `evaluate`, and the need table for all kommuner.

Run: .venv/bin/python benchmarks/bench_economy.py   (prints times and ratios measured in this one run)
"""
from __future__ import annotations

import sys

from _timing import runs

import reformkit as rk
from reformkit.economy import expenditure_need, load_economy_params


def best_of(fn, n: int = 5) -> float:
    return min(runs(fn, n))


def main() -> None:
    atlas = rk.load_atlas()
    sc = rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml")
    rk.evaluate(sc, atlas)  # warm the memoised population series
    with_economy = best_of(lambda: rk.evaluate(sc, atlas))
    compute = sys.modules["reformkit.evaluate.compute"]
    original = compute.block_economy
    compute.block_economy = lambda *a, **k: {}
    try:
        without = best_of(lambda: rk.evaluate(sc, atlas))
    finally:
        compute.block_economy = original
    print(f"evaluate more-og-romsdal-4 ({len(sc.blocks)} blocks): {with_economy * 1000:.0f} ms with economy, "
          f"{without * 1000:.0f} ms without; economy {(with_economy - without) * 1000 / len(sc.blocks):.0f} ms "
          f"per block, ratio {with_economy / without:.1f}x")
    params = load_economy_params()
    pop = atlas.population
    t_all = best_of(lambda: expenditure_need(pop[pop["year"] >= 2015], params, base_year=2015), n=3)
    print(f"expenditure_need for all {len(atlas.codes)} kommuner, 2015–{int(pop['year'].max())} "
          f"(from single-year ages): {t_all * 1000:.0f} ms")


if __name__ == "__main__":
    main()
