"""Travel times between points over a :class:`~reformkit.geo.roads.RoadGraph` (scipy.sparse.csgraph Dijkstra).

A trip from point A to point B is: *access* from A to its nearest network node (straight line at
``access.speed_kmh``), the fastest route over the graph, and access from B's nearest node to B. Islands with no
road or ferry link are handled in the graph itself (rule 6 of :mod:`reformkit.geo.roads`: a sea link at the boat
speed plus a wait to the nearest node of the main network), so every time is finite.

``km`` is the length of the route: access lines, roads, connectors and ferry or sea crossings. ``ferries`` counts
ferry, passenger-ferry and island-boat legs on the route.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from ..errors import DataError
from .roads import FERRY, PASSENGER, SEA, RoadGraph

M_PER_KM = 1000.0
MIN_PER_H = 60.0
FERRY_KINDS = (FERRY, PASSENGER, SEA)
FERRY_CODE = 1.0e5  # km of any route stay far below this, so km + FERRY_CODE * ferries decodes exactly


def _points_xy(points) -> tuple[np.ndarray, pd.Index]:
    """(N, 2) metre coordinates and labels from a GeoSeries/GeoDataFrame (EPSG:25833) or an array."""
    if isinstance(points, (gpd.GeoSeries, gpd.GeoDataFrame)):
        geo = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        if geo.crs is not None and geo.crs.to_epsg() != 25833:
            geo = geo.to_crs(25833)
        if geo.isna().any() or geo.is_empty.any():
            bad = list(geo.index[geo.isna() | geo.is_empty][:5])
            raise DataError(f"centres: missing point for {', '.join(map(str, bad))}")
        return np.column_stack([geo.x.to_numpy(), geo.y.to_numpy()]), pd.Index(geo.index)
    xy = np.asarray(points, float).reshape(-1, 2)
    return xy, pd.RangeIndex(len(xy))


def snap(graph: RoadGraph, xy: np.ndarray, params: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest network node of each point: ``(node, access km, access minutes)``.

    >>> node, km, minutes = snap(g, np.array([[100_000.0, 6_960_000.0]]), params)
    """
    dist, node = cKDTree(graph.xy).query(np.asarray(xy, float).reshape(-1, 2))
    km = dist / M_PER_KM
    return node.astype(int), km, km / params["access"]["speed_kmh"] * MIN_PER_H


def _tree_edge_values(graph: RoadGraph, pred: np.ndarray) -> np.ndarray:
    """Value of the tree edge into each node, ``km + FERRY_CODE * is_ferry`` (0 at sources, unreachable nodes).

    Each node has at most a handful of neighbours, so the edge from ``pred`` is found by comparing ``pred`` with
    the node's row of the neighbour table (faster than a search over all edge keys for every node).
    """
    nbr, edge = graph.neighbours
    val = np.where(edge >= 0, graph.km[edge] + FERRY_CODE * np.isin(graph.kind[edge], FERRY_KINDS), 0.0)
    has = pred >= 0
    match = nbr[None, :, :] == pred[:, :, None]
    k = match.argmax(axis=2)
    out = np.take_along_axis(np.broadcast_to(val, (len(pred),) + val.shape), k[:, :, None], axis=2)[:, :, 0]
    return np.where(has, out, 0.0)


def path_sums(graph: RoadGraph, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """km and number of ferries from each source to every node along the shortest-path trees ``pred``.

    Pointer doubling: each round adds the sum up to the current ancestor and jumps to the ancestor's ancestor,
    so a tree of depth d needs about log2(d) vectorised rounds instead of a walk per path. km and the ferry count
    travel together in one number (``km + FERRY_CODE * ferries``) to halve the work.
    """
    pred = np.atleast_2d(pred)
    n_src, n = pred.shape
    acc = _tree_edge_values(graph, pred).ravel()
    offset = (np.arange(n_src) * n)[:, None]
    ptr = np.where(pred >= 0, pred + offset, -1).ravel()
    active = np.flatnonzero(ptr >= 0)
    while len(active):
        up = ptr[active]
        acc[active] += acc[up]
        ptr[active] = ptr[up]
        active = active[ptr[active] >= 0]
    acc = acc.reshape(n_src, n)
    ferries = np.floor(acc / FERRY_CODE + 1e-9)
    return acc - ferries * FERRY_CODE, ferries


def _mirror_upper(m: np.ndarray) -> np.ndarray:
    upper = np.triu(m, 1)
    return upper + upper.T


def travel_matrix(graph: RoadGraph, centres, params: dict | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Travel minutes, km and number of ferries between all centres: square, symmetric, zero diagonal.

    Parameters
    ----------
    graph : the road graph (:func:`reformkit.geo.roads.road_graph`).
    centres : GeoSeries of points (EPSG:25833; other CRSs are converted) indexed by kommunenummer, or an
        (N, 2) array of metre coordinates.
    params : ``load_params("roads")``; defaults to the graph's own parameters (access speed).

    Returns
    -------
    (minutes, km, ferries) DataFrames indexed both ways by the centres' labels.

    Notes
    -----
    The graph is undirected, so A→B and B→A have the same fastest time up to rounding. To keep minutes, km and
    ferries describing one and the same route, each pair takes the route computed from the centre that comes
    first in ``centres`` (the upper triangle), mirrored to the lower triangle.

    Examples
    --------
    >>> minutes, km, ferries = travel_matrix(g, centres["centre"])
    >>> minutes.loc["1563", "1506"]   # Sunndalsøra–Molde, about 85
    """
    params = params or graph.params
    xy, labels = _points_xy(centres)
    node, acc_km, acc_min = snap(graph, xy, params)
    sources, inverse = np.unique(node, return_inverse=True)
    dist, pred = dijkstra(graph.matrix, directed=True, indices=sources, return_predecessors=True)
    km_tree, ferry_tree = path_sums(graph, pred)
    rows, cols = inverse[:, None], node[None, :]
    minutes = dist[rows, cols] + acc_min[:, None] + acc_min[None, :]
    km = km_tree[rows, cols] + acc_km[:, None] + acc_km[None, :]
    ferries = ferry_tree[rows, cols]
    if not np.isfinite(minutes).all():  # cannot happen after the island rule; a broken graph must not pass
        raise DataError("road graph: some centres cannot reach each other (the island rule did not connect them)")
    frames = []
    for m in (_mirror_upper(minutes), _mirror_upper(km), _mirror_upper(ferries)):
        frames.append(pd.DataFrame(m, index=labels.rename("kommunenummer"), columns=labels.copy()))
    frames[2] = frames[2].round().astype(int)
    return tuple(frames)


def route(graph: RoadGraph, from_xy, to_xy, params: dict | None = None) -> dict:
    """The fastest trip between two points: ``{minutes, km, ferries, access_km, nodes}``.

    ``access_km`` is the straight-line access at both ends; ``nodes`` the network nodes passed, in order.

    >>> route(g, (117_000.0, 6_965_000.0), (60_000.0, 6_960_000.0))["minutes"]   # Molde–Ålesund
    """
    params = params or graph.params
    xy = np.array([from_xy, to_xy], float).reshape(2, 2)
    node, acc_km, acc_min = snap(graph, xy, params)
    dist, pred = dijkstra(graph.matrix, directed=True, indices=int(node[0]), return_predecessors=True)
    path = [int(node[1])]
    while path[-1] != node[0]:
        path.append(int(pred[path[-1]]))
    path.reverse()
    nodes = np.array(path)
    edges = graph.edge_between(nodes[:-1], nodes[1:]) if len(nodes) > 1 else np.empty(0, int)
    return {"minutes": float(dist[node[1]] + acc_min.sum()),
            "km": float(graph.km[edges].sum() + acc_km.sum()),
            "ferries": int(np.isin(graph.kind[edges], FERRY_KINDS).sum()),
            "access_km": float(acc_km.sum()), "nodes": nodes}
