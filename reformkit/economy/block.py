"""The economy of one kommuneblokk for the result document (``blocks[].economy``) and its waterfall table."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .._io import json_number
from .demography import AGE_LABELS, SERVICES, as_age_table, expenditure_need
from .merger import (COMPONENTS, cooperation_savings, has_storbytilskudd, merger_schedule, present_value,
                     regional_loss)
from .params import EconomyParams, apply_assumptions, files_stamp, load_economy_params

#: Norwegian labels of the merger components, in waterfall order.
COMPONENT_LABELS_NB = {
    "lost_basis": "Tapt basistilskudd",
    "lost_regional": "Tapte regionale tilskudd",
    "inndelingstilskudd": "Inndelingstilskudd",
    "regionsenter": "Regionsentertilskudd",
    "one_off": "Engangstilskudd og reformstøtte",
    "admin_savings": "Administrativ innsparing",
}

_USED_PARAMS = ["cost_key.age", "cost_key.basis", "service_split", "smakommunetilskudd", "distriktstilskudd",
                "nord_norge", "regionsenter", "inndelingstilskudd", "engangstilskudd", "reformstotte", "merger",
                "admin_savings", "cooperation", "discount_rate"]


def _default_params() -> EconomyParams:
    # keyed on the files' modification times, so a running workbench sees an edited parameter file
    return _params_at(files_stamp())


@lru_cache(maxsize=4)
def _params_at(stamp: tuple) -> EconomyParams:
    return load_economy_params()


def scenario_params(scenario: Any) -> EconomyParams:
    """The economy parameters with the scenario's ``assumptions`` applied (ParameterError on a bad name)."""
    origin = str(getattr(scenario, "path", None) or getattr(scenario, "source", None)
                 or f"scenario {getattr(scenario, 'name', '?')!r}")
    return apply_assumptions(_default_params(), getattr(scenario, "assumptions", None) or {}, origin)


def _track(value: Any) -> str:
    return str(getattr(value, "value", value)).lower()


def _by_year(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """{"<year>": {column: whole kroner}} of a frame indexed by year (-0.0 shown as 0.0)."""
    values = np.round(frame.to_numpy(dtype=np.float64), 0) + 0.0
    cols = list(frame.columns)
    return {str(int(y)): dict(zip(cols, row)) for y, row in zip(frame.index, values.tolist())}


def block_economy(scenario: Any, atlas: Any, pop: pd.DataFrame, block: Any,
                  params: EconomyParams | None = None) -> dict:
    """``blocks[].economy`` for one block of ``scenario``.

    ``pop``: population for every year base_year..horizon — long (kommunenummer, year, age, [sex], population,
    e.g. :func:`reformkit.population.population_series`) or the age-group table of
    :func:`reformkit.population.age_group_table`. ``atlas`` gives each kommune's fylke (Nord-Norge zones).
    ``params`` default: the parameter files with the scenario's ``assumptions`` applied.

    Returns a JSON-ready dict: ``expenditure_need_change`` (year -> kr, the whole block),
    ``expenditure_need`` (year -> per service, total, per inhabitant), ``merger`` (year -> lost_basis,
    lost_regional, inndelingstilskudd, regionsenter, one_off, admin_savings, net; empty when fewer than two
    kommuner merge), ``present_value`` (net, kr, discounted to base_year), ``present_value_components``,
    ``cooperation`` (savings of the cooperation track or its status), ``not_computed`` and ``notes``
    (Norwegian), and ``parameters`` (the values used, with sources). Years are string keys.
    """
    params = params or scenario_params(scenario)
    base, horizon = int(scenario.base_year), int(scenario.horizon)
    members = {str(k): _track(t) for k, t in block.members.items()}
    merge = [k for k, t in members.items() if t == "merge"]
    coop = [k for k, t in members.items() if t == "cooperate"]
    table = as_age_table(pop, list(members))
    table = table[(table.index.get_level_values(1) >= base) & (table.index.get_level_values(1) <= horizon)]
    # the need is linear in persons: the block's need is the need of its summed age groups
    block_ages = table[list(AGE_LABELS)].groupby(level=1).sum()
    block_ages.index = pd.MultiIndex.from_product([[block.name], block_ages.index], names=["unit", "year"])
    block_need = expenditure_need(block_ages, params, base_year=base).set_index("year")
    not_computed: list[str] = []
    notes = ["Utgiftsbehovet er alderskriteriene i kostnadsnøkkelen (enhetsbeløp 2023) × innbyggere; en kommune "
             "med enhetskostnader over landsgjennomsnittet får større press enn tallene viser."]
    doc: dict[str, Any] = {
        "expenditure_need_change": {y: v["change_total"] for y, v in _by_year(block_need[["change_total"]]).items()},
        "expenditure_need": _by_year(block_need[[*SERVICES, "total", "per_inhabitant"]]),
        "merger": {}, "present_value": 0.0, "present_value_components": {},
    }
    start = base + int(params.get("merger.start_offset_years"))
    rate = float(params.get("discount_rate"))
    if len(merge) >= 2:
        totals = table["total"] if "total" in table.columns else table[list(AGE_LABELS)].sum(axis=1)
        merged = totals[totals.index.get_level_values(0).isin(merge)].groupby(level=1).sum()
        member_base = totals[(totals.index.get_level_values(0).isin(merge))
                             & (totals.index.get_level_values(1) == base)].droplevel(1)
        fylke = atlas.kommuner["fylkesnummer"].astype(str).to_dict() if atlas is not None else {}
        zones = params.get("nord_norge.zone_of_fylke")
        member_zone = {k: zones.get(fylke.get(k)) for k in merge}
        regional = regional_loss({k: float(member_base.get(k, 0.0)) for k in merge}, member_zone, params)
        not_computed += regional.not_computed
        notes += regional.notes
        if any(fylke.get(k) == "50" for k in merge):   # Namdalen is part of Trøndelag; its kommuner are not listed
            not_computed.append("Nord-Norge-tilskudd i Namdalen: hvilke trønderske kommuner som får det, står ikke "
                                "i dataene (ikke beregnet)")
        sched = merger_schedule(len(merge), {int(y): float(v) for y, v in merged.items()}, start, params,
                                regional, base_population=float(merged.get(base, merged.iloc[0])), members=merge)
        doc["merger"] = _by_year(sched[[*COMPONENTS, "net"]])
        doc["present_value"] = json_number(present_value(sched["net"], base, rate), 0)
        doc["present_value_components"] = {c: json_number(present_value(sched[c], base, rate), 0) for c in COMPONENTS}
        doc["regionkommune_kommuner"] = len(merge)
        storby = has_storbytilskudd(merge, params)
        if storby:
            names = atlas.kommuner["kommunenavn_kort"].astype(str).to_dict() if atlas is not None else {}
            notes.append("Ingen regionsentertilskudd: " + ", ".join(f"{names.get(k, k)} ({k})" for k in storby)
                         + " får storbytilskudd, og de to tilskuddene gis ikke sammen.")
        if sched.index.max() > horizon:
            notes.append(f"Innbyggertallet etter {horizon} holdes fast på nivået i {horizon} (regionsentertilskudd).")
        notes.append("Basistilskuddet er regnet uten gradering etter strukturkriteriet; beløpene står i kroner "
                     "for parameterårene (2021–2023) uten prisjustering.")
        if regional.not_computed:
            notes.append("Inndelingstilskuddet kompenserer tapte regionale tilskudd i 15 år; tapet som ikke er "
                         "beregnet, kommer derfor først til syne etter år 15.")
    else:
        notes.append("Færre enn to kommuner på sammenslåingssporet: ingen sammenslåingsøkonomi.")
    coop_series = cooperation_savings(len(coop), list(range(start, start + int(params.get("merger.analysis_years")))),
                                      start, params) if coop else None
    if coop and coop_series is None:
        doc["cooperation"] = {"status": "ikke beregnet", "kommuner": len(coop),
                              "reason": "Innsparing per tjeneste og antall tjenester i samarbeidet er ikke kjent; "
                                        "sett cooperation.saving_per_service_per_kommune og "
                                        "cooperation.services_in_cooperation i scenarioets assumptions."}
        not_computed.append("Samarbeidssporet: innsparing per tjeneste er ikke kjent (ikke beregnet)")
    elif coop:
        doc["cooperation"] = {"status": "beregnet", "kommuner": len(coop),
                              "savings": {str(y): json_number(v, 0) for y, v in coop_series.items()},
                              "present_value": json_number(present_value(coop_series, base, rate), 0)}
    else:
        doc["cooperation"] = {"status": "ingen kommuner på samarbeidssporet", "kommuner": 0}
    doc["not_computed"] = not_computed
    doc["notes"] = notes
    doc["parameters"] = params.used(_USED_PARAMS)
    return doc


def scenario_economy(scenario: Any, atlas: Any, pop: pd.DataFrame) -> list[dict]:
    """:func:`block_economy` for every block of ``scenario`` (parameters loaded and overridden once)."""
    params = scenario_params(scenario)
    return [block_economy(scenario, atlas, pop, b, params) for b in scenario.blocks]


def waterfall_table(economy: dict, year: int | str | None = None) -> pd.DataFrame:
    """Waterfall-ready table of a block's merger economics: columns step (Norwegian label), amount (kr), kind.

    ``year=None`` uses present values (discounted to the base year) and ends with "Netto nåverdi"; a year
    uses that year's amounts and ends with "Netto <year>". ``kind`` is "delta" for components and "total" for
    the last row. An empty table when the block has no merger.
    """
    if not economy.get("merger"):
        return pd.DataFrame(columns=["step", "amount", "kind"])
    if year is None:
        values = economy["present_value_components"]
        total_label, total = "Netto nåverdi", economy["present_value"]
    else:
        values = economy["merger"][str(year)]
        total_label, total = f"Netto {year}", values["net"]
    rows = [{"step": COMPONENT_LABELS_NB[c], "amount": float(values[c]), "kind": "delta"} for c in COMPONENTS]
    rows.append({"step": total_label, "amount": float(total), "kind": "total"})
    return pd.DataFrame(rows)


def expenditure_need_tables(result: Any, params: EconomyParams | None = None) -> dict[str, pd.DataFrame]:
    """The demographic expenditure need of an evaluated scenario for every kommune, unit and block.

    ``result``: a :class:`reformkit.evaluate.ScenarioResult`. Returns ``{"kommuner", "units", "blocks"}`` ->
    :func:`reformkit.economy.expenditure_need` tables (base year = the scenario's base year).
    """
    params = params or scenario_params(result.scenario)
    base = int(result.scenario.base_year)
    return {name: expenditure_need(getattr(result, attr), params, base_year=base)
            for name, attr in (("kommuner", "population_by_kommune"), ("units", "population_by_unit"),
                               ("blocks", "population_by_block"))}
