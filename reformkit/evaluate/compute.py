"""evaluate(scenario, atlas): population, age structure, area, travel time and criteria per block and unit."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import geo, geodata
from ..data.store import Dataset
from ..cooperation import CooperationParams, cooperation_result
from ..economy import block_economy
from ..errors import ParameterError, ReformkitError
from ..notices import Notice, notice
from ..params import Parameters, load_parameters
from ..population import support_ratio_of_groups
from ..scenario import Scenario
from .result import ScenarioResult
from .series import COLUMNS, kommune_series

#: Plain look-ups per kommune (names, fylke, area), kept in memory: evaluate runs once per workshop edit.
KOMMUNE_INFO = Dataset("kommune_info", version=1, format="json", persist=False)
#: Age-group table per kommune for a scope and years (in memory only).
BY_KOMMUNE = Dataset("population_by_kommune", version=1, format="table", persist=False)
#: One block's economy and cooperation figures, keyed on what they depend on: its members and tracks (and its
#: cooperation section), never the rest of the scenario. A workshop edit touches one or two blocks, so only
#: those are recomputed; the economy is most of an evaluation's time (in memory only; the values are shared
#: between results and must not be changed by callers).
BLOCK_ECONOMY = Dataset("block_economy", version=1, format="json", persist=False)
BLOCK_COOPERATION = Dataset("block_cooperation", version=1, format="json", persist=False)


def scenario_parameters(scenario: Scenario, params: Parameters | None = None) -> Parameters:
    """``params`` (default: the shipped files) with the scenario's ``assumptions`` applied; ParameterError
    names the scenario file and the key at fault."""
    origin = scenario.source or f"scenario '{scenario.name}'"
    base_dir = Path(scenario.source).parent if scenario.source else None   # matrix_csv is relative to the file
    return (params or load_parameters()).with_assumptions(scenario.assumptions, origin, base_dir)


def criteria(params: Parameters | None = None) -> dict:
    """The population thresholds flagged, with their source (``params/criteria.yaml``)."""
    c = (params or load_parameters()).criteria
    return {"min_inhabitants": list(c.min_inhabitants), "source": c.source}


def _travel(atlas, scenario: Scenario, params: Parameters) -> tuple[np.ndarray, dict[str, int]]:
    try:
        return geodata.travel_array(atlas, params)
    except ReformkitError as exc:  # name the scenario whose assumptions are at fault
        if "travel" not in (scenario.assumptions or {}):
            raise   # a fault here is the data's, not the scenario's
        origin = scenario.source or scenario.name
        problems = None if exc.problems == [exc.message] else exc.problems
        raise ParameterError(f"{origin}: assumptions.travel: {exc.message}", problems) from None


def _kommune_info(atlas) -> dict:
    def build() -> dict:
        k = atlas.kommuner
        return {"name": dict(zip(k.index, k["kommunenavn"].astype(object))),
                "short": dict(zip(k.index, k["kommunenavn_kort"].astype(object))),
                "fylke": dict(zip(k.index, k["fylkesnummer"].astype(object))),
                "areal": dict(zip(k.index, k["areal_km2"].astype(float)))}
    return atlas.store.get(KOMMUNE_INFO, {"generation": atlas.generation, "borders": atlas.borders}, build)


def _minutes_to_centre(travel: tuple[np.ndarray, dict[str, int]], scope: list[str],
                       centre_of: dict[str, str]) -> np.ndarray:
    values, pos = travel
    out = np.full(len(scope), np.nan)
    for i, c in enumerate(scope):
        if c in centre_of:
            out[i] = values[pos[c], pos[centre_of[c]]]
    return out


def _table(values: np.ndarray, ids: list[str], years: list[int], name: str) -> pd.DataFrame:
    """(n, years, columns) array -> DataFrame indexed (id, year) with the support ratio and 80+ share added."""
    flat = values.reshape(len(ids) * len(years), len(COLUMNS))
    ratio = support_ratio_of_groups(flat, list(COLUMNS))
    with np.errstate(divide="ignore", invalid="ignore"):
        over80 = flat[:, COLUMNS.index("80-89")] + flat[:, COLUMNS.index("90+")]
        share80 = np.where(flat[:, -1] > 0, over80 / flat[:, -1], np.nan)
    n, n_years = len(ids), len(years)
    index = pd.MultiIndex(levels=[pd.Index(ids, dtype=object), pd.Index(years, dtype=np.int64)],
                          codes=[np.repeat(np.arange(n), n_years), np.tile(np.arange(n_years), n)],
                          names=[name, "year"], verify_integrity=False)
    return pd.DataFrame(np.column_stack([flat, ratio, share80]), index=index,
                        columns=[*COLUMNS, "old_age_support_ratio", "share_80_plus"])


def _aggregate(values: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((n,) + values.shape[1:])
    np.add.at(out, group, values)
    return out


def _summary(table: pd.DataFrame, n_years: int, thresholds: list[int]) -> dict[str, np.ndarray]:
    """Base-year and horizon figures and criteria flags per id of a :func:`_table`."""
    def grid(column: str) -> np.ndarray:
        return table[column].to_numpy().reshape(-1, n_years)

    total, ratio, share80 = grid("total"), grid("old_age_support_ratio"), grid("share_80_plus")
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(total[:, 0] > 0, (total[:, -1] / total[:, 0] - 1) * 100, np.nan)
    out = {"population_base": total[:, 0], "population_horizon": total[:, -1], "change_pct": change,
           "old_age_support_ratio_base": ratio[:, 0], "old_age_support_ratio_horizon": ratio[:, -1],
           "share_80_plus_base": share80[:, 0], "share_80_plus_horizon": share80[:, -1]}
    for n in thresholds:
        out[f"under_{n}_base"] = total[:, 0] < n
        out[f"under_{n}_horizon"] = total[:, -1] < n
    return out


def _travel_stats(minutes: np.ndarray, weights: np.ndarray, group: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Max and weighted mean of ``minutes`` per group (NaN where a group has no finite minutes)."""
    finite = ~np.isnan(minutes)
    mx = np.full(n, -np.inf)
    np.maximum.at(mx, group[finite], minutes[finite])
    wsum = np.bincount(group[finite], weights=weights[finite], minlength=n)
    tsum = np.bincount(group[finite], weights=(minutes * weights)[finite], minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(wsum > 0, tsum / wsum, np.nan)
    mx[np.isinf(mx)] = np.nan
    return mx, mean


@dataclass
class _Layout:
    """Where every kommune of the scope goes: its block and track, and the unit it forms after the reform."""

    scope: list[str]
    in_block: dict
    unit_ids: list[str]
    unit_rows: list[tuple]
    unit_of: dict[str, int]
    block_pos: dict[str, int]

    @property
    def blocked(self) -> np.ndarray:
        return np.array([c in self.in_block for c in self.scope])

    def block_group(self) -> np.ndarray:
        return np.array([self.block_pos[self.in_block[c][0].name] for c in self.scope if c in self.in_block],
                        dtype=np.int64)


def _layout(sc: Scenario, atlas, info: dict) -> _Layout:
    in_block = {c: (b, t) for b in sc.blocks for c, t in b.members.items()}
    scope = (sorted(set(atlas.in_fylke(sc.area_fylker)) | set(sc.area_kommuner) | set(in_block)) if sc.area
             else list(atlas.codes))
    unit_ids, unit_rows, unit_of = [], [], {}
    for b in sc.blocks:
        unit_of.update({c: len(unit_ids) for c in b.merging})
        unit_ids.append(b.name)
        unit_rows.append((b.name, "regionkommune", b.name, b.merging))
        for c in b.cooperating:
            unit_of[c] = len(unit_ids)
            unit_ids.append(c)
            unit_rows.append((info["name"][c], "cooperating", b.name, [c]))
    for c in scope:
        if c not in in_block:
            unit_of[c] = len(unit_ids)
            unit_ids.append(c)
            unit_rows.append((info["name"][c], "outside", None, [c]))
    return _Layout(scope, in_block, unit_ids, unit_rows, unit_of, {b.name: i for i, b in enumerate(sc.blocks)})


def _kommune_table(lay: _Layout, info: dict, areal, minutes, values) -> pd.DataFrame:
    ib = lay.in_block
    return pd.DataFrame({
        "kommunenavn": [info["name"][c] for c in lay.scope],
        "kommunenavn_kort": [info["short"][c] for c in lay.scope],
        "fylkesnummer": [info["fylke"][c] for c in lay.scope],
        "block": [ib[c][0].name if c in ib else None for c in lay.scope],
        "track": [ib[c][1].value if c in ib else None for c in lay.scope],
        "unit": [lay.unit_ids[lay.unit_of[c]] for c in lay.scope],
        "is_centre": [c in ib and ib[c][0].centre == c for c in lay.scope],
        "areal_km2": areal,
        "travel_minutes_to_centre": minutes,
        "population_base": values[:, 0, -1],
        "population_horizon": values[:, -1, -1],
    }, index=pd.Index(lay.scope, name="kommunenummer", dtype=object))


def _block_table(sc: Scenario, info: dict, units: pd.DataFrame, block_table, areal_b, block_group, travel,
                 n_years: int, thresholds: list[int]) -> pd.DataFrame:
    names = [b.name for b in sc.blocks]
    regional = units.loc[names]
    b_max, b_mean = travel
    return pd.DataFrame({
        "centre": [b.centre for b in sc.blocks],
        "centre_name": [info["name"][b.centre] for b in sc.blocks],
        "n_kommuner": [len(b.members) for b in sc.blocks],
        "n_merge": [len(b.merging) for b in sc.blocks],
        "n_cooperate": [len(b.cooperating) for b in sc.blocks],
        "merging": [b.merging for b in sc.blocks],
        "cooperating": [b.cooperating for b in sc.blocks],
        "areal_km2": np.bincount(block_group, weights=areal_b, minlength=len(names)),
        "max_travel_minutes_to_centre": b_max,
        "mean_travel_minutes_to_centre": b_mean,
        **_summary(block_table, n_years, thresholds),
        "regionkommune_population_base": regional["population_base"].to_numpy(),
        "regionkommune_population_horizon": regional["population_horizon"].to_numpy(),
    }, index=pd.Index(names, name="block", dtype=object))


def _not_contiguous(sc: Scenario, atlas, params: Parameters) -> list[Notice]:
    adj, pos = geodata.neighbour_matrix(atlas, params)
    return [notice("not_contiguous", block=b.name, kommuner=[sc.names.get(c, c) for c in b.merging])
            for b in sc.blocks
            if len(b.merging) > 1 and not geo.is_connected(adj, [pos[c] for c in b.merging])]


def _cooperation(sc: Scenario, atlas, params: Parameters, base_pop: np.ndarray, lay: _Layout) -> dict[str, dict]:
    """``blocks[].cooperation`` of every block with a cooperation section (:func:`cooperation_result`)."""
    sections = [b for b in sc.blocks if b.cooperation is not None]
    if not sections:
        return {}
    population = dict(zip(lay.scope, base_pop.tolist()))
    coop_params = CooperationParams(params.tree("cooperation"))
    digest, kostra = params.digest("cooperation"), atlas.extra_stamp("kostra")

    def one(b) -> dict:
        key = {"generation": atlas.generation, "params": digest, "kostra": kostra, "centre": b.centre,
               "members": sorted((k, t.value, population[k]) for k, t in b.members.items()),
               "cooperation": b.cooperation.to_dict()}
        return atlas.store.get(BLOCK_COOPERATION, key,
                               lambda: cooperation_result(b, population, coop_params, atlas.extra("kostra")))
    return {b.name: one(b) for b in sections}


def _economy(sc: Scenario, atlas, params: Parameters, by_kommune: pd.DataFrame, key: dict) -> dict[str, dict]:
    """``blocks[].economy`` of every block, each from the store when a block of the same members and tracks
    was computed before on the same population and parameters (:data:`BLOCK_ECONOMY`)."""
    base = {**key, "params": params.digest("projection", "economy"), "scope": None}

    def one(b) -> dict:
        members = sorted((k, t.value) for k, t in b.members.items())
        return atlas.store.get(BLOCK_ECONOMY, base | {"members": members},
                               lambda: block_economy(sc, atlas.kommuner, by_kommune, b, params.economy))
    return {b.name: one(b) for b in sc.blocks}


def evaluate(scenario: Scenario, atlas, params: Parameters | None = None) -> ScenarioResult:
    """Evaluate a scenario on an Atlas: population, age groups, support ratio, area, travel time and criteria.

    The scenario is checked against the Atlas first (ScenarioError listing every problem). ``params``
    defaults to the shipped parameter files; the scenario's ``assumptions`` are applied to them. Per-kommune
    population for base_year..horizon is kept by the Atlas's store, so evaluating edited scenarios (the
    workbench) only regroups it. See :class:`ScenarioResult` for the tables.

    >>> res = evaluate(rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml"), rk.load_atlas())  # doctest: +SKIP
    """
    sc = scenario.resolve(atlas)
    params = scenario_parameters(sc, params)   # bad assumptions fail before any computation
    crit = criteria(params)
    thresholds = crit["min_inhabitants"]
    series = kommune_series(atlas, sc.base_year, sc.horizon, sc.projection, params.projection)
    info = _kommune_info(atlas)
    lay = _layout(sc, atlas, info)
    years = series.years
    values = series.values[series.codes.get_indexer(lay.scope)]                 # (kommuner, years, columns)
    unit_group = np.array([lay.unit_of[c] for c in lay.scope])
    blocked, block_group = lay.blocked, lay.block_group()
    unit_table = _table(_aggregate(values, unit_group, len(lay.unit_ids)), lay.unit_ids, years, "unit")
    block_names = [b.name for b in sc.blocks]
    block_table = _table(_aggregate(values[blocked], block_group, len(block_names)), block_names, years, "block")

    travel = _travel(atlas, sc, params)
    centre_of = {c: b.centre for c, (b, _) in lay.in_block.items()}
    minutes = _minutes_to_centre(travel, lay.scope, centre_of)
    base_pop = values[:, 0, -1]
    areal = np.array([info["areal"][c] for c in lay.scope], dtype=np.float64)
    u_max, u_mean = _travel_stats(minutes, base_pop, unit_group, len(lay.unit_ids))
    b_travel = _travel_stats(minutes[blocked], base_pop[blocked], block_group, len(block_names))

    kommuner = _kommune_table(lay, info, areal, minutes, values)
    units = pd.DataFrame({
        "name": [r[0] for r in lay.unit_rows], "kind": [r[1] for r in lay.unit_rows],
        "block": [r[2] for r in lay.unit_rows], "kommunenummer": [list(r[3]) for r in lay.unit_rows],
        "n_kommuner": [len(r[3]) for r in lay.unit_rows],
        "areal_km2": np.bincount(unit_group, weights=areal, minlength=len(lay.unit_ids)),
        "max_travel_minutes_to_centre": u_max, "mean_travel_minutes_to_centre": u_mean,
        **_summary(unit_table, len(years), thresholds),
    }, index=pd.Index(lay.unit_ids, name="unit", dtype=object))
    blocks = _block_table(sc, info, units, block_table, areal[blocked], block_group, b_travel, len(years), thresholds)

    warnings = list(series.warnings) + _not_contiguous(sc, atlas, params)
    if series.years[-1] < sc.horizon:
        warnings.append(notice("horizon_capped", last=series.years[-1], horizon=sc.horizon))
    # The same for every scenario with this scope and years, so kept by the store; a shallow copy is safe
    # under pandas copy-on-write (a caller's edit copies instead of changing the stored table).
    key = {"generation": atlas.generation, "base_year": sc.base_year, "horizon": sc.horizon,
           "projection": sc.projection, "params": params.digest("projection"), "scope": lay.scope}
    by_kommune = atlas.store.get(BY_KOMMUNE, key, lambda: _table(values, lay.scope, years, "kommunenummer"))
    economy = _economy(sc, atlas, params, by_kommune, key)
    return ScenarioResult(
        scenario=sc, blocks=blocks, units=units, kommuner=kommuner, population_by_unit=unit_table,
        population_by_block=block_table, population_by_kommune=by_kommune.copy(deep=False), years=list(years),
        observed_years=list(series.observed_years), criteria=crit, warnings=warnings, economy=economy,
        attribution=atlas.attribution(), parameters=params, cooperation=_cooperation(sc, atlas, params, base_pop, lay),
    )


def evaluate_files(paths: Sequence[str | Path], params: Parameters | None = None) -> list[ScenarioResult]:
    """Load and evaluate scenario files (each on the Atlas of its own borders), in the given order."""
    from ..data import load_atlas
    from ..scenario import load_scenario
    out = []
    for p in paths:
        sc = load_scenario(p)
        out.append(evaluate(sc, load_atlas(sc.borders), params))
    return out
