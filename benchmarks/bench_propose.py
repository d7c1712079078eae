"""Benchmark of the proposal engine (reformkit.propose), one run, plain prints.

1. Møre og Romsdal (15, 27 kommuner) and Innlandet (34, 46 kommuner), k = 2..8: wall time per k of the exact
   solve with contiguity (and with a 20,000 minimum block population), and a check that every block is connected.
2. The same instances without contiguity against PySAL spopt's PMedian (CBC via PuLP): objective values and the
   time ratio.
3. Contiguity that binds: with the model's travel times the nearest-centre blocks are already connected (the
   times are shortest paths over the neighbour graph), so no separator cut is needed. A user matrix need not
   agree with the graph; to exercise the cuts, the times are perturbed by seeded symmetric noise (lognormal,
   sigma 0.35) and the two counties solved again.

Run: .venv/bin/python benchmarks/bench_propose.py
"""
from __future__ import annotations

import os
import time

import numpy as np

import reformkit as rk
from reformkit import geodata
from reformkit import propose as P

AREAS = {"15": "Møre og Romsdal", "34": "Innlandet"}
KS = range(2, 9)


def connected(problem, sol) -> bool:
    for j in sol.centres:
        members = set(np.flatnonzero(sol.assignment == j).tolist())
        seen, stack = {j}, [j]
        while stack:
            v = stack.pop()
            for u in problem.neighbours[v]:
                if u in members and u not in seen:
                    seen.add(u)
                    stack.append(u)
        if seen != members:
            return False
    return True


def bench_contiguous(atlas) -> None:
    print("\n== Exact p-median with contiguity (HiGHS via scipy.optimize.milp) ==")
    print(f"{'area':<17}{'k':>3}{'min pop':>9}{'seconds':>9}{'objective':>14}{'gap':>9}  status   connected  cuts")
    worst = 0.0
    for area, name in AREAS.items():
        for min_pop in (None, 20000):
            for k in KS:
                t0 = time.perf_counter()
                prop = P.propose(atlas, area, k, min_population=min_pop)  # problem build + solve
                secs = time.perf_counter() - t0
                problem, _ = P.build_problem(atlas, area, k, min_population=min_pop)
                sol = P.solve(problem)
                worst = max(worst, secs)
                print(f"{name:<17}{k:>3}{min_pop or 0:>9}{secs:>9.3f}{prop.objective:>14.0f}"
                      f"{prop.gap if prop.gap is not None else float('nan'):>9.1e}  {prop.status:<8} "
                      f"{str(connected(problem, sol)):<10} {sol.lazy_cuts}")
    print(f"slowest k: {worst:.3f} s (target < 5 s on 2 cores; this machine has {os.cpu_count()} CPUs)")


def bench_spopt(atlas) -> None:
    try:
        import pulp
        from spopt.locate import PMedian
    except ImportError:
        print("\nspopt not installed: pip install -e '.[bench]'")
        return
    print("\n== Without contiguity: reformkit (HiGHS) vs PySAL spopt PMedian (CBC) ==")
    print(f"{'area':<17}{'k':>3}{'reformkit obj':>16}{'spopt obj':>16}{'rel diff':>10}{'rk s':>8}{'spopt s':>9}{'ratio':>7}")
    ratios = []
    for area, name in AREAS.items():
        for k in KS:
            problem, _ = P.build_problem(atlas, area, k)
            t0 = time.perf_counter()
            ours = P.solve_exact(problem, contiguity=False)
            t_ours = time.perf_counter() - t0
            t0 = time.perf_counter()
            model = PMedian.from_cost_matrix(problem.minutes, problem.population, p_facilities=k)
            model = model.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=1e-7))
            t_spopt = time.perf_counter() - t0
            theirs = float(pulp.value(model.problem.objective))
            rel = abs(ours.objective - theirs) / theirs
            ratios.append(t_spopt / t_ours)
            print(f"{name:<17}{k:>3}{ours.objective:>16.1f}{theirs:>16.1f}{rel:>10.1e}{t_ours:>8.3f}{t_spopt:>9.3f}"
                  f"{t_spopt / t_ours:>7.1f}")
    print(f"spopt time / reformkit time: median {np.median(ratios):.1f}×, range {min(ratios):.1f}–{max(ratios):.1f}×")


def bench_binding(atlas) -> None:
    import pandas as pd
    print("\n== Contiguity binding: model times × symmetric lognormal noise (seed 0, sigma 0.35) ==")
    base = geodata.travel_minutes(atlas)
    noise = np.random.default_rng(0).lognormal(0.0, 0.35, base.shape)
    noisy = pd.DataFrame(base.to_numpy() * np.sqrt(noise * noise.T), index=base.index, columns=base.columns)
    print(f"{'area':<17}{'k':>3}{'seconds':>9}{'rounds':>7}{'cuts':>6}  {'+% vs no contiguity':>20}  connected")
    for area, name in AREAS.items():
        for k in KS:
            problem, _ = P.build_problem(atlas, area, k, travel=noisy)
            t0 = time.perf_counter()
            sol = P.solve(problem)
            secs = time.perf_counter() - t0
            plain = P.solve_exact(problem, contiguity=False)
            print(f"{name:<17}{k:>3}{secs:>9.3f}{sol.cut_rounds:>7}{sol.lazy_cuts:>6}  "
                  f"{(sol.objective / plain.objective - 1) * 100:>19.2f}%  {connected(problem, sol)}"
                  f"  ({sol.method}, {sol.status})")


def main() -> None:
    atlas = rk.load_atlas(borders=2024)
    geodata.travel_minutes(atlas)  # build the matrix once, outside the timings
    held = geodata.travel_accuracy(atlas)["held_out"]
    print(f"Road travel model, held-out BA trips: MAE {held['mae_min']} min, {held['share_within_15_min']:.1%} "
          f"within ±15 min (n = {held['n']})")
    bench_contiguous(atlas)
    bench_spopt(atlas)
    bench_binding(atlas)


if __name__ == "__main__":
    main()
