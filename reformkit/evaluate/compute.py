"""evaluate(scenario, atlas): population, age structure, area, travel time and criteria per block and unit."""
from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd

from ..economy import block_economy, scenario_params
from ..errors import ParameterError, ReformkitError
from ..geo import adjacency_lists, travel_minutes
from ..params import read_param_file
from ..paths import PARAMS_DIR
from ..population import old_age_support_ratio
from ..scenario import Scenario, Track
from .result import ScenarioResult
from .series import COLUMNS, kommune_series

KIND_LABELS = {"regionkommune": "regionkommune", "cooperating": "samarbeidskommune", "outside": "utenfor blokk"}


def criteria() -> dict:
    """The population thresholds flagged, with their source (data/params/criteria.yaml)."""
    values, raw = read_param_file(PARAMS_DIR / "criteria.yaml")  # memoised per file version, returns copies
    leaf = raw["population"]["min_inhabitants"]
    return {"min_inhabitants": [int(n) for n in values["population"]["min_inhabitants"]],
            "source": " ".join(str(leaf["source"]).split())}


def _travel(atlas, scenario: Scenario) -> tuple[pd.DataFrame | None, str | None]:
    overrides = scenario.assumptions.get("travel")
    try:
        return travel_minutes(atlas, params=dict(overrides) if overrides else None), None
    except ReformkitError as exc:  # name the scenario whose assumptions are at fault
        origin = scenario.source or scenario.name
        problems = None if exc.problems == [exc.message] else exc.problems
        raise ParameterError(f"{origin}: assumptions.travel: {exc.message}", problems) from None


def _kommune_info(atlas) -> dict:
    """Plain look-ups per kommune (names, fylke, area, position), memoised: evaluate runs per edit."""
    def build() -> dict:
        k = atlas.kommuner
        return {"name": dict(zip(k.index, k["kommunenavn"].astype(object))),
                "short": dict(zip(k.index, k["kommunenavn_kort"].astype(object))),
                "fylke": dict(zip(k.index, k["fylkesnummer"].astype(object))),
                "areal": dict(zip(k.index, k["areal_km2"].astype(float)))}
    return atlas.cached("evaluate.kommune_info", build)


def _minutes_to_centre(atlas, travel: pd.DataFrame, scope: list[str], centre_of: dict[str, str]) -> np.ndarray:
    matrix = atlas.cached(repr(("evaluate.travel_array", id(travel))),
                          lambda: (travel.to_numpy(dtype=np.float64), {c: i for i, c in enumerate(travel.index)}))
    values, pos = matrix
    out = np.full(len(scope), np.nan)
    for i, c in enumerate(scope):
        if c in centre_of:
            out[i] = values[pos[c], pos[centre_of[c]]]
    return out


def _contiguous(codes: list[str], adjacency: dict[str, list[str]]) -> bool:
    wanted = set(codes)
    seen, todo = {codes[0]}, deque([codes[0]])
    while todo:
        for nb in adjacency.get(todo.popleft(), ()):
            if nb in wanted and nb not in seen:
                seen.add(nb)
                todo.append(nb)
    return seen == wanted


def _table(values: np.ndarray, ids: list[str], years: list[int], name: str) -> pd.DataFrame:
    """(n, years, columns) array -> DataFrame indexed (id, year) with the support ratio and 80+ share added."""
    flat = values.reshape(len(ids) * len(years), len(COLUMNS))
    ratio = old_age_support_ratio(pd.DataFrame(flat, columns=COLUMNS, copy=False)).to_numpy(dtype=np.float64)
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


def evaluate(scenario: Scenario, atlas) -> ScenarioResult:
    """Evaluate a scenario on an Atlas: population, age groups, support ratio, area, travel time and criteria.

    The scenario is checked against the Atlas first (ScenarioError listing every problem). Per-kommune
    population for base_year..horizon is memoised on the Atlas, so evaluating edited scenarios (the workbench)
    only regroups it. Travel times come from :func:`reformkit.geo.travel_minutes`; the scenario's
    ``assumptions.travel`` overrides its parameters. See :class:`ScenarioResult` for the tables.

    >>> res = evaluate(rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml"), rk.load_atlas())  # doctest: +SKIP
    >>> res.kommuner_before, res.kommuner_after                                                   # doctest: +SKIP
    (27, 18)
    """
    sc = scenario.resolve(atlas)
    econ_params = scenario_params(sc)  # issue 7: bad economy assumptions fail before any computation
    crit = criteria()
    thresholds = crit["min_inhabitants"]
    series = kommune_series(atlas, sc.base_year, sc.horizon, sc.projection)
    warnings = list(series.warnings)
    info = _kommune_info(atlas)

    # ---- scope and the units after the reform ----
    in_block = {c: (b, t) for b in sc.blocks for c, t in b.members.items()}
    if sc.area:
        scope = sorted(set(atlas.in_fylke(sc.area)) | set(in_block))
    else:
        scope = list(atlas.codes)
    unit_ids, unit_rows = [], []
    unit_of: dict[str, int] = {}
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
    block_names = [b.name for b in sc.blocks]
    block_pos = {b.name: i for i, b in enumerate(sc.blocks)}

    # ---- population arrays ----
    pos = series.codes.get_indexer(scope)
    values = series.values[pos]                                   # (kommuner, years, columns)
    unit_group = np.array([unit_of[c] for c in scope])
    blocked = np.array([c in in_block for c in scope])
    block_group = np.array([block_pos[in_block[c][0].name] for c in scope if c in in_block], dtype=np.int64)
    unit_values = _aggregate(values, unit_group, len(unit_ids))
    block_values = _aggregate(values[blocked], block_group, len(block_names))
    years = series.years
    unit_table = _table(unit_values, unit_ids, years, "unit")
    block_table = _table(block_values, block_names, years, "block")

    # ---- travel time to the block centre ----
    travel, note = _travel(atlas, sc)
    if note:
        warnings.append(note)
    centre_of = {c: b.centre for c, (b, _) in in_block.items()}
    minutes = (_minutes_to_centre(atlas, travel, scope, centre_of) if travel is not None
               else np.full(len(scope), np.nan))
    base_pop = values[:, 0, -1]
    areal = np.array([info["areal"][c] for c in scope], dtype=np.float64)
    u_max, u_mean = _travel_stats(minutes, base_pop, unit_group, len(unit_ids))
    b_max, b_mean = _travel_stats(minutes[blocked], base_pop[blocked], block_group, len(block_names))

    # ---- tables ----
    kommuner = pd.DataFrame({
        "kommunenavn": [info["name"][c] for c in scope],
        "kommunenavn_kort": [info["short"][c] for c in scope],
        "fylkesnummer": [info["fylke"][c] for c in scope],
        "block": [in_block[c][0].name if c in in_block else None for c in scope],
        "track": [in_block[c][1].value if c in in_block else None for c in scope],
        "unit": [unit_ids[unit_of[c]] for c in scope],
        "is_centre": [c in in_block and in_block[c][0].centre == c for c in scope],
        "areal_km2": areal,
        "travel_minutes_to_centre": minutes,
        "population_base": values[:, 0, -1],
        "population_horizon": values[:, -1, -1],
    }, index=pd.Index(scope, name="kommunenummer", dtype=object))

    units = pd.DataFrame({
        "name": [r[0] for r in unit_rows],
        "kind": [r[1] for r in unit_rows],
        "kind_label": [KIND_LABELS[r[1]] for r in unit_rows],
        "block": [r[2] for r in unit_rows],
        "kommunenummer": [list(r[3]) for r in unit_rows],
        "n_kommuner": [len(r[3]) for r in unit_rows],
        "areal_km2": np.bincount(unit_group, weights=areal, minlength=len(unit_ids)),
        "max_travel_minutes_to_centre": u_max,
        "mean_travel_minutes_to_centre": u_mean,
        **_summary(unit_table, len(years), thresholds),
    }, index=pd.Index(unit_ids, name="unit", dtype=object))

    regional = units.loc[block_names]
    blocks = pd.DataFrame({
        "centre": [b.centre for b in sc.blocks],
        "centre_name": [info["name"][b.centre] for b in sc.blocks],
        "n_kommuner": [len(b.members) for b in sc.blocks],
        "n_merge": [len(b.merging) for b in sc.blocks],
        "n_cooperate": [len(b.cooperating) for b in sc.blocks],
        "merging": [b.merging for b in sc.blocks],
        "cooperating": [b.cooperating for b in sc.blocks],
        "areal_km2": np.bincount(block_group, weights=areal[blocked], minlength=len(block_names)),
        "max_travel_minutes_to_centre": b_max,
        "mean_travel_minutes_to_centre": b_mean,
        **_summary(block_table, len(years), thresholds),
        "regionkommune_population_base": regional["population_base"].to_numpy(),
        "regionkommune_population_horizon": regional["population_horizon"].to_numpy(),
    }, index=pd.Index(block_names, name="block", dtype=object))

    adjacency = atlas.cached("evaluate.adjacency", lambda: adjacency_lists(atlas.neighbours, atlas.codes))
    for b in sc.blocks:
        if len(b.merging) > 1 and not _contiguous(b.merging, adjacency):
            warnings.append(f"Regionkommunen i blokk «{b.name}» henger ikke sammen geografisk (heller ikke over "
                            f"sjø): {', '.join(sc.names.get(c, c) for c in b.merging)}.")
    if series.years[-1] < sc.horizon:
        warnings.append(f"Tallene for «horisont» gjelder {series.years[-1]}, ikke {sc.horizon}.")

    # The same for every scenario with this scope and years, so memoised; a shallow copy is safe under
    # pandas copy-on-write (a caller's edit copies instead of changing the memo).
    by_kommune = atlas.cached(repr(("evaluate.by_kommune", sc.base_year, sc.horizon, sc.projection, tuple(scope))),
                              lambda: _table(values, scope, years, "kommunenummer")).copy(deep=False)
    # Filled by reformkit.economy (issue 7): block_economy(scenario, atlas, population, block) per block.
    economy: dict[str, dict] = {b.name: block_economy(sc, atlas, by_kommune, b, econ_params) for b in sc.blocks}
    return ScenarioResult(
        scenario=sc, blocks=blocks, units=units, kommuner=kommuner,
        population_by_unit=unit_table,
        population_by_block=block_table,
        population_by_kommune=by_kommune,
        years=list(years), observed_years=list(series.observed_years), criteria=crit,
        warnings=warnings, economy=economy, attribution=atlas.attribution(),
    )
