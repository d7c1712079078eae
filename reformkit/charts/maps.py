"""Maps of kommuner: web-ready geometry and block / category maps (altair geoshape)."""
from __future__ import annotations

from pathlib import Path

import json
from typing import TYPE_CHECKING, Iterable, Sequence

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..fmt import nb_int
from ..geo import METRIC_CRS
from .style import PALETTE, TRACK_LABELS, TRACK_OPACITY

if TYPE_CHECKING:
    from ..data.atlas import Atlas

WEB_CRS = 4326
#: Simplification tolerance in metres (EPSG:25833) and decimals kept in lon/lat (4 ≈ 11 m).
SIMPLIFY_M = 300.0
DECIMALS = 4


def web_geometry(atlas: Atlas, tolerance_m: float = SIMPLIFY_M, decimals: int = DECIMALS) -> gpd.GeoSeries:
    """Kommune polygons simplified for the web: simplified in EPSG:25833, then EPSG:4326, coordinates rounded.

    Memoised on the Atlas. About 30 000 vertices for the whole country become a few thousand, which keeps
    a report with maps far below 5 MB.
    """
    def compute() -> gpd.GeoSeries:
        metric = atlas.kommuner.geometry.to_crs(METRIC_CRS)
        simple = gpd.GeoSeries(shapely.simplify(metric.values, tolerance_m, preserve_topology=True),
                               index=metric.index, crs=METRIC_CRS).to_crs(WEB_CRS)
        rounded = shapely.transform(simple.values, lambda xy: np.round(xy, decimals))
        # rounding can make a sliver ring invalid; make_valid keeps it drawable. d3-geo (Vega) reads rings
        # on the sphere and wants exteriors clockwise, the opposite of GeoJSON's right-hand rule.
        valid = shapely.orient_polygons(shapely.make_valid(rounded), exterior_cw=True)
        return gpd.GeoSeries(valid, index=simple.index, crs=WEB_CRS)
    return atlas.cached(f"web_geometry:{tolerance_m}:{decimals}", compute, persist=True, depends=(Path(__file__),))


def _centre_lonlat(atlas, codes: Sequence[str], decimals: int = DECIMALS) -> pd.DataFrame:
    pts = gpd.GeoSeries(atlas.kommuner.loc[list(codes), "centre"], crs=atlas.kommuner.crs).to_crs(WEB_CRS)
    return pd.DataFrame({"kommunenummer": list(codes), "lon": np.round(pts.x.to_numpy(), decimals),
                         "lat": np.round(pts.y.to_numpy(), decimals)})


def _inline(features: list[dict]) -> alt.InlineData:
    """Features as one inline JSON string: the browser parses it, and altair does not walk every coordinate
    (converting and validating the nested lists cost seconds per map)."""
    text = json.dumps(features, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return alt.InlineData(values=text, format=alt.DataFormat(type="json"))


def _features(geoms: gpd.GeoSeries, props: pd.DataFrame) -> list[dict]:
    """GeoJSON features with the properties at top level (how Vega-Lite's geoshape reads them)."""
    out = []
    for code, row in props.iterrows():
        feat = {"type": "Feature", "geometry": shapely.geometry.mapping(geoms.loc[code])}
        feat.update({k: (None if (isinstance(v, float) and np.isnan(v)) else v) for k, v in row.items()})
        out.append(feat)
    return out


def _jsonable(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def kommune_map(atlas: Atlas, table: pd.DataFrame, colour: str, *, colour_title: str,
                tooltip: Sequence[tuple[str, str]] = (), context_codes: Iterable[str] | None = None,
                centres: Iterable[str] = (), opacity: str | None = None, opacity_title: str = "", width: int = 520,
                height: int = 520, title: str | None = None, palette: Sequence[str] = PALETTE) -> alt.LayerChart:
    """A map of kommuner coloured by the categorical column ``colour`` of ``table``.

    ``table`` has a ``kommunenummer`` column and the fields to show; ``tooltip`` lists (column, label)
    pairs. ``context_codes`` are drawn in grey underneath (e.g. the rest of the fylke); ``centres`` get a
    marker and their short name. ``opacity`` names a categorical column mapped to fill opacity (the track).
    """
    geoms = web_geometry(atlas)
    table = table.copy()
    table["kommunenummer"] = table["kommunenummer"].astype(str)
    table = table.set_index("kommunenummer", drop=False)
    if "navn" not in table.columns:
        table["navn"] = atlas.kommuner.loc[table.index, "kommunenavn_kort"].astype(str).to_numpy()
    keep = ["kommunenummer", "navn", colour] + [c for c, _ in tooltip if c not in ("kommunenummer", "navn", colour)]
    if opacity and opacity not in keep:
        keep.append(opacity)
    props = table[keep].map(_jsonable).astype(object)
    main = _inline(_features(geoms, props))
    domain = list(dict.fromkeys(table[colour].astype(str)))
    layers = []
    ctx = [c for c in (context_codes or []) if c not in table.index]
    if ctx:
        ctx_props = pd.DataFrame({"kommunenummer": ctx, "navn": atlas.kommuner.loc[ctx, "kommunenavn_kort"].astype(str)},
                                 index=ctx)
        layers.append(alt.Chart(_inline(_features(geoms, ctx_props))).mark_geoshape(
            fill="#e6e6e6", stroke="white", strokeWidth=0.5).encode(
            tooltip=[alt.Tooltip("navn:N", title="Kommune")]))
    enc = {
        "color": alt.Color(f"{colour}:N", title=colour_title,
                           scale=alt.Scale(domain=domain, range=list(palette)[:max(1, len(domain))] if len(domain) <= len(palette) else alt.Undefined)),
        "tooltip": [alt.Tooltip("navn:N", title="Kommune")] + [alt.Tooltip(f"{c}:N", title=t) for c, t in tooltip],
    }
    if opacity:
        levels = list(dict.fromkeys(table[opacity].astype(str)))
        enc["opacity"] = alt.Opacity(f"{opacity}:O", title=opacity_title, sort=levels,
                                     scale=alt.Scale(domain=levels, range=[TRACK_OPACITY.get(v, 0.8) for v in levels]))
    layers.append(alt.Chart(main).mark_geoshape(stroke="white", strokeWidth=0.6).encode(**enc))
    centres = [c for c in centres if c in atlas.kommuner.index]
    if centres:
        pts = _centre_lonlat(atlas, centres)
        pts["navn"] = atlas.kommuner.loc[centres, "kommunenavn_kort"].astype(str).to_numpy()
        base = alt.Chart(alt.Data(values=pts.to_dict("records"))).encode(
            longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"),
            tooltip=[alt.Tooltip("navn:N", title="Senter")])
        layers.append(base.mark_point(shape="diamond", size=90, filled=True, color="black", stroke="white"))
        layers.append(base.mark_text(dy=-11, fontSize=11, fontWeight="bold", color="#222")
                      .encode(text=alt.Text("navn:N")))
    chart = alt.layer(*layers).project(type="mercator").properties(width=width, height=height)
    if title:
        chart = chart.properties(title=title)
    return chart


def block_map(atlas: Atlas, members: pd.DataFrame, *, centres: Iterable[str] = (),
              context_codes: Iterable[str] | None = None, title: str | None = None, width: int = 520,
              height: int = 520) -> alt.LayerChart:
    """Map of a scenario's blocks: polygons coloured by block, track as fill opacity, centres marked.

    ``members`` has columns kommunenummer, block, track ("merge"/"cooperate") and optionally population
    (shown in the tooltip with Norwegian formatting).

    >>> block_map(atlas, pd.DataFrame({"kommunenummer": ["1505", "1554"], "block": ["Nordmøre"] * 2,
    ...                                "track": ["merge", "cooperate"]}), centres=["1505"])  # doctest: +SKIP
    """
    t = members.copy()
    t["Blokk"] = t["block"].astype(str)
    t["Spor"] = t["track"].map(lambda v: TRACK_LABELS.get(str(getattr(v, "value", v)), str(v)))
    tip = [("Blokk", "Blokk"), ("Spor", "Spor")]
    if "population" in t.columns:
        t["Innbyggere"] = t["population"].map(nb_int)
        tip.append(("Innbyggere", "Innbyggere"))
    return kommune_map(atlas, t, "Blokk", colour_title="Blokk", tooltip=tip, context_codes=context_codes,
                       centres=centres, opacity="Spor", opacity_title="Spor", width=width, height=height, title=title)
