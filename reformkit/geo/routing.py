"""Travel times between points over a :class:`~reformkit.geo.roads.RoadGraph` (scipy.sparse.csgraph Dijkstra).

A trip from point A to point B is: *access* from A to the nearest point of the nearest road link (a straight line
at ``access.speed_kmh``, even where it crosses a bay), the fastest route over the graph from there, and access from
the road to B (:func:`attach`). Islands with no road or ferry link are handled in the graph itself (rule 6 of
:mod:`reformkit.geo.roads`: a sea link at the boat speed plus a wait to the nearest node of the main network), so
every time is finite.

``km`` is the length of the route: access lines, roads, connectors and ferry or sea crossings. ``ferries`` counts
ferry, passenger-ferry and island-boat legs on the route.
"""
from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import dijkstra

from ..errors import DataError
from ..data.crs import METRIC_CRS as METRIC_EPSG
from .roads import FERRY, M_PER_KM, MIN_PER_H, PASSENGER, ROAD, SEA, RoadGraph, reweight

FERRY_KINDS = (FERRY, PASSENGER, SEA)
LINK_SPAN = 1.0e7  # metres; longer than any link, so link * LINK_SPAN + offset orders edges by link, then offset
FERRY_CODE = 1.0e5  # km of any route stay far below this, so km + FERRY_CODE * ferries decodes exactly


def _points_xy(points) -> tuple[np.ndarray, pd.Index]:
    """(N, 2) metre coordinates and labels from a GeoSeries/GeoDataFrame (EPSG:25833) or an array."""
    if isinstance(points, (gpd.GeoSeries, gpd.GeoDataFrame)):
        geo = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        if geo.crs is not None and geo.crs.to_epsg() != METRIC_EPSG:
            geo = geo.to_crs(METRIC_EPSG)
        if geo.isna().any() or geo.is_empty.any():
            bad = list(geo.index[geo.isna() | geo.is_empty][:5])
            raise DataError(f"centres: missing point for {', '.join(map(str, bad))}")
        return np.column_stack([geo.x.to_numpy(), geo.y.to_numpy()]), pd.Index(geo.index)
    xy = np.asarray(points, float).reshape(-1, 2)
    return xy, pd.RangeIndex(len(xy))


def attach(graph: RoadGraph, xy: np.ndarray) -> tuple[RoadGraph, np.ndarray, np.ndarray]:
    """Join points to the network at the nearest point of the nearest road link.

    Each point becomes a new node on its road edge (the edge is kept; the new node splits a copy of it, pro rata
    in length and built-up length; several points on one edge are chained in order along it). N1000 links are
    kilometres long, so snapping to the nearest *node* would leave a town beside a road kilometres from it.

    Returns ``(graph with the new nodes, node of each point, access km)``, the access being the straight line
    from the point to the road.

    >>> g2, nodes, access_km = attach(g, np.array([[100_000.0, 6_960_000.0]]))
    """
    xy = np.asarray(xy, float).reshape(-1, 2)
    road = graph.kind == ROAD
    link_ids = np.unique(graph.link[road])
    pts = shapely.points(xy)
    hit, dist = shapely.STRtree(graph.links[link_ids]).query_nearest(pts, return_distance=True, all_matches=False)
    order_in = np.argsort(hit[0])
    link = link_ids[hit[1][order_in]]
    along = shapely.line_locate_point(graph.links[link], pts)
    # The road edge of that link holding the point: edges sorted by (link, start offset).
    cand = np.flatnonzero(road)
    cand = cand[np.lexsort((graph.s0[cand], graph.link[cand]))]
    keys = graph.link[cand] * LINK_SPAN + graph.s0[cand]
    edge = cand[np.clip(np.searchsorted(keys, link * LINK_SPAN + along, side="right") - 1, 0, len(cand) - 1)]
    frac = np.clip((along - graph.s0[edge]) / np.maximum(graph.km[edge] * M_PER_KM, 1e-9), 0.0, 1.0)
    nodes = graph.n_nodes + np.arange(len(xy))
    new_xy = shapely.get_coordinates(shapely.line_interpolate_point(graph.links[link], along))
    return _with_chain(graph, edge, frac, nodes, new_xy), nodes, dist[order_in] / M_PER_KM


def _with_chain(graph: RoadGraph, edge: np.ndarray, frac: np.ndarray, nodes: np.ndarray,
                new_xy: np.ndarray) -> RoadGraph:
    """The graph plus, per split edge, the chain start → points (in order) → end as road edges."""
    order = np.lexsort((frac, edge))
    e, f, n = edge[order], frac[order], nodes[order]
    first = np.r_[True, e[1:] != e[:-1]]
    last = np.r_[e[1:] != e[:-1], True]
    end = graph.u[e] + graph.v[e] - graph.start[e]
    prev_node = np.where(first, graph.start[e], np.r_[0, n[:-1]])
    prev_frac = np.where(first, 0.0, np.r_[0.0, f[:-1]])
    a = np.r_[prev_node, n[last]]
    b = np.r_[n, end[last]]
    src = np.r_[e, e[last]]
    start_frac = np.r_[prev_frac, f[last]]
    share = np.r_[f, np.ones(last.sum())] - start_frac
    grown = {name: np.r_[getattr(graph, name), getattr(graph, name)[src]]
             for name in ("kind", "road_class", "tunnel", "link")}
    grown.update(km=np.r_[graph.km, graph.km[src] * share],
                 urban_km=np.r_[graph.urban_km, graph.urban_km[src] * share],
                 start=np.r_[graph.start, a], s0=np.r_[graph.s0, graph.s0[src] + start_frac * graph.km[src] * M_PER_KM],
                 u=np.r_[graph.u, np.minimum(a, b)], v=np.r_[graph.v, np.maximum(a, b)])
    xy = np.vstack([graph.xy, new_xy])
    return reweight(replace(graph, xy=xy, **grown), graph.params)


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
    graph, node, acc_km = attach(reweight(graph, params), xy)
    acc_min = acc_km / params["access"]["speed_kmh"] * MIN_PER_H
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
    """The fastest trip between two points (EPSG:25833 metres): ``{minutes, km, ferries, access_km, path_xy}``.

    ``access_km`` is the straight-line access at both ends; ``path_xy`` the (k, 2) coordinates of the network
    nodes passed, in order, from the road point nearest ``from_xy`` to the one nearest ``to_xy``.

    >>> route(g, (117_000.0, 6_965_000.0), (60_000.0, 6_960_000.0))["minutes"]   # Molde–Ålesund
    """
    params = params or graph.params
    xy = np.array([from_xy, to_xy], float).reshape(2, 2)
    graph, node, acc_km = attach(reweight(graph, params), xy)
    acc_min = acc_km / params["access"]["speed_kmh"] * MIN_PER_H
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
            "access_km": float(acc_km.sum()), "path_xy": graph.xy[nodes]}
