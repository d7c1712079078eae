"""Kommune centres and car travel times of an Atlas: administrative centres from the N1000 place names, the
N1000 road network, the travel-time matrix between centres and its accuracy (see :mod:`reformkit.geo`)."""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..data.atlas import Atlas
from ..data.store import Dataset
from ..errors import ReformkitError
from ..geo import (RoadGraph, accuracy, admin_centres, apply_matrix, ba_pairs, read_travel_matrix, road_graph,
                   route, travel_matrix)
from ..params import Parameters, load_parameters
from ..paths import reference_file
from .common import key

CENTRES = Dataset("centres", version=2, format="geo")
ROADS = Dataset("road_graph", version=1, format="json", persist=False)
TRAVEL = Dataset("travel_matrix", version=2, format="arrays")
TRAVEL_FRAMES = Dataset("travel_frames", version=1, format="json", persist=False)
TRAVEL_OVERLAY = Dataset("travel_minutes_overlay", version=1, format="table", persist=False)
#: :func:`travel_minutes` as a NumPy array with each kommune's position (evaluate reads it on every edit).
TRAVEL_ARRAY = Dataset("travel_array", version=2, format="json", persist=False)
ACCURACY = Dataset("travel_accuracy", version=1, format="json")


def centre_table(atlas: Atlas, params: Parameters | None = None) -> gpd.GeoDataFrame:
    """Each kommune's centre at its administrative centre (:func:`reformkit.geo.admin_centres`): columns
    centre (Point, EPSG:25833), centre_name, method (how it was found), distance_km; by kommunenummer."""
    tree = (params or load_parameters()).tree("travel")

    def build() -> gpd.GeoDataFrame:
        corrections = pd.read_csv(reference_file("centre-corrections.csv"), dtype=str)
        return admin_centres(atlas.kommuner, atlas.geo_table("places"), atlas.geo_table("builtup"), corrections,
                             tree.values)
    return atlas.store.get(CENTRES, key(atlas, params=tree.digest()), build)


def centres(atlas: Atlas, params: Parameters | None = None) -> gpd.GeoSeries:
    """Each kommune's centre point (EPSG:25833), indexed by kommunenummer (see :func:`centre_table`)."""
    return centre_table(atlas, params).geometry


def road_network(atlas: Atlas, params: Parameters | None = None) -> RoadGraph:
    """The routable N1000 road graph (:func:`reformkit.geo.road_graph`), built once per Atlas (about 1 s)."""
    tree = (params or load_parameters()).tree("travel")
    return atlas.store.get(ROADS, key(atlas, params=tree.digest()),
                           lambda: road_graph(atlas.geo_table("roads"), tree.values,
                                              builtup=atlas.geo_table("builtup")))


def travel_table(atlas: Atlas, params: Parameters | None = None) -> dict[str, pd.DataFrame]:
    """Minutes, km and ferries on the fastest car route between every two kommune centres (square,
    symmetric, zero diagonal, by kommunenummer), persisted in the cache: ``{"minutes", "km", "ferries"}``."""
    params = params or load_parameters()

    def build() -> dict:
        minutes, km, ferries = travel_matrix(road_network(atlas, params), centres(atlas, params), params.travel)
        return {"codes": np.asarray(minutes.index, dtype="U4"), "minutes": minutes.to_numpy(),
                "km": km.to_numpy(), "ferries": ferries.to_numpy()}
    def frames() -> dict[str, pd.DataFrame]:
        arrays = atlas.store.get(TRAVEL, key(atlas, params=params.digest("travel")), build)
        codes = pd.Index(arrays["codes"].astype(object), name="kommunenummer")
        return {name: pd.DataFrame(arrays[name], index=codes, columns=list(codes))
                for name in ("minutes", "km", "ferries")}
    # shared between callers (evaluate asks on every workshop edit); copy-on-write keeps them unchanged
    return dict(atlas.store.get(TRAVEL_FRAMES, key(atlas, params=params.digest("travel")), frames))


def travel_minutes(atlas: Atlas, params: Parameters | None = None,
                   matrix_csv: str | Path | None = None) -> pd.DataFrame:
    """Travel time in minutes between kommune centres over the road network: square, symmetric, zero diagonal.

    ``params`` defaults to the shipped files (a scenario's ``assumptions.travel`` applied through
    :meth:`~reformkit.params.Parameters.with_assumptions`). ``matrix_csv`` (or the setting
    ``assumptions.travel.matrix_csv``) names a CSV of real times; pairs the CSV leaves out keep the model value.

    >>> t = travel_minutes(atlas)                 # doctest: +SKIP
    >>> round(t.loc["1505", "1506"])              # Kristiansund–Molde   # doctest: +SKIP
    """
    params = params or load_parameters()
    path, minutes_key = _minutes_key(atlas, params, matrix_csv)
    if path is None:
        return travel_table(atlas, params)["minutes"]

    def overlay() -> pd.DataFrame:
        table = read_travel_matrix(path, atlas.codes)   # a bad file fails before the model is built
        return apply_matrix(travel_table(atlas, params)["minutes"], table)
    return atlas.store.get(TRAVEL_OVERLAY, minutes_key, overlay)


def _minutes_key(atlas: Atlas, params: Parameters, matrix_csv: str | Path | None) -> tuple[Path | None, dict]:
    """The matrix CSV that overrides the model (None when none does) and the key of the minutes it gives: the
    CSV's modification time is part of it, so an edited file is read again."""
    matrix_csv = matrix_csv or params.settings.get("matrix_csv")
    if matrix_csv is None:
        return None, key(atlas, params=params.digest("travel"))
    path = Path(matrix_csv)
    stamp = path.stat().st_mtime_ns if path.is_file() else None
    return path, key(atlas, params=params.digest("travel"), csv=str(path.resolve()), stamp=stamp)


def travel_array(atlas: Atlas, params: Parameters | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """:func:`travel_minutes` as a float array and the row of each kommunenummer, kept under the same key."""
    params = params or load_parameters()

    def build() -> tuple[np.ndarray, dict[str, int]]:
        minutes = travel_minutes(atlas, params)
        return minutes.to_numpy(dtype=np.float64), {c: i for i, c in enumerate(minutes.index)}
    return atlas.store.get(TRAVEL_ARRAY, _minutes_key(atlas, params, None)[1], build)


def trip(atlas: Atlas, origin: str, destination: str, params: Parameters | None = None) -> dict:
    """The fastest car trip between two kommuner's centres: ``{minutes, km, ferries, access_km, path_xy}``."""
    params = params or load_parameters()
    pts = centres(atlas, params)
    a, b = pts.loc[origin], pts.loc[destination]
    return route(road_network(atlas, params), (a.x, a.y), (b.x, b.y), params.travel)


def travel_accuracy(atlas: Atlas, params: Parameters | None = None) -> dict:
    """The road model's error against the BA-regions' travel times (calibration half, held-out half overall,
    over 45 minutes and with a ferry) and against the published driving times of ``known-trips.csv``
    (:func:`reformkit.geo.accuracy`); 2024 borders only (the BA-regions' kommuner)."""
    if atlas.borders != 2024:
        raise ReformkitError("the travel model is calibrated on 2024 borders (the BA-regions' kommuner)")
    params = params or load_parameters()

    def build() -> dict:
        known = pd.read_csv(reference_file("known-trips.csv"), dtype={"from": str, "to": str})
        acc = accuracy(road_network(atlas, params), centres(atlas, params), ba_pairs(atlas.kommuner), known,
                       params.travel)
        table = acc.pop("known")
        return {**acc, "known": json.loads(table.to_json(orient="records")) if table is not None else []}
    return atlas.store.get(ACCURACY, key(atlas, params=params.digest("travel")), build)
