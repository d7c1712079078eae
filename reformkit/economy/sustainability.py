"""KOSTRA comparison and financial sustainability flags, from the optional online datasets passed in.

Every function returns ``(table, status)``: ``status`` is a :class:`~reformkit.notices.Notice` saying what the
table shows or plainly that the data is not there (the narrative words it, naming the command that fetches
it). The datasets come from the caller (``atlas.extra("kostra")``, ``atlas.extra("finance")``,
``atlas.extra("robek")``); nothing here reads files.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..notices import Notice, notice
from ..params import ParamTree, load_parameters
from .best_practice import expenditure_corrected

FINANCE_COLUMNS = ("netto_driftsresultat_pct", "disposisjonsfond_pct", "gjeldsgrad_pct")


def _latest(df: pd.DataFrame, year: int | None) -> int | None:
    if df is None or df.empty:
        return None
    return int(year) if year is not None else int(df["year"].max())


def kostra_comparison(kommuner: Sequence[str], year: int | None = None, *, data: pd.DataFrame | None,
                      expenditure_index: pd.DataFrame | None = None) -> tuple[pd.DataFrame, Notice]:
    """Net operating expenditure per inhabitant by service area (rows) for ``kommuner`` (columns).

    ``data`` is the ``kostra`` dataset (None when it has not been fetched). With ``expenditure_index`` (kommunenummer, year,
    index; e.g. ``atlas.tables["expenditure_index"]``) the figures are corrected with the index year
    nearest to ``year`` (the total utgiftsbehovsindeks, an approximation for every area).
    """
    kommuner = [str(k) for k in kommuner]
    if data is None or data.empty:
        return pd.DataFrame(), notice("kostra_missing")
    y = _latest(data, year)
    sub = data[(data["year"] == y) & data["kommunenummer"].isin(kommuner)].copy()
    if sub.empty:
        return pd.DataFrame(), notice("kostra_none_for_kommuner", year=y)
    status = {"year": y, "index_year": None, "uncorrected": False, "missing": []}
    if expenditure_index is not None and not expenditure_index.empty:
        idx_years = sorted(expenditure_index["year"].astype(int).unique())
        iy = min(idx_years, key=lambda v: abs(v - y))
        # the nearest index year stands in for the KOSTRA year; rows are numbered to keep their order and
        # the kommuner without an index (expenditure_corrected drops them) uncorrected
        idx = expenditure_index[expenditure_index["year"].astype(int) == iy].assign(year=y)
        sub = sub.reset_index(drop=True)
        corrected = expenditure_corrected(sub.assign(_row=sub.index), idx)
        sub.loc[corrected["_row"].to_numpy(), "kr_per_inhabitant"] = corrected["kr_per_inhabitant"].to_numpy()
        status.update(index_year=int(iy), uncorrected=not sub.index.isin(corrected["_row"]).all())
    table = sub.pivot_table(index="service_area", columns="kommunenummer", values="kr_per_inhabitant",
                            aggfunc="first", sort=False)
    table = table.reindex(columns=[k for k in kommuner if k in table.columns])
    status["missing"] = [k for k in kommuner if k not in table.columns]
    return table, Notice("kostra_table", status)


def sustainability_indicators(kommuner: Sequence[str], year: int | None = None, *,
                              data: pd.DataFrame | None, robek: pd.DataFrame | None = None,
                              thresholds: ParamTree | None = None) -> tuple[pd.DataFrame, Notice]:
    """Financial key figures and ROBEK risk flags for ``kommuner`` in ``year`` (default the latest).

    Columns: kommunenummer, year, the three key figures (% of brutto driftsinntekter), ``underskudd``
    (netto driftsresultat below 0), ``under_anbefalt_nivaa`` (below the TBU level), ``lavt_disposisjonsfond``
    and ``hoy_gjeld`` (NA when no threshold is set), and ``robek`` (NA when the register is not fetched).
    ``data`` is the ``finance`` dataset and ``robek`` the register (None when not fetched); ``thresholds`` the
    ``sustainability`` parameter group (the shipped one when None).
    """
    th = thresholds or load_parameters().sustainability
    kommuner = [str(k) for k in kommuner]
    if data is None or data.empty:
        return pd.DataFrame(), notice("finance_missing")
    y = _latest(data, year)
    sub = data[(data["year"] == y) & data["kommunenummer"].isin(kommuner)].copy().reset_index(drop=True)
    if sub.empty:
        return pd.DataFrame(), notice("finance_none_for_kommuner", year=y)
    ndr = sub["netto_driftsresultat_pct"]
    sub["underskudd"] = (ndr < th.get("netto_driftsresultat.deficit_below_pct")).where(ndr.notna())
    recommended = th.get("netto_driftsresultat.recommended_min_pct")
    sub["under_anbefalt_nivaa"] = (ndr < recommended).where(ndr.notna())
    unset = []
    for col, key, op, source in (("lavt_disposisjonsfond", "disposisjonsfond.min_pct", "lt", "disposisjonsfond_pct"),
                                 ("hoy_gjeld", "gjeld.max_pct", "gt", "gjeldsgrad_pct")):
        limit, src = th.get(key), sub[source]
        if limit is None:
            sub[col] = pd.NA
            unset.append(key.split(".")[0])
        else:
            sub[col] = ((src < limit) if op == "lt" else (src > limit)).where(src.notna())
    has_robek = robek is not None and not robek.empty and "kommunenummer" in robek.columns
    sub["robek"] = sub["kommunenummer"].isin(set(robek["kommunenummer"].astype(str))) if has_robek else pd.NA
    return sub, notice("finance_table", year=y, recommended_min_pct=recommended, thresholds_unset=unset,
                       robek_missing=not has_robek)
