"""Calibration and honest accuracy of the road travel-time model against the BA-regions' travel times.

*Observations*: ``ba_reisetid_min`` (kommuner/ba-regioner.csv, 2020 classification) is the car travel time from
each kommune to the centre of its BA-region. A calibration pair is a kommune that is not itself a region centre
and the centre kommune(s) of its region (:func:`ba_centre_flags`); with two centres the nearer counts.

*Split*: a region is in the calibration part when ``crc32(ba_nr)`` is even, else in the held-out part, so a
region's trips are never on both sides and the split does not change between runs or machines.

*Fit*: four free parameters (:data:`FREE`: the speed factors of main and local roads, the access speed and the
car-ferry wait) minimise the mean absolute relative error (of log(model / observed)) on the calibration part by
coordinate descent over fixed grids (deterministic; the access speed only adds access time, so its grid reuses one
set of shortest paths). See :func:`fit` for the choice of loss.

*Accuracy*: :func:`accuracy` reports the held-out error (mean and median absolute error, bias, share within
±15 min) overall, for trips over 45 observed minutes and for trips whose route uses a ferry, and the error on the
published driving times of ``resources/reference/known-trips.csv`` (never used for fitting).
"""
from __future__ import annotations

import copy
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from ..errors import DataError, ParameterError
from .roads import RoadGraph, reweight
from .routing import MIN_PER_H, attach, travel_matrix

# The free parameters ("section.key" in roads.yaml), in the order coordinate descent visits them, and the
# roads.yaml calibration entry that holds each one's search grid [low, high, step].
FREE = ("factors.main", "factors.local", "access.speed_kmh", "ferry.car_wait_min")
GRIDS = {"factors.main": "grid_factors", "factors.local": "grid_factors", "access.speed_kmh": "grid_access_kmh",
         "ferry.car_wait_min": "grid_ferry_wait_min"}


def _grid(params: dict, name: str) -> np.ndarray:
    if name not in GRIDS:
        raise ParameterError(f"calibration: no search grid for {name!r}; free parameters: {', '.join(GRIDS)}")
    low, high, step = params["calibration"][GRIDS[name]]
    return np.round(np.arange(low, high + step / 2, step), 6)


def region_key(ba_nr: pd.Series) -> pd.Series:
    """BA-region numbers as plain strings without leading zeros.

    The source file codes Oslo's region as "05" and Bærum's as "5"; unnormalised, Oslo/Bærum splits in two.
    """
    text = ba_nr.astype("string").str.strip()
    return text.str.lstrip("0").where(text.str.fullmatch(r"\d+"), text).fillna("").astype(str)


def ba_centre_flags(kommuner: pd.DataFrame) -> pd.Series:
    """True for the centre kommune(s) of each BA-region: the shortest ``ba_reisetid_min`` in it (ties: all).

    Copied from the old ``travel.py`` with region numbers normalised (:func:`region_key`).

    >>> int(ba_centre_flags(atlas.kommuner).sum())
    167
    """
    if "ba_reisetid_min" not in kommuner.columns:   # the 2019 register has regions but no travel times
        return pd.Series(False, index=kommuner.index)
    t = pd.to_numeric(kommuner["ba_reisetid_min"], errors="coerce")
    return (t == t.groupby(region_key(kommuner["ba_nr"])).transform("min")).fillna(False).astype(bool)


def ba_pairs(kommuner: pd.DataFrame) -> pd.DataFrame:
    """Calibration pairs: ``trip, from, to, ba_nr, observed, calibration`` (one row per centre of the region).

    ``trip`` numbers the member kommuner; ``ba_nr`` is the normalised region number; ``calibration`` is the
    deterministic split (module doc).

    >>> pairs = ba_pairs(atlas.kommuner)
    >>> pairs["trip"].nunique(), int(pairs.groupby("trip")["calibration"].first().sum())
    (190, 109)
    """
    for col in ("ba_nr", "ba_reisetid_min"):
        if col not in kommuner.columns:
            raise DataError(f"kommuner: missing column {col} (kommuner/ba-regioner.csv)")
    centre = ba_centre_flags(kommuner)
    observed = pd.to_numeric(kommuner["ba_reisetid_min"], errors="coerce")
    region = region_key(kommuner["ba_nr"])
    rows = []
    for code in kommuner.index:
        if centre[code] or np.isnan(observed[code]):
            continue
        for c in kommuner.index[(region == region[code]) & centre]:
            rows.append((code, c, region[code], float(observed[code])))
    pairs = pd.DataFrame(rows, columns=["from", "to", "ba_nr", "observed"])
    pairs.insert(0, "trip", pairs.groupby("from", sort=False).ngroup())
    pairs["calibration"] = [zlib.crc32(r.encode()) % 2 == 0 for r in pairs["ba_nr"]]
    return pairs


class _PairModel:
    """Travel minutes of fixed point pairs under changing parameters (for the fit): ``xy`` holds each point once
    (a region centre ends many pairs; attaching it once keeps one search from it per trial), ``from_pos`` and
    ``to_pos`` give each pair's ends."""

    def __init__(self, graph: RoadGraph, xy: np.ndarray, from_pos: np.ndarray, to_pos: np.ndarray):
        self.graph, nodes, km = attach(graph, xy)
        self.from_node, self.to_node = nodes[from_pos], nodes[to_pos]
        self.from_km, self.to_km = km[from_pos], km[to_pos]
        self.sources, self.row = np.unique(self.to_node, return_inverse=True)

    def network(self, params: dict) -> tuple[np.ndarray, RoadGraph]:
        g = reweight(self.graph, params)
        dist = dijkstra(g.matrix, directed=True, indices=self.sources)
        return dist[self.row, self.from_node], g

    def access(self, params: dict) -> np.ndarray:
        return (self.from_km + self.to_km) / params["access"]["speed_kmh"] * MIN_PER_H


def _trip_min(values: np.ndarray, trip: np.ndarray) -> np.ndarray:
    """Per trip, the smallest value over its rows (a member's nearer region centre)."""
    return pd.Series(values).groupby(trip).min().to_numpy()


def _set(params: dict, section: str, key: str, value: float) -> dict:
    out = copy.deepcopy(params)
    out[section][key] = float(value)
    return out


def _loss(model: np.ndarray, observed: np.ndarray, kind: str) -> float:
    """Mean absolute error in minutes (``minutes``) or of log(model / observed) (``relative``)."""
    if kind == "relative":
        return float(np.abs(np.log(np.maximum(model, 1e-9) / observed)).mean())
    return float(np.abs(model - observed).mean())


def fit(graph: RoadGraph, centres, pairs: pd.DataFrame, params: dict | None = None,
        free: tuple[str, ...] = FREE, loss: str = "relative") -> dict:
    """Fit the ``free`` parameters to the calibration part of ``pairs`` by coordinate descent (deterministic).

    Parameters
    ----------
    graph : the road graph.
    centres : GeoSeries of centre points by kommunenummer (EPSG:25833).
    pairs : :func:`ba_pairs`.
    params : starting parameters (default: the graph's).
    free : names (``section.key``) of the parameters to fit (default :data:`FREE`), each searched over its grid
        in ``roads.yaml`` (``calibration``).
    loss : ``relative`` (default), the mean absolute error of log(model / observed), so that a 5-minute miss
        on a 20-minute trip weighs like a 15-minute miss on a 60-minute one (speed errors are proportional);
        or ``minutes``, the mean absolute error in minutes.

    Returns
    -------
    dict with ``params`` (the full mapping with fitted values), ``loss`` (on the calibration part), ``n_trips``
    and ``values`` (the fitted parameters by ``section.key``).

    >>> result = fit(graph, centres["centre"], ba_pairs(atlas.kommuner))
    """
    if loss not in ("relative", "minutes"):
        raise ValueError(f"loss must be 'relative' or 'minutes', got {loss!r}")
    params = copy.deepcopy(params or graph.params)
    part = pairs[pairs["calibration"]]
    missing = sorted((set(part["from"]) | set(part["to"])) - set(centres.index))
    if missing:
        raise DataError(f"calibration: no centre for kommune(s) {', '.join(missing[:8])}")
    codes = sorted(set(part["from"]) | set(part["to"]))
    points = centres.loc[codes]
    xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    pos = {c: i for i, c in enumerate(codes)}
    model = _PairModel(graph, xy, part["from"].map(pos).to_numpy(), part["to"].map(pos).to_numpy())
    trip = part["trip"].to_numpy()
    observed = part.groupby("trip")["observed"].first().to_numpy()

    def error(p: dict, net: np.ndarray | None = None) -> float:
        net = model.network(p)[0] if net is None else net
        return _loss(_trip_min(net + model.access(p), trip), observed, loss)

    best = error(params)
    for _ in range(params["calibration"]["max_sweeps"]):
        before = best
        for name in free:
            section, key, grid = *name.split("."), _grid(params, name)
            # The access speed only adds access time: the shortest paths stay, so compute them once.
            net = model.network(params)[0] if section == "access" else None
            for value in grid:
                trial = _set(params, section, key, value)
                err = error(trial, net)
                if err < best - 1e-12:
                    best, params = err, trial
        if best >= before - 1e-9:
            break
    values = {name: params[name.split(".")[0]][name.split(".")[1]] for name in free}
    return {"params": params, "loss": round(best, 5), "loss_kind": loss, "n_trips": int(len(observed)),
            "values": values}


def _errors(model: np.ndarray, observed: np.ndarray, within: float) -> dict:
    err = model - observed
    if not len(err):
        return {"n": 0}
    return {"n": int(len(err)), "mae_min": round(float(np.abs(err).mean()), 1),
            "median_abs_min": round(float(np.median(np.abs(err))), 1), "bias_min": round(float(err.mean()), 1),
            "share_within_15_min": round(float((np.abs(err) <= within).mean()), 3)}


def _pick(frame: pd.DataFrame, rows: pd.Series, cols: pd.Series) -> np.ndarray:
    """Values of a square matrix at the (row label, column label) pairs."""
    return frame.to_numpy()[frame.index.get_indexer(rows), frame.columns.get_indexer(cols)]


def ba_errors(graph: RoadGraph, centres, pairs: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
    """Per BA trip: observed and model minutes, model km and ferries (nearer centre), calibration flag."""
    params = params or graph.params
    codes = sorted(set(pairs["from"]) | set(pairs["to"]))
    minutes, km, ferries = travel_matrix(reweight(graph, params), centres.loc[codes], params)
    rows = pairs.assign(model=_pick(minutes, pairs["from"], pairs["to"]),
                        km=_pick(km, pairs["from"], pairs["to"]),
                        ferries=_pick(ferries, pairs["from"], pairs["to"]))
    best = rows.sort_values(["trip", "model"]).groupby("trip", sort=True).head(1)
    return best.set_index("from")[["to", "ba_nr", "observed", "model", "km", "ferries", "calibration"]]


def known_trip_errors(graph: RoadGraph, centres, known: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
    """Model vs published minutes for ``known-trips.csv`` (columns ``from, to, published_min``, 4-char codes)."""
    for col in ("from", "to", "published_min"):
        if col not in known.columns:
            raise DataError(f"known-trips.csv: missing column {col}")
    params = params or graph.params
    codes = sorted(set(known["from"]) | set(known["to"]))
    missing = sorted(set(codes) - set(centres.index))
    if missing:
        raise DataError(f"known-trips.csv: kommunenummer not among the centres: {', '.join(missing)}")
    minutes, km, ferries = travel_matrix(reweight(graph, params), centres.loc[codes], params)
    out = known.copy()
    out["model_min"] = _pick(minutes, known["from"], known["to"]).round(1)
    out["model_km"] = _pick(km, known["from"], known["to"]).round(1)
    out["model_ferries"] = _pick(ferries, known["from"], known["to"])
    out["error_pct"] = ((out["model_min"] / out["published_min"] - 1) * 100).round(1)
    return out


def accuracy(graph: RoadGraph, centres, pairs: pd.DataFrame, known: pd.DataFrame | None = None,
             params: dict | None = None) -> dict:
    """Held-out error on the BA trips (overall, > 45 min, with a ferry) and the error on the known trips.

    Returns ``{"calibration": {...}, "held_out": {...}, "held_out_long": {...}, "held_out_ferry": {...},
    "known": DataFrame | None, "known_summary": {...}}``; each ``{...}`` has ``n, mae_min, median_abs_min,
    bias_min, share_within_15_min``; ``known_summary`` has the median and largest absolute % error, overall and
    for the pairs whose route is 100–250 km.

    >>> acc = accuracy(graph, centres["centre"], ba_pairs(atlas.kommuner), known)
    >>> acc["held_out"]["median_abs_min"]
    """
    params = params or graph.params
    settings = params["calibration"]
    trips = ba_errors(graph, centres, pairs, params)
    held = trips[~trips["calibration"]]
    parts = {"calibration": trips[trips["calibration"]], "held_out": held,
             "held_out_long": held[held["observed"] > settings["long_trip_min"]],
             "held_out_ferry": held[held["ferries"] > 0]}
    out = {name: _errors(part["model"].to_numpy(), part["observed"].to_numpy(), settings["within_min"])
           for name, part in parts.items()}
    out["known"], out["known_summary"] = None, {}
    if known is not None:
        table = known_trip_errors(graph, centres, known, params)
        mid = table[(table["model_km"] >= 100) & (table["model_km"] <= 250)]
        out["known"] = table
        out["known_summary"] = {
            "n": int(len(table)), "median_abs_pct": round(float(table["error_pct"].abs().median()), 1),
            "max_abs_pct": round(float(table["error_pct"].abs().max()), 1),
            "n_100_250_km": int(len(mid)),
            "median_abs_pct_100_250_km": round(float(mid["error_pct"].abs().median()), 1) if len(mid) else None,
            "max_abs_pct_100_250_km": round(float(mid["error_pct"].abs().max()), 1) if len(mid) else None}
    return out


def write_fitted(result: dict, path=None, when: date | None = None, note: str = "") -> Path:
    """Rewrite the fitted values of ``result`` (:func:`fit`) in ``roads.yaml``, each with its source and date.

    Only the ``value`` and ``source`` lines of the fitted leaves change; comments and the other parameters stay.
    Written atomically. ``note`` is appended to each source (e.g. the held-out error).

    >>> write_fitted(fit(graph, centres["centre"], ba_pairs(atlas.kommuner)))
    PosixPath('.../resources/params/roads.yaml')
    """
    from .._io import write_text_atomic
    from ..paths import param_file

    target = Path(path) if path else param_file("roads")
    lines = target.read_text(encoding="utf-8").split("\n")
    stamp = (when or date.today()).isoformat()
    how = "mean absolute relative error" if result.get("loss_kind") == "relative" else "mean absolute error"
    for name, value in result["values"].items():
        section, key = name.split(".")
        source = (f"Fitted on the BA-regions' travel times to the region centre (kommuner/ba-regioner.csv, 2020 "
                  f"classification, FHI csdata / SSB): {result['n_trips']} trips of the calibration half (regions "
                  f"with even crc32 of ba_nr), {how}, reformkit.geo.calibration.fit, {stamp}.{note}")
        _replace_leaf(lines, section, key, value, source, target)
    return write_text_atomic(target, "\n".join(lines))


def _replace_leaf(lines: list[str], section: str, key: str, value, source: str, target: Path) -> None:
    """Set ``value`` and ``source`` of ``section.key`` in the YAML lines of a parameter file (in place)."""
    try:
        start = lines.index(f"{section}:")
        end = next((n for n in range(start + 1, len(lines)) if lines[n] and not lines[n].startswith(" ")),
                   len(lines))
        at = next(n for n in range(start + 1, end) if lines[n].startswith(f"  {key}:"))
    except (ValueError, StopIteration):
        raise ParameterError(f"{target}: no parameter {section}.{key} to update") from None
    done = set()
    for n in range(at + 1, min(at + 4, end)):
        field = lines[n].strip().split(":", 1)[0]
        if field == "value":
            lines[n] = f"    value: {float(value):g}"
            done.add(field)
        elif field == "source":
            lines[n] = "    source: " + '"' + source.replace('"', "'") + '"'
            done.add(field)
    if done != {"value", "source"}:
        raise ParameterError(f"{target}: {section}.{key} needs a value and a source line right below it")
