"""The straight-line travel-time model over the neighbour graph (parameters in ``params/travel.yaml``).

Each kommune is represented by its centre point. The travel time between two different kommuner is
``access_minutes + shortest path over the neighbour graph``, where an edge costs ``minutes_per_km ×
straight-line km between the two centres`` plus ``ferry_minutes`` when it is a sea or joined link (a
crossing). Routing over the neighbour graph makes trips bend round fjords and through the kommuner between;
``minutes_per_km`` is the combined detour factor / speed. ``access_minutes`` is a constant for any trip between
two kommuner: the observed times run from where people live, not from one point. A kommune to itself is 0. The
three parameters are fitted (least absolute error) to the travel time from each kommune to the centre of its
BA-region (:func:`calibrate`); a user-supplied matrix replaces the model's pairs (:mod:`reformkit.geo.matrix`).

Calibration data: ``ba_reisetid_min`` of the 190 kommuner that are not themselves a region centre. The centre
of a region is the kommune with the shortest ``ba_reisetid_min`` in it (the centre's own figure is travel
inside the kommune); this matches the register's "Senterkommune"/"Restkommune" flags. Limits: the observed
trips are short (up to about 90 minutes), so the fit is for travel within a region; the fitted rate
(~0.47 min/km of straight line, with a ~15-minute constant) underestimates long trips between regions, e.g.
about 2 h 50 min Oslo–Bergen. Use a real matrix when long trips matter.

Every function here is pure: tables and parameters in, tables out.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import shortest_path

from ..data.crs import METRIC_CRS
from ..errors import DataError
from ..params import TravelParams

TRAVEL_PARAMS = ("minutes_per_km", "ferry_minutes", "access_minutes")


def _xy_km(centres: gpd.GeoSeries) -> np.ndarray:
    pts = centres.to_crs(METRIC_CRS)
    return np.c_[pts.x.to_numpy(), pts.y.to_numpy()] / 1000.0


def distance_km(centres: gpd.GeoSeries) -> pd.DataFrame:
    """Straight-line distance (km) between centre points, as a square DataFrame indexed by kommunenummer."""
    xy = _xy_km(centres)
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    codes = list(centres.index)
    return pd.DataFrame(d, index=pd.Index(codes, name="kommunenummer"), columns=codes)


def _graph_paths(centres: gpd.GeoSeries, edges: pd.DataFrame, km_weight: float, crossing_weight: float) -> np.ndarray:
    """All-pairs shortest paths with edge cost ``km_weight × km + crossing_weight × [sea/joined]``."""
    codes = list(centres.index)
    pos = {c: i for i, c in enumerate(codes)}
    keep = edges["a"].isin(pos) & edges["b"].isin(pos)
    ii = edges.loc[keep, "a"].map(pos).to_numpy(int)
    jj = edges.loc[keep, "b"].map(pos).to_numpy(int)
    xy = _xy_km(centres)
    km = np.hypot(*(xy[ii] - xy[jj]).T)
    crossing = (edges.loc[keep, "kind"].astype(str) != "land").to_numpy()
    # A tiny floor keeps zero-length edges (coincident points) as edges in the sparse graph.
    w = np.maximum(km_weight * km + crossing_weight * crossing, 1e-6)
    graph = coo_matrix((w, (ii, jj)), shape=(len(codes), len(codes))).tocsr()
    return shortest_path(graph, method="D", directed=False)


def model_minutes(centres: gpd.GeoSeries, edges: pd.DataFrame, params: TravelParams) -> pd.DataFrame:
    """The modelled travel-time matrix (minutes) between ``centres`` over the neighbour ``edges``."""
    paths = _graph_paths(centres, edges, params.minutes_per_km, params.ferry_minutes)
    if not np.isfinite(paths).all():
        raise DataError("travel model: the neighbour graph is not connected, so some kommuner cannot be reached")
    minutes = paths + params.access_minutes
    np.fill_diagonal(minutes, 0.0)
    minutes = (minutes + minutes.T) / 2.0  # exact symmetry despite floating-point path sums
    codes = list(centres.index)
    return pd.DataFrame(minutes, index=pd.Index(codes, name="kommunenummer"), columns=codes)


# ---- calibration against the BA-regions ---------------------------------------------------------------------------
def ba_centre_flags(kommuner: pd.DataFrame) -> pd.Series:
    """True for the centre kommune(s) of each BA-region.

    The centre is the kommune with the shortest ``ba_reisetid_min`` in its region (ties: all of them). On the
    2020 BA-regions this matches the register's "Senterkommune"/"Restkommune, egen BA-region" flags exactly,
    except in two regions (Årdal, Målselv) where both members tie and no kommune is marked as centre.
    """
    t = pd.to_numeric(kommuner["ba_reisetid_min"], errors="coerce")
    return (t == t.groupby(kommuner["ba_nr"]).transform("min")).fillna(False).astype(bool)


def calibration_pairs(kommuner: pd.DataFrame) -> tuple[np.ndarray, list[list[int]], np.ndarray]:
    """(kommune positions, positions of their region centres, observed minutes) for non-centre kommuner."""
    centre = ba_centre_flags(kommuner).to_numpy()
    region = kommuner["ba_nr"].astype(str).to_numpy()
    observed = pd.to_numeric(kommuner["ba_reisetid_min"], errors="coerce").to_numpy()
    members, centres, obs = [], [], []
    for i in range(len(kommuner)):
        if centre[i] or np.isnan(observed[i]):
            continue
        cs = [j for j in np.flatnonzero(region == region[i]) if centre[j]]
        if cs:
            members.append(i)
            centres.append(cs)
            obs.append(observed[i])
    return np.array(members, int), centres, np.array(obs, float)


def to_nearest_centre(paths: np.ndarray, members: np.ndarray, centres: list[list[int]]) -> np.ndarray:
    """For each member, the shortest of ``paths`` to one of its region's centres."""
    return np.array([paths[i, cs].min() for i, cs in zip(members, centres)])


def calibrate(kommuner: pd.DataFrame, centres: gpd.GeoSeries, edges: pd.DataFrame,
              crossing_km_grid: np.ndarray, minutes_per_km_grid: np.ndarray) -> dict:
    """Fit the travel model to the BA-region travel times (least absolute error; deterministic grid search).

    For each crossing penalty (in km-equivalents) the shortest paths are computed once; then for each
    ``minutes_per_km`` the best ``access_minutes`` is the median residual. Returns the parameters (rounded)
    and the number of kommuner used; :func:`write_travel_params` writes them to ``params/travel.yaml``.
    """
    members, groups, obs = calibration_pairs(kommuner)
    best = None
    for rho in crossing_km_grid:
        path_km = to_nearest_centre(_graph_paths(centres, edges, 1.0, float(rho)), members, groups)
        for m in minutes_per_km_grid:
            resid = obs - m * path_km
            c0 = float(np.median(resid))
            mae = float(np.abs(resid - c0).mean())
            if best is None or mae < best[0] - 1e-9:
                best = (mae, float(m), float(rho), c0)
    _, m, rho, c0 = best
    return {"minutes_per_km": round(m, 3), "ferry_minutes": round(m * rho, 1),
            "access_minutes": round(c0, 1), "n": int(len(obs))}


def calibration_error(kommuner: pd.DataFrame, minutes: pd.DataFrame) -> dict:
    """Error of a travel-time matrix against the BA-region travel times: mean absolute error, share within
    ±15 minutes, bias, and ``n`` (kommuner that are not themselves a region centre)."""
    members, groups, obs = calibration_pairs(kommuner)
    err = to_nearest_centre(minutes.loc[kommuner.index, kommuner.index].to_numpy(), members, groups) - obs
    return {"mae_minutes": round(float(np.abs(err).mean()), 2),
            "share_within_15_min": round(float((np.abs(err) <= 15).mean()), 3),
            "bias_minutes": round(float(err.mean()), 2), "n": int(len(obs))}


def write_travel_params(fit: dict, path: str | Path, when: date | None = None) -> Path:
    """Write fitted parameters to ``path`` (``params/travel.yaml``, atomically), each with its source and date."""
    from .._io import write_text_atomic

    when = (when or date.today()).isoformat()
    src = (f"calibrated on the BA-regions' travel time to the region centre (kommuner/ba-regioner.csv, 2020 "
           f"classification, FHI csdata / SSB), {fit['n']} kommuner, least absolute error, reformkit.geo.calibrate, {when}")
    notes = {
        "minutes_per_km": "Combined detour factor / speed per straight-line km between neighbouring centres.",
        "ferry_minutes": "Added per sea or joined link on the route (ferry, bridge or tunnel crossing).",
        "access_minutes": "Added to every trip between two kommuner: times run from where people live, not a point.",
    }
    lines = ["# Travel-time model (reformkit.geo.travel). Model parameters, not policy: fitted to observed travel times.",
             "travel:"]
    for key in TRAVEL_PARAMS:
        lines += [f"  {key}:  # {notes[key]}", f"    value: {fit[key]}", f'    source: "{src}"']
    return write_text_atomic(Path(path), "\n".join(lines) + "\n")
