"""Several scenarios side by side: one row per scenario with the figures that separate the options."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pandas as pd

from ..fmt import nb_float, nb_int, nb_mill, nb_minutes
from .common import join_nb
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


def _best(f: pd.DataFrame, column: str, lowest: bool) -> pd.DataFrame:
    """Every scenario with the best value of ``column`` (a tie gives several rows)."""
    values = f[column]
    if values.isna().all():
        return f.iloc[:0]
    best = values.min() if lowest else values.max()
    return f[values == best]


def _names(rows: pd.DataFrame) -> str:
    return join_nb([f"«{n}»" for n in rows["name"]])


def _verdict(rows: pd.DataFrame, total: int, what: str, detail: str) -> str:
    """"<what> gir «A» (<detail>)." for one winner; a tie names every one of them, or says all are equal."""
    if len(rows) == 1:
        return f"{what} gir {_names(rows)} ({detail})."
    if len(rows) == total:
        return f"{what}: alle scenarioene er like ({detail})."
    return f"{what}: likt mellom {_names(rows)} ({detail})."


def same_area(results: Sequence) -> bool:
    """True when every scenario covers the same kommuner on the same borders over the same years (their
    figures are then directly comparable)."""
    keys = {(r.scenario.borders, tuple(sorted(r.kommuner.index)), r.years[0], r.years[-1]) for r in results}
    return len(keys) <= 1


def compare_summary(results: Sequence) -> str:
    """Which option gives fewest kommuner, the largest smallest unit, the shortest longest trip, in Markdown;
    ties are reported as ties, and scenarios of different areas, borders or years are flagged first."""
    f = compare_long(results)
    if f.empty:
        return "Ingen scenarioer å sammenligne."
    f = f.assign(max_travel=f["max_travel"].round(0))   # a tie is a tie in the minutes the reader sees
    lines = [f"Sammenligningen omfatter {len(f)} scenarioer."]
    few = _best(f, "after", lowest=True)
    first = few.iloc[0]
    lines.append(_verdict(few, len(f), "Færrest kommuner etter reformen",
                          f"{first['after']} kommuner" + (f", fra {first['before']}" if len(few) == 1 else "")))
    big = _best(f, "smallest_pop", lowest=False)
    if len(big):
        b = big.iloc[0]
        lines.append(_verdict(big, len(f), "Størst minste kommune",
                              f"{b['smallest_name']}, {nb_int(b['smallest_pop'])} innbyggere i {b['horizon']}"
                              if big["smallest_name"].nunique() == 1 else f"{nb_int(b['smallest_pop'])} innbyggere"))
    near = _best(f, "max_travel", lowest=True)
    if len(near):
        lines.append(_verdict(near, len(f), "Kortest lengste reisetid til et senter",
                              nb_minutes(near.iloc[0]["max_travel"])))
    text = " ".join(lines)
    if not same_area(results):
        text = ("**Merk: scenarioene gjelder ulike områder, grenser eller år; tallene er ikke direkte "
                "sammenlignbare.**\n\n" + text)
    return text
