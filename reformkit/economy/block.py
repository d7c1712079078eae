"""The economy of one kommuneblokk for the result document (``blocks[].economy``) and its waterfall table."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._io import json_number
from ..notices import Notice, notice
from ..params import load_parameters
from .demography import AGE_LABELS, SERVICES, as_age_table, expenditure_need
from .merger import COMPONENTS, has_storbytilskudd, merger_schedule, present_value, regional_loss
from .params import EconomyParams

_USED_PARAMS = ["cost_key.age", "cost_key.basis", "service_split", "smakommunetilskudd", "distriktstilskudd",
                "nord_norge", "regionsenter", "inndelingstilskudd", "engangstilskudd", "reformstotte", "merger",
                "admin_savings", "discount_rate"]


def _track(value: Any) -> str:
    return str(getattr(value, "value", value)).lower()


def _by_year(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """{"<year>": {column: whole kroner}} of a frame indexed by year (-0.0 shown as 0.0)."""
    values = np.round(frame.to_numpy(dtype=np.float64), 0) + 0.0
    cols = list(frame.columns)
    return {str(int(y)): dict(zip(cols, row)) for y, row in zip(frame.index, values.tolist())}


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
    table = as_age_table(pop, list(members))
    table = table[(table.index.get_level_values(1) >= base) & (table.index.get_level_values(1) <= horizon)]
    # the need is linear in persons: the block's need is the need of its summed age groups
    block_ages = table[list(AGE_LABELS)].groupby(level=1).sum()
    block_ages.index = pd.MultiIndex.from_product([[block.name], block_ages.index], names=["unit", "year"])
    block_need = expenditure_need(block_ages, params, base_year=base).set_index("year")
    doc: dict[str, Any] = {
        "expenditure_need_change": {y: v["change_total"] for y, v in _by_year(block_need[["change_total"]]).items()},
        "expenditure_need": _by_year(block_need[[*SERVICES, "total", "per_inhabitant"]]),
        "merger": {}, "present_value": 0.0, "present_value_components": {},
        "not_computed": [], "notes": [notice("need_from_age_criteria")],
    }
    if len(merge) >= 2:
        _merger(doc, table, merge, kommuner, params, base, horizon)
    else:
        doc["notes"].append(notice("no_merger"))
    doc["parameters"] = params.used(_USED_PARAMS)
    return doc


def _merger(doc: dict, table: pd.DataFrame, merge: list[str], kommuner: pd.DataFrame, params: EconomyParams,
            base: int, horizon: int) -> None:
    """Fill ``doc`` with the merger's yearly schedule, present values and what could not be computed."""
    not_computed: list[Notice] = doc["not_computed"]
    notes: list[Notice] = doc["notes"]
    start = base + int(params.get("merger.start_offset_years"))
    rate = float(params.get("discount_rate"))
    totals = table["total"] if "total" in table.columns else table[list(AGE_LABELS)].sum(axis=1)
    in_merge = totals.index.get_level_values(0).isin(merge)
    merged = totals[in_merge].groupby(level=1).sum()
    member_base = totals[in_merge & (totals.index.get_level_values(1) == base)].droplevel(1)
    # only the merging kommuner: converting the whole column costs milliseconds in every workshop edit
    fylke = {k: str(kommuner.at[k, "fylkesnummer"]) for k in merge if k in kommuner.index}
    zones = params.get("nord_norge.zone_of_fylke")
    regional = regional_loss({k: float(member_base.get(k, 0.0)) for k in merge},
                             {k: zones.get(fylke.get(k)) for k in merge}, params)
    not_computed += regional.not_computed
    notes += regional.notes
    if any(fylke.get(k) in params.get("nord_norge.partial_zone_fylker") for k in merge):
        not_computed.append(notice("nord_norge_partial_zone"))
    sched = merger_schedule(len(merge), {int(y): float(v) for y, v in merged.items()}, start, params,
                            regional, base_population=float(merged.get(base, merged.iloc[0])), members=merge)
    doc["merger"] = _by_year(sched[[*COMPONENTS, "net"]])
    doc["present_value"] = json_number(present_value(sched["net"], base, rate), 0)
    doc["present_value_components"] = {c: json_number(present_value(sched[c], base, rate), 0) for c in COMPONENTS}
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
