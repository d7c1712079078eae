"""Benchmark: evaluating edited Møre og Romsdal scenarios (the workbench's inner loop).

Prints the median time of ``rk.evaluate`` on scenarios edited with ``moved`` (data and projection memoised on
the Atlas, as in the workbench), as a ratio to a plain pandas groupby over the same population rows
(27 kommuner × 2024–2040 × age × sex, summed per kommune and year). Also shows the one-off first evaluation
and the time without the economy module's calls. Run: ``.venv/bin/python benchmarks/bench_evaluate.py``.
"""
from __future__ import annotations

import itertools
import statistics
import sys
from pathlib import Path

from _timing import runs, seconds

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import reformkit as rk  # noqa: E402

N = 30


def median_ms(fn, n: int = N) -> float:
    return statistics.median(runs(fn, n)) * 1000


def main() -> None:
    atlas = rk.load_atlas(2024)
    sc = rk.load_scenario(ROOT / "data" / "scenarios" / "more-og-romsdal-4.yaml", atlas=atlas)
    first_ms = seconds(lambda: rk.evaluate(sc, atlas)) * 1000

    names = [b.name for b in sc.blocks]
    edits = []
    for i, b in enumerate(sc.blocks):
        for code in b.members:
            if code != b.centre:
                edits.append(sc.moved(code, to_block=names[(i + 1) % len(names)], track="merge"))
    def each_edit():  # evaluates the edited scenarios in turn, from the first one
        cycle = itertools.cycle(edits)
        return lambda: rk.evaluate(next(cycle), atlas)

    evaluate_ms = median_ms(each_edit())

    # The same loop with the economy module's per-block call stubbed out: the share of this module.
    compute = sys.modules["reformkit.evaluate.compute"]
    economy = getattr(compute, "block_economy", None)
    bare_ms = evaluate_ms
    if economy is not None:
        compute.block_economy = lambda *args, **kwargs: {}
        try:
            bare_ms = median_ms(each_edit())
        finally:
            compute.block_economy = economy

    from reformkit.population import population_series
    rows = population_series(atlas, sc.base_year, sc.horizon, alternative=sc.projection)
    rows = rows[rows["kommunenummer"].isin(atlas.in_fylke(sc.area))]
    groupby_ms = median_ms(lambda: rows.groupby(["kommunenummer", "year"], observed=True)["population"].sum())

    print(f"Møre og Romsdal, 4 blocks, {len(edits)} edited scenarios, years {sc.base_year}–{sc.horizon}, "
          f"{len(rows):,} population rows")
    print(f"first evaluate (fills the memo: projection, travel times)  {first_ms:9.1f} ms")
    print(f"median evaluate of an edited scenario                      {evaluate_ms:9.1f} ms")
    print(f"median evaluate with the economy calls stubbed out          {bare_ms:9.1f} ms")
    print(f"plain pandas groupby over the same rows (median)           {groupby_ms:9.1f} ms")
    print(f"ratio evaluate / groupby                                    {evaluate_ms / groupby_ms:9.1f}")
    print(f"ratio evaluate without economy / groupby                    {bare_ms / groupby_ms:9.1f}")


if __name__ == "__main__":
    main()
