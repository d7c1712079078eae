"""Road travel times (issue 11): building the road graph and the 357 × 357 matrix cold, and loading the
matrix from the cache, each as a ratio to reading the road file; goals: under 10 s cold, under 0.3 s cached.

Run: ``.venv/bin/python benchmarks/bench_travel.py`` (after ``make data``). Medians of repeated runs measured
in this one run; "cold" builds the centres, the graph and the matrix from the cached N1000 tables with
nothing derived in memory, "from the cache" reads the persisted matrix (checksum verified) into an Atlas just read (the Atlas read itself
is printed apart: every command pays it, with or without travel times).
"""
from __future__ import annotations

import statistics

import geopandas as gpd
from _timing import runs, seconds

from reformkit import geodata
from reformkit.data import read_atlas
from reformkit.data.cache import core_dir
from reformkit.geo import road_graph, travel_matrix
from reformkit.params import load_parameters

REPEAT = 3


def main() -> None:
    road_file = core_dir() / "geo" / "roads.parquet"
    params = load_parameters()
    read = statistics.median(runs(lambda: gpd.read_parquet(road_file), 5))
    atlas = read_atlas(2024)
    centres = geodata.centres(atlas)
    builtup = atlas.geo_table("builtup")

    def cold() -> None:
        graph = road_graph(gpd.read_parquet(road_file), params.travel, builtup=builtup)
        travel_matrix(graph, centres, params.travel)

    def centres_cold() -> None:
        from reformkit.paths import reference_file
        import pandas as pd
        from reformkit.geo import admin_centres
        admin_centres(atlas.kommuner, atlas.geo_table("places"), builtup,
                      pd.read_csv(reference_file("centre-corrections.csv"), dtype=str), params.travel)

    build = statistics.median(runs(cold, REPEAT))
    centre = statistics.median(runs(centres_cold, REPEAT))
    geodata.travel_table(read_atlas(2024))                 # make sure the matrix is in the cache
    loads = []
    for _ in range(5):   # each load into an Atlas just read, so nothing derived is in memory yet
        fresh = read_atlas(2024)
        loads.append(seconds(lambda: geodata.travel_table(fresh)))
    cached = statistics.median(loads)
    atlas_only = statistics.median(runs(lambda: read_atlas(2024), 5))
    print(f"read the road file (gpd.read_parquet)          {read * 1000:8.1f} ms")
    print(f"centres at the administrative centres, cold    {centre:8.2f} s   ratio {centre / read:7.1f} x")
    print(f"graph + 357 × 357 matrix, cold (incl. read)    {build:8.2f} s   ratio {build / read:7.1f} x   goal < 10 s")
    print(f"matrix from the cache (into a new Atlas)       {cached:8.2f} s   ratio {cached / read:7.1f} x   goal < 0.3 s")
    print(f"  the first of these loads in this process     {loads[0]:8.2f} s   ratio {loads[0] / read:7.1f} x")
    print(f"  (reading that Atlas, not counted above)      {atlas_only:8.2f} s")


if __name__ == "__main__":
    main()
