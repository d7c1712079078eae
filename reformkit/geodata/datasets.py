"""Derived geography of an Atlas (see the package docstring); each function is one named dataset."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix

from .. import geo
from ..data.atlas import Atlas
from ..data.crs import METRIC_CRS, WEB_CRS
from ..data.store import Dataset
from ..errors import ReformkitError
from ..params import Parameters, load_parameters

NEIGHBOURS = Dataset("neighbours", version=1, format="table")
CENTRES = Dataset("centres", version=1, format="geo")
TRAVEL = Dataset("travel_minutes", version=1, format="table")
TRAVEL_OVERLAY = Dataset("travel_minutes_overlay", version=1, format="table", persist=False)
NEIGHBOUR_MATRIX = Dataset("neighbour_matrix", version=1, format="arrays", persist=False)
WEB_GEOMETRY = Dataset("web_geometry", version=1, format="geo")
#: Simplification tolerance in metres (EPSG:25833) and decimals kept in lon/lat (4 ≈ 11 m) of web geometry.
SIMPLIFY_M = 300.0
DECIMALS = 4


def _key(atlas: Atlas, **extra) -> dict:
    return {"generation": atlas.generation, "borders": atlas.borders, **extra}


def neighbours(atlas: Atlas, params: Parameters | None = None) -> pd.DataFrame:
    """The neighbour graph's edges ``a, b, kind, gap_km`` (:func:`reformkit.geo.neighbour_graph`)."""
    p = (params or load_parameters()).neighbours
    return atlas.store.get(NEIGHBOURS, _key(atlas, params=list(vars(p).values())),
                           lambda: geo.neighbour_graph(atlas.kommuner, p))


def neighbour_matrix(atlas: Atlas, params: Parameters | None = None) -> tuple[csr_matrix, dict[str, int]]:
    """The neighbour graph as an adjacency matrix over ``atlas.codes`` and the position of each kommune."""
    edges = neighbours(atlas, params)

    def build() -> dict:
        pos = {c: i for i, c in enumerate(atlas.codes)}
        keep = edges["a"].isin(pos) & edges["b"].isin(pos)
        return {"a": edges.loc[keep, "a"].map(pos).to_numpy(), "b": edges.loc[keep, "b"].map(pos).to_numpy()}
    pairs = atlas.store.get(NEIGHBOUR_MATRIX, _key(atlas, edges=len(edges)), build)
    return (geo.adjacency_matrix(len(atlas.codes), zip(pairs["a"], pairs["b"])),
            {c: i for i, c in enumerate(atlas.codes)})


def centres(atlas: Atlas) -> gpd.GeoSeries:
    """Each kommune's centre point (EPSG:25833), indexed by kommunenummer."""
    def build() -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(geometry=geo.centre_points(atlas.kommuner), crs=atlas.kommuner.crs)
    return atlas.store.get(CENTRES, _key(atlas), build).geometry


def travel_minutes(atlas: Atlas, params: Parameters | None = None, matrix_csv: str | Path | None = None) -> pd.DataFrame:
    """Travel time in minutes between kommune centres: square, symmetric, zero diagonal, by kommunenummer.

    The model of :mod:`reformkit.geo.travel` with ``params`` (default: the shipped files; a scenario's
    ``assumptions.travel`` applied through :meth:`Parameters.with_assumptions`), unless ``matrix_csv`` (or the
    setting ``assumptions.travel.matrix_csv``) names a CSV of real times; pairs the CSV leaves out keep the
    model value.

    >>> t = travel_minutes(atlas)                 # doctest: +SKIP
    >>> round(t.loc["1505", "1506"])              # Kristiansund–Molde   # doctest: +SKIP
    """
    params = params or load_parameters()
    p = params.travel

    def model() -> pd.DataFrame:
        return atlas.store.get(TRAVEL, _key(atlas, params=list(vars(p).values()), graph=params.digest("geo")),
                               lambda: geo.model_minutes(centres(atlas), neighbours(atlas, params), p))
    matrix_csv = matrix_csv or params.settings.get("matrix_csv")
    if matrix_csv is None:
        return model()
    path = Path(matrix_csv)
    stamp = path.stat().st_mtime_ns if path.is_file() else None

    def overlay() -> pd.DataFrame:
        table = geo.read_travel_matrix(path, atlas.codes)   # a bad file fails before the model is built
        return geo.apply_matrix(model(), table)
    return atlas.store.get(TRAVEL_OVERLAY, _key(atlas, model=list(vars(p).values()), csv=str(path.resolve()),
                                                stamp=stamp), overlay)


def travel_calibration(atlas: Atlas, params: Parameters | None = None) -> dict:
    """Error of the travel model against the BA-regions' travel times (2024 borders), with its parameters."""
    if atlas.borders != 2024:
        raise ReformkitError("the travel model is calibrated on 2024 borders (the BA-regions' kommuner)")
    params = params or load_parameters()
    return {**geo.calibration_error(atlas.kommuner, travel_minutes(atlas, params)),
            "parameters": dict(vars(params.travel))}


def web_geometry(atlas: Atlas, tolerance_m: float = SIMPLIFY_M, decimals: int = DECIMALS) -> gpd.GeoSeries:
    """Kommune polygons simplified for the web: simplified in EPSG:25833, then EPSG:4326, coordinates rounded.

    About 30 000 vertices for the whole country become a few thousand, which keeps a report with maps far
    below 5 MB.
    """
    def build() -> gpd.GeoDataFrame:
        metric = atlas.kommuner.geometry.to_crs(METRIC_CRS)
        simple = gpd.GeoSeries(shapely.simplify(metric.values, tolerance_m, preserve_topology=True),
                               index=metric.index, crs=METRIC_CRS).to_crs(WEB_CRS)
        rounded = shapely.transform(simple.values, lambda xy: np.round(xy, decimals))
        # rounding can make a sliver ring invalid; make_valid keeps it drawable. d3-geo (Vega) reads rings
        # on the sphere and wants exteriors clockwise, the opposite of GeoJSON's right-hand rule.
        valid = shapely.orient_polygons(shapely.make_valid(rounded), exterior_cw=True)
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries(valid, index=simple.index, crs=WEB_CRS))
    return atlas.store.get(WEB_GEOMETRY, _key(atlas, tolerance_m=tolerance_m, decimals=decimals), build).geometry


def web_centres(atlas: Atlas, codes: list[str] | None = None, decimals: int = DECIMALS) -> pd.DataFrame:
    """Centre points in lon/lat for maps: columns kommunenummer, lon, lat (rounded to ``decimals``)."""
    pts = centres(atlas)
    pts = pts.loc[list(codes)] if codes is not None else pts
    lonlat = pts.to_crs(WEB_CRS)
    return pd.DataFrame({"kommunenummer": list(pts.index), "lon": np.round(lonlat.x.to_numpy(), decimals),
                         "lat": np.round(lonlat.y.to_numpy(), decimals)})


@dataclass(frozen=True)
class MapLayers:
    """What a map of kommuner draws, ready for the web: simplified polygons (EPSG:4326), centre points
    (lon, lat) and short names, all indexed by kommunenummer (:func:`map_layers`)."""

    geometry: gpd.GeoSeries
    centres: pd.DataFrame
    names: pd.Series


def map_layers(atlas: Atlas) -> MapLayers:
    """The :class:`MapLayers` of an Atlas (web geometry and centres are derived datasets)."""
    return MapLayers(geometry=web_geometry(atlas), centres=web_centres(atlas).set_index("kommunenummer"),
                     names=atlas.kommuner["kommunenavn_kort"].astype(str))
