"""Kommune centres at the administrative centre, from Kartverket N1000 place names (EPSG:25833, metres).

The register names each kommune's administrative centre (``administrasjonssenter``) but gives no coordinates.
Each kommune's centre is found by the first rule that applies (parameters in ``roads.yaml``, section
``centres``); the ``method`` column records which:

``correction``
    a row of the correction table (``resources/reference/centre-corrections.csv``) names the place to use
    (a place name, matched like ``place_name``, or ``"lon lat"`` in degrees, WGS84).
``place_name``
    a settlement whose normalised name (:func:`normalise_name`) equals the administrative centre's, lying within
    ``max_label_km`` of the kommune; of several, the nearest to the kommune, then the larger kind of place.
``place_prefix``
    a settlement within ``prefix_max_km`` of the kommune whose name begins the centre's name or the other way
    round (Ølen for Ølensjøen, Mebonden for Mebond), the shorter at least ``prefix_min_chars`` letters.
``kommune_name``
    a settlement inside (or within ``max_label_km`` of) the kommune named like the kommune (Stjørdal for
    Stjørdalshalsen; on 2019 borders, kommuner with no administrative centre in the register).
``kommune_prefix``
    as ``place_prefix`` with the kommune's name (Sogndalsfjøra for Sogndal).
``largest_builtup``
    no name matched: a point inside the largest built-up area (tettbebyggelse) in the kommune.
``polygon_point``
    none of the above: the kommune's old centre point (``centre`` column) or a point inside its largest part.

A place label is the middle of the map label, so it can lie a few km off, even in the sea. A label that lies
in no built-up area of its kommune moves to the nearest point of one within ``builtup_snap_km`` (method gets the
suffix ``_tettsted_polygon``; the centre is that area's middle: its centroid, or the area's point nearest to it);
a label outside its kommune (in the sea or next door) with no built-up area near
moves to the nearest point of the kommune (suffix ``_shore``). ``distance_km`` is how far the centre lies from
the label or candidate used (0 when the label itself is used; empty for the last two rules).
"""
from __future__ import annotations

import re
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.ops import nearest_points

from ..data.crs import METRIC_CRS as METRIC_EPSG
from ..errors import DataError
from .roads import M_PER_KM
# Letters that Unicode does not decompose into base letter + mark (Norwegian and Sami).
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "đ": "d", "ŋ": "n", "ŧ": "t", "ß": "ss"})
_SUFFIXES = re.compile(r"\s+(sentrum|by|centrum|[nsøvo])$")  # "Molde sentrum", "Kristiansund N"
_LONLAT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*$")


def normalise_name(name: object) -> str:
    """A place name folded for matching: lower case, no diacritics, hyphens as spaces, no " sentrum" suffix.

    >>> normalise_name("Kárášjohka")
    'karasjohka'
    >>> normalise_name("Kristiansund N"), normalise_name("Molde sentrum"), normalise_name("Mo i Rana")
    ('kristiansund', 'molde', 'mo i rana')
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or pd.isna(name):
        return ""
    text = unicodedata.normalize("NFKD", str(name).strip().lower().translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[-‐–—_/.,]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _SUFFIXES.sub("", text)


def _name_variants(name: object) -> list[str]:
    """Normalised alternatives of a register name: "Deatnu - Tana" gives both parts and the whole."""
    raw = "" if name is None or pd.isna(name) else str(name)
    parts = [raw, *re.split(r"\s+[-–/]\s+", raw)]
    out = []
    for p in parts:
        n = normalise_name(p)
        if n and n not in out:
            out.append(n)
    return out


def _settlements(places: gpd.GeoDataFrame, params: dict) -> pd.DataFrame:
    """Places of the settlement groups with normalised name, type rank and xy."""
    for col in ("fulltekst", "navneobjekttype", "navneobjektgruppe"):
        if col not in places.columns:
            raise DataError(f"place names (places/stedsnavn-n1000.parquet): missing column {col}")
    keep = places[places["navneobjektgruppe"].astype(str).isin(params["place_groups"])]
    rank = {t: i for i, t in enumerate(params["place_type_rank"])}
    return pd.DataFrame({"name": keep["fulltekst"].astype(str).to_numpy(),
                         "key": [normalise_name(n) for n in keep["fulltekst"]],
                         "rank": keep["navneobjekttype"].map(rank).fillna(len(rank)).to_numpy(int),
                         "geometry": keep.geometry.to_numpy()})


def _best(cands: pd.DataFrame, polygon, max_m: float) -> pd.Series | None:
    """The candidate nearest to the polygon within ``max_m`` (ties: larger kind of place, then name)."""
    if cands.empty:
        return None
    cands = cands.assign(dist=shapely.distance(cands["geometry"].to_numpy(), polygon))
    cands = cands[cands["dist"] <= max_m]
    if cands.empty:
        return None
    return cands.sort_values(["dist", "rank", "name"]).iloc[0]


def _match(keys: list[str], polygon, places: pd.DataFrame, p: dict, prefix: bool) -> pd.Series | None:
    """A place for any of the normalised ``keys``: exact names, else (``prefix``) names that begin one another."""
    max_m = p["max_label_km"] * M_PER_KM
    if not prefix:
        return _best(places[places["key"].isin(keys)], polygon, max_m)
    n = p["prefix_min_chars"]

    def related(k: str) -> bool:
        return any(min(len(k), len(key)) >= n and (k.startswith(key) or key.startswith(k)) for key in keys)

    # Prefix matches are looser, so only places in or right beside the kommune count.
    return _best(places[places["key"].map(related)], polygon, p["prefix_max_km"] * M_PER_KM)


def _area_point(area):
    """The centroid of a built-up area, or the area's point nearest to it when the centroid falls outside."""
    c = area.centroid
    return c if area.covers(c) else nearest_points(area, c)[0]


def _refine(label: Point, polygon, builtup, p: dict) -> tuple[Point, str]:
    """Move a label into a built-up area of the kommune, or onto the kommune's land (see module doc)."""
    reach = p["builtup_snap_km"] * M_PER_KM
    local = builtup[builtup.distance(label) <= reach]
    parts = [a for g in local for a in shapely.get_parts(g.intersection(polygon)) if a.area > 0]
    if any(a.covers(label) for a in parts):
        return label, ""
    if parts:
        # Labels sit beside their town: the middle of the nearest built-up area, within reach of the label,
        # stands for the town better than the label or the area's edge (Trondheim's label lies 4 km out in the
        # fjord); clipping to the reach keeps a long built-up strip from pulling the point to its far end.
        near = min(parts, key=lambda a: a.distance(label))
        return _area_point(near.intersection(label.buffer(reach))), "_tettsted_polygon"
    if not polygon.covers(label):
        return nearest_points(polygon, label)[0], "_shore"
    return label, ""


def _from_correction(place: str, polygon, places: pd.DataFrame, p: dict, code: str) -> tuple[Point, str]:
    m = _LONLAT.match(str(place))
    if m:
        pt = gpd.GeoSeries([Point(float(m[1]), float(m[2]))], crs=4326).to_crs(METRIC_EPSG).iloc[0]
        if pt.distance(polygon) > p["max_label_km"] * M_PER_KM:  # e.g. lat and lon swapped
            raise DataError(f"centre corrections: kommune {code}: point {place!r} (lon lat) lies more than "
                            f"{p['max_label_km']} km from the kommune")
        return pt, f"{float(m[1]):.4f} {float(m[2]):.4f}"
    hit = _match(_name_variants(place), polygon, places, p, prefix=False)
    if hit is None:
        raise DataError(f"centre corrections: kommune {code}: place {place!r} is not an N1000 settlement within "
                        f"{p['max_label_km']} km of the kommune")
    return hit["geometry"], hit["name"]


def _largest_builtup(polygon, builtup: gpd.GeoSeries):
    parts = [g.intersection(polygon) for g in builtup[builtup.intersects(polygon)]]
    parts = [a for a in parts if not a.is_empty]
    return max(parts, key=lambda a: a.area).representative_point() if parts else None


def _old_point(row: pd.Series, polygon) -> Point:
    old = row.get("centre")
    if isinstance(old, Point) and not old.is_empty:
        return old
    parts = getattr(polygon, "geoms", [polygon])
    return max(parts, key=lambda g: g.area).representative_point()


def _corrections_by_code(corrections: pd.DataFrame | None, kommuner: pd.DataFrame) -> dict[str, str]:
    """Correction rows that apply: kommunenummer present and, when the row names it, the same kommune name."""
    if corrections is None or corrections.empty:
        return {}
    for col in ("kommunenummer", "place", "reason"):
        if col not in corrections.columns:
            raise DataError(f"centre corrections (centre-corrections.csv): missing column {col}")
    out = {}
    for row in corrections.itertuples(index=False):
        code = str(row.kommunenummer).strip().zfill(4)
        if code not in kommuner.index:
            continue
        named = getattr(row, "kommunenavn", None)
        if isinstance(named, str) and named and \
                normalise_name(named) != normalise_name(kommuner.at[code, "kommunenavn"]):
            continue  # the number belongs to another kommune on these borders
        out[code] = str(row.place)
    return out


def _centre_of(code: str, row: pd.Series, poly, places: pd.DataFrame, builtup, correction: str | None,
               p: dict) -> tuple[Point, str, str, float]:
    """(centre, centre name, method, distance_km) for one kommune (rules in the module doc)."""
    hit, method = None, None
    if correction is not None:
        label, name = _from_correction(correction, poly, places, p, code)
        method = "correction"
    else:
        keys = _name_variants(row.get("administrasjonssenter"))
        own = _name_variants(row.get("kommunenavn")) + _name_variants(row.get("kommunenavn_kort"))
        tiers = [("place_name", keys, False), ("place_prefix", keys, True),
                 ("kommune_name", own, False), ("kommune_prefix", own, True)]
        for tier, names, prefix in tiers:
            hit = _match(names, poly, places, p, prefix) if names else None
            if hit is not None:
                label, name, method = hit["geometry"], hit["name"], tier
                break
    if method is None:
        pt = _largest_builtup(poly, builtup)
        if pt is not None:
            return pt, "", "largest_builtup", np.nan
        return _old_point(row, poly), "", "polygon_point", np.nan
    centre, suffix = _refine(label, poly, builtup, p)
    return centre, name, method + ("" if method == "correction" else suffix), centre.distance(label) / M_PER_KM


def admin_centres(kommuner: gpd.GeoDataFrame, places: gpd.GeoDataFrame, builtup: gpd.GeoDataFrame,
                  corrections: pd.DataFrame | None, params: dict) -> gpd.GeoDataFrame:
    """Each kommune's centre point at its administrative centre (rules in the module doc).

    Parameters
    ----------
    kommuner : GeoDataFrame indexed by 4-character kommunenummer, EPSG:25833, with ``kommunenavn`` and
        optionally ``administrasjonssenter`` (may be missing per row), ``kommunenavn_kort`` and ``centre`` (the
        old point, for the last fallback). Pure: the tables come from the caller.
    places : N1000 place names (``fulltekst, navneobjekttype, navneobjektgruppe``, points), EPSG:25833.
    builtup : N1000 built-up polygons (tettbebyggelse), EPSG:25833.
    corrections : ``kommunenummer, place, reason`` (optional ``kommunenavn``), or None.
    params : ``load_params("roads")`` (uses the ``centres`` section).

    Returns
    -------
    GeoDataFrame indexed by kommunenummer with ``centre`` (Point, EPSG:25833, the active geometry),
    ``centre_name``, ``method`` and ``distance_km``.

    Examples
    --------
    >>> c = admin_centres(atlas.kommuner, places, builtup, corrections, load_params("roads"))
    >>> c.loc["1506", ["centre_name", "method"]].tolist()
    ['Molde', 'place_name_tettsted_polygon']
    """
    p = params["centres"]
    for frame, what in ((kommuner, "kommuner"), (places, "places"), (builtup, "built-up areas")):
        if frame.crs is not None and frame.crs.to_epsg() != METRIC_EPSG:
            raise DataError(f"{what}: expected EPSG:{METRIC_EPSG}, got {frame.crs}")
    settle = _settlements(places, p)
    fixes = _corrections_by_code(corrections, kommuner)
    # Generalised boundaries can self-touch; GEOS refuses overlays on invalid polygons, so repair them first.
    polys = shapely.make_valid(kommuner.geometry.to_numpy())
    shapes = gpd.GeoSeries(shapely.make_valid(builtup.geometry.to_numpy()), crs=builtup.crs)
    table = pd.DataFrame(kommuner.drop(columns=kommuner.geometry.name))
    if "centre" in table and isinstance(table["centre"].dtype, gpd.array.GeometryDtype):
        old = gpd.GeoSeries(kommuner["centre"])
        table["centre"] = old.to_crs(METRIC_EPSG) if old.crs is not None else old
    rows = [_centre_of(code, row, poly, settle, shapes, fixes.get(code), p)
            for (code, row), poly in zip(table.iterrows(), polys)]
    index = kommuner.index.rename("kommunenummer")
    frame = pd.DataFrame({"centre_name": [r[1] for r in rows], "method": [r[2] for r in rows],
                          "distance_km": np.round(np.array([r[3] for r in rows], float), 3)}, index=index)
    out = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([r[0] for r in rows], index=index, crs=METRIC_EPSG))
    out = out.rename_geometry("centre")
    return out
