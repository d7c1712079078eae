"""Track 2 in words: how a block's binding cooperation is governed and paid for, member by member.

Everything is worded from ``ScenarioResult.cooperation`` (:func:`reformkit.cooperation.cooperation_result`)
and the vocabulary of the data files (forms, services, cost keys, checklist, pitfall lessons).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..cooperation import CooperationParams, load_forms
from ..fmt import nb_float, nb_int, nb_mill, nb_pct
from ..params import load_parameters
from .common import join_nb
from .labels import COOPERATION_FLAG, NOT_COMPUTED, SCORECARD_STATUS

if TYPE_CHECKING:
    from ..evaluate.result import ScenarioResult


def blocks_with_cooperation(res: ScenarioResult) -> list[str]:
    """The blocks that have a cooperation section, in block order."""
    return [b for b in res.blocks.index if res.cooperation.get(b)]


def _vocabulary(res: ScenarioResult) -> CooperationParams:
    return CooperationParams((res.parameters or load_parameters()).tree("cooperation"))


def member_label(res: ScenarioResult, member: str, doc: dict) -> str:
    """A member's name; the regionkommune is named after the block's merging kommuner."""
    names = res.kommuner["kommunenavn_kort"]
    kommuner = list(doc["members"][member]["kommuner"])
    if doc["members"][member]["role"] == "regionkommune" and len(kommuner) > 1:
        return f"Regionkommunen ({join_nb([str(names.get(k, k)) for k in kommuner])})"
    return str(names.get(member, member))


def cooperation_summary_md(res: ScenarioResult, block: str) -> str:
    """Who cooperates, in which form, on what, and how the seats and money are shared, in Markdown."""
    doc = res.cooperation.get(block)
    if not doc:
        return f"**{block}**: ingen forpliktende samarbeid er beskrevet i scenarioet."
    vocab, forms = _vocabulary(res), load_forms()
    form = forms[doc["form"]["key"]]
    members = [member_label(res, m, doc) for m in doc["members"]]
    services = [f"{vocab.label('services', s)} ({vocab.label('keys', e['key']).lower()}"
                + (f", {forms[e['form']].name}" if e["form"] != doc["form"]["key"] else "") + ")"
                for s, e in doc["services"].items()]
    text = [f"**{block}**: {join_nb(members)} samarbeider som {form.name.lower()} ({form.legal_basis})"
            + (f" med {member_label(res, doc['host'], doc)} som vertskommune" if doc.get("host") else "") + "."]
    if services:
        text.append(f"Tjenester i samarbeidet: {join_nb(services)}.")
    dom = doc["dominance"]
    largest = member_label(res, dom["largest"], doc)
    seats = (f" og {nb_pct(dom['seat_share'], 0)} av setene i {form.top_body.lower() or 'det øverste organet'}"
             if dom.get("seat_share") is not None else "")
    text.append(f"Største deltaker er {largest} med {nb_pct(dom['population_share'], 0)} av innbyggerne{seats}.")
    return " ".join(text)


def share_table(res: ScenarioResult, block: str) -> pd.DataFrame:
    """One row per member: inhabitants, seats, its share of each service and its yearly kroner, before and
    after the cooperation's savings (formatted, Norwegian headers)."""
    doc = res.cooperation[block]
    vocab = _vocabulary(res)
    rows = []
    for m, member in doc["members"].items():
        row = {"Deltaker": member_label(res, m, doc), "Innbyggere": nb_int(member["population"]),
               "Seter": "–" if member.get("seats") is None else nb_int(member["seats"])}
        for s, e in doc["services"].items():
            row[f"{vocab.label('services', s)}, andel"] = nb_pct(e["members"][m]["share"])
        total = doc["totals"]["members"][m]
        row["Kostnad, kjente tjenester"] = _mill_or_not(total["cost_before"])
        row["Etter innsparing"] = _mill_or_not(total["cost_after"])
        row["Nullpunkt (innsparing)"] = ("–" if total["break_even_saving_pct"] is None
                                         else f"{nb_float(max(total['break_even_saving_pct'], 0.0), 1)} %")
        rows.append(row)
    return pd.DataFrame(rows)


def _mill_or_not(value: float | None) -> str:
    return NOT_COMPUTED if value is None else nb_mill(value)


def block_md(res: ScenarioResult, block: str) -> str:
    """A block's cooperation section opening: heading and summary (or why there is nothing to show)."""
    if not res.cooperation.get(block):
        return cooperation_without_section_md(res, block)
    return f"### {block}\n\n" + cooperation_summary_md(res, block)


def after_tables_md(res: ScenarioResult, block: str) -> str:
    """The governance verdict with the pitfall lessons, then the other warnings."""
    return governance_md(res, block) + "\n\n" + flags_md(res, block)


def cooperation_without_section_md(res: ScenarioResult, block: str) -> str:
    """A block whose cooperation the scenario does not describe: who is on track 2, and that's all we know."""
    b = res.blocks.loc[block]
    coop = list(b["cooperating"])
    if not coop:
        return f"**{block}**: ingen kommuner på samarbeidssporet."
    names = [str(res.kommuner.at[c, "kommunenavn_kort"]) for c in coop]
    return (f"**{block}**: {join_nb(names)} ({len(names)} kommuner) blir i forpliktende samarbeid med "
            f"{b['centre_name']}. Scenarioet beskriver ikke samarbeidet (form, tjenester, kostnadsdeling, "
            f"styring), så det er {NOT_COMPUTED}.")


def exit_long(res: ScenarioResult, block: str, changed_only: bool = False) -> pd.DataFrame:
    """For a chart: if ``leaver`` leaves, how much more (per cent) each remaining member pays for each service,
    by the service's sharing key (before savings; also where the kroner are not known, since the change is a
    ratio of shares). Columns leaver, member, service, change_pct; ``changed_only`` keeps the rows where the
    cost goes up."""
    doc = res.cooperation[block]
    vocab = _vocabulary(res)
    rows = [{"leaver": member_label(res, leaver, doc), "member": member_label(res, m, doc),
             "service": vocab.label("services", s), "change_pct": r["change_pct"]}
            for leaver, ex in doc["exit"].items() for s, e in ex["services"].items() if not e["dissolves"]
            for m, r in e["remaining"].items() if r["change_pct"] is not None]
    out = pd.DataFrame(rows, columns=["leaver", "member", "service", "change_pct"])
    # a change under 0.05 % prints as 0,0 %: not worth a bar
    return out[out["change_pct"] > 0.05].reset_index(drop=True) if changed_only else out


def exit_md(res: ScenarioResult, block: str) -> str:
    """What the others pay if one member leaves, in one paragraph."""
    long = exit_long(res, block)
    if long.empty:
        return f"Utmelding: virkningen for de andre er {NOT_COMPUTED}."
    worst = long.loc[long["change_pct"].idxmax()]
    text = ("Utmelding: går én deltaker ut, fordeles tjenestens kostnad, minus det den utmeldte selv brukte, på "
            "de andre etter samme nøkkel. Med fordeling per innbygger eller etter bruk betaler de andre det samme "
            "per innbygger som før; en fast andel likt fordelt blir derimot dyrere for de som blir igjen.")
    if worst["change_pct"] > 0.05:
        text += (f" Størst virkning: melder {worst['leaver']} seg ut, betaler {worst['member']} "
                 f"{nb_float(worst['change_pct'], 1)} % mer for {worst['service']} (før innsparing).")
    else:
        text += " I dette samarbeidet endrer ingen utmelding de andres kostnad."
    return text


def scorecard_table(res: ScenarioResult, block: str) -> pd.DataFrame:
    """The governance scorecard: one row per criterion (input, throughput, output) with its score, status and
    the questions still unanswered."""
    doc = res.cooperation[block]["scorecard"]
    vocab = _vocabulary(res)
    rows = [{"Kriterium": vocab.label("criteria", c), "Poeng": nb_pct(v["score"], 0),
             "Status": SCORECARD_STATUS.get(v["status"], v["status"]),
             "Ubesvarte spørsmål": len(v["open"])} for c, v in doc["criteria"].items()]
    return pd.DataFrame(rows)


def governance_md(res: ScenarioResult, block: str) -> str:
    """The scorecard's verdict and every pitfall that fires or is still open (their lessons stand once, in the
    method section: :func:`pitfall_lessons_md`)."""
    doc = res.cooperation[block]["scorecard"]
    vocab = _vocabulary(res)
    lines = [f"Styring og legitimitet (input, throughput, output): {SCORECARD_STATUS.get(doc['status'], doc['status'])}, "
             f"samlet {nb_pct(doc['score'], 0)} av full score."]
    for p, v in doc["pitfalls"].items():
        if v["status"] == "clear":
            continue
        state = "varsler" if v["status"] == "fires" else "ikke avklart ennå"
        lines.append(f"- **{vocab.label('pitfalls', p)}**: {state} (se styringsfellene under Metode).")
    return "\n".join(lines)


def pitfall_lessons_md(res: ScenarioResult) -> str:
    """The research report's lesson for each governance pitfall that fires or is open in some block, once
    (sources/004); "" when there is none."""
    vocab = _vocabulary(res)
    seen: dict[str, None] = {}
    for block in blocks_with_cooperation(res):
        for p, v in res.cooperation[block]["scorecard"]["pitfalls"].items():
            if v["status"] != "clear":
                seen[p] = None
    if not seen:
        return ""
    lines = [f"- **{vocab.label('pitfalls', p)}**: {vocab.values['pitfalls'][p]['lesson']}" for p in seen]
    return "**Styringsfellene i forpliktende samarbeid** (forskningsrapportens lærdommer)\n\n" + "\n".join(lines)


def flags_md(res: ScenarioResult, block: str) -> str:
    """The cooperation's other warnings (costs not known, dominance, forms), as a Markdown list."""
    doc = res.cooperation[block]
    vocab = _vocabulary(res)
    out = []
    for flag in doc["flags"]:
        code = flag["code"]
        if code.startswith("pitfall."):
            continue   # worded with its lesson in governance_md
        text = COOPERATION_FLAG.get(code, code)
        if flag.get("services"):
            text += ": " + join_nb([vocab.label("services", s) for s in flag["services"]])
        if flag.get("kommune"):
            text += f" ({member_label(res, flag['kommune'], doc)})"
        out.append(f"- {text}.")
    return "\n".join(out)

