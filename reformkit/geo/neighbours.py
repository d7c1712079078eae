"""Geometry of kommuner: centre points and the neighbour graph (land borders plus sea links).

Neighbour rule (parameters in ``params/geo.yaml``, passed in as :class:`~reformkit.params.NeighbourParams`):

1. *land*: two kommuner whose polygons lie within ``land_tolerance_m`` (200 m) of each other. The
   tolerance absorbs the slivers that generalising the boundaries leaves between true neighbours.
2. *sea*: two kommuner, not land neighbours, whose polygons lie within ``sea_link_km`` (5 km) across water.
3. *joined*: while the graph has more than one component, every component but the largest is linked to the
   nearest kommune outside it (shortest polygon-to-polygon gap), so remote islands (Røst, Træna, Utsira)
   connect to their nearest island or mainland neighbour and no kommune is isolated.

All distances are measured in EPSG:25833 (UTM 33N, metres).
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..data.crs import METRIC_CRS
from ..params import NeighbourParams
from .graph import adjacency_matrix, component_labels


def centre_points(kommuner: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A centre point per kommune: a representative point of its largest polygon part.

    The register names each administrative centre but gives no coordinates, so the point stands inside
    the largest land part (a representative point is always inside the polygon, unlike a centroid).
    """
    metric = kommuner.geometry.to_crs(METRIC_CRS)
    parts = metric.explode(index_parts=True)
    largest = parts.area.groupby(level=0).idxmax()
    pts = parts.loc[list(largest)].representative_point()
    pts.index = metric.index
    return gpd.GeoSeries(pts, crs=METRIC_CRS).to_crs(kommuner.crs)


def neighbour_graph(kommuner: gpd.GeoDataFrame, params: NeighbourParams) -> pd.DataFrame:
    """Edges of the neighbour graph as a DataFrame ``a, b, kind, gap_km`` with ``a < b`` (kommunenummer).

    ``kind`` is ``land``, ``sea`` or ``joined`` (see the module docstring).

    >>> edges = neighbour_graph(atlas.kommuner, load_parameters().neighbours)      # doctest: +SKIP
    """
    land_tolerance_m, sea_link_km = params.land_tolerance_m, params.sea_link_km
    geom = kommuner.geometry.to_crs(METRIC_CRS).reset_index(drop=True)
    codes = kommuner["kommunenummer"].to_numpy()
    sea_m = sea_link_km * 1000.0
    i, j = geom.sindex.query(geom.buffer(max(land_tolerance_m, sea_m)), predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    gaps = geom.iloc[i].distance(geom.iloc[j], align=False).to_numpy()
    kind = np.where(gaps <= land_tolerance_m, "land", "sea")
    within = gaps <= sea_m
    edges = pd.DataFrame({"i": i[within], "j": j[within], "kind": kind[within], "gap_m": gaps[within]})

    if params.join_components:
        edges = _join_components(geom, edges)

    out = pd.DataFrame({
        "a": codes[edges.i.astype(int)],
        "b": codes[edges.j.astype(int)],
        "kind": edges.kind.astype(str).to_numpy(),
        "gap_km": (edges.gap_m.astype(float) / 1000.0).round(3).to_numpy(),
    })
    swap = out.a > out.b
    out.loc[swap, ["a", "b"]] = out.loc[swap, ["b", "a"]].to_numpy()
    return out.sort_values(["a", "b"]).reset_index(drop=True)


def _join_components(geom: gpd.GeoSeries, edges: pd.DataFrame) -> pd.DataFrame:
    """Link every component but the largest to its nearest kommune outside it, nearest first, until the
    graph is connected (rule 3 of the module docstring)."""
    n = len(geom)
    extra: list[tuple[int, int, str, float]] = []
    while True:
        pairs = list(zip(edges.i.astype(int), edges.j.astype(int))) + [(a, b) for a, b, *_ in extra]
        labels = component_labels(adjacency_matrix(n, pairs))
        ncomp = int(labels.max()) + 1
        if ncomp == 1:
            break
        main = np.bincount(labels).argmax()
        best = None
        for c in range(ncomp):
            if c == main:
                continue
            inside, outside = np.flatnonzero(labels == c), np.flatnonzero(labels != c)
            d = geom.iloc[outside].distance(geom.iloc[inside].union_all()).to_numpy()
            k = int(d.argmin())
            src = int(inside[geom.iloc[inside].distance(geom.iloc[outside[k]]).to_numpy().argmin()])
            if best is None or d[k] < best[0]:
                best = (float(d[k]), src, int(outside[k]))
        gap, a, b = best
        extra.append((min(a, b), max(a, b), "joined", gap))
    if not extra:
        return edges
    return pd.concat([edges, pd.DataFrame(extra, columns=["i", "j", "kind", "gap_m"])], ignore_index=True)


def adjacency_lists(edges: pd.DataFrame, codes: list[str] | None = None) -> dict[str, list[str]]:
    """``{kommunenummer: [neighbours]}`` from an edge table; ``codes`` restricts to a subset."""
    nb: dict[str, list[str]] = {c: [] for c in (codes if codes is not None else pd.unique(edges[["a", "b"]].values.ravel()))}
    for a, b in zip(edges.a, edges.b):
        if a in nb and b in nb:
            nb[a].append(b)
            nb[b].append(a)
    return nb


