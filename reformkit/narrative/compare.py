"""Several scenarios side by side: one row per scenario with the figures that separate the options."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pandas as pd

from ..fmt import nb_float, nb_int, nb_mill, nb_minutes
from .labels import NOT_COMPUTED

if TYPE_CHECKING:
    from ..evaluate.result import ScenarioResult


def area_support_ratio(res: ScenarioResult, year: int) -> float:
    """Old-age support ratio of all units of a result together in ``year`` (16–66 per 67+)."""
    pu = res.population_by_unit.xs(year, level="year")
    working = (pu["16-22"] + pu["23-66"]).sum()
    old = (pu["67-79"] + pu["80-89"] + pu["90+"]).sum()
    return float(working / old) if old else float("nan")


def figures(res: ScenarioResult) -> dict:
    """The raw comparison figures of one result."""
    base, last = res.years[0], res.years[-1]
    u = res.units
    inner = u[u["kind"] != "outside"]
    smallest = inner.sort_values("population_horizon").iloc[0] if len(inner) else None
    econ = [res.economy.get(b) or {} for b in res.blocks.index]
    pv = [e["present_value"] for e in econ if e.get("merger") and e.get("present_value") is not None]
    computed = any(econ)
    return {
        "name": res.scenario.name, "borders": res.scenario.borders, "base": base, "horizon": last,
        "blocks": len(res.blocks), "before": res.kommuner_before, "after": res.kommuner_after,
        "smallest_name": None if smallest is None else smallest["name"],
        "smallest_pop": float("nan") if smallest is None else float(smallest["population_horizon"]),
        "max_travel": float(res.blocks["max_travel_minutes_to_centre"].max()),
        "support_base": area_support_ratio(res, base), "support_horizon": area_support_ratio(res, last),
        "economy_pv": float(sum(pv)) if pv else (0.0 if computed else float("nan")),
        "economy_computed": computed,
        "under_min": int((inner[f"under_{res.thresholds[0]}_horizon"]).sum()) if res.thresholds else 0,
        "threshold": res.thresholds[0] if res.thresholds else None,
    }


def compare_table(results: Sequence) -> pd.DataFrame:
    """One row per scenario, Norwegian headers, formatted numbers."""
    rows = []
    for res in results:
        f = figures(res)
        rows.append({
            "Scenario": f["name"], "Grenser": f["borders"], "År": f"{f['base']}–{f['horizon']}",
            "Blokker": f["blocks"], "Kommuner før": f["before"], "Kommuner etter": f["after"],
            "Minste kommune etter reform": f"{f['smallest_name']} ({nb_int(f['smallest_pop'])})",
            f"Under {nb_int(f['threshold'])}" if f["threshold"] else "Under grense": f["under_min"],
            "Maks reisetid": nb_minutes(f["max_travel"]),
            "Bæreevne start": nb_float(f["support_base"], 2), "Bæreevne horisont": nb_float(f["support_horizon"], 2),
            "Netto nåverdi sammenslåing": nb_mill(f["economy_pv"]) if f["economy_computed"] else NOT_COMPUTED,
        })
    return pd.DataFrame(rows)


def compare_long(results: Sequence) -> pd.DataFrame:
    """Raw figures per scenario for charts: name, after, smallest_pop, max_travel, support_horizon, economy_pv."""
    return pd.DataFrame([figures(r) for r in results])


def compare_summary(results: Sequence) -> str:
    """Which option gives fewest kommuner, the largest smallest unit, the shortest longest trip, in Markdown."""
    f = compare_long(results)
    if f.empty:
        return "Ingen scenarioer å sammenligne."
    lines = [f"Sammenligningen omfatter {len(f)} scenarioer."]
    few = f.loc[f["after"].idxmin()]
    lines.append(f"Færrest kommuner etter reformen gir «{few['name']}» ({few['after']} kommuner, fra {few['before']}).")
    if f["smallest_pop"].notna().any():
        big = f.loc[f["smallest_pop"].idxmax()]
        lines.append(f"Størst minste kommune gir «{big['name']}» ({big['smallest_name']}, "
                     f"{nb_int(big['smallest_pop'])} innbyggere i {big['horizon']}).")
    if f["max_travel"].notna().any():
        near = f.loc[f["max_travel"].idxmin()]
        lines.append(f"Kortest lengste reisetid til et senter har «{near['name']}» "
                     f"({nb_minutes(near['max_travel'])}).")
    if len(set(f["borders"])) > 1 or len(set(f["horizon"])) > 1:
        lines.append("Merk: scenarioene gjelder ulike grenser, områder eller år; tallene er ikke direkte sammenlignbare.")
    return " ".join(lines)
