"""Text and tables of the county overview (one fylke, observed population)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pandas as pd

from ..fmt import nb_float, nb_int, nb_pct
from ..population import age_group_table, old_age_support_ratio
from .common import change_text as _change, join_nb, names, thresholds

if TYPE_CHECKING:
    from ..data.atlas import Atlas


def fylke_name(atlas: Atlas, fylkesnummer: str) -> str:
    """The fylke's name (first form when it has several, e.g. Sami names)."""
    row = atlas.fylker.loc[atlas.fylker["fylkesnummer"] == fylkesnummer]
    if row.empty:
        from ..errors import DataError
        raise DataError(f"fylke {fylkesnummer!r}: no such fylkesnummer in the {atlas.borders} borders")
    return str(row["fylkesnavn"].iloc[0]).split(" - ")[0]


def kommune_totals(atlas: Atlas, codes: Sequence[str]) -> pd.DataFrame:
    """Population per kommune and year (observed), columns kommunenummer, navn, year, population."""
    pop = atlas.population[atlas.population["kommunenummer"].isin(list(codes))]
    t = pop.groupby(["kommunenummer", "year"], observed=True)["population"].sum().reset_index()
    t["year"] = t["year"].astype(int)
    t["kommunenummer"] = t["kommunenummer"].astype(str)
    t["navn"] = names(atlas, list(t["kommunenummer"]))
    return t


def complete_years(atlas: Atlas, codes: Sequence[str]) -> list[int]:
    """Observed years in which every kommune of ``codes`` has population (sums over them are comparable)."""
    pop = atlas.population[atlas.population["kommunenummer"].isin(list(codes))]
    n = pop.groupby("year", observed=True)["kommunenummer"].nunique()
    return sorted(int(y) for y in n.index[n == len(set(codes))])


def apportioned_until(atlas: Atlas, codes: Sequence[str]) -> dict[str, int]:
    """Kommuner whose early population is a flat share of a later split kommune (``codes_til_2024`` weight
    < 1, e.g. Ålesund/Haram before 2024): kommunenummer -> first year with their own figures."""
    table = atlas.tables.get("codes_til_2024") if atlas.borders == 2024 else None
    if table is None or table.empty:
        return {}
    part = table[(table["weight"].astype(float) < 1.0) & table["kommunenummer_2024"].isin(list(codes))]
    return {str(k): int(y.max()) + 1 for k, y in part.groupby("kommunenummer_2024")["year"]}


def county_years(atlas: Atlas, fylkesnummer: str) -> tuple[int, int]:
    """First and last year with population for every kommune of the fylke."""
    years = complete_years(atlas, atlas.in_fylke(fylkesnummer))
    return years[0], years[-1]


def county_tables(atlas: Atlas, fylkesnummer: str) -> dict[str, pd.DataFrame]:
    """Numbers of a county overview: ``totals`` (kommune × year), ``kommuner`` (one row each, raw numbers)."""
    codes = atlas.in_fylke(fylkesnummer)
    totals = kommune_totals(atlas, codes)
    first, last = county_years(atlas, fylkesnummer)
    pop = atlas.population[atlas.population["kommunenummer"].isin(codes)
                           & atlas.population["year"].isin([first, last])]
    ratio = old_age_support_ratio(pop)
    groups = age_group_table(pop)
    old = groups[["67-79", "80-89", "90+"]].sum(axis=1) / groups["total"]
    k = atlas.kommuner.loc[codes]
    wide = totals.pivot(index="kommunenummer", columns="year", values="population")
    shared = apportioned_until(atlas, codes)
    from_year = [max(first, shared.get(c, first)) for c in codes]
    rows = pd.DataFrame({
        "kommunenummer": codes, "navn": names(atlas, codes), "from_year": from_year,
        "pop_from": [wide.at[c, y] for c, y in zip(codes, from_year)],
        "pop_first": [wide.at[c, first] if c not in shared else float("nan") for c in codes],
        "pop_last": wide[last].reindex(codes).to_numpy(),
        "share_67_last": [old.get((c, last), float("nan")) for c in codes],
        "ratio_first": [ratio.get((c, first), float("nan")) if c not in shared else float("nan") for c in codes],
        "ratio_last": [ratio.get((c, last), float("nan")) for c in codes],
        "ba_region": k["ba_region"].astype(str).to_numpy(),
        "senter": k["administrasjonssenter"].astype(str).to_numpy(),
    })
    rows["change"] = rows["pop_last"] / rows["pop_from"] - 1
    return {"totals": totals, "kommuner": rows.sort_values("pop_last", ascending=False).reset_index(drop=True)}


def county_summary(atlas: Atlas, fylkesnummer: str) -> str:
    """The opening paragraphs of a county overview, in Markdown."""
    t = county_tables(atlas, fylkesnummer)
    rows, totals = t["kommuner"], t["totals"]
    first, last = county_years(atlas, fylkesnummer)
    by_year = totals.groupby("year")["population"].sum()
    lim = thresholds()
    n = len(rows)
    under_min = rows[rows.pop_last < lim["min"]]
    over_target = rows[rows.pop_last >= lim["target"]]
    grew, shrank = rows[rows.change > 0], rows[rows.change < 0]
    largest, smallest = rows.iloc[0], rows.iloc[-1]
    worst = rows.sort_values("change").iloc[0]
    pop = atlas.population[atlas.population["kommunenummer"].isin(atlas.in_fylke(fylkesnummer))]
    pop = pop.assign(unit=fylkesnummer)
    r = old_age_support_ratio(pop[pop["year"].isin([first, last])].drop(columns="kommunenummer"))
    text = [
        f"**{fylke_name(atlas, fylkesnummer)}** har {n} kommuner og {nb_int(by_year[last])} innbyggere "
        f"(1. januar {last}). Siden {first} har folketallet endret seg med {_change(by_year[first], by_year[last])} "
        f"({nb_int(by_year[first])} i {first}).",
        f"{len(grew)} kommuner har vokst og {len(shrank)} har krympet siden {first}. Størst nedgang har "
        f"{worst.navn} ({_change(worst.pop_from, worst.pop_last)}"
        + (f" siden {worst.from_year})." if worst.from_year != first else ")."),
        f"Største kommune er {largest.navn} ({nb_int(largest.pop_last)} innbyggere), minste er {smallest.navn} "
        f"({nb_int(smallest.pop_last)}). {len(under_min)} av {n} kommuner har færre enn {nb_int(lim['min'])} "
        f"innbyggere, og {len(over_target)} har minst {nb_int(lim['target'])} (Vabo-utvalgets anbefaling "
        f"var minst {nb_int(lim['min'])}–{nb_int(lim['target'])}).",
        f"Alderbæreevnen (personer 16–66 år per person 67 år og eldre) i fylket har gått fra "
        f"{nb_float(r.get((fylkesnummer, first)), 2)} i {first} til {nb_float(r.get((fylkesnummer, last)), 2)} i {last}.",
    ]
    late = rows[rows.from_year != first]
    if len(late):
        text.insert(2, f"For {join_nb(list(late.navn))} fordeler kildedataene folketallet før "
                       f"{int(late.from_year.min())} med faste andeler etter en kommunedeling; for dem er endringen "
                       f"regnet fra {int(late.from_year.min())}.")
    return "\n\n".join(text)


def county_population(atlas: Atlas, fylkesnummer: str) -> pd.DataFrame:
    """The fylke's total population per observed year: columns name, year, population."""
    first, last = county_years(atlas, fylkesnummer)
    t = kommune_totals(atlas, atlas.in_fylke(fylkesnummer))
    t = t[(t.year >= first) & (t.year <= last)].groupby("year")["population"].sum().reset_index()
    return t.assign(name=fylke_name(atlas, fylkesnummer))[["name", "year", "population"]]


def county_change(atlas: Atlas, fylkesnummer: str) -> pd.DataFrame:
    """Population change per kommune over the observed years: Kommune, endring (%), Endring (text)."""
    rows = county_tables(atlas, fylkesnummer)["kommuner"]
    first, _ = county_years(atlas, fylkesnummer)
    return pd.DataFrame({"Kommune": rows["navn"], "endring": (rows["change"] * 100).round(2),
                         "Endring": [_change(a, b) + ("" if y == first else f" (fra {y})")
                                     for a, b, y in zip(rows.pop_from, rows.pop_last, rows.from_year)]})


def county_change_title(atlas: Atlas, fylkesnummer: str) -> str:
    """Title of the change chart, naming the observed period."""
    first, last = county_years(atlas, fylkesnummer)
    return f"Endring i folketall {first}–{last}"


def ba_map_table(atlas: Atlas, fylkesnummer: str) -> pd.DataFrame:
    """Kommuner of the fylke with their BA-region and formatted population, for :func:`charts.kommune_map`."""
    rows = county_tables(atlas, fylkesnummer)["kommuner"]
    return pd.DataFrame({"kommunenummer": rows["kommunenummer"], "BA-region": rows["ba_region"],
                         "Innbyggere": rows["pop_last"].map(nb_int)})


def county_kommune_table(atlas: Atlas, fylkesnummer: str) -> pd.DataFrame:
    """The county's kommuner with Norwegian headers and formatted numbers (largest first)."""
    rows = county_tables(atlas, fylkesnummer)["kommuner"]
    first, last = county_years(atlas, fylkesnummer)
    return pd.DataFrame({
        "Kommune": rows["navn"], "Nr.": rows["kommunenummer"],
        f"Innbyggere {first}": rows["pop_first"].map(nb_int), f"Innbyggere {last}": rows["pop_last"].map(nb_int),
        "Endring": [_change(a, b) + ("" if y == first else f" (fra {y})")
                    for a, b, y in zip(rows.pop_from, rows.pop_last, rows.from_year)],
        f"Andel 67+ ({last})": rows["share_67_last"].map(nb_pct),
        f"Bæreevne {first}": rows["ratio_first"].map(lambda v: nb_float(v, 2)),
        f"Bæreevne {last}": rows["ratio_last"].map(lambda v: nb_float(v, 2)),
        "BA-region": rows["ba_region"],
    })


def ba_regions(atlas: Atlas, fylkesnummer: str) -> tuple[str, pd.DataFrame]:
    """BA-regions touching the fylke: a sentence and a table (region, kommuner, population, across border)."""
    k = atlas.kommuner
    codes = atlas.in_fylke(fylkesnummer)
    last = atlas.years[-1]
    pop = kommune_totals(atlas, k.index[k["ba_region"].isin(k.loc[codes, "ba_region"])])
    pop_last = pop[pop.year == last].set_index("kommunenummer")["population"]
    rows = []
    for region, members in k[k["ba_region"].isin(k.loc[codes, "ba_region"])].groupby("ba_region", sort=False):
        inside = [c for c in members.index if c in codes]
        outside = [c for c in members.index if c not in codes]
        rows.append({"BA-region": str(region), "Kommuner": join_nb(names(atlas, list(members.index))),
                     "Antall": len(members), f"Innbyggere {last}": float(pop_last.reindex(members.index).sum()),
                     "Utenfor fylket": join_nb(names(atlas, outside)) if outside else "–", "_n_in": len(inside)})
    table = pd.DataFrame(rows).sort_values(f"Innbyggere {last}", ascending=False)
    multi = table[table["Antall"] > 1]
    single = table[table["Antall"] == 1]
    text = (f"Kommunene i {fylke_name(atlas, fylkesnummer)} fordeler seg på {len(table)} bo- og arbeidsmarkedsregioner "
            f"(BA-regioner, SSB/NIBR 2020). {len(multi)} av dem omfatter flere kommuner; {len(single)} er "
            f"enkeltkommuner. Regioner som går over fylkesgrensen er markert i tabellen.")
    table[f"Innbyggere {last}"] = table[f"Innbyggere {last}"].map(nb_int)
    return text, table.drop(columns="_n_in").reset_index(drop=True)


def candidates(atlas: Atlas, fylkesnummer: str, n: int = 10) -> tuple[str, pd.DataFrame | None]:
    """Candidate tyngdepunkter from :func:`reformkit.propose.rank_candidates`, or a note when unavailable."""
    from ..propose.ranking import RANK_LABELS, rank_candidates
    ranked = rank_candidates(atlas, fylkesnummer).head(n).reset_index()
    top = ranked.iloc[0] if len(ranked) else None
    text = ("Kandidater til tyngdepunkt, rangert etter hvor mange av fylkets innbyggere som bor innen 60 "
            "minutters reisetid (deretter folketall).")
    if top is not None:
        text += (f" Øverst står {top['kommunenavn']}, med {nb_int(top['reach_60'])} innbyggere innen "
                 f"60 minutter.")
    out = ranked.copy()
    for col in out.columns:
        if col == "ba_centre":
            out[col] = out[col].map({True: "ja", False: "nei"})
        elif col == "innpendling_pct":
            out[col] = out[col].map(lambda v: nb_float(v, 1))
        elif col in ("population", "rank") or col.startswith("reach_"):
            out[col] = out[col].map(nb_int)
    cols = ["rank", "kommunenavn"] + [c for c in out.columns if c not in ("rank", "kommunenavn", "kommunenummer")]
    return text, out[cols].rename(columns=RANK_LABELS)
