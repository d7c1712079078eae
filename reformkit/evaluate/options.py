"""Merger options of one kommune: with each neighbour, and with the regional centres within reach.

An option is a one-block scenario whose members all merge; :func:`reformkit.evaluate.evaluate` gives its
population, old-age support ratio, travel times to the centre and merger economy, so an option's figures are
exactly those a scenario report would show for the same block. Options are ranked by the weighted mean of
their ranks on a few measures (``params/profile.yaml``, ``options.weights``); the rank orders the figures and
recommends nothing.

* **Neighbour options**: the kommune with one neighbour of the neighbour graph
  (:func:`reformkit.geodata.neighbours`); the centre is the one with more inhabitants in the base year.
* **Centre options**: the kommune with a regional centre (:func:`regional_centres`: the centre kommune of a
  BA-region of two or more kommuner, with more inhabitants than the kommune) within
  ``options.centre_reach_minutes`` by car, nearest first, at most ``options.max_centres``; the kommuner on the
  fastest way through the neighbour graph join too, so the new kommune is connected. A centre beyond reach is
  no option (the profile names the nearest one).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .. import geo, geodata
from ..geo.calibration import region_key
from ..params import Parameters, load_parameters
from ..scenario import Scenario
from .compute import evaluate

#: measure -> True when more is better (the columns of :func:`merger_options` that the rank uses)
RANKED = {"population_horizon": True, "support_ratio_horizon": True, "max_travel_minutes": False,
          "present_value": True}
COLUMNS = ["option", "kind", "members", "centre", "via", "population_base", "population_horizon",
           "support_ratio_base", "support_ratio_horizon", "travel_minutes", "max_travel_minutes", "present_value",
           "not_computed", "score", "rank"]


def _neighbours_of(atlas, code: str, params: Parameters) -> list[str]:
    edges = geodata.neighbours(atlas, params)
    found = set(edges.loc[edges["a"] == code, "b"]) | set(edges.loc[edges["b"] == code, "a"])
    return sorted(found)


def base_population(atlas, year: int) -> pd.Series:
    """Inhabitants of every kommune on 1 January of ``year`` (observed)."""
    pop = atlas.population
    return pop[pop["year"] == year].groupby("kommunenummer", observed=True)["population"].sum()


def nearest_centre(atlas, code: str, year: int, params: Parameters | None = None) -> tuple[str, float] | None:
    """The nearest regional centre with more inhabitants in ``year`` (:func:`regional_centres`) and the
    minutes to it, reach or not; None when no regional centre is larger."""
    minutes = regional_centres(atlas, code, base_population(atlas, year), geodata.travel_minutes(atlas, params))
    return (str(minutes.index[0]), float(minutes.iloc[0])) if len(minutes) else None


def regional_centres(atlas, code: str, population: pd.Series, travel: pd.DataFrame) -> pd.Series:
    """Minutes by car from ``code`` to every regional centre with more inhabitants (``population``), nearest
    first. A regional centre is the centre kommune of a BA-region of two or more kommuner: a BA-region of one
    kommune is a labour market of its own, not a centre others commute to."""
    k = atlas.kommuner
    size = k.groupby(region_key(k["ba_nr"]))["kommunenummer"].transform("size")
    larger = geo.ba_centre_flags(k) & (size > 1) & (population.reindex(k.index) > population[code])
    return travel.loc[code, larger[larger].index].drop(code, errors="ignore").sort_values(kind="stable")


def _path(atlas, code: str, centre: str, travel: pd.DataFrame, params: Parameters) -> list[str]:
    """The kommuner on the fastest way from ``code`` to ``centre`` through the neighbour graph (both ends
    included): edges weighted by the travel minutes between the two neighbours' centres."""
    adj, pos = geodata.neighbour_matrix(atlas, params)
    a, b = adj.nonzero()
    codes = list(pos)
    weights = travel.to_numpy()[travel.index.get_indexer([codes[i] for i in a]),
                                travel.columns.get_indexer([codes[j] for j in b])]
    graph = csr_matrix((np.maximum(weights, 1e-6), (a, b)), shape=adj.shape)
    _, previous = dijkstra(graph, indices=pos[code], return_predecessors=True)
    path, node = [centre], pos[centre]
    while previous[node] >= 0:
        node = previous[node]
        path.append(codes[node])
    return path[::-1]


def _candidates(atlas, code: str, population: pd.Series, travel: pd.DataFrame,
                params: Parameters) -> list[dict]:
    """Option definitions (kind, members, centre, via), without duplicates."""
    options: dict[frozenset, dict] = {}
    for nb in _neighbours_of(atlas, code, params):
        centre = code if population[code] >= population[nb] else nb
        options[frozenset((code, nb))] = {"kind": "neighbour", "members": [code, nb], "centre": centre, "via": []}
    tree = params.tree("profile")
    minutes = regional_centres(atlas, code, population, travel)
    within = minutes[minutes <= float(tree.get("options.centre_reach_minutes"))]
    for centre in within.index[: int(tree.get("options.max_centres"))]:
        path = _path(atlas, code, centre, travel, params)
        key = frozenset(path)
        if key in options:            # a neighbouring centre: the neighbour option already holds it
            options[key].update(kind="centre", centre=centre)
            continue
        options[key] = {"kind": "centre", "members": path, "centre": centre, "via": path[1:-1]}
    return list(options.values())


def _evaluate_option(atlas, option: dict, base_year: int, horizon: int, alternative: str,
                     params: Parameters) -> dict:
    names = atlas.kommuner["kommunenavn_kort"].astype(str)
    label = " + ".join(names[m] for m in option["members"])
    sc = Scenario.from_dict({"name": label, "borders": atlas.borders, "base_year": base_year, "horizon": horizon,
                             "projection": alternative,
                             "blocks": [{"name": label, "centre": option["centre"],
                                         "members": {m: "merge" for m in option["members"]}}]}, atlas)
    res = evaluate(sc, atlas, params)
    block = res.blocks.iloc[0]
    economy = res.economy[label]
    own = option["members"][0]
    return {**option, "option": label, "population_base": block["population_base"],
            "population_horizon": block["population_horizon"],
            "support_ratio_base": block["old_age_support_ratio_base"],
            "support_ratio_horizon": block["old_age_support_ratio_horizon"],
            "travel_minutes": res.kommuner.at[own, "travel_minutes_to_centre"],
            "max_travel_minutes": block["max_travel_minutes_to_centre"],
            "present_value": economy.get("present_value") if economy.get("merger") else np.nan,
            "not_computed": sorted({n.code for n in economy.get("not_computed", [])})}


def rank_options(options: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """``options`` with ``score`` (weighted mean of the rank on each measure of :data:`RANKED`, 1 = best;
    a missing figure ranks last) and ``rank`` (1 = lowest score; ties by inhabitants at the horizon).

    >>> t = pd.DataFrame({"population_horizon": [10, 20], "support_ratio_horizon": [2.0, 1.5],
    ...                   "max_travel_minutes": [30, 60], "present_value": [1.0, 2.0]})
    >>> rank_options(t, dict.fromkeys(RANKED, 1.0))["score"].tolist()
    [1.5, 1.5]
    """
    out = options.copy()
    if out.empty:
        return out.assign(score=pd.Series(dtype=float), rank=pd.Series(dtype=int))
    total = sum(float(w) for w in weights.values()) or 1.0
    score = sum(float(weights.get(m, 0.0)) * out[m].astype(float).rank(ascending=not higher, method="average",
                                                                        na_option="bottom")
                for m, higher in RANKED.items())
    out["score"] = (score / total).round(3)
    order = out.sort_values(["score", "population_horizon"], ascending=[True, False], kind="stable").index
    out.loc[order, "rank"] = np.arange(1, len(out) + 1)
    out["rank"] = out["rank"].astype(int)
    return out.sort_values("rank", kind="stable")


def merger_options(atlas, kommune: str, base_year: int, horizon: int, alternative: str = "main",
                   params: Parameters | None = None) -> pd.DataFrame:
    """Every merger option of ``kommune`` (module docstring), evaluated and ranked, best first.

    Columns: option (the members' short names joined by " + "), kind ("neighbour" or "centre"), members
    (kommunenummer, the kommune first), centre, via (kommuner joining on the way to a centre), population_base, population_horizon, support_ratio_base, support_ratio_horizon (16–66 per 67+),
    travel_minutes (from the kommune's centre to the new centre), max_travel_minutes (longest from a member),
    present_value (net present value of the merger economy, kr, discounted to ``base_year``), not_computed
    (codes of the economy figures left out of it), score and rank. All options, not just the shown ones.
    """
    params = params or load_parameters()
    travel = geodata.travel_minutes(atlas, params)
    rows = [_evaluate_option(atlas, o, base_year, horizon, alternative, params)
            for o in _candidates(atlas, kommune, base_population(atlas, base_year), travel, params)]
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("score", "rank")])
    ranked = rank_options(table, params.tree("profile").get("options.weights"))
    return ranked[COLUMNS].reset_index(drop=True)
