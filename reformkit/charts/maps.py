"""Maps of kommuner: block and category maps (altair geoshape) drawn from :class:`reformkit.geodata.MapLayers`."""
from __future__ import annotations

import json
from typing import Iterable, Sequence

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..fmt import nb_int
from ..geodata import MapLayers
from ..narrative.labels import CHART as L, TRACK_LEGEND
from .style import PALETTE, TRACK_OPACITY


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


def kommune_map(layers: MapLayers, table: pd.DataFrame, colour: str, *, colour_title: str,
                tooltip: Sequence[tuple[str, str]] = (), context_codes: Iterable[str] | None = None,
                centres: Iterable[str] = (), opacity: str | None = None, opacity_title: str = "", width: int = 520,
                height: int = 520, title: str | None = None, palette: Sequence[str] = PALETTE) -> alt.LayerChart:
    """A map of kommuner coloured by the categorical column ``colour`` of ``table``.

    ``table`` has a ``kommunenummer`` column and the fields to show; ``tooltip`` lists (column, label)
    pairs. ``context_codes`` are drawn in grey underneath (e.g. the rest of the fylke); ``centres`` get a
    marker and their short name. ``opacity`` names a categorical column mapped to fill opacity (the track).
    ``layers`` (:func:`reformkit.geodata.map_layers`) gives the polygons, centre points and names.
    """
    geoms = layers.geometry
    table = table.copy()
    table["kommunenummer"] = table["kommunenummer"].astype(str)
    table = table.set_index("kommunenummer", drop=False)
    if "navn" not in table.columns:
        table["navn"] = layers.names.loc[table.index].to_numpy()
    keep = ["kommunenummer", "navn", colour] + [c for c, _ in tooltip if c not in ("kommunenummer", "navn", colour)]
    if opacity and opacity not in keep:
        keep.append(opacity)
    props = table[keep].map(_jsonable).astype(object)
    main = _inline(_features(geoms, props))
    domain = list(dict.fromkeys(table[colour].astype(str)))
    marks = []
    ctx = [c for c in (context_codes or []) if c not in table.index]
    if ctx:
        ctx_props = pd.DataFrame({"kommunenummer": ctx, "navn": layers.names.loc[ctx]}, index=ctx)
        marks.append(alt.Chart(_inline(_features(geoms, ctx_props))).mark_geoshape(
            fill="#e6e6e6", stroke="white", strokeWidth=0.5).encode(
            tooltip=[alt.Tooltip("navn:N", title=L["kommune"])]))
    enc = {
        "color": alt.Color(f"{colour}:N", title=colour_title,
                           scale=alt.Scale(domain=domain, range=list(palette)[:max(1, len(domain))] if len(domain) <= len(palette) else alt.Undefined)),
        "tooltip": [alt.Tooltip("navn:N", title=L["kommune"])] + [alt.Tooltip(f"{c}:N", title=t) for c, t in tooltip],
    }
    if opacity:
        levels = list(dict.fromkeys(table[opacity].astype(str)))
        enc["opacity"] = alt.Opacity(f"{opacity}:O", title=opacity_title, sort=levels,
                                     scale=alt.Scale(domain=levels, range=[TRACK_OPACITY.get(v, 0.8) for v in levels]))
    marks.append(alt.Chart(main).mark_geoshape(stroke="white", strokeWidth=0.6).encode(**enc))
    marks += _road_marks(layers, list(table.index) + ctx)
    centres = [c for c in centres if c in layers.centres.index]
    if centres:
        pts = layers.centres.loc[centres].reset_index()
        pts["navn"] = layers.names.loc[centres].to_numpy()
        base = alt.Chart(alt.Data(values=pts.to_dict("records"))).encode(
            longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"),
            tooltip=[alt.Tooltip("navn:N", title=L["centre"])])
        marks.append(base.mark_point(shape="diamond", size=90, filled=True, color="black", stroke="white"))
        marks.append(base.mark_text(dy=-11, fontSize=11, fontWeight="bold", color="#222")
                      .encode(text=alt.Text("navn:N")))
    chart = alt.layer(*marks).project(type="mercator").properties(width=width, height=height)
    if title:
        chart = chart.properties(title=title)
    return chart


def _road_marks(layers: MapLayers, codes: list[str]) -> list[alt.Chart]:
    """The main roads (thin grey) and car ferries (dashed blue) inside the drawn kommuner's bounding box."""
    if layers.roads is None or layers.roads.empty or not codes:
        return []
    x0, y0, x1, y1 = layers.geometry.loc[codes].total_bounds
    roads = layers.roads.clip_by_rect(x0, y0, x1, y1)
    roads = layers.roads.assign(geometry=roads)[~roads.is_empty]
    out = []
    for kind, style in (("road", {"stroke": "#6b6b6b", "strokeWidth": 0.7, "opacity": 0.55}),
                        ("ferry", {"stroke": "#2c6fbb", "strokeWidth": 0.9, "strokeDash": [3, 2], "opacity": 0.7})):
        part = roads[roads["kind"] == kind]
        if len(part):
            features = [{"type": "Feature", "geometry": shapely.geometry.mapping(g), "kind": kind}
                        for g in part.geometry]
            out.append(alt.Chart(_inline(features)).mark_geoshape(filled=False, **style))
    return out


def block_map(layers: MapLayers, members: pd.DataFrame, *, centres: Iterable[str] = (),
              context_codes: Iterable[str] | None = None, title: str | None = None, width: int = 520,
              height: int = 520) -> alt.LayerChart:
    """Map of a scenario's blocks: polygons coloured by block, track as fill opacity, centres marked.

    ``members`` has columns kommunenummer, block, track ("merge"/"cooperate") and optionally population
    (shown in the tooltip with Norwegian formatting).

    >>> block_map(map_layers(atlas), pd.DataFrame({"kommunenummer": ["1505", "1554"], "block": ["Nordmøre"] * 2,
    ...                                "track": ["merge", "cooperate"]}), centres=["1505"])  # doctest: +SKIP
    """
    t = members.copy()
    t[L["block"]] = t["block"].astype(str)
    t[L["track"]] = t["track"].map(lambda v: TRACK_LEGEND.get(str(getattr(v, "value", v)), str(v)))
    tip = [(L["block"], L["block"]), (L["track"], L["track"])]
    if "population" in t.columns:
        t[L["population"]] = t["population"].map(nb_int)
        tip.append((L["population"], L["population"]))
    return kommune_map(layers, t, L["block"], colour_title=L["block"], tooltip=tip, context_codes=context_codes,
                       centres=centres, opacity=L["track"], opacity_title=L["track"], width=width, height=height, title=title)


#: Names of the live map's parameters (set from Python through ``JupyterChart.params``) and its selection.
LIVE_ASSIGN, LIVE_PICKED, LIVE_PICK = "assign", "picked", "pick"


def live_block_map(layers: MapLayers, codes: Sequence[str], *, width: int = 560, height: int = 560,
                   palette: Sequence[str] = PALETTE, selectable: bool = True,
                   assign: dict | None = None) -> alt.LayerChart:
    """A block map whose blocks and tracks come from a parameter, so an edit redraws it without a new spec.

    Draws the kommuner ``codes`` once; the parameter ``assign`` (``{kommunenummer: {"b": block position or -1,
    "t": "m" | "c" | "", "c": 1 for a centre}}``) colours them by block (``palette[b]``, grey outside blocks),
    and tells merge from cooperate without colour: merging kommuner are solid with a thin white border and a
    filled dot, cooperating kommuner pale with a dashed dark border and a hollow ring; centres get a diamond
    and their name in bold, every other kommune its name in small type, and a tooltip names each one.
    ``assign`` gives its first value (the chart must be drawn right before any update arrives).
    ``picked`` (a kommunenummer) is outlined in black. With ``selectable``, clicking a kommune sets the point
    selection ``pick`` (field kommunenummer), which ``JupyterChart.selections`` reports to Python.
    """
    codes = [c for c in codes if c in layers.geometry.index]
    props = pd.DataFrame({"kommunenummer": codes, "navn": layers.names.loc[codes].to_numpy()}, index=codes)
    assign = alt.param(name=LIVE_ASSIGN, value=assign or {c: {"b": -1, "t": "", "c": 0} for c in codes})
    picked = alt.param(name=LIVE_PICKED, value="")
    lookup = {k: f"{LIVE_ASSIGN}[datum.kommunenummer] ? {LIVE_ASSIGN}[datum.kommunenummer].{k} : {d}"
              for k, d in (("b", -1), ("t", "''"), ("c", 0))}
    colour = alt.Color("b:O", scale=alt.Scale(domain=list(range(-1, len(palette))), range=["#d9d9d9", *palette]),
                       legend=None)
    coop, is_picked = "datum.t == 'c'", f"datum.kommunenummer == {LIVE_PICKED}"
    shapes = alt.Chart(_inline(_features(layers.geometry, props))).mark_geoshape().transform_calculate(
        **lookup).encode(
        color=colour,
        fillOpacity=alt.condition(coop, alt.value(0.35), alt.value(0.9)),
        stroke=alt.when(is_picked).then(alt.value("black")).when(coop).then(alt.value("#333333"))
        .otherwise(alt.value("white")),
        strokeWidth=alt.when(is_picked).then(alt.value(3)).when(coop).then(alt.value(1.2)).otherwise(alt.value(0.6)),
        strokeDash=alt.condition(coop, alt.value([4, 3]), alt.value([1, 0])),
        tooltip=[alt.Tooltip("navn:N", title=L["kommune"])])
    if selectable:
        shapes = shapes.add_params(alt.selection_point(name=LIVE_PICK, fields=["kommunenummer"], on="click",
                                                       clear=False, empty=False))
    pts = layers.centres.loc[codes].reset_index()
    pts["navn"] = layers.names.loc[codes].to_numpy()
    base = alt.Chart(alt.Data(values=pts[["kommunenummer", "navn", "lon", "lat"]].to_dict("records"))).encode(
        longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"),
        tooltip=[alt.Tooltip("navn:N", title=L["kommune"])]).transform_calculate(**lookup)
    dots = base.transform_filter(f"datum.c == 0 && datum.b >= 0 && !({coop})").mark_point(
        shape="circle", size=26, filled=True, color="#222222")
    rings = base.transform_filter(f"datum.c == 0 && {coop}").mark_point(shape="circle", size=34, filled=False,
                                                                         strokeWidth=1.5, color="#222222")
    diamonds = base.transform_filter("datum.c == 1").mark_point(shape="diamond", size=110, filled=True,
                                                                 color="black", stroke="white")
    labels = base.transform_filter("datum.c == 0").mark_text(dy=-9, fontSize=9, color="#333")
    centre_labels = base.transform_filter("datum.c == 1").mark_text(dy=-12, fontSize=12, fontWeight="bold",
                                                                    color="#111")
    chart = alt.layer(shapes, dots, rings, diamonds, labels.encode(text="navn:N"), centre_labels.encode(text="navn:N"))
    return chart.add_params(assign, picked).project(type="mercator").properties(width=width, height=height)
