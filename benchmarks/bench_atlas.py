"""Atlas load time from the cache, as a ratio to a bare ``pd.read_parquet`` of the population file.

Run: ``.venv/bin/python benchmarks/bench_atlas.py`` (after ``make data``). Prints medians of repeated runs
measured in this one run, and the wall time of the one-liner of issue 2 in a fresh interpreter.
"""
from __future__ import annotations

import statistics
import subprocess
import sys

import pandas as pd
from _timing import runs

from reformkit.data import read_atlas
from reformkit.data.cache import core_dir

REPEAT = 7


def median_seconds(fn, repeat: int = REPEAT) -> float:
    return statistics.median(runs(fn, repeat))


def main() -> None:
    pop_file = core_dir() / "borders-2024" / "population.parquet"
    bare = median_seconds(lambda: pd.read_parquet(pop_file))
    load = median_seconds(lambda: read_atlas(2024))
    print(f"pd.read_parquet(population)   {bare * 1000:8.1f} ms")
    print(f"read_atlas(2024), uncached    {load * 1000:8.1f} ms")
    print(f"ratio load / bare read        {load / bare:8.1f} x")
    one_liner = "import reformkit as rk; a=rk.load_atlas(); print(len(a.kommuner))"
    outs = []
    walls = runs(lambda: outs.append(subprocess.run([sys.executable, "-c", one_liner], capture_output=True,
                                                    text=True, check=True)), 3)
    imp = runs(lambda: subprocess.run([sys.executable, "-c", "import reformkit"], check=True), 3)
    print(f"one-liner in a fresh python   {statistics.median(walls):8.2f} s (prints {outs[-1].stdout.strip()})")
    print(f"  of which `import reformkit` {statistics.median(imp):8.2f} s (interpreter start + pandas/geopandas)")


if __name__ == "__main__":
    main()
