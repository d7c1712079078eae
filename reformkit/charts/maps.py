"""Maps of kommuner: block and category maps (altair geoshape) drawn from :class:`reformkit.geodata.MapLayers`."""
from __future__ import annotations

import json
from typing import Iterable, Mapping, Sequence

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..fmt import nb_int
from ..geodata import MapLayers
from ..narrative.labels import CHART as L, TRACK_LEGEND
from .style import LEGEND_MAX, PALETTE, TRACK_OPACITY, block_colours, colour_scale


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


def projection(geoms: gpd.GeoSeries) -> dict:
    """A transverse Mercator centred on the drawn area's middle meridian: UTM's projection (Norway's maps use
    UTM 32/33), so a fylke or the whole country keeps its shape; plain Mercator stretches the north."""
    x0, _, x1, _ = geoms.total_bounds
    middle = 15.0 if x1 - x0 > 10 else round((x0 + x1) / 2, 1)   # the whole country: UTM zone 33's meridian
    return {"type": "transverseMercator", "rotate": [-middle, 0, 0]}


def _centre_data(layers: MapLayers, codes: Sequence[str], text: Sequence[str] | None = None) -> alt.Data:
    """The centres of ``codes`` as inline records: kommunenummer, navn (``text`` or the short name), lon, lat."""
    pts = layers.centres.loc[list(codes)].reset_index()
    pts["navn"] = list(text) if text is not None else layers.names.loc[list(codes)].to_numpy()
    return alt.Data(values=pts[["kommunenummer", "navn", "lon", "lat"]].to_dict("records"))


def _labels(layers: MapLayers, codes: Sequence[str], text: Sequence[str] | None, *, size: float, bold: bool,
            dy: float) -> list[alt.Chart]:
    """Names at kommune centres: a white halo under dark text, so a name reads over any fill."""
    codes = [c for c in codes if c in layers.centres.index]
    if not codes:
        return []
    base = alt.Chart(_centre_data(layers, codes, text)).encode(
        longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"), text=alt.Text("navn:N"))
    style = {"dy": dy, "fontSize": size, "fontWeight": "bold" if bold else "normal"}
    return [base.mark_text(stroke="white", strokeWidth=3, strokeOpacity=0.85, **style),
            base.mark_text(color="#111" if bold else "#333", **style)]


def _points(layers: MapLayers, codes: Sequence[str], *, tooltip: str, **mark) -> list[alt.Chart]:
    codes = [c for c in codes if c in layers.centres.index]
    if not codes:
        return []
    return [alt.Chart(_centre_data(layers, codes))
            .mark_point(**mark).encode(longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"),
                                       tooltip=[alt.Tooltip("navn:N", title=tooltip)])]


def _colour(colour: str, title: str, domain: list[str], colours: Mapping[str, str] | None,
            palette: Sequence[str], legend: bool | None) -> alt.Color:
    if colours is None and len(domain) <= len(palette):
        colours = dict(zip(domain, palette))
    scale = alt.Scale(**colour_scale(domain, colours)) if colours else alt.Scale()
    if legend is None:
        legend = len(domain) <= LEGEND_MAX
    legend = alt.Legend(columns=1 if len(domain) <= 24 else 2, symbolLimit=0) if legend else None
    return alt.Color(f"{colour}:N", title=title, scale=scale, legend=legend)


def kommune_map(layers: MapLayers, table: pd.DataFrame, colour: str, *, colour_title: str,
                tooltip: Sequence[tuple[str, str]] = (), context_codes: Iterable[str] | None = None,
                centres: Iterable[str] = (), opacity: str | None = None, opacity_title: str = "", width: int = 520,
                height: int = 520, title: str | None = None, palette: Sequence[str] = PALETTE,
                colours: Mapping[str, str] | None = None, labels: Iterable[str] | None = None,
                centre_labels: Mapping[str, str] | None = None, legend: bool | None = None) -> alt.LayerChart:
    """A map of kommuner coloured by the categorical column ``colour`` of ``table``.

    ``table`` has a ``kommunenummer`` column and the fields to show; ``tooltip`` lists (column, label)
    pairs. ``context_codes`` are drawn in grey underneath (e.g. the rest of the fylke); ``centres`` get a
    marker and their name in bold (``centre_labels``: other text per centre, or only some centres named).
    ``labels`` are the kommuner named in small type (default: every kommune of ``table`` when there are at
    most :data:`MAP_LABELS_MAX`). ``opacity`` names a categorical column mapped to fill opacity (the track).
    ``colours`` maps each category to its colour (:func:`block_colours`); without it the palette is used in
    table order. With more than :data:`LEGEND_MAX` categories the map has no colour legend (show one beside
    it) unless ``legend`` is True. ``layers`` (:func:`reformkit.geodata.map_layers`) gives the polygons, centre points and names.
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
    domain = list(colours) if colours else list(dict.fromkeys(table[colour].astype(str)))
    marks = []
    ctx = [c for c in (context_codes or []) if c not in table.index]
    if ctx:
        ctx_props = pd.DataFrame({"kommunenummer": ctx, "navn": layers.names.loc[ctx]}, index=ctx)
        marks.append(alt.Chart(_inline(_features(geoms, ctx_props))).mark_geoshape(
            fill="#e6e6e6", stroke="white", strokeWidth=0.5).encode(
            tooltip=[alt.Tooltip("navn:N", title=L["kommune"])]))
    enc = {"color": _colour(colour, colour_title, domain, colours, palette, legend),
           "tooltip": [alt.Tooltip("navn:N", title=L["kommune"])] + [alt.Tooltip(f"{c}:N", title=t) for c, t in tooltip]}
    if opacity:
        levels = list(dict.fromkeys(table[opacity].astype(str)))
        enc["opacity"] = alt.Opacity(f"{opacity}:O", title=opacity_title, sort=levels,
                                     scale=alt.Scale(domain=levels, range=[TRACK_OPACITY.get(v, 0.8) for v in levels]))
    marks.append(alt.Chart(_inline(_features(geoms, props))).mark_geoshape(stroke="white", strokeWidth=0.6).encode(**enc))
    marks += _road_marks(layers, list(table.index) + ctx)
    drawn = list(table.index) + ctx
    marks += _name_marks(layers, table, list(centres), labels, centre_labels, _Canvas(layers, drawn, width, height))
    chart = alt.layer(*marks).project(**projection(geoms.loc[drawn])).properties(width=width, height=height)
    return chart.properties(title=title) if title else chart


#: Most kommuner a map names by default; above it only the centres are named (names would overlap).
MAP_LABELS_MAX = 45


class _Canvas:
    """Where names land on the drawn map, roughly (the projection's fit to ``width`` × ``height``), so a name
    that would cover one already placed is left out (the tooltip and the tables still name that kommune)."""

    def __init__(self, layers: MapLayers, codes: Sequence[str], width: int, height: int):
        codes = [c for c in codes if c in layers.geometry.index] or list(layers.geometry.index)
        x0, y0, x1, y1 = layers.geometry.loc[codes].total_bounds
        self.layers, self.cos = layers, float(np.cos(np.radians((y0 + y1) / 2)))
        self.k = min(width / max((x1 - x0) * self.cos, 1e-6), height / max(y1 - y0, 1e-6))
        self.placed: list[tuple[float, float, float, float]] = []

    def place(self, code: str, text: str, size: float, dy: float) -> bool:
        """Reserve the box of ``text`` at ``code``'s centre; False (nothing reserved) if it overlaps."""
        lon, lat = self.layers.centres.at[code, "lon"], self.layers.centres.at[code, "lat"]
        x, y = lon * self.cos * self.k, -lat * self.k + dy
        w, h = 0.58 * size * len(text) + 4, size + 2
        if any(abs(x - px) < (w + pw) / 2 and abs(y - py) < (h + ph) / 2 for px, py, pw, ph in self.placed):
            return False
        self.placed.append((x, y, w, h))
        return True


def _name_marks(layers: MapLayers, table: pd.DataFrame, centres: list[str], labels: Iterable[str] | None,
                centre_labels: Mapping[str, str] | None, canvas: _Canvas) -> list[alt.Chart]:
    """Diamonds at the centres with their names in bold; the other named kommuner in small type, largest
    first, each only where it covers no name already placed."""
    centres = [c for c in centres if c in layers.centres.index]
    if labels is None:
        labels = list(table.index) if len(table) <= MAP_LABELS_MAX else []
        if "population" in table.columns:
            labels = sorted(labels, key=lambda c: -float(table.at[c, "population"] or 0))
    named = [c for c in centres if centre_labels is None or c in centre_labels]
    text = [layers.names[c] if centre_labels is None else centre_labels[c] for c in named]
    for code, t in zip(named, text):
        canvas.place(code, t, 11, -11)
    small = [c for c in labels if c not in set(centres) and c in layers.centres.index
             and canvas.place(c, str(layers.names[c]), 9, -7)]
    return (_labels(layers, small, None, size=9, bold=False, dy=-7)
            + _points(layers, centres, tooltip=L["centre"], shape="diamond", size=80, filled=True, color="black",
                      stroke="white")
            + _labels(layers, named, text, size=11, bold=True, dy=-11))


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
              height: int | None = None, colours: Mapping[str, str] | None = None,
              named_blocks: int = 12) -> alt.LayerChart:
    """Map of a scenario's blocks: polygons coloured by block, track as fill opacity, centres marked.

    ``members`` has columns kommunenummer, block, track ("merge"/"cooperate") and optionally population
    (shown in the tooltip with Norwegian formatting). ``colours`` gives each block its colour
    (:func:`block_colours`, the same in every chart of the report). A map of up to :data:`MAP_LABELS_MAX`
    kommuner names every kommune; a larger one (a national scenario) names only the centres of the
    ``named_blocks`` most populous blocks, by block name. ``height`` defaults to the area's shape.

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
    centres = list(centres)
    centre_labels, high = None, 780
    codes = list(t["kommunenummer"].astype(str)) + list(context_codes or [])
    if len(t) > MAP_LABELS_MAX:   # a national scenario: a bigger map, the largest blocks named where there is room
        width, high = max(width, 600), 900
        height = height or fitted_height(layers, codes, width, high=high)
        centre_labels = _largest_blocks(t, centres, named_blocks, layers, width, height)
    return kommune_map(layers, t, L["block"], colour_title=L["block"], tooltip=tip, context_codes=context_codes,
                       centres=centres, opacity=L["track"], opacity_title=L["track"], width=width,
                       height=height or fitted_height(layers, codes, width, high=high), title=title, colours=colours,
                       centre_labels=centre_labels)


def _largest_blocks(t: pd.DataFrame, centres: list[str], n: int, layers: MapLayers, width: int,
                    height: int) -> dict[str, str]:
    """{centre: block name} for up to ``n`` of the most populous blocks (by member population, else member
    count), largest first, leaving out a name that would cover one already placed."""
    by_code = t.assign(kommunenummer=t["kommunenummer"].astype(str)).set_index("kommunenummer")
    weight = by_code["population"] if "population" in by_code.columns else pd.Series(1, index=by_code.index)
    size = weight.groupby(by_code["block"].astype(str)).sum().sort_values(ascending=False, kind="stable")
    centre_of = {str(by_code.at[c, "block"]): c for c in centres if c in by_code.index and c in layers.centres.index}
    canvas = _Canvas(layers, list(layers.geometry.index), width, height)
    out: dict[str, str] = {}
    for block in size.index:
        code = centre_of.get(block)
        if code is not None and canvas.place(code, block, 11, -11):
            out[code] = block
            if len(out) == n:
                break
    return out


def fitted_height(layers: MapLayers, codes: Sequence[str], width: int, low: int = 360, high: int = 780) -> int:
    """A map height for ``width`` that fits the kommuner's extent (between ``low`` and ``high`` px)."""
    codes = [c for c in codes if c in layers.geometry.index]
    if not codes:
        return width
    x0, y0, x1, y1 = layers.geometry.loc[codes].total_bounds
    ratio = (y1 - y0) / max((x1 - x0) * np.cos(np.radians((y0 + y1) / 2)), 1e-6)
    return int(min(high, max(low, round(width * ratio / 10) * 10)))


def group_colours(atlas, groups: pd.Series, order: Sequence[str] | None = None, params=None) -> dict[str, str]:
    """A colour per group of kommuner (``groups``: kommunenummer -> group name, e.g. block or BA-region), in
    ``order`` (default: sorted by name): :func:`block_colours`, so groups that border each other never share a
    colour even when there are more groups than colours."""
    from ..geodata import neighbours
    member = groups.dropna().astype(str)
    member.index = member.index.astype(str)
    names = list(order) if order is not None else sorted(set(member))
    if len(names) <= len(PALETTE):
        return block_colours(names)
    edges = neighbours(atlas, params)
    a, b = edges["a"].astype(str).map(member), edges["b"].astype(str).map(member)
    both = a.notna() & b.notna()
    return block_colours(names, zip(a[both], b[both]))


def scenario_colours(res, atlas) -> dict[str, str]:
    """Every block's colour (:func:`block_colours`) for a scenario result: by position in the scenario; with
    more blocks than colours, blocks that border each other never share one."""
    return group_colours(atlas, res.kommuner["block"], [str(b) for b in res.blocks.index], res.parameters)


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
    base = alt.Chart(_centre_data(layers, codes)).encode(
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
