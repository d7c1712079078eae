"""Beste praksis for one kommune: where the KOSTRA figures come from, which reference kommuner, the comparison.

Figures come from the user's file when one is given (:mod:`reformkit.data.kostra_csv`: expenditure-corrected
figures used as they stand), else from the fetched KOSTRA table (``atlas.extra("kostra")``, corrected here
with the utgiftsbehovsindeks of the nearest year, as :func:`reformkit.economy.kostra_comparison` does). The
year is the latest in which the kommune itself has figures. Reference kommuner are the ones given; else the
other kommuner of the user's file; else chosen automatically (:func:`choose_references`). The potential is
valued at the kommune's inhabitants at the end of the KOSTRA year (1 January of the next year, the
denominator KOSTRA uses), or the latest observed year before that.

Every outcome is a :class:`~reformkit.notices.Notice` for the narrative: what was computed from what, or
plainly what is missing and how to get it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.kostra_csv import read_kostra_csv
from ..economy import best_practice, kostra_comparison
from ..notices import Notice, notice
from ..params import ParamTree


@dataclass
class BestPractice:
    """The beste-praksis comparison of one kommune, or why there is none.

    ``table``: :func:`reformkit.economy.best_practice` (service_area, own, best_kommune, best, gap,
    potential; ``attrs["total"]``), None when not computed. ``source``: "csv", "kostra" or None; ``path``: the
    user's file; ``year``: the KOSTRA year; ``automatic``: the references were chosen by
    :func:`choose_references`; ``inhabitants``: the kommune's, for the potential; ``index_year``: the
    utgiftsbehovsindeks year that corrected fetched figures. ``notices``: what was used and what is missing.
    """

    table: pd.DataFrame | None = None
    source: str | None = None
    path: str | None = None
    year: int | None = None
    references: list[str] = field(default_factory=list)
    automatic: bool = False
    inhabitants: float | None = None
    index_year: int | None = None
    notices: list[Notice] = field(default_factory=list)
    #: reference kommuner the automatic rule would pick (for the command in the "not computed" text)
    suggested: list[str] = field(default_factory=list)

    @property
    def computed(self) -> bool:
        return self.table is not None


def _inhabitants(atlas, code: str, year: int) -> float:
    """Inhabitants at the end of KOSTRA year ``year``: 1 January of ``year + 1``, or the nearest observed."""
    years = [y for y in atlas.years if y <= year + 1] or atlas.years[:1]
    pop = atlas.population
    return float(pop.loc[(pop["kommunenummer"] == code) & (pop["year"] == years[-1]), "population"].sum())


def choose_references(atlas, code: str, candidates: Sequence[str], tree: ParamTree,
                      year: int | None = None) -> list[str]:
    """The ``references.count`` kommuner of ``candidates`` nearest to ``code`` in inhabitants (log scale, a
    step = ``references.population_factor``) and utgiftsbehovsindeks (a step = ``references.index_step``;
    the latest index year, left out when the kommune has none); ties by kommunenummer.
    """
    year = year if year is not None else atlas.years[-1]
    pop = atlas.population[atlas.population["year"] == min(year, atlas.years[-1])].groupby(
        "kommunenummer", observed=True)["population"].sum().astype(float)
    cands = [c for c in dict.fromkeys(candidates) if c != code and pop.get(c, 0) > 0]
    dist = pd.Series((np.log(pop[cands] / pop[code]) / np.log(float(tree.get("references.population_factor")))) ** 2,
                     index=cands)
    index = atlas.tables.get("expenditure_index")
    if index is not None and not index.empty:
        latest = index[index["year"] == index["year"].max()].set_index("kommunenummer")["index"]
        if code in latest.index:
            step = float(tree.get("references.index_step"))
            dist = dist + ((latest.reindex(cands) - latest[code]) / step).fillna(np.inf) ** 2
    ordered = sorted(cands, key=lambda c: (dist[c], c))
    return ordered[: int(tree.get("references.count"))]


def _source(atlas, kostra_csv: str | Path | None) -> tuple[pd.DataFrame | None, str | None]:
    if kostra_csv:
        return read_kostra_csv(kostra_csv, known=set(atlas.codes)), "csv"
    data = atlas.extra("kostra")
    return (data, "kostra") if data is not None and not data.empty else (None, None)


def kommune_best_practice(atlas, code: str, tree: ParamTree, references: Sequence[str] | None = None,
                          kostra_csv: str | Path | None = None) -> BestPractice:
    """Beste praksis for ``code`` (module docstring). A malformed file is a DataError naming every problem."""
    data, source = _source(atlas, kostra_csv)
    out = BestPractice(source=source, path=str(kostra_csv) if kostra_csv else None)
    if data is None or (own_rows := data[data["kommunenummer"] == code]).empty:
        out.notices.append(notice("kostra_not_available") if data is None else notice("kostra_own_missing"))
        out.suggested = list(references or []) or choose_references(atlas, code, atlas.codes, tree)
        return out
    out.year = int(own_rows["year"].max())
    in_year = data[data["year"] == out.year]
    given = [str(r) for r in references or [] if str(r) != code]
    if given:
        out.references = given
    else:
        others = [k for k in dict.fromkeys(in_year["kommunenummer"].astype(str)) if k != code]
        out.automatic = source == "kostra"
        out.references = choose_references(atlas, code, others, tree, out.year) if out.automatic else others
    index = atlas.tables.get("expenditure_index") if source == "kostra" else None
    table, status = kostra_comparison([code, *out.references], out.year, data=data, expenditure_index=index)
    out.index_year = status.values.get("index_year")
    have = [r for r in out.references if r in table.columns]
    missing = [r for r in out.references if r not in have]
    if missing:
        names = atlas.kommuner["kommunenavn_kort"].astype(str)
        out.notices.append(notice("kostra_references_missing", kommuner=[[k, names.get(k, k)] for k in missing],
                                  year=out.year))
    if not have:
        out.notices.append(notice("kostra_no_references", year=out.year, source=source))
        return out
    out.references = have
    out.inhabitants = _inhabitants(atlas, code, out.year)
    out.table = best_practice(table, code, have, inhabitants=out.inhabitants)
    return out
