"""Shared input loading for scripts/check_travel.py and scripts/calibrate_roads.py.

The road, place-name and built-up layers come from the data cache (imported from the offline mirror by
``reformkit data import``), the kommuner from the Atlas, the corrections and known trips from the packaged
reference files.
"""
from __future__ import annotations

import argparse
import time

import geopandas as gpd
import pandas as pd

import reformkit as rk
from reformkit.data import cache
from reformkit.geo.centres import admin_centres
from reformkit.params import load_parameters
from reformkit.paths import reference_file


def parser(description: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(description=description)


def read_inputs() -> dict:
    """Road links, place names, built-up areas, corrections and known trips; with the road-file read time."""
    atlas = rk.load_atlas(2024)
    t0 = time.perf_counter()
    roads = gpd.read_parquet(cache.core_dir(atlas.cache_path) / "geo" / "roads.parquet")
    read_s = time.perf_counter() - t0
    return {"roads": roads, "read_s": read_s, "places": atlas.geo_table("places"),
            "builtup": atlas.geo_table("builtup"),
            "corrections": pd.read_csv(reference_file("centre-corrections.csv"), dtype=str),
            "known": pd.read_csv(reference_file("known-trips.csv"), dtype={"from": str, "to": str}),
            "params": load_parameters().travel}


def centres_for(borders: int, inputs: dict) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(Atlas kommuner, their centres) for a border year."""
    kommuner = rk.load_atlas(borders=borders).kommuner
    centres = admin_centres(kommuner, inputs["places"], inputs["builtup"], inputs["corrections"], inputs["params"])
    return kommuner, centres
