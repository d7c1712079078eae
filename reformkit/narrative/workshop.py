"""The live workshop's words and figures: messages after an edit, the block summary with each figure's change
against the starting point, the side-by-side comparison of two options, and a saved scenario's description.

Everything is computed from :class:`reformkit.evaluate.ScenarioResult` objects passed in; the labels are in
:data:`reformkit.narrative.labels.WORKSHOP`. Nothing here escapes HTML: the workbench escapes what it shows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import pandas as pd

from ..fmt import nb_float, nb_int, nb_minutes, nb_mill, nb_pct, signed
from .common import join_nb
from .labels import ALTERNATIVE, NOT_COMPUTED, TRACK, WORKSHOP
from .scenario import _flags, span

if TYPE_CHECKING:
    from ..evaluate.result import ScenarioResult


def text(key: str, **values) -> str:
    """The workshop text ``key`` of :data:`WORKSHOP` with its ``{placeholders}`` filled."""
    return WORKSHOP[key].format(**values)


def track_label(track: str) -> str:
    """A track code as the workshop shows it (``merge`` -> "sammenslåing")."""
    return TRACK.get(str(track), str(track))


def alternative_label(alternative: str) -> str:
    """A projection alternative as the workshop shows it."""
    return ALTERNATIVE.get(alternative, alternative)


# ---- figures per block ------------------------------------------------------------------------------------------
def _merger_net(res: ScenarioResult, block: str) -> float | None:
    doc = res.economy.get(block) or {}
    year = str(res.years[-1])
    return doc["merger"][year]["net"] if doc.get("merger") and year in doc["merger"] else None


def _present_value(res: ScenarioResult, block: str) -> float | None:
    doc = res.economy.get(block) or {}
    return doc.get("present_value") if doc.get("merger") else None


def cooperation_saving(res: ScenarioResult, block: str) -> float | None:
    """The block's cooperation savings a year (kr): the sum over its services whose saving is known; None when
    the block has no cooperation section or no saving is known."""
    doc = res.cooperation.get(block)
    if not doc:
        return None
    known = [e["saving"] for e in doc["services"].values() if e.get("saving") is not None]
    return float(sum(known)) if known else None


@dataclass(frozen=True)
class Figure:
    """One column of the summary: its header, how to read the value from a result, how to show it and its
    change (``signed`` formats a difference)."""

    header: str
    value: Callable[[ScenarioResult, str], float | None]
    show: Callable[[float | None], str]
    signed: Callable[[float], str]


def _signed(fmt: Callable[[float], str]) -> Callable[[float], str]:
    return lambda d: signed(fmt(d), d)


def _col(name: str) -> Callable[[ScenarioResult, str], float]:
    return lambda res, block: float(res.blocks.at[block, name])


def figures(res: ScenarioResult) -> list[Figure]:
    """The summary's figures for a result's base year and horizon."""
    base, last = span(res)
    ratio = lambda v: nb_float(v, 2)  # noqa: E731 - a formatter
    return [
        Figure(f"Innbyggere {base}", _col("population_base"), nb_int, _signed(nb_int)),
        Figure(f"Innbyggere {last}", _col("population_horizon"), nb_int, _signed(nb_int)),
        Figure(f"Bæreevne {last}", _col("old_age_support_ratio_horizon"), ratio, _signed(ratio)),
        Figure(f"Andel 80+ {last}", _col("share_80_plus_horizon"), nb_pct, _signed(nb_pct)),
        Figure("Maks reisetid", _col("max_travel_minutes_to_centre"), nb_minutes, _signed(nb_minutes)),
        Figure("Snitt reisetid (vektet)", _col("mean_travel_minutes_to_centre"), nb_minutes, _signed(nb_minutes)),
        Figure(f"Sammenslåing netto {last}", _merger_net, nb_mill, _signed(nb_mill)),
        Figure("Nåverdi sammenslåing", _present_value, nb_mill, _signed(nb_mill)),
        Figure("Samarbeid innsparing/år", cooperation_saving, nb_mill, _signed(nb_mill)),
    ]


def _change(fig: Figure, now: float | None, before: float | None) -> str:
    if now is None and before is None:
        return ""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return "" if (now is None or pd.isna(now)) == (before is None or pd.isna(before)) else "endret"
    d = now - before
    shown = fig.signed(d)
    return "" if shown.lstrip("+") == fig.show(0.0) else shown


def summary(res: ScenarioResult, start: ScenarioResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, changes): one row per block of ``res`` with Norwegian headers; ``changes`` holds each figure's
    change against the block of the same name in ``start`` ("" when unchanged, "ny" for a new block).

    Both results should have the same base year and horizon (the workshop evaluates its starting point on
    the current horizon and projection).
    """
    base, last = span(res)
    figs = figures(res)
    values, changes = [], []
    for block, row in res.blocks.iterrows():
        old = block in start.blocks.index
        members = f"{int(row['n_merge'])} + {int(row['n_cooperate'])}"
        v = {"Blokk": block, "Senter": str(row["centre_name"]), "Kommuner (slått sammen + samarbeid)": members,
             "Kriterier": _flags(row, res.thresholds, base, last)}
        c = {"Blokk": "" if old else text("new"), "Senter": "", "Kommuner (slått sammen + samarbeid)": "",
             "Kriterier": ""}
        if old:
            o = start.blocks.loc[block]
            c["Senter"] = "" if o["centre"] == row["centre"] else str(o["centre_name"]) + " før"
            before = f"{int(o['n_merge'])} + {int(o['n_cooperate'])}"
            c["Kommuner (slått sammen + samarbeid)"] = "" if before == members else f"før {before}"
            crit = _flags(o, start.thresholds, base, last)
            c["Kriterier"] = "" if crit == v["Kriterier"] else f"før {crit}"
        for fig in figs:
            now = fig.value(res, block)
            v[fig.header] = fig.show(now)
            c[fig.header] = _change(fig, now, fig.value(start, block)) if old else ""
        values.append(v)
        changes.append(c)
    return pd.DataFrame(values), pd.DataFrame(changes)


def key_figures(res: ScenarioResult) -> dict[str, str]:
    """The few figures shown side by side when two options are compared."""
    b = res.blocks
    _, last = span(res)
    pv = [_present_value(res, x) for x in b.index]
    pv_known = [v for v in pv if v is not None]
    small = [x for x in b.index if b.at[x, f"under_{min(res.thresholds)}_horizon"]] if res.thresholds else []
    return {
        "Blokker": str(len(b)),
        "Kommuner før → etter": f"{res.kommuner_before} → {res.kommuner_after}",
        f"Minste blokk {last}": nb_int(b["population_horizon"].min()),
        "Lengste reisetid": nb_minutes(b["max_travel_minutes_to_centre"].max()),
        "Snitt reisetid (vektet)": nb_minutes(_weighted_travel(res)),
        f"Blokker under {nb_int(min(res.thresholds))} i {last}" if res.thresholds else "Kriterier":
            join_nb(small) if small else "ingen",
        "Nåverdi sammenslåinger": nb_mill(sum(pv_known)) if pv_known else NOT_COMPUTED,
    }


def _weighted_travel(res: ScenarioResult) -> float:
    k = res.kommuner[res.kommuner["block"].notna()]
    w = k["population_base"].astype(float)
    t = k["travel_minutes_to_centre"].astype(float)
    ok = t.notna()
    return float((t[ok] * w[ok]).sum() / w[ok].sum()) if w[ok].sum() else float("nan")


def comparison(a: ScenarioResult, b: ScenarioResult) -> pd.DataFrame:
    """Key figures of option A (pinned) and B (now) side by side."""
    fa, fb = key_figures(a), key_figures(b)
    return pd.DataFrame({"": list(fb), text("pinned", name=a.scenario.name): [fa.get(k, "–") for k in fb],
                         text("current"): list(fb.values())})


def description(start_name: str, log: list[str], given: str = "") -> str:
    """A saved scenario's description: the facilitator's own text, else what was changed from which start
    (the starting point's description is never carried over: it describes another option)."""
    if given.strip():
        return given.strip()
    changes = " ".join(log) if log else "Ingen endringer."
    return f"Laget i arbeidsverkstedet med utgangspunkt i «{start_name}». Endringer: {changes}"

