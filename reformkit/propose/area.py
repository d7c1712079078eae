"""The area a proposal covers, the population weights, and kommune references given by the user."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import InfeasibleError, ScenarioError
from ..params import load_parameters
from ..scenario.names import kommune_index

if TYPE_CHECKING:
    from ..data.atlas import Atlas

#: what ``area`` may be: a fylkesnummer, kommunenummer or kommune name, or a list of them
Area = str | int | Sequence[str | int]


def area_codes(atlas: Atlas, area: Area) -> list[str]:
    """Kommune numbers of ``area``: fylkesnummer ("15", 15), kommunenummer ("1505") or kommune names
    ("Molde", "Herøy (15)"), alone or in a list. Sorted. ScenarioError lists every reference it cannot place.

    >>> area_codes(atlas, ["1505", "Molde"])          # doctest: +SKIP
    ['1505', '1506']
    """
    items = [area] if isinstance(area, (str, int)) else list(area)
    fylker = set(atlas.kommuner["fylkesnummer"].astype(str))
    index = kommune_index(atlas)
    codes, problems = set(), []
    for item in items:
        text = str(item).strip()
        text = text.zfill(2) if len(text) <= 2 and text.isdigit() else text
        if text in fylker:
            codes.update(atlas.in_fylke(text))
            continue
        res = index.resolve(text.zfill(4) if text.isdigit() and len(text) == 3 else text)
        if res.code is not None:
            codes.add(res.code)
        else:
            problems.append(f"area {item}: no fylke with that number on {atlas.borders} borders "
                            f"(fylker: {', '.join(sorted(fylker))}), and {res.problem}")
    if problems:
        raise ScenarioError("unknown area", problems)
    if not codes:
        raise ScenarioError("the area is empty; give fylkesnummer, kommunenummer or kommune names")
    return sorted(codes)


def area_labels(atlas: Atlas, codes: Sequence[str]) -> list[str]:
    """The area as a scenario's ``area`` list: whole fylker as fylkesnummer, other kommuner as kommunenummer."""
    k = atlas.kommuner
    wanted = set(codes)
    whole = [f for f in sorted(set(k.loc[list(codes), "fylkesnummer"].astype(str)))
             if set(atlas.in_fylke(f)) <= wanted]
    covered = set(atlas.in_fylke(whole)) if whole else set()
    return whole + sorted(c for c in codes if c not in covered)


def population_year(atlas: Atlas, year: int | None, default_year: int) -> int:
    """The population year used for weights: ``year``, else ``default_year`` when observed, else the latest."""
    if year is None:
        year = default_year if default_year in atlas.years else atlas.years[-1]
    if year not in atlas.years:
        raise ScenarioError(f"no observed population for {year} on {atlas.borders} borders "
                            f"({atlas.years[0]}–{atlas.years[-1]})")
    return int(year)


def area_population(atlas: Atlas, codes: list[str], year: int | None = None) -> pd.Series:
    """Population 1 January of ``year`` by kommune (0 where a kommune has no rows). ``year=None`` takes the
    population year of ``params/propose.yaml`` when observed, else the latest observed year."""
    year = population_year(atlas, year, load_parameters().propose.population_year)
    pop = atlas.population
    pop = pop[pop["year"] == year]
    return pop.groupby("kommunenummer", observed=True)["population"].sum().reindex(codes).fillna(0).astype(float)


def resolve_kommuner(atlas: Atlas, refs: Iterable[str | int], area_fylker: list[str], codes: list[str],
                     what: str) -> list[str]:
    """Kommune numbers for names or numbers given by the user; every one must lie in the area."""
    index = kommune_index(atlas)
    out, problems = [], []
    for ref in refs:
        res = index.resolve(str(ref), area=area_fylker)
        if res.code is None:
            problems.append(f"{what} {ref}: {res.problem}")
        elif res.code not in codes:
            problems.append(f"{what} {ref}: {index.describe(res.code)} is not in the area")
        elif res.code not in out:
            out.append(res.code)
    if problems:
        raise InfeasibleError(f"{what}: cannot use these kommuner", problems)
    return out
