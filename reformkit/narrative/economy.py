"""Economy and cooperation sections of a scenario report (from ``ScenarioResult.economy``).

A block whose economy is empty, or a figure the economy module marks as not computed, is shown as
"ikke beregnet" with the reason; nothing is filled in.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..cooperation import load_forms
from ..economy import waterfall_table
from ..fmt import nb_int, nb_mill, nb_signed_mill
from .common import join_nb
from .labels import MERGER_COMPONENT, NEED_SERVICE_SHORT, NET_PRESENT_VALUE, NOT_COMPUTED
from .notices import notice_text

if TYPE_CHECKING:
    from ..evaluate.result import ScenarioResult


def has_economy(res: ScenarioResult, block: str) -> bool:
    """True when the economy module filled this block."""
    return bool(res.economy.get(block))


def waterfall(res: ScenarioResult, block: str, year: int | None = None) -> pd.DataFrame | None:
    """Waterfall table (step, amount, kind) of a block's merger with Norwegian step labels: present values
    ("Netto nåverdi"), or the amounts of ``year`` ("Netto <year>"); None when the block has no merger."""
    econ = res.economy.get(block) or {}
    if not econ.get("merger"):
        return None
    t = waterfall_table(econ, year)
    net = NET_PRESENT_VALUE if year is None else f"Netto {year}"
    return t.assign(step=[MERGER_COMPONENT.get(s, net) for s in t["step"]]) if len(t) else None


def economy_overview(res: ScenarioResult) -> tuple[str, pd.DataFrame | None]:
    """A sentence and a table of the main economy figures per block (or the not-computed note)."""
    base, last = res.years[0], res.years[-1]
    if not any(res.economy.get(b) for b in res.blocks.index):
        return f"Økonomi: {NOT_COMPUTED} for dette scenarioet.", None
    rows = []
    for name in res.blocks.index:
        e = res.economy.get(name) or {}
        change = (e.get("expenditure_need_change") or {}).get(str(last))
        first_year = sorted(e.get("merger", {}))[:1]
        rows.append({
            "Blokk": name,
            "Kommuner i regionkommunen": nb_int(e.get("regionkommune_kommuner")) if e else NOT_COMPUTED,
            "Netto nåverdi, sammenslåing": nb_mill(e.get("present_value")) if e.get("merger") else (
                "ingen sammenslåing" if e else NOT_COMPUTED),
            "Netto første år": nb_mill(e["merger"][first_year[0]]["net"]) if first_year else "–",
            f"Endring utgiftsbehov {base}–{last}": nb_mill(change) if change is not None else NOT_COMPUTED,
        })
    text = (f"Tabellen viser de økonomiske virkningene som er beregnet per blokk: netto nåverdi av "
            f"sammenslåingens tilskudd, tap og innsparinger (diskontert til {base}), og endringen i beregnet "
            f"utgiftsbehov etter alderskriteriene fra {base} til {last} (demografisk kostnadspress).")
    return text, pd.DataFrame(rows)


def block_economy_md(res: ScenarioResult, block: str) -> str:
    """Markdown for one block: merger result, demographic pressure, what is not computed, notes."""
    e = res.economy.get(block) or {}
    if not e:
        return f"**Økonomi for {block}: {NOT_COMPUTED}.**"
    base, last = res.years[0], res.years[-1]
    parts = []
    if e.get("merger"):
        years = sorted(e["merger"])
        net = [e["merger"][y]["net"] for y in years]
        negative = [y for y, v in zip(years, net) if v < 0]
        parts.append(f"Sammenslåing av {nb_int(e.get('regionkommune_kommuner'))} kommuner: netto nåverdi "
                     f"{nb_mill(e.get('present_value'))} over {len(years)} år ({years[0]}–{years[-1]}). "
                     + (f"Fra {negative[0]} blir den årlige nettoeffekten negativ "
                        f"({nb_mill(e['merger'][negative[0]]['net'])} det året), "
                        f"når inndelingstilskuddet trappes ned." if negative else
                        "Den årlige nettoeffekten er positiv i hele perioden."))
    else:
        parts.append("Ingen sammenslåing i blokken (bare én kommune på sammenslåingssporet).")
    need = e.get("expenditure_need") or {}
    if str(base) in need and str(last) in need:
        a, b = need[str(base)], need[str(last)]
        changes = [(NEED_SERVICE_SHORT.get(k, k), b[k] - a[k]) for k in ("barnehage", "grunnskole", "pleie_omsorg", "other")
                   if k in a and k in b]
        txt = ", ".join(f"{label.lower()} {nb_signed_mill(d)}" for label, d in changes)
        parts.append(f"Demografisk kostnadspress {base}–{last} (utgiftsbehov etter alderskriteriene, hele blokken): "
                     f"{nb_signed_mill(b['total'] - a['total'])} ({txt}).")
    return "\n\n".join(parts)


def _caveat(text: str) -> str:
    return text if NOT_COMPUTED in text.lower() else f"Ikke beregnet: {text}"


def economy_caveats(res: ScenarioResult) -> list[tuple[str, list[str]]]:
    """Every caveat of the blocks' economy once — what is not computed, then the notes — with the blocks it
    applies to: [(sentence, [block, ...]), ...] in order of first appearance."""
    seen: dict[str, list[str]] = {}
    for key, word in (("not_computed", _caveat), ("notes", lambda t: t)):
        for block in res.blocks.index:
            for notice in (res.economy.get(block) or {}).get(key, []):
                seen.setdefault(word(notice_text(notice)), []).append(str(block))
    return list(seen.items())


def economy_caveats_md(res: ScenarioResult) -> str:
    """The economy's caveats for the method section, each once; one that holds for only some blocks names
    them ("" when there are none)."""
    items = economy_caveats(res)
    if not items:
        return ""
    everyone = len(res.blocks)
    lines = []
    for text, blocks in items:
        where = "" if len(set(blocks)) == everyone else f" (gjelder {join_nb(list(dict.fromkeys(blocks)))})"
        lines.append(f"- {text.rstrip('.')}{where}.")
    return "**Forbehold i økonomiberegningen**\n\n" + "\n".join(lines)


def cooperation_forms() -> pd.DataFrame:
    """The legal forms of inter-municipal cooperation in force today (``reference/cooperation-forms.yaml``)."""
    return pd.DataFrame([{"Samarbeidsform": f.name, "Hjemmel": f.legal_basis, "Bindingsgrad": f.binding,
                          "Styring": f.steering} for f in load_forms().values() if f.in_force])
