"""Beste praksis: compare a kommune's corrected cost per service area with chosen reference kommuner.

For each service area the best practice is the lowest expenditure-corrected net operating expenditure per
inhabitant among the reference kommuner and the kommune itself; the potential is
Σ over areas (best − own) × own inhabitants (negative = what the kommune would spend less at best practice).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import DataError


def _wide(table: pd.DataFrame) -> pd.DataFrame:
    """A service area × kommune table; a long table (service_area, kommune|kommunenummer, kr_per_inhabitant)
    is pivoted."""
    if {"service_area", "kr_per_inhabitant"} <= set(table.columns):
        key = "kommune" if "kommune" in table.columns else "kommunenummer"
        if key not in table.columns:
            raise DataError("best practice: a long table needs a 'kommune' or 'kommunenummer' column")
        return table.pivot_table(index="service_area", columns=key, values="kr_per_inhabitant",
                                 aggfunc="first", sort=False, dropna=False)
    return table


def best_practice(table: pd.DataFrame, own: str, references: Iterable[str],
                  inhabitants: float | None = None) -> pd.DataFrame:
    """Per service area: the best kommune among ``references`` and ``own``, the gap and the potential.

    ``table``: service area (index) × kommune (columns), kr per inhabitant, expenditure-corrected; or a long
    table with columns service_area, kommune (or kommunenummer), kr_per_inhabitant. Missing cells are skipped.
    ``inhabitants``: the own kommune's inhabitants (needed for the potential in kr).

    Returns columns service_area, own, best_kommune, best, gap (best − own, kr per inhabitant) and potential
    (gap × inhabitants, kr); ``attrs["total"]`` holds the summed potential.

    >>> t = pd.DataFrame({"A": [9340.0], "B": [5534.0]}, index=["Administrasjon og styring"])
    >>> best_practice(t, "A", ["B"], inhabitants=6212).attrs["total"]
    -23642872.0
    """
    wide = _wide(table)
    refs = [r for r in references if r != own]
    problems = [f"best practice: kommune {k!r} is not in the table" for k in [own, *refs] if k not in wide.columns]
    if problems:
        raise DataError("best practice: unknown kommune(r)", problems)
    if not refs:
        raise DataError("best practice: give at least one reference kommune other than the kommune itself")
    cols = [own, *refs]
    rows = []
    for area, values in wide[cols].iterrows():
        own_value = values[own]
        if pd.isna(own_value):
            continue
        candidates = values.dropna().astype(float)
        # ties go to the kommune itself, then to the first reference listed
        best_kommune = min(candidates.index, key=lambda k: (candidates[k], cols.index(k)))
        best = float(candidates[best_kommune])
        gap = best - float(own_value)
        rows.append({"service_area": area, "own": float(own_value), "best_kommune": best_kommune, "best": best,
                     "gap": gap, "potential": gap * inhabitants if inhabitants is not None else np.nan})
    out = pd.DataFrame(rows, columns=["service_area", "own", "best_kommune", "best", "gap", "potential"])
    out.attrs["total"] = float(out["potential"].sum()) if inhabitants is not None else float("nan")
    out.attrs["own"] = own
    out.attrs["references"] = refs
    out.attrs["inhabitants"] = inhabitants
    return out


def expenditure_corrected(kostra: pd.DataFrame, index: pd.DataFrame) -> pd.DataFrame:
    """Correct KOSTRA net operating expenditure per inhabitant for expenditure need: value / index.

    ``kostra``: long (kommunenummer, year, service_area, kr_per_inhabitant); ``index``: (kommunenummer, year,
    index) — e.g. ``atlas.tables["expenditure_index"]``, the total utgiftsbehovsindeks (1.0 = national
    average). Rows without an index for their kommune and year are dropped. Using the total index for every
    service area is the usual approximation when sector indices are not at hand.
    """
    merged = kostra.merge(index[["kommunenummer", "year", "index"]], on=["kommunenummer", "year"], how="inner")
    merged = merged[merged["index"] > 0].copy()
    merged["kr_per_inhabitant"] = merged["kr_per_inhabitant"] / merged["index"]
    return merged.drop(columns="index").reset_index(drop=True)
