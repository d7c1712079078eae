"""Travel-time model (parameters in ``data/params/travel.yaml``, calibrated by :func:`calibrate`):

There is no road network offline, and the administrative-centre *place* has no coordinates in the offline
data, so each kommune is represented by its centre point (:func:`centre_points`). The travel time between two
different kommuner is ``access_minutes + shortest path over the neighbour graph``, where an edge costs
``minutes_per_km × straight-line km between the two centres`` plus ``ferry_minutes`` when it is a sea or joined
link (a crossing). Routing over the neighbour graph makes trips bend round fjords and through the kommuner
between; ``minutes_per_km`` is the combined detour factor / speed. ``access_minutes`` is a constant for any
trip between two kommuner: the observed times run from where people live, not from one point. A kommune to
itself is 0. The three parameters are fitted (least absolute error) to the travel time from each kommune to
the centre of its BA-region; a user-supplied matrix replaces the model (:func:`read_travel_matrix`).

Calibration data: ``ba_reisetid_min`` of the 190 kommuner that are not themselves a region centre. The centre
of a region is the kommune with the shortest ``ba_reisetid_min`` in it (the centre's own figure is travel
inside the kommune); this matches the register's "Senterkommune"/"Restkommune" flags. Limits: the observed
trips are short (up to about 90 minutes), so the fit is for travel within a region; the fitted rate
(~0.47 min/km of straight line, with a ~15-minute constant) underestimates long trips between regions, e.g.
about 2 h 50 min Oslo–Bergen. Use a real matrix when long trips matter.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import DataError, ParameterError
from ..paths import PARAMS_DIR

from .neighbours import METRIC_CRS, centre_points

# ---- travel-time model ----------------------------------------------------------------------------------------
TRAVEL_PARAMS = ("minutes_per_km", "ferry_minutes", "access_minutes")
MATRIX_COLUMNS = ("kommunenummer_from", "kommunenummer_to", "minutes")


def travel_params(overrides: dict | None = None) -> dict[str, float]:
    """The travel model's parameters from ``data/params/travel.yaml``, with optional overrides.

    >>> sorted(travel_params())
    ['access_minutes', 'ferry_minutes', 'minutes_per_km']
    """
    from ..params import load_params
    values = dict(load_params("travel")["travel"])
    for key, val in (overrides or {}).items():
        if key not in TRAVEL_PARAMS:
            raise ParameterError(f"travel model: unknown parameter {key!r}; known: {', '.join(TRAVEL_PARAMS)}")
        values[key] = val
    problems = [f"travel model: {k} must be a number >= 0, got {values.get(k)!r}" for k in TRAVEL_PARAMS
                if not isinstance(values.get(k), (int, float)) or values[k] < 0]
    if problems:
        raise ParameterError("invalid travel-model parameters", problems)
    return {k: float(values[k]) for k in TRAVEL_PARAMS}


def _centre_xy_km(kommuner: gpd.GeoDataFrame) -> np.ndarray:
    centres = kommuner["centre"] if "centre" in kommuner else centre_points(kommuner)
    pts = gpd.GeoSeries(centres, crs=kommuner.crs).to_crs(METRIC_CRS)
    return np.c_[pts.x.to_numpy(), pts.y.to_numpy()] / 1000.0


def distance_km(kommuner: gpd.GeoDataFrame) -> pd.DataFrame:
    """Straight-line distance (km) between kommune centre points, as a square DataFrame."""
    xy = _centre_xy_km(kommuner)
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    codes = list(kommuner.index)
    return pd.DataFrame(d, index=pd.Index(codes, name="kommunenummer"), columns=codes)


def _graph_paths(kommuner: gpd.GeoDataFrame, edges: pd.DataFrame, km_weight: float,
                 crossing_weight: float) -> np.ndarray:
    """All-pairs shortest paths with edge cost ``km_weight × km + crossing_weight × [sea/joined]``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import shortest_path

    codes = list(kommuner.index)
    pos = {c: i for i, c in enumerate(codes)}
    keep = edges["a"].isin(pos) & edges["b"].isin(pos)
    ii = edges.loc[keep, "a"].map(pos).to_numpy(int)
    jj = edges.loc[keep, "b"].map(pos).to_numpy(int)
    xy = _centre_xy_km(kommuner)
    km = np.hypot(*(xy[ii] - xy[jj]).T)
    crossing = (edges.loc[keep, "kind"].astype(str) != "land").to_numpy()
    # A tiny floor keeps zero-length edges (coincident points) as edges in the sparse graph.
    w = np.maximum(km_weight * km + crossing_weight * crossing, 1e-6)
    graph = coo_matrix((w, (ii, jj)), shape=(len(codes), len(codes))).tocsr()
    return shortest_path(graph, method="D", directed=False)


def model_minutes(kommuner: gpd.GeoDataFrame, edges: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
    """The modelled travel-time matrix (minutes) for these kommuner and neighbour edges (see module doc)."""
    p = travel_params(params)
    paths = _graph_paths(kommuner, edges, p["minutes_per_km"], p["ferry_minutes"])
    if not np.isfinite(paths).all():
        raise DataError("travel model: the neighbour graph is not connected, so some kommuner cannot be reached")
    minutes = paths + p["access_minutes"]
    np.fill_diagonal(minutes, 0.0)
    minutes = (minutes + minutes.T) / 2.0  # exact symmetry despite floating-point path sums
    codes = list(kommuner.index)
    return pd.DataFrame(minutes, index=pd.Index(codes, name="kommunenummer"), columns=codes)


def read_travel_matrix(path: str | Path, codes: list[str]) -> pd.DataFrame:
    """Read a user-supplied travel-time CSV (``kommunenummer_from, kommunenummer_to, minutes``).

    Returns the long table with 4-character kommune numbers. Raises :class:`DataError` listing every problem
    with the file and column at fault (missing file or columns, unknown kommune numbers, bad minutes).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: travel-time matrix not found")
    try:
        df = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc})") from None
    missing = [c for c in MATRIX_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(MATRIX_COLUMNS)}")
    problems = []
    known = set(codes)
    for col in MATRIX_COLUMNS[:2]:
        raw = df[col].fillna("").str.strip()
        ok = raw.str.fullmatch(r"\d{3,4}")
        df[col] = raw.str.zfill(4)  # spreadsheets drop the leading zero of "0301"
        bad = raw[~ok]
        if len(bad):
            problems.append(f"{path}: column {col}: not a kommune number in row(s) "
                            f"{', '.join(str(i + 2) for i in bad.index[:5])} (e.g. {bad.iloc[0]!r})")
        unknown = sorted(set(df.loc[ok, col]) - known)
        if unknown:
            problems.append(f"{path}: column {col}: unknown kommune number(s) {', '.join(unknown[:8])}")
    minutes = pd.to_numeric(df["minutes"], errors="coerce")
    bad = df.index[minutes.isna() | (minutes < 0)]
    if len(bad):
        problems.append(f"{path}: column minutes: not a number >= 0 in row(s) "
                        f"{', '.join(str(i + 2) for i in bad[:5])}")
    if problems:
        raise DataError(f"{path}: invalid travel-time matrix", problems)
    df["minutes"] = minutes.astype(float)
    return df[list(MATRIX_COLUMNS)]


def _apply_matrix(model: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Overlay supplied minutes on the model: a pair given both ways takes the mean, one way counts both ways."""
    pos = {c: i for i, c in enumerate(model.index)}
    i = table["kommunenummer_from"].map(pos).to_numpy(int)
    j = table["kommunenummer_to"].map(pos).to_numpy(int)
    n = len(pos)
    total = np.zeros((n, n))
    count = np.zeros((n, n))
    np.add.at(total, (i, j), table["minutes"].to_numpy())
    np.add.at(count, (i, j), 1.0)
    total, count = total + total.T, count + count.T
    values = model.to_numpy().copy()
    given = count > 0
    values[given] = total[given] / count[given]
    np.fill_diagonal(values, 0.0)
    return pd.DataFrame(values, index=model.index, columns=model.columns)


def travel_minutes(atlas, matrix_csv: str | Path | None = None, params: dict | None = None) -> pd.DataFrame:
    """Travel time in minutes between kommune centres: square, symmetric, zero diagonal, by kommunenummer.

    The model (module doc) is used unless ``matrix_csv`` names a CSV of real times
    (``kommunenummer_from, kommunenummer_to, minutes``); pairs the CSV leaves out keep the model value.
    ``params`` overrides model parameters (e.g. a scenario's ``assumptions: {travel: {...}}``); a
    ``matrix_csv`` key there works like the argument. Memoised on the Atlas.

    >>> t = travel_minutes(atlas)
    >>> round(t.loc["1505", "1506"])   # Kristiansund–Molde
    45
    """
    params = dict(params or {})
    if "matrix_csv" in params:
        matrix_csv = matrix_csv or params.pop("matrix_csv")
        params.pop("matrix_csv", None)
    key = ("travel_minutes", tuple(sorted(params.items())))
    model = atlas.cached(repr(key), lambda: model_minutes(atlas.kommuner, atlas.neighbours, params),
                         persist=True, depends=(Path(__file__), PARAMS_DIR / "travel.yaml"))
    if matrix_csv is None:
        return model
    path = Path(matrix_csv)
    stamp = path.stat().st_mtime_ns if path.is_file() else None
    return atlas.cached(repr(key + (str(path.resolve()), stamp)),
                        lambda: _apply_matrix(model, read_travel_matrix(path, list(model.index))))


# ---- calibration against the BA-regions ---------------------------------------------------------------------------
def ba_centre_flags(kommuner: gpd.GeoDataFrame) -> pd.Series:
    """True for the centre kommune(s) of each BA-region.

    The centre is the kommune with the shortest ``ba_reisetid_min`` in its region (ties: all of them). On the
    2020 BA-regions this matches the register's "Senterkommune"/"Restkommune, egen BA-region" flags exactly,
    except in two regions (Årdal, Målselv) where both members tie and no kommune is marked as centre.
    """
    t = pd.to_numeric(kommuner["ba_reisetid_min"], errors="coerce")
    return (t == t.groupby(kommuner["ba_nr"]).transform("min")).fillna(False).astype(bool)


def _calibration_pairs(kommuner: gpd.GeoDataFrame) -> tuple[np.ndarray, list[list[int]], np.ndarray]:
    """(kommune positions, positions of their region centres, observed minutes) for non-centre kommuner."""
    codes = list(kommuner.index)
    centre = ba_centre_flags(kommuner).to_numpy()
    region = kommuner["ba_nr"].astype(str).to_numpy()
    observed = pd.to_numeric(kommuner["ba_reisetid_min"], errors="coerce").to_numpy()
    members, centres, obs = [], [], []
    for i in range(len(codes)):
        if centre[i] or np.isnan(observed[i]):
            continue
        cs = [j for j in np.flatnonzero(region == region[i]) if centre[j]]
        if cs:
            members.append(i)
            centres.append(cs)
            obs.append(observed[i])
    return np.array(members, int), centres, np.array(obs, float)


def _to_nearest_centre(paths: np.ndarray, members: np.ndarray, centres: list[list[int]]) -> np.ndarray:
    return np.array([paths[i, cs].min() for i, cs in zip(members, centres)])


def calibrate(atlas, crossing_km_grid: np.ndarray | None = None,
              minutes_per_km_grid: np.ndarray | None = None) -> dict:
    """Fit the travel model to the BA-region travel times (least absolute error; deterministic grid search).

    For each crossing penalty (in km-equivalents) the shortest paths are computed once; then for each
    ``minutes_per_km`` the best ``access_minutes`` is the median residual. Returns the parameters (rounded)
    and the number of kommuner used. Regenerate ``data/params/travel.yaml`` with :func:`write_travel_params`.
    """
    kommuner = atlas.kommuner
    members, centres, obs = _calibration_pairs(kommuner)
    crossing_km_grid = np.arange(0.0, 60.1, 2.5) if crossing_km_grid is None else crossing_km_grid
    minutes_per_km_grid = np.arange(0.30, 1.501, 0.005) if minutes_per_km_grid is None else minutes_per_km_grid
    best = None
    for rho in crossing_km_grid:
        path_km = _to_nearest_centre(_graph_paths(kommuner, atlas.neighbours, 1.0, float(rho)), members, centres)
        for m in minutes_per_km_grid:
            resid = obs - m * path_km
            c0 = float(np.median(resid))
            mae = float(np.abs(resid - c0).mean())
            if best is None or mae < best[0] - 1e-9:
                best = (mae, float(m), float(rho), c0)
    _, m, rho, c0 = best
    return {"minutes_per_km": round(m, 3), "ferry_minutes": round(m * rho, 1),
            "access_minutes": round(c0, 1), "n": int(len(obs))}


def write_travel_params(fit: dict, path: str | Path | None = None, when: date | None = None) -> Path:
    """Write fitted parameters to ``data/params/travel.yaml`` (atomically), each with its source and date."""
    from .._io import write_text_atomic

    when = (when or date.today()).isoformat()
    src = (f"calibrated on the BA-regions' travel time to the region centre (kommuner/ba-regioner.csv, 2020 "
           f"classification, FHI csdata / SSB), {fit['n']} kommuner, least absolute error, reformkit.geo.calibrate, {when}")
    notes = {
        "minutes_per_km": "Combined detour factor / speed per straight-line km between neighbouring centres.",
        "ferry_minutes": "Added per sea or joined link on the route (ferry, bridge or tunnel crossing).",
        "access_minutes": "Added to every trip between two kommuner: times run from where people live, not a point.",
    }
    lines = ["# Travel-time model (reformkit.geo). Model parameters, not policy: fitted to observed travel times.",
             "# Regenerate: .venv/bin/python -c \"import reformkit as rk; from reformkit import geo; "
             "geo.write_travel_params(geo.calibrate(rk.load_atlas()))\"",
             "travel:"]
    for key in TRAVEL_PARAMS:
        lines += [f"  {key}:  # {notes[key]}", f"    value: {fit[key]}", f'    source: "{src}"']
    target = Path(path) if path else PARAMS_DIR / "travel.yaml"
    return write_text_atomic(target, "\n".join(lines) + "\n")


def calibration_report(atlas=None, params: dict | None = None) -> dict:
    """Error of the travel model against the BA-region travel times (2024 borders).

    Returns ``{"mae_minutes", "share_within_15_min", "n", "parameters", "bias_minutes"}``; ``n`` counts the
    kommuner that are not themselves a region centre.

    >>> rep = calibration_report()
    >>> rep["n"]
    190
    """
    if atlas is None:
        from ..data import load_atlas
        atlas = load_atlas(borders=2024)
    if atlas.borders != 2024:
        raise DataError("the travel model is calibrated on 2024 borders (the BA-regions' kommuner)")
    p = travel_params(params)
    members, centres, obs = _calibration_pairs(atlas.kommuner)
    minutes = travel_minutes(atlas, params=params).to_numpy()
    err = _to_nearest_centre(minutes, members, centres) - obs
    return {"mae_minutes": round(float(np.abs(err).mean()), 2),
            "share_within_15_min": round(float((np.abs(err) <= 15).mean()), 3),
            "bias_minutes": round(float(err.mean()), 2),
            "n": int(len(obs)), "parameters": p}
