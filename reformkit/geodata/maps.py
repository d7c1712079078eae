"""What maps draw, ready for the web (EPSG:4326, simplified, rounded): kommune polygons, centre points at the
towns, and the main roads and ferry links drawn faintly underneath."""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..data.atlas import Atlas
from ..data.crs import METRIC_CRS, WEB_CRS
from ..data.store import Dataset
from .common import key
from .travel import centres

WEB_GEOMETRY = Dataset("web_geometry", version=1, format="geo")
WEB_ROADS = Dataset("web_roads", version=1, format="geo")
#: Simplification tolerance in metres (EPSG:25833) and decimals kept in lon/lat (4 ≈ 11 m) of web geometry.
SIMPLIFY_M = 300.0
DECIMALS = 4
#: Road categories drawn on maps (europaveg, riksveg) and the ferry kinds; the rest would clutter a block map.
MAP_ROADS = ("E", "R")
MAP_FERRIES = ("bilferje",)


def _web(geoms: gpd.GeoSeries, tolerance_m: float, decimals: int) -> gpd.GeoSeries:
    metric = geoms.to_crs(METRIC_CRS)
    simple = gpd.GeoSeries(shapely.simplify(metric.values, tolerance_m, preserve_topology=True),
                           index=metric.index, crs=METRIC_CRS).to_crs(WEB_CRS)
    return gpd.GeoSeries(shapely.transform(simple.values, lambda xy: np.round(xy, decimals)), index=simple.index,
                         crs=WEB_CRS)


def web_geometry(atlas: Atlas, tolerance_m: float = SIMPLIFY_M, decimals: int = DECIMALS) -> gpd.GeoSeries:
    """Kommune polygons simplified for the web: simplified in EPSG:25833, then EPSG:4326, coordinates rounded.

    About 30 000 vertices for the whole country become a few thousand, which keeps a report with maps far
    below 5 MB.
    """
    def build() -> gpd.GeoDataFrame:
        rounded = _web(atlas.kommuner.geometry, tolerance_m, decimals)
        # rounding can make a sliver ring invalid; make_valid keeps it drawable. d3-geo (Vega) reads rings
        # on the sphere and wants exteriors clockwise, the opposite of GeoJSON's right-hand rule.
        valid = shapely.orient_polygons(shapely.make_valid(rounded.values), exterior_cw=True)
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries(valid, index=rounded.index, crs=WEB_CRS))
    return atlas.store.get(WEB_GEOMETRY, key(atlas, tolerance_m=tolerance_m, decimals=decimals), build).geometry


def web_roads(atlas: Atlas, tolerance_m: float = SIMPLIFY_M, decimals: int = DECIMALS) -> gpd.GeoDataFrame:
    """The main roads (E and R) and car-ferry links for maps: columns kind ("road"/"ferry"), geometry (lines,
    EPSG:4326); planned roads left out."""
    def build() -> gpd.GeoDataFrame:
        links = atlas.geo_table("roads")
        existing = links["vegfase"].astype(str) != "P"
        road = links["vegkategori"].astype(str).isin(MAP_ROADS) & (links["type_veg"].astype(str) == "enkelBilveg")
        ferry = links["type_veg"].astype(str).isin(MAP_FERRIES)
        keep = links[existing & (road | ferry)]
        kind = np.where(keep["type_veg"].astype(str).isin(MAP_FERRIES), "ferry", "road")
        lines = _web(keep.geometry.reset_index(drop=True), tolerance_m, decimals)
        return gpd.GeoDataFrame({"kind": kind}, geometry=lines, crs=WEB_CRS)
    return atlas.store.get(WEB_ROADS, key(atlas, tolerance_m=tolerance_m, decimals=decimals), build)


def web_centres(atlas: Atlas, codes: list[str] | None = None, decimals: int = DECIMALS) -> pd.DataFrame:
    """Centre points (at the towns) in lon/lat for maps: columns kommunenummer, lon, lat (rounded)."""
    pts = centres(atlas)
    pts = pts.loc[list(codes)] if codes is not None else pts
    lonlat = pts.to_crs(WEB_CRS)
    return pd.DataFrame({"kommunenummer": list(pts.index), "lon": np.round(lonlat.x.to_numpy(), decimals),
                         "lat": np.round(lonlat.y.to_numpy(), decimals)})


@dataclass(frozen=True)
class MapLayers:
    """What a map of kommuner draws, ready for the web: simplified polygons (EPSG:4326), centre points
    (lon, lat) and short names indexed by kommunenummer, and the main roads and ferries (:func:`map_layers`)."""

    geometry: gpd.GeoSeries
    centres: pd.DataFrame
    names: pd.Series
    roads: gpd.GeoDataFrame | None = None


def map_layers(atlas: Atlas, roads: bool = True) -> MapLayers:
    """The :class:`MapLayers` of an Atlas (web geometry, centres and roads are derived datasets)."""
    return MapLayers(geometry=web_geometry(atlas), centres=web_centres(atlas).set_index("kommunenummer"),
                     names=atlas.kommuner["kommunenavn_kort"].astype(str), roads=web_roads(atlas) if roads else None)
