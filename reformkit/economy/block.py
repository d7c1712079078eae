"""The economy of one kommuneblokk for the result document (``blocks[].economy``) and its waterfall table."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._io import json_number
from ..errors import DataError
from ..notices import Notice, notice
from ..params import load_parameters
from .demography import AGE_LABELS, SERVICES, as_age_table, expenditure_need, service_matrix
from .merger import COMPONENTS, has_storbytilskudd, merger_schedule, present_values, regional_loss
from .params import EconomyParams

_USED_PARAMS = ["cost_key.age", "cost_key.basis", "service_split", "smakommunetilskudd", "distriktstilskudd",
                "nord_norge", "regionsenter", "inndelingstilskudd", "engangstilskudd", "reformstotte", "merger",
                "admin_savings", "discount_rate"]


def _track(value: Any) -> str:
    return str(getattr(value, "value", value)).lower()


def _by_year(years, columns: list[str], values: np.ndarray) -> dict[str, dict[str, float]]:
    """{"<year>": {column: whole kroner}} of a (years × columns) array (-0.0 shown as 0.0)."""
    rounded = np.round(np.asarray(values, dtype=np.float64), 0) + 0.0
    return {str(int(y)): dict(zip(columns, row)) for y, row in zip(years, rounded.tolist())}


@dataclass(frozen=True)
class _Rows:
    """The block's age-group rows base..horizon as arrays (one row per kommune and year)."""

    units: np.ndarray      # kommunenummer
    years: np.ndarray      # int
    persons: np.ndarray    # (rows × age groups)
    totals: np.ndarray     # inhabitants

    @classmethod
    def of(cls, pop: pd.DataFrame, members: list[str], base: int, horizon: int) -> _Rows:
        """The rows of ``members`` (see :func:`block_economy` for ``pop``), selected on the index codes."""
        table = (pop if isinstance(pop.index, pd.MultiIndex) and set(AGE_LABELS) <= set(pop.columns)
                 else as_age_table(pop, members))
        index = table.index
        units, codes = np.asarray(index.levels[0], dtype=object), np.asarray(index.codes[0])
        wanted = index.levels[0].get_indexer(members)
        years = index.levels[1].to_numpy().astype(np.int64)[index.codes[1]]
        keep = np.isin(codes, wanted[wanted >= 0]) & (years >= base) & (years <= horizon)
        values = table.to_numpy(dtype=np.float64)[keep]
        persons = values[:, table.columns.get_indexer(list(AGE_LABELS))]
        totals = values[:, table.columns.get_loc("total")] if "total" in table.columns else persons.sum(axis=1)
        return cls(units[codes[keep]].astype(str), years[keep], persons, totals)

    def by_year(self, values: np.ndarray, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(years, sums of ``values`` per year) over ``rows`` (a mask; default all)."""
        years = self.years if rows is None else self.years[rows]
        values = values if rows is None else values[rows]
        uniques, at = np.unique(years, return_inverse=True)
        sums = np.zeros((len(uniques),) + values.shape[1:])
        np.add.at(sums, at, values)
        return uniques, sums


def _need(rows: _Rows, params: EconomyParams, base: int) -> dict[str, dict]:
    """The block's expenditure need by year (:func:`expenditure_need` of its summed age groups, which is
    linear in persons), and its change from ``base``."""
    years, ages = rows.by_year(rows.persons)
    if base not in set(years.tolist()):
        raise DataError(f"expenditure need: base year {base} is not in the population table "
                        f"({years.min()}–{years.max()})")
    need = ages @ service_matrix(params)
    population, total = ages.sum(axis=1), need.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_inhabitant = np.where(population > 0, total / population, np.nan)
    change = total - total[int(np.flatnonzero(years == base)[0])]
    return {"expenditure_need_change": {y: v["change_total"] for y, v in
                                        _by_year(years, ["change_total"], change[:, None]).items()},
            "expenditure_need": _by_year(years, [*SERVICES, "total", "per_inhabitant"],
                                         np.column_stack([need, total, per_inhabitant]))}


def block_economy(scenario: Any, kommuner: pd.DataFrame, pop: pd.DataFrame, block: Any,
                  params: EconomyParams | None = None) -> dict:
    """``blocks[].economy`` for one block of ``scenario``.

    ``pop``: population for every year base_year..horizon — long (kommunenummer, year, age, [sex], population,
    e.g. :func:`reformkit.population.population_series`) or the age-group table of
    :func:`reformkit.population.age_group_table`. ``kommuner`` (indexed by kommunenummer, with fylkesnummer and
    kommunenavn_kort) gives each kommune's fylke (Nord-Norge zones) and name. ``params``: the economy group
    (default: the shipped files with the scenario's ``assumptions`` applied).

    Returns a JSON-ready dict: ``expenditure_need_change`` (year -> kr, the whole block),
    ``expenditure_need`` (year -> per service, total, per inhabitant), ``merger`` (year -> lost_basis,
    lost_regional, inndelingstilskudd, regionsenter, one_off, admin_savings, net; empty when fewer than two
    kommuner merge), ``present_value`` (net, kr, discounted to base_year), ``present_value_components``,
    ``not_computed`` and ``notes`` (:class:`~reformkit.notices.Notice` lists, worded by the narrative), and
    ``parameters`` (the values used, with sources; None for an unknown value). Years are string keys. The
    cooperation track's money is in ``blocks[].cooperation`` (:mod:`reformkit.cooperation`).
    """
    if params is None:
        origin = getattr(scenario, "source", None) or f"scenario '{scenario.name}'"
        params = load_parameters().with_assumptions(scenario.assumptions, origin).economy
    base, horizon = int(scenario.base_year), int(scenario.horizon)
    members = {str(k): _track(t) for k, t in block.members.items()}
    merge = [k for k, t in members.items() if t == "merge"]
    # arrays, not frames: the workshop evaluates this on every edit (benchmarks/bench_workshop.py)
    rows = _Rows.of(pop, list(members), base, horizon)
    doc: dict[str, Any] = {
        **_need(rows, params, base),
        "merger": {}, "present_value": 0.0, "present_value_components": {},
        "not_computed": [], "notes": [notice("need_from_age_criteria")],
    }
    if len(merge) >= 2:
        _merger(doc, rows, merge, kommuner, params, base, horizon)
    else:
        doc["notes"].append(notice("no_merger"))
    doc["parameters"] = params.used(_USED_PARAMS)
    return doc


def _merger(doc: dict, rows: _Rows, merge: list[str], kommuner: pd.DataFrame, params: EconomyParams,
            base: int, horizon: int) -> None:
    """Fill ``doc`` with the merger's yearly schedule, present values and what could not be computed."""
    not_computed: list[Notice] = doc["not_computed"]
    notes: list[Notice] = doc["notes"]
    start = base + int(params.get("merger.start_offset_years"))
    rate = float(params.get("discount_rate"))
    in_merge = np.isin(rows.units, merge)
    years, merged = rows.by_year(rows.totals, in_merge)
    at_base = in_merge & (rows.years == base)
    member_base = dict(zip(rows.units[at_base].tolist(), rows.totals[at_base].tolist()))
    # only the merging kommuner: converting the whole column costs milliseconds in every workshop edit
    fylke = {k: str(kommuner.at[k, "fylkesnummer"]) for k in merge if k in kommuner.index}
    zones = params.get("nord_norge.zone_of_fylke")
    regional = regional_loss({k: float(member_base.get(k, 0.0)) for k in merge},
                             {k: zones.get(fylke.get(k)) for k in merge}, params)
    not_computed += regional.not_computed
    notes += regional.notes
    if any(fylke.get(k) in params.get("nord_norge.partial_zone_fylker") for k in merge):
        not_computed.append(notice("nord_norge_partial_zone"))
    by_year = dict(zip(years.tolist(), merged.tolist()))
    sched = merger_schedule(len(merge), by_year, start, params, regional,
                            base_population=float(by_year.get(base, merged[0])), members=merge)
    columns = [*COMPONENTS, "net"]
    amounts = sched[columns].to_numpy(dtype=np.float64)
    doc["merger"] = _by_year(sched.index, columns, amounts)
    values = dict(zip(columns, present_values(amounts, sched.index.to_numpy(), base, rate).tolist()))
    doc["present_value"] = json_number(values["net"], 0)
    doc["present_value_components"] = {c: json_number(values[c], 0) for c in COMPONENTS}
    doc["regionkommune_kommuner"] = len(merge)
    storby = has_storbytilskudd(merge, params)
    if storby:
        names = {k: str(kommuner.at[k, "kommunenavn_kort"]) for k in storby if k in kommuner.index}
        notes.append(notice("no_regionsenter_storby", kommuner=[[k, names.get(k, k)] for k in storby]))
    if sched.index.max() > horizon:
        notes.append(notice("population_held_after", year=horizon))
    notes.append(notice("basis_ungraded"))
    if regional.not_computed:
        notes.append(notice("regional_loss_after", years=int(params.get("inndelingstilskudd.full_years"))))


def waterfall_table(economy: dict, year: int | str | None = None) -> pd.DataFrame:
    """Waterfall-ready table of a block's merger economics: columns step (component code, then ``net``),
    amount (kr), kind ("delta" for components, "total" for the net row).

    ``year=None`` uses present values (discounted to the base year); a year uses that year's amounts. An empty
    table when the block has no merger. The narrative labels the steps.
    """
    if not economy.get("merger"):
        return pd.DataFrame(columns=["step", "amount", "kind"])
    values = economy["present_value_components"] if year is None else economy["merger"][str(year)]
    total = economy["present_value"] if year is None else values["net"]
    rows = [{"step": c, "amount": float(values[c]), "kind": "delta"} for c in COMPONENTS]
    rows.append({"step": "net", "amount": float(total), "kind": "total"})
    return pd.DataFrame(rows)


def expenditure_need_tables(result: Any, params: EconomyParams) -> dict[str, pd.DataFrame]:
    """The demographic expenditure need of an evaluated scenario for every kommune, unit and block.

    ``result``: a :class:`reformkit.evaluate.ScenarioResult`. Returns ``{"kommuner", "units", "blocks"}`` ->
    :func:`reformkit.economy.expenditure_need` tables (base year = the scenario's base year).
    """
    base = int(result.scenario.base_year)
    return {name: expenditure_need(getattr(result, attr), params, base_year=base)
            for name, attr in (("kommuner", "population_by_kommune"), ("units", "population_by_unit"),
                               ("blocks", "population_by_block"))}
