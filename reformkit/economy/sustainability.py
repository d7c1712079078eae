"""KOSTRA comparison and financial sustainability flags for reports, from the optional online datasets.

Every function returns ``(table, status)``: ``status`` is one Norwegian sentence a report prints as it is —
what the table shows, or plainly that the data is not there and which command fetches it.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..data import cache
from ..errors import ParameterError
from ..fmt import nb_float
from ..params import read_param_file
from ..paths import PARAMS_DIR
from .best_practice import expenditure_corrected
from .params import UNKNOWN, _check_value, _raw_leaves

FETCH_HINT = "kjør `reformkit data fetch` (krever nett)"
FINANCE_COLUMNS = ("netto_driftsresultat_pct", "disposisjonsfond_pct", "gjeldsgrad_pct")


def load_thresholds(path: str | Path | None = None) -> dict:
    """The flag thresholds of ``data/params/economy-sustainability.yaml`` as ``{path: value or None}`` plus
    ``_sources``. ParameterError (file and key) on a missing or negative value."""
    path = Path(path or PARAMS_DIR / "economy-sustainability.yaml")
    _, raw = read_param_file(path)
    problems, out, sources = [], {}, {}
    for leaf, node in _raw_leaves(raw).items():
        problem = _check_value(leaf, node.get("value"))
        if problem:
            problems.append(f"{path}: {problem}")
        out[leaf] = None if node.get("value") == UNKNOWN else node.get("value")
        sources[leaf] = node.get("source", "")
    for req in ("netto_driftsresultat.deficit_below_pct", "netto_driftsresultat.recommended_min_pct",
                "disposisjonsfond.min_pct", "gjeld.max_pct"):
        if req not in out:
            problems.append(f"{path}: required parameter {req!r} is missing")
    if problems:
        raise ParameterError(f"{path}: invalid thresholds", problems)
    out["_sources"] = sources
    return out


def _latest(df: pd.DataFrame, year: int | None) -> int | None:
    if df is None or df.empty:
        return None
    return int(year) if year is not None else int(df["year"].max())


def kostra_comparison(kommuner: Sequence[str], year: int | None = None, *, data: pd.DataFrame | None = None,
                      expenditure_index: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """Net operating expenditure per inhabitant by service area (rows) for ``kommuner`` (columns).

    ``data`` defaults to the cached ``kostra`` dataset. With ``expenditure_index`` (kommunenummer, year,
    index; e.g. ``atlas.tables["expenditure_index"]``) the figures are corrected with the index year
    nearest to ``year`` (the total utgiftsbehovsindeks, an approximation for every area).
    """
    data = cache.read_extra("kostra") if data is None else data
    kommuner = [str(k) for k in kommuner]
    if data is None or data.empty:
        return pd.DataFrame(), f"KOSTRA-tall er ikke hentet, så sammenligningen mangler: {FETCH_HINT}."
    y = _latest(data, year)
    sub = data[(data["year"] == y) & data["kommunenummer"].isin(kommuner)].copy()
    if sub.empty:
        return pd.DataFrame(), f"KOSTRA-tallene har ingen tall for disse kommunene i {y}."
    status = f"KOSTRA {y}: netto driftsutgifter per innbygger etter tjenesteområde (kr, SSB tabell 12362)"
    if expenditure_index is not None and not expenditure_index.empty:
        idx_years = sorted(expenditure_index["year"].astype(int).unique())
        iy = min(idx_years, key=lambda v: abs(v - y))
        # the nearest index year stands in for the KOSTRA year; rows are numbered to keep their order and
        # the kommuner without an index (expenditure_corrected drops them) uncorrected
        idx = expenditure_index[expenditure_index["year"].astype(int) == iy].assign(year=y)
        sub = sub.reset_index(drop=True)
        corrected = expenditure_corrected(sub.assign(_row=sub.index), idx)
        sub.loc[corrected["_row"].to_numpy(), "kr_per_inhabitant"] = corrected["kr_per_inhabitant"].to_numpy()
        have = sub.index.isin(corrected["_row"])
        status += (f", utgiftskorrigert med samlet utgiftsbehovsindeks {iy} (veiledende)"
                   + ("" if have.all() else "; kommuner uten indeks står ukorrigert"))
    table = sub.pivot_table(index="service_area", columns="kommunenummer", values="kr_per_inhabitant",
                            aggfunc="first", sort=False)
    table = table.reindex(columns=[k for k in kommuner if k in table.columns])
    missing = [k for k in kommuner if k not in table.columns]
    if missing:
        status += f"; mangler tall for {', '.join(missing)}"
    return table, status + "."


def sustainability_indicators(kommuner: Sequence[str], year: int | None = None, *,
                              data: pd.DataFrame | None = None, robek: pd.DataFrame | None = None,
                              thresholds: dict | None = None) -> tuple[pd.DataFrame, str]:
    """Financial key figures and ROBEK risk flags for ``kommuner`` in ``year`` (default the latest).

    Columns: kommunenummer, year, the three key figures (% of brutto driftsinntekter), ``underskudd``
    (netto driftsresultat below 0), ``under_anbefalt_nivaa`` (below the TBU level), ``lavt_disposisjonsfond``
    and ``hoy_gjeld`` (NA when no threshold is set), and ``robek`` (NA when the register is not fetched).
    """
    data = cache.read_extra("finance") if data is None else data
    robek = cache.read_extra("robek") if robek is None else robek
    th = thresholds or load_thresholds()
    kommuner = [str(k) for k in kommuner]
    if data is None or data.empty:
        return pd.DataFrame(), (f"Finansielle nøkkeltall (netto driftsresultat, disposisjonsfond, gjeld) er ikke "
                                f"hentet: {FETCH_HINT}.")
    y = _latest(data, year)
    sub = data[(data["year"] == y) & data["kommunenummer"].isin(kommuner)].copy().reset_index(drop=True)
    if sub.empty:
        return pd.DataFrame(), f"Ingen finansielle nøkkeltall for disse kommunene i {y}."
    ndr = sub["netto_driftsresultat_pct"]
    sub["underskudd"] = (ndr < th["netto_driftsresultat.deficit_below_pct"]).where(ndr.notna())
    sub["under_anbefalt_nivaa"] = (ndr < th["netto_driftsresultat.recommended_min_pct"]).where(ndr.notna())
    notes = [f"netto driftsresultat under {nb_float(th['netto_driftsresultat.recommended_min_pct'])} % "
             "(TBUs anbefaling) flagges"]
    for col, key, op, label in (("lavt_disposisjonsfond", "disposisjonsfond.min_pct", "lt", "disposisjonsfond"),
                                ("hoy_gjeld", "gjeld.max_pct", "gt", "gjeld")):
        limit = th[key]
        src = sub["disposisjonsfond_pct" if label == "disposisjonsfond" else "gjeldsgrad_pct"]
        if limit is None:
            sub[col] = pd.NA
            notes.append(f"terskel for {label} er ikke satt (ikke vurdert)")
        else:
            sub[col] = ((src < limit) if op == "lt" else (src > limit)).where(src.notna())
    if robek is not None and not robek.empty and "kommunenummer" in robek.columns:
        sub["robek"] = sub["kommunenummer"].isin(set(robek["kommunenummer"].astype(str)))
    else:
        sub["robek"] = pd.NA
        notes.append("ROBEK-registeret er ikke hentet")
    status = f"Finansielle nøkkeltall {y} (SSB tabell 12134, % av brutto driftsinntekter): " + "; ".join(notes) + "."
    return sub, status
