"""Shared input loading for scripts/check_travel.py and scripts/calibrate_roads.py.

The road, place-name and built-up files come from the offline mirror (``--mirror``, default ``../shared/data``
beside the project); the kommuner from the Atlas in the data cache. The lead moves this into the data cache.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

import reformkit as rk
from reformkit.geo.centres import admin_centres
from reformkit.params import load_params
from reformkit.paths import PROJECT_ROOT, REFERENCE_DIR

DEFAULT_MIRROR = PROJECT_ROOT.parent / "shared" / "data"


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help="offline data mirror (default: %(default)s)")
    return p


def read_inputs(mirror: Path) -> dict:
    """Road links, place names, built-up areas, corrections and known trips; with the road-file read time."""
    t0 = time.perf_counter()
    roads = gpd.read_parquet(mirror / "roads" / "veglenker-n1000.parquet")
    read_s = time.perf_counter() - t0
    return {"roads": roads, "read_s": read_s,
            "places": gpd.read_parquet(mirror / "places" / "stedsnavn-n1000.parquet"),
            "builtup": gpd.read_parquet(mirror / "places" / "tettbebyggelse-n1000.parquet"),
            "corrections": pd.read_csv(REFERENCE_DIR / "centre-corrections.csv", dtype=str),
            "known": pd.read_csv(REFERENCE_DIR / "known-trips.csv", dtype={"from": str, "to": str}),
            "params": load_params("roads")}


def centres_for(borders: int, inputs: dict) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(Atlas kommuner, their centres) for a border year."""
    kommuner = rk.load_atlas(borders=borders).kommuner
    centres = admin_centres(kommuner, inputs["places"], inputs["builtup"], inputs["corrections"], inputs["params"])
    return kommuner, centres
