"""Benchmark and back-test of the cohort projection (issue 6).

Prints, from one run:
* the time to project all 357 kommuner to 2050 (cold: population cube built from the Atlas + rates +
  projection + long DataFrame; warm: the engine alone with the cube cached), and its ratio to reading the
  population file with ``pd.read_parquet``;
* the back-test table: projection from 2014 with data 2005–2014 only, compared with observed 2024, against
  the naive baselines, for the main alternative (and a short sensitivity to the base period).

Run: ``.venv/bin/python benchmarks/bench_projection.py``
"""
from __future__ import annotations

import dataclasses
import time

import pandas as pd
from _timing import runs

import reformkit as rk
from reformkit.fmt import nb_float, nb_int
from reformkit.narrative import format_backtest
from reformkit.population import backtest, population_cube, project
from reformkit.data.cache import core_dir
from reformkit.population.series import project_cube

POPULATION_FILE = core_dir() / "borders-2024" / "population.parquet"
REPEATS = 5


def _best(fn, repeats: int = REPEATS) -> float:
    return min(runs(fn, repeats))


def main() -> None:
    atlas = rk.load_atlas(2024)

    def cold():
        fresh = dataclasses.replace(atlas, _derived={})       # nothing memoised
        return project(fresh, 2050)

    cube = population_cube(atlas)

    def warm_engine():
        fresh = dataclasses.replace(atlas, _derived={"population.cube": cube})   # cube cached, no projection
        return project_cube(fresh, 2050)

    proj = cold()
    t_cold = _best(cold)
    t_engine = _best(warm_engine)
    t_read = _best(lambda: pd.read_parquet(POPULATION_FILE)) if POPULATION_FILE.exists() else float("nan")
    years = sorted(proj["year"].unique())
    print(f"Framskriving: {proj['kommunenummer'].nunique()} kommuner, {years[0]}–{years[-1]}, "
          f"{nb_int(len(proj))} rader (beste av {REPEATS})")
    print(f"  kald (kube + rater + framskriving + DataFrame): {nb_float(t_cold, 3)} s")
    print(f"  motor alene (kube i minnet, rater + framskriving): {nb_float(t_engine, 3)} s")
    print(f"  pd.read_parquet({POPULATION_FILE.name}): {nb_float(t_read, 3)} s")
    print(f"  forhold kald / lesing av fil: {nb_float(t_cold / t_read, 2)}; motor / lesing: {nb_float(t_engine / t_read, 2)}")
    print(f"  krav < 2 s: {'oppfylt' if t_cold < 2 else 'IKKE oppfylt'}")
    print()

    t0 = time.perf_counter()
    table = backtest(atlas, launch_year=2014, target_year=2024, alternative="main")
    t_bt = time.perf_counter() - t0
    print(format_backtest(table))
    print(f"(tilbaketest beregnet på {nb_float(t_bt, 2)} s)")
    print()
    print("Følsomhet (gjennomsnittlig / median abs. %-feil; i alt | 67+ | 80+):")
    rows = [(label, backtest(atlas, 2014, 2024, "main", **params), "projection") for label, params in [
        ("hovedparametre", {}), ("basisperiode 5 år", {"base_years": 5}), ("basisperiode 9 år", {"base_years": 9}),
        ("uten krymping", {"cohort_weight": 0}),
        ("uten dempning", {"migration_min": -1, "migration_max": 10, "migration_decay": 0}),
        ("uten dødelighetsnedgang", {"mortality_improvement": 0})]]
    rows += [("naiv: uendret", table, "constant"), ("naiv: lineær trend", table, "linear")]
    rows += [(f"alternativ {alt}", backtest(atlas, 2014, 2024, alt), "projection")
             for alt in ("low", "high", "zero-migration")]
    for label, t, method in rows:
        t = t.set_index(["group", "method"])
        cells = " | ".join(f"{nb_float(t.loc[(g, method), 'mean_ape'])} / {nb_float(t.loc[(g, method), 'median_ape'])}"
                           for g in ("total", "67+", "80+"))
        print(f"  {label:<28}{cells}")
    print()
    print("Andre tilbaketester, folkemengde i alt (gj.snitt / median abs. %-feil; framskriving | uendret | lineær):")
    atlas2019 = rk.load_atlas(2019)
    for at, launch, target in [(atlas, 2012, 2022), (atlas, 2016, 2026), (atlas, 2019, 2024), (atlas, 2021, 2026),
                               (atlas2019, 2009, 2019), (atlas2019, 2012, 2019)]:
        t = backtest(at, launch, target).set_index(["group", "method"])
        cells = " | ".join(f"{nb_float(t.loc[('total', m), 'mean_ape'])} / {nb_float(t.loc[('total', m), 'median_ape'])}"
                           for m in ("projection", "constant", "linear"))
        print(f"  {launch}–{target} ({at.borders}-grenser)    {cells}")

if __name__ == "__main__":
    main()
