"""Figures of a county (one fylke, observed population): totals, per-kommune table, years with full data."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pandas as pd

from ..errors import DataError
from ..population import age_group_table, old_age_support_ratio

if TYPE_CHECKING:
    from ..data.atlas import Atlas


def names(atlas: Atlas, codes: Sequence[str]) -> list[str]:
    """Short kommune names for ``codes``."""
    return [str(atlas.kommuner.at[c, "kommunenavn_kort"]) for c in codes]


def fylke_code(atlas: Atlas, value: str | int) -> str:
    """The fylkesnummer of ``value``: ``"15"``, ``15`` (papermill's ``-p fylkesnummer 15`` passes a number),
    ``"5"`` or the fylke's name; a DataError names an unknown one and lists the valid ones."""
    fylker = atlas.fylker
    text = str(value).strip()
    codes = list(fylker["fylkesnummer"].astype(str))
    if text.isdigit() and text.zfill(2) in codes:
        return text.zfill(2)
    by_name = {str(n).split(" - ")[0].casefold(): str(c) for c, n in zip(fylker["fylkesnummer"], fylker["fylkesnavn"])}
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    raise DataError(f"fylke {value!r}: ikke et fylke med {atlas.borders}-grenser (gyldige: {', '.join(sorted(codes))})")


def fylke_name(atlas: Atlas, fylkesnummer: str) -> str:
    """The fylke's name (first form when it has several, e.g. Sami names)."""
    row = atlas.fylker.loc[atlas.fylker["fylkesnummer"] == fylkesnummer]
    if row.empty:
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


def county_population(atlas: Atlas, fylkesnummer: str) -> pd.DataFrame:
    """The fylke's total population per observed year: columns name, year, population."""
    first, last = county_years(atlas, fylkesnummer)
    t = kommune_totals(atlas, atlas.in_fylke(fylkesnummer))
    t = t[(t.year >= first) & (t.year <= last)].groupby("year")["population"].sum().reset_index()
    return t.assign(name=fylke_name(atlas, fylkesnummer))[["name", "year", "population"]]
