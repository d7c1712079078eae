"""Text and tables of the county overview (one fylke, observed population), worded from
:mod:`reformkit.evaluate.county`'s figures."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..evaluate.county import (apportioned_until, complete_years, county_population, county_tables, county_years,
                               fylke_code, fylke_name, kommune_totals, names)
from ..fmt import nb_float, nb_int, nb_pct
from ..population import old_age_support_ratio
from ..params import Criteria
from .common import change_text as _change, join_nb, thresholds
from .labels import rank_label

if TYPE_CHECKING:
    from ..data.atlas import Atlas

__all__ = ["apportioned_until", "complete_years", "county_population", "county_tables", "county_years",
           "fylke_code", "fylke_name", "kommune_totals", "county_summary", "county_change", "county_change_title",
           "ba_map_table", "county_kommune_table", "ba_regions", "candidates"]


def county_summary(atlas: Atlas, fylkesnummer: str, criteria: Criteria | None = None) -> str:
    """The opening paragraphs of a county overview, in Markdown (``criteria``: the thresholds, default the
    shipped ``params/criteria.yaml``)."""
    t = county_tables(atlas, fylkesnummer)
    rows, totals = t["kommuner"], t["totals"]
    first, last = county_years(atlas, fylkesnummer)
    by_year = totals.groupby("year")["population"].sum()
    lim = thresholds(criteria)
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


def candidates(ranked: pd.DataFrame, n: int = 10) -> tuple[str, pd.DataFrame | None]:
    """The top ``n`` candidate tyngdepunkter of :func:`reformkit.propose.rank_candidates`: a sentence and a
    table with Norwegian headers."""
    ranked = ranked.head(n).reset_index()
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
        elif col == "score":
            out[col] = out[col].map(lambda v: nb_float(v, 2))
        elif col in ("population", "rank") or col.startswith("reach_"):
            out[col] = out[col].map(nb_int)
    cols = ["rank", "kommunenavn"] + [c for c in out.columns if c not in ("rank", "kommunenavn", "kommunenummer")]
    return text, out[cols].rename(columns=rank_label)
