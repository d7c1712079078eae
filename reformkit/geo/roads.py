"""A routable road graph from Kartverket's N1000 road links (EPSG:25833, metres).

Parameters are in ``resources/params/roads.yaml`` (``load_params("roads")``). The graph is built in steps:

1. *Links*: planned links (``vegfase`` P) are dropped; tunnels (``medium`` U) and bridges (L) are kept like any
   road. ``type_veg`` gives the kind: ``enkelBilveg`` (road), ``bilferje`` (car ferry), ``passasjerferje``
   (passenger ferry, see 5).
2. *Nodes*: the end points of all links within ``network.node_tolerance_m`` of each other become one node
   (single-linkage clusters, node at the cluster mean). Only end points are nodes: N1000 links meet there.
3. *Junctions and landings*: a dead end within ``junction_tolerance_m`` of the middle of another road link (a
   T-junction), or a ferry end within ``ferry_landing_m`` of a road, is joined to that road: the road is split at
   the nearest point and a *connector* edge of the gap length joins the two (at the access speed).
4. *Edge minutes*: roads run at ``speeds_kmh`` by class (motorveg, motortrafikkveg, else vegkategori E/R/F/K/P),
   capped inside built-up areas (only when built-up polygons are given) at ``speeds_kmh.urban`` on F, K and P
   roads and ``speeds_kmh.urban_main`` on E and R roads (motorveg and motortrafikkveg keep their speed),
   and at ``speeds_kmh.tunnel`` in tunnels, times a fitted factor (``factors.main`` for E and R, ``factors.local``
   for F, K and P). Ferries cost ``ferry.car_wait_min`` plus the crossing at ``ferry.car_speed_kmh``.
5. *Passenger ferries* (``network.passenger_ferries``): ``islands_only`` keeps a passenger ferry only where it
   links two parts of the network that no road or car ferry joins (an island reached only by boat); it then
   costs ``ferry.passenger_wait_min`` plus the crossing at ``ferry.passenger_speed_kmh``.
6. *Islands*: every part still cut off is linked to the nearest node of the main network: within
   ``network.land_gap_m`` by a connector (a generalisation gap on land), farther by a *sea* edge costing
   ``islands.boat_wait_min`` plus the distance at ``islands.boat_speed_kmh``. So every node is reachable and no
   time is a silent zero or infinity.

Parallel edges between the same two nodes keep the fastest. The graph is undirected (roads are two-way).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.spatial import cKDTree

from ..errors import DataError
from .graph import adjacency_matrix, component_labels

ROAD, FERRY, PASSENGER, CONNECTOR, SEA = range(5)
KINDS = ("road", "ferry", "passenger_ferry", "connector", "sea")
TYPE_VEG = {"enkelBilveg": ROAD, "bilferje": FERRY, "passasjerferje": PASSENGER}
CLASSES = ("motorveg", "motortrafikkveg", "E", "R", "F", "K", "P")
MAIN_CLASSES = ("motorveg", "motortrafikkveg", "E", "R")  # speed factor 'main'; the rest 'local'
REQUIRED_COLUMNS = ("type_veg", "vegkategori", "vegfase", "motorvegtype", "medium")
M_PER_KM = 1000.0
MIN_PER_H = 60.0


@dataclass(frozen=True)
class RoadGraph:
    """An undirected road graph: node coordinates, edge attributes and the sparse matrix of edge minutes.

    Attributes
    ----------
    xy : (V, 2) node coordinates in EPSG:25833 metres.
    u, v : (E,) edge end nodes with ``u < v``.
    km, urban_km : (E,) edge length and the part of it inside built-up areas.
    kind : (E,) edge kind, an index into :data:`KINDS`.
    road_class : (E,) index into :data:`CLASSES` for roads, -1 otherwise.
    tunnel : (E,) True for tunnel links.
    link, start, s0 : (E,) the N1000 link an edge lies on (-1 for connectors and sea links), its node at the
        link-wise start and that start's distance along the link in metres (to attach points on the link).
    links : the usable links' LineStrings (EPSG:25833), indexed by ``link``.
    minutes : (E,) edge minutes under ``params``.
    matrix : (V, V) symmetric CSR matrix of the fastest edge's minutes per node pair.
    pair_keys, pair_edge : sorted ``u * V + v`` of the fastest edge per pair, and that edge's index.
    params : the parameters (``load_params("roads")``) the minutes were computed with.
    """

    xy: np.ndarray
    u: np.ndarray
    v: np.ndarray
    km: np.ndarray
    urban_km: np.ndarray
    kind: np.ndarray
    road_class: np.ndarray
    tunnel: np.ndarray
    link: np.ndarray
    start: np.ndarray
    s0: np.ndarray
    links: np.ndarray
    minutes: np.ndarray
    matrix: csr_matrix
    pair_keys: np.ndarray
    pair_edge: np.ndarray
    params: dict

    @property
    def n_nodes(self) -> int:
        return len(self.xy)

    def edge_between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Index of the fastest edge between node arrays ``a`` and ``b`` (undirected)."""
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        pos = np.searchsorted(self.pair_keys, lo.astype(np.int64) * self.n_nodes + hi)
        return self.pair_edge[pos]

    @cached_property
    def neighbours(self) -> tuple[np.ndarray, np.ndarray]:
        """``(nbr, edge)``: per node, its neighbours and the fastest edge to each, padded with -1 (V × max degree)."""
        e = self.pair_edge
        a, b = np.r_[self.u[e], self.v[e]], np.r_[self.v[e], self.u[e]]
        ee = np.r_[e, e]
        order = np.argsort(a, kind="stable")
        a, b, ee = a[order], b[order], ee[order]
        start = np.searchsorted(a, np.arange(self.n_nodes))
        slot = np.arange(len(a)) - start[a]
        width = int(slot.max()) + 1 if len(a) else 1
        nbr = np.full((self.n_nodes, width), -1)
        edge = np.full((self.n_nodes, width), -1)
        nbr[a, slot], edge[a, slot] = b, ee
        return nbr, edge


def edge_minutes(km, urban_km, kind, road_class, tunnel, params: dict) -> np.ndarray:
    """Minutes of each edge under ``params`` (rules 4–6 of the module doc); vectorised over edges."""
    sp, f, fe, isl = params["speeds_kmh"], params["factors"], params["ferry"], params["islands"]
    access = params["access"]["speed_kmh"]
    cls = np.where(road_class >= 0, road_class, 0)
    base = np.array([sp[c] for c in CLASSES], float)[cls]
    base = np.where(tunnel, np.minimum(base, sp["tunnel"]), base)
    # Inside built-up areas: local roads at the town limit, E/R through-roads at their usual 60–70; motorways
    # and motortrafikkveg keep their speed.
    fast = np.isin(cls, [CLASSES.index("motorveg"), CLASSES.index("motortrafikkveg")])
    main = np.isin(cls, [CLASSES.index(c) for c in MAIN_CLASSES])
    urban = np.where(fast, base, np.minimum(base, np.where(main, sp["urban_main"], sp["urban"])))
    factor = np.where(main, f["main"], f["local"])
    road = ((km - urban_km) / base + urban_km / urban) / factor * MIN_PER_H
    out = np.select(
        [kind == ROAD, kind == FERRY, kind == PASSENGER, kind == CONNECTOR, kind == SEA],
        [road, fe["car_wait_min"] + km / fe["car_speed_kmh"] * MIN_PER_H,
         fe["passenger_wait_min"] + km / fe["passenger_speed_kmh"] * MIN_PER_H,
         km / access * MIN_PER_H, isl["boat_wait_min"] + km / isl["boat_speed_kmh"] * MIN_PER_H])
    return out


def reweight(graph: RoadGraph, params: dict) -> RoadGraph:
    """The same graph with edge minutes under other parameters (speeds, factors, ferry and access constants).

    Topology parameters (``network``) are not re-applied; build a new graph for those. Used by calibration.

    >>> g2 = reweight(g, {**g.params, "factors": {"main": 1.0, "local": 1.0}})
    """
    minutes = edge_minutes(graph.km, graph.urban_km, graph.kind, graph.road_class, graph.tunnel, params)
    matrix, keys, edge = _pair_matrix(graph.u, graph.v, minutes, graph.n_nodes)
    return replace(graph, minutes=minutes, matrix=matrix, pair_keys=keys, pair_edge=edge, params=params)


def _pair_matrix(u, v, minutes, n) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """CSR of the fastest edge per node pair (scipy would *sum* duplicate entries, so pick first)."""
    keys = u.astype(np.int64) * n + v
    order = np.lexsort((minutes, keys))
    first = np.r_[True, keys[order][1:] != keys[order][:-1]]
    edge = order[first]
    # A zero weight would read as "no edge" in a sparse matrix; a microsecond floor keeps coincident nodes linked.
    w = np.maximum(minutes[edge], 1e-6)
    uu, vv = u[edge], v[edge]
    matrix = coo_matrix((np.r_[w, w], (np.r_[uu, vv], np.r_[vv, uu])), shape=(n, n)).tocsr()
    return matrix, keys[edge], edge


def _check_links(links: gpd.GeoDataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in links.columns]
    if missing:
        raise DataError(f"road links (roads/veglenker-n1000.parquet): missing column(s) {', '.join(missing)}")
    unknown = sorted(set(links["type_veg"].dropna().astype(str)) - set(TYPE_VEG))
    if unknown:
        raise DataError(f"road links (roads/veglenker-n1000.parquet): column type_veg: unknown value(s) "
                        f"{', '.join(unknown)}; expected {', '.join(TYPE_VEG)}")
    geom = links.geometry
    if len(geom) and not (geom.geom_type == "LineString").all():
        raise DataError("road links (roads/veglenker-n1000.parquet): column geometry: expected LineStrings")


def _link_attributes(links: gpd.GeoDataFrame) -> pd.DataFrame:
    """Kind, class and tunnel flag per usable link (planned links dropped)."""
    fase = links["vegfase"].astype("string").fillna("V")
    use = links[fase != "P"]
    kind = use["type_veg"].astype(str).map(TYPE_VEG).to_numpy(int)
    mvt = use["motorvegtype"].astype("string").fillna("")
    cat = use["vegkategori"].astype("string").fillna("P")  # ferries without a category: not a road class
    cls = np.where(mvt.isin(["motorveg", "motortrafikkveg"]), mvt, cat)
    code = np.array([CLASSES.index(c) if c in CLASSES else CLASSES.index("P") for c in cls])
    return pd.DataFrame({"kind": kind, "road_class": np.where(kind == ROAD, code, -1),
                         "tunnel": (use["medium"].astype("string") == "U").fillna(False).to_numpy(bool),
                         "geometry": use.geometry.to_numpy()})


def _cluster(points: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Single-linkage clusters of points within ``tol``: (label per point, cluster mean xy)."""
    n = len(points)
    pairs = cKDTree(points).query_pairs(tol, output_type="ndarray") if n else np.empty((0, 2), int)
    label = _components(n, pairs[:, 0], pairs[:, 1])
    counts = np.bincount(label)
    xy = np.column_stack([np.bincount(label, points[:, k]) / counts for k in range(2)])
    return label, xy


def _attachments(geoms, kind, ends, end_node, node_xy, net) -> tuple[list, list]:
    """Where dead ends and loose ferry ends join a road: (splits, connectors).

    ``splits`` holds ``(link, distance along the link in m, node)``; ``connectors`` ``(node a, node b, gap m)``.
    """
    m = len(geoms)
    degree = np.bincount(end_node, minlength=len(node_xy))
    end_is_road = np.r_[kind == ROAD, kind == ROAD]
    roads_at = np.bincount(end_node, weights=end_is_road, minlength=len(node_xy))
    # Dead ends of roads, and ferry ends at a node no road reaches (two ferries may share a quay node).
    loose = np.where(end_is_road, degree[end_node] == 1, roads_at[end_node] == 0)
    first = np.unique(end_node[loose], return_index=True)[1]
    road_idx = np.flatnonzero(kind == ROAD)
    tree = shapely.STRtree(geoms[road_idx])
    splits, connectors, next_node = [], [], len(node_xy)
    for e in np.flatnonzero(loose)[first]:
        link = e % m
        tol = net["junction_tolerance_m"] if kind[link] == ROAD else net["ferry_landing_m"]
        pt = shapely.points(ends[e])
        cand = road_idx[tree.query(pt, predicate="dwithin", distance=tol)]
        cand = cand[cand != link]
        if not len(cand):
            continue
        dist = shapely.distance(pt, geoms[cand])
        target = int(cand[dist.argmin()])
        s = float(shapely.line_locate_point(geoms[target], pt))
        length = float(shapely.length(geoms[target]))
        tol_node = net["node_tolerance_m"]
        if s <= tol_node or s >= length - tol_node:  # nearest to an end: join that end's node
            node = end_node[target] if s <= tol_node else end_node[target + m]
        else:
            node = next_node
            next_node += 1
            splits.append((target, s, node))
        connectors.append((int(end_node[e]), int(node), float(dist.min())))
    return splits, connectors


def _explode(geoms, attrs: pd.DataFrame, end_node, splits, urban_m) -> pd.DataFrame:
    """Edges from links, cutting links at the split points; lengths and urban lengths pro rata."""
    m = len(geoms)
    length = shapely.length(geoms)
    rows = {"link": np.arange(m), "a": end_node[:m], "b": end_node[m:], "s0": 0.0, "s1": length}
    edges = pd.DataFrame(rows)
    if splits:
        sp = pd.DataFrame(splits, columns=["link", "s", "node"]).sort_values(["link", "s"])
        pieces = []
        for link, grp in sp.groupby("link", sort=False):
            cuts = np.r_[0.0, grp["s"].to_numpy(), length[link]]
            nodes = np.r_[end_node[link], grp["node"].to_numpy(), end_node[link + m]]
            pieces.append(pd.DataFrame({"link": link, "a": nodes[:-1], "b": nodes[1:], "s0": cuts[:-1],
                                        "s1": cuts[1:]}))
        edges = pd.concat([edges[~edges["link"].isin(sp["link"])], *pieces], ignore_index=True)
    frac = (edges["s1"] - edges["s0"]) / np.maximum(length[edges["link"]], 1e-9)
    edges["km"] = (edges["s1"] - edges["s0"]) / M_PER_KM
    edges["urban_km"] = urban_m[edges["link"]] * frac / M_PER_KM
    for col in ("kind", "road_class", "tunnel"):
        edges[col] = attrs[col].to_numpy()[edges["link"]]
    return edges[edges["a"] != edges["b"]].drop(columns=["s1"])


def _urban_metres(geoms, builtup: gpd.GeoDataFrame | None) -> np.ndarray:
    """Length (m) of each link inside the built-up polygons (0 when none are given)."""
    out = np.zeros(len(geoms))
    if builtup is None or not len(builtup):
        return out
    area = shapely.union_all(builtup.geometry.to_numpy())
    hit = shapely.STRtree(geoms).query(area, predicate="intersects")
    hit = np.unique(hit.ravel())
    out[hit] = shapely.length(shapely.intersection(geoms[hit], area))
    return out


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` nodes joined by the edges ``a[i]``–``b[i]``."""
    return component_labels(adjacency_matrix(n, zip(a.tolist(), b.tolist())))


def _drop_passenger_ferries(edges: pd.DataFrame, n: int, mode: str) -> pd.DataFrame:
    """Apply ``network.passenger_ferries``: keep all, none, or only those joining otherwise separate parts."""
    if mode not in ("islands_only", "none", "all"):
        raise DataError(f"roads.yaml: network.passenger_ferries must be islands_only, none or all, got {mode!r}")
    pax = edges["kind"] == PASSENGER
    if mode == "all":
        return edges
    if mode == "none":
        return edges[~pax]
    car = edges[~pax]
    label = _components(n, car["a"].to_numpy(), car["b"].to_numpy())
    joins = label[edges["a"].to_numpy()] != label[edges["b"].to_numpy()]
    return edges[~pax | joins]


def _island_links(node_xy: np.ndarray, a: np.ndarray, b: np.ndarray, land_gap_m: float) -> pd.DataFrame:
    """Rule 6: link every part not connected to the main network to the nearest main node (connector or sea)."""
    label = _components(len(node_xy), a, b)
    main = np.bincount(label).argmax()
    in_main = label == main
    if in_main.all():
        return pd.DataFrame(columns=["a", "b", "km", "kind"])
    tree = cKDTree(node_xy[in_main])
    main_nodes = np.flatnonzero(in_main)
    others = np.flatnonzero(~in_main)
    dist, nearest = tree.query(node_xy[others])
    frame = pd.DataFrame({"node": others, "label": label[others], "dist": dist, "to": main_nodes[nearest]})
    best = frame.sort_values(["dist", "node"]).groupby("label", sort=True).head(1)
    return pd.DataFrame({"a": best["node"].to_numpy(), "b": best["to"].to_numpy(),
                         "km": best["dist"].to_numpy() / M_PER_KM,
                         "kind": np.where(best["dist"] <= land_gap_m, CONNECTOR, SEA)})


def road_graph(links: gpd.GeoDataFrame, params: dict,
               builtup: gpd.GeoDataFrame | None = None) -> RoadGraph:
    """Build the routable graph from N1000 road links (rules 1–6 in the module doc).

    Parameters
    ----------
    links : GeoDataFrame of LineStrings in EPSG:25833 with ``type_veg, vegkategori, vegfase, motorvegtype,
        medium`` (the columns of ``roads/veglenker-n1000.parquet``).
    params : ``load_params("roads")``.
    builtup : optional built-up polygons (``places/tettbebyggelse-n1000.parquet``) for the urban speed cap.

    Returns
    -------
    RoadGraph

    Examples
    --------
    >>> g = road_graph(gpd.read_parquet("veglenker-n1000.parquet"), load_params("roads"))
    >>> g.n_nodes > 10_000
    True
    """
    _check_links(links)
    net = params["network"]
    attrs = _link_attributes(links)
    geoms = attrs["geometry"].to_numpy()
    kind = attrs["kind"].to_numpy()
    ends = np.vstack([shapely.get_coordinates(shapely.get_point(geoms, 0)),
                      shapely.get_coordinates(shapely.get_point(geoms, -1))]).reshape(-1, 2)
    end_node, node_xy = _cluster(ends, net["node_tolerance_m"])
    splits, connectors = _attachments(geoms, kind, ends, end_node, node_xy, net)
    if splits:
        targets = np.array([s[0] for s in splits])
        cuts = shapely.line_interpolate_point(geoms[targets], [s[1] for s in splits])
        node_xy = np.vstack([node_xy, shapely.get_coordinates(cuts)])
    edges = _explode(geoms, attrs, end_node, splits, _urban_metres(geoms, builtup))
    if connectors:
        con = pd.DataFrame(connectors, columns=["a", "b", "km"]).assign(kind=CONNECTOR)
        edges = pd.concat([edges, con.assign(km=con["km"] / M_PER_KM)], ignore_index=True)
    edges = _drop_passenger_ferries(edges, len(node_xy), net["passenger_ferries"])
    islands = _island_links(node_xy, edges["a"].to_numpy(int), edges["b"].to_numpy(int), net["land_gap_m"])
    edges = pd.concat([edges, islands], ignore_index=True)
    edges = edges[edges["a"] != edges["b"]]
    a, b = edges["a"].to_numpy(int), edges["b"].to_numpy(int)
    fields = {"km": edges["km"].to_numpy(float), "urban_km": edges["urban_km"].fillna(0.0).to_numpy(float),
              "kind": edges["kind"].to_numpy(np.int8),
              "road_class": edges["road_class"].fillna(-1).to_numpy(np.int8),
              "tunnel": edges["tunnel"].fillna(False).to_numpy(bool),
              "link": edges["link"].fillna(-1).to_numpy(int), "start": a,
              "s0": edges["s0"].fillna(0.0).to_numpy(float)}
    empty = csr_matrix((len(node_xy), len(node_xy)))
    graph = RoadGraph(xy=node_xy, u=np.minimum(a, b), v=np.maximum(a, b), minutes=np.zeros(len(a)),
                      matrix=empty, pair_keys=np.empty(0, np.int64), pair_edge=np.empty(0, int), params=params,
                      links=geoms, **fields)
    return reweight(graph, params)
