"""Text and tables of a scenario report, computed from a :class:`reformkit.evaluate.ScenarioResult`."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..fmt import nb_float, nb_int, nb_minutes, nb_pct, nb_signed_pct
from .common import join_nb
from .labels import ALTERNATIVE, NOT_COMPUTED, TRACK, UNIT_KIND
from .notices import notice_text

if TYPE_CHECKING:
    from ..evaluate.result import ScenarioResult


def short(res: ScenarioResult, code: str) -> str:
    """Short Norwegian name of a kommune in the result's scope."""
    return str(res.kommuner.at[code, "kommunenavn_kort"])


def alternative(code: str) -> str:
    """The projection alternative in words ("hovedalternativ"); an unknown code is named as such."""
    return ALTERNATIVE.get(code, f"framskrivingsalternativet «{code}»")


def span(res: ScenarioResult) -> tuple[int, int]:
    """(base year, last evaluated year) of a result."""
    return res.years[0], res.years[-1]


# ---- summary -----------------------------------------------------------------------------------------------------
def summary(res: ScenarioResult) -> str:
    """Opening paragraphs: what the scenario does and its main numbers, in Markdown."""
    sc, b, u = res.scenario, res.blocks, res.units
    base, last = span(res)
    n_merge = int(b["n_merge"].sum())
    n_coop = int(b["n_cooperate"].sum())
    regional = u[u["kind"] == "regionkommune"]
    real_mergers = regional[regional["n_kommuner"] > 1]
    centres = [short(res, c) for c in b["centre"]]
    parts = []
    if sc.description:
        parts.append(sc.description.strip())
    period = (f"{base}–{last}" + (f", framskrevet ({alternative(sc.projection)}) fra {res.projected_years[0]}"
                                  if res.projected_years else ", bare registrerte tall"))
    parts.append(
        f"Scenarioet har {len(b)} {'blokk' if len(b) == 1 else 'blokker'} rundt "
        f"{'tyngdepunktet' if len(b) == 1 else 'tyngdepunktene'} {join_nb(centres)} ({sc.borders}-grenser, {period}). "
        f"{n_merge} kommuner er på sammenslåingssporet og danner {len(real_mergers)} nye regionkommuner; "
        f"{n_coop} kommuner er på samarbeidssporet og består som egne kommuner. Antall kommuner i området går "
        f"fra {res.kommuner_before} til {res.kommuner_after}.")
    smallest_block = b.sort_values("population_horizon").iloc[0]
    largest_block = b.sort_values("population_horizon").iloc[-1]
    parts.append(
        f"Minste blokk ved horisonten ({last}) er {smallest_block.name} med {nb_int(smallest_block.population_horizon)} "
        f"innbyggere; største er {largest_block.name} med {nb_int(largest_block.population_horizon)}.")
    after = u[u["kind"] != "outside"].sort_values("population_horizon")
    if len(after):
        small = after.iloc[0]
        parts.append(f"Minste kommune i blokkene etter reformen er {small['name']} ({UNIT_KIND[small['kind']]}) med "
                     f"{nb_int(small.population_horizon)} innbyggere i {last}.")
    parts.append(criteria_sentence(res))
    if b["max_travel_minutes_to_centre"].notna().any():
        i = b["max_travel_minutes_to_centre"].idxmax()
        far = res.kommuner[res.kommuner["block"] == i]["travel_minutes_to_centre"].idxmax()
        parts.append("Lengste beregnede reisetid til et senter er "
                     f"{nb_minutes(b.at[i, 'max_travel_minutes_to_centre'])} "
                     f"({short(res, far)} til {short(res, b.at[i, 'centre'])} i blokken {i}).")
    ratio = b["old_age_support_ratio_horizon"]
    if ratio.notna().any():
        lo = ratio.idxmin()
        falling = int((b["old_age_support_ratio_horizon"] < b["old_age_support_ratio_base"]).sum())
        parts.append(f"Alderbæreevnen (personer 16–66 år per person 67+) faller fra {base} til {last} i {falling} av "
                     f"{len(b)} blokker; lavest ved horisonten er {lo} med {nb_float(ratio[lo], 2)}.")
    return "\n\n".join(parts)


def criteria_sentence(res: ScenarioResult) -> str:
    """How many blocks and new kommuner fall under each population threshold at the horizon."""
    _, last = span(res)
    u = res.units
    out = []
    for n in res.thresholds:
        blocks = list(res.blocks.index[res.blocks[f"under_{n}_horizon"]])
        units = u[u[f"under_{n}_horizon"] & (u["kind"] != "outside")]
        out.append(f"{len(blocks)} av {len(res.blocks)} blokker og {len(units)} av "
                   f"{int((u['kind'] != 'outside').sum())} kommuner i blokkene har under {nb_int(n)} innbyggere i {last}")
    return ("Etter kriteriene: " + "; ".join(out) + ".") if out else ""


def warnings_md(res: ScenarioResult) -> str:
    """The result's warnings as a Markdown list ("" when none)."""
    return "\n".join(f"- {notice_text(w)}" for w in res.warnings)


# ---- tables ------------------------------------------------------------------------------------------------------
def _flags(row, thresholds: list[int], base: int, last: int) -> str:
    """The lowest threshold the row is under at the horizon (or only in the base year), e.g. "under 15 000"."""
    for n in sorted(thresholds):
        if row[f"under_{n}_horizon"]:
            return f"under {nb_int(n)}" + ("" if row[f"under_{n}_base"] else f" fra {last}")
    for n in sorted(thresholds):
        if row[f"under_{n}_base"]:
            return f"under {nb_int(n)} i {base}"
    return "–"


def block_table(res: ScenarioResult) -> pd.DataFrame:
    """One row per block with Norwegian headers and formatted numbers."""
    base, last = span(res)
    rows = []
    for name, b in res.blocks.iterrows():
        rows.append({
            "Blokk": name, "Senter": short(res, b["centre"]), "Kommuner": b["n_kommuner"],
            "Sammenslåing": b["n_merge"], "Samarbeid": b["n_cooperate"],
            f"Innbyggere {base}": nb_int(b["population_base"]), f"Innbyggere {last}": nb_int(b["population_horizon"]),
            "Endring": nb_signed_pct(b["change_pct"]),
            f"Regionkommune {last}": nb_int(b["regionkommune_population_horizon"]),
            f"Bæreevne {base}": nb_float(b["old_age_support_ratio_base"], 2),
            f"Bæreevne {last}": nb_float(b["old_age_support_ratio_horizon"], 2),
            "Maks reisetid": nb_minutes(b["max_travel_minutes_to_centre"]),
            "Kriterier": _flags(b, res.thresholds, base, last),
        })
    return pd.DataFrame(rows)


def unit_table(res: ScenarioResult, include_outside: bool = True) -> pd.DataFrame:
    """The kommuner after the reform (regionkommuner, cooperating and untouched kommuner), largest first."""
    base, last = span(res)
    u = res.units if include_outside else res.units[res.units["kind"] != "outside"]
    u = u.sort_values("population_horizon", ascending=False)
    return pd.DataFrame({
        "Kommune etter reform": u["name"], "Type": u["kind"].map(UNIT_KIND), "Blokk": u["block"].fillna("–"),
        "Antall": u["n_kommuner"], f"Innbyggere {base}": u["population_base"].map(nb_int),
        f"Innbyggere {last}": u["population_horizon"].map(nb_int), "Endring": u["change_pct"].map(nb_signed_pct),
        f"Bæreevne {last}": u["old_age_support_ratio_horizon"].map(lambda v: nb_float(v, 2)),
        f"Andel 80+ {last}": u["share_80_plus_horizon"].map(nb_pct),
        "Kriterier": [_flags(r, res.thresholds, base, last) for _, r in u.iterrows()],
    })


def member_table(res: ScenarioResult) -> pd.DataFrame:
    """Every kommune of the scope with its block, track and travel time (input for the block map)."""
    k = res.kommuner
    return pd.DataFrame({"kommunenummer": list(k.index), "block": k["block"].to_numpy(), "track": k["track"].to_numpy(),
                         "population": k["population_base"].to_numpy()})


def map_table(res: ScenarioResult) -> tuple[pd.DataFrame, list[str], list[str]]:
    """(members in blocks, centres, context kommuner) for :func:`reformkit.charts.block_map`."""
    m = member_table(res)
    inside = m[m["block"].notna()].reset_index(drop=True)
    context = list(m.loc[m["block"].isna(), "kommunenummer"])
    return inside, list(res.blocks["centre"]), context


def population_long(res: ScenarioResult, level: str = "block") -> pd.DataFrame:
    """Population per year of each block (``level="block"``) or each new kommune (``"unit"``): name, year, population."""
    if level == "block":
        t = res.population_by_block["total"].reset_index().rename(columns={"block": "name", "total": "population"})
    else:
        t = res.population_by_unit["total"].reset_index()
        names = res.units["name"]
        t = t.assign(name=t["unit"].map(names)).rename(columns={"total": "population"})
        t = t[t["unit"].isin(res.units.index[res.units["kind"] != "outside"])]
    return t[["name", "year", "population"]].reset_index(drop=True)


def support_long(res: ScenarioResult) -> pd.DataFrame:
    """Old-age support ratio per block and year: name, year, ratio."""
    t = res.population_by_block["old_age_support_ratio"].reset_index()
    return t.rename(columns={"block": "name", "old_age_support_ratio": "ratio"})[["name", "year", "ratio"]]


def age_groups_long(res: ScenarioResult) -> pd.DataFrame:
    """Share of each cost-key age group per block at base year and horizon: name, year, group, share, population."""
    from ..population import AGE_GROUPS
    base, last = span(res)
    pb = res.population_by_block
    rows = []
    for (block, year), row in pb.iterrows():
        if year not in (base, last):
            continue
        for g in AGE_GROUPS:
            rows.append({"name": block, "year": int(year), "group": g, "population": float(row[g]),
                         "share": float(row[g] / row["total"]) if row["total"] else float("nan")})
    return pd.DataFrame(rows)


def travel_long(res: ScenarioResult) -> pd.DataFrame:
    """Travel minutes from each block member to its centre: kommune, block, minutes, track (Norwegian)."""
    k = res.kommuner[res.kommuner["block"].notna()]
    return pd.DataFrame({"kommune": k["kommunenavn_kort"].astype(str).to_numpy(), "block": k["block"].to_numpy(),
                         "minutes": k["travel_minutes_to_centre"].astype(float).to_numpy(),
                         "track": k["track"].map(TRACK).to_numpy()})


def travel_text(res: ScenarioResult) -> str:
    """One sentence per block on travel times to the centre."""
    if res.blocks["max_travel_minutes_to_centre"].isna().all():
        return f"Reisetid til senteret er {NOT_COMPUTED} (reisetidsmodellen er ikke tilgjengelig)."
    lines = []
    for name, b in res.blocks.iterrows():
        lines.append(f"- **{name}**: lengste reisetid {nb_minutes(b['max_travel_minutes_to_centre'])}, "
                     f"befolkningsvektet snitt {nb_minutes(b['mean_travel_minutes_to_centre'])} til "
                     f"{short(res, b['centre'])}.")
    return "Beregnet reisetid med bil fra hver kommune til blokkens senter (modell, se metodenotatet):\n\n" + \
        "\n".join(lines)


def criteria_md(res: ScenarioResult) -> str:
    """The thresholds, their source and the flagged blocks and new kommuner, in Markdown."""
    base, last = span(res)
    src = str(res.criteria.get("source", "")).strip().rstrip(".")
    lines = [f"Kriteriene er folketallsgrenser på {join_nb([nb_int(n) for n in res.thresholds])} innbyggere"
             + (f" (kilde: {src})." if src else ".")]
    for n in res.thresholds:
        b = [f"{name} ({nb_int(row['population_horizon'])})" for name, row in res.blocks.iterrows()
             if row[f"under_{n}_horizon"]]
        u = res.units[(res.units["kind"] != "outside") & res.units[f"under_{n}_horizon"]]
        units = [f"{r['name']} ({nb_int(r['population_horizon'])})" for _, r in u.iterrows()]
        lines.append(f"- Under {nb_int(n)} i {last}: blokker: {join_nb(b) if b else 'ingen'}; "
                     f"kommuner etter reform: {join_nb(units) if units else 'ingen'}.")
    return "\n".join(lines)


def unit_colours(res: ScenarioResult, colours: dict[str, str]) -> dict[str, str]:
    """Each new kommune's colour: its block's (``colours`` by block name), so the unit charts match the map."""
    u = res.units[res.units["kind"] != "outside"]
    return {str(n): colours.get(str(b), "#999999") for n, b in zip(u["name"], u["block"])}


def block_legend(res: ScenarioResult, atlas, colours: dict[str, str]) -> str:
    """A legend of many blocks grouped by the fylke of their centre (for a map too crowded for its own): HTML
    with each block's colour square and name, escaped."""
    from .._html import render
    from ..evaluate.county import fylke_name
    k = res.kommuner
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, b in res.blocks.iterrows():
        f = str(k.at[b["centre"], "fylkesnummer"])
        groups.setdefault(f, []).append((str(name), colours.get(str(name), "#999999")))
    return render("legend.html.j2", title="Blokker etter fylke (fargene i kartet)",
                  groups=[(fylke_name(atlas, f), blocks) for f, blocks in groups.items()])
