"""Age groups of the cost key and ratios derived from a long population table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError

#: The eight age groups of the inntektssystem cost key, label -> (lowest age, highest age), inclusive.
#: 105 is the open-ended top age (105+).
AGE_GROUPS: dict[str, tuple[int, int]] = {
    "0-1": (0, 1),
    "2-5": (2, 5),
    "6-15": (6, 15),
    "16-22": (16, 22),
    "23-66": (23, 66),
    "67-79": (67, 79),
    "80-89": (80, 89),
    "90+": (90, 105),
}

MAX_AGE = 105

_REQUIRED = ("year", "age", "population")


def _unit_column(pop: pd.DataFrame) -> str:
    for col in ("unit", "kommunenummer"):
        if col in pop.columns:
            return col
    raise DataError("population table: needs a 'kommunenummer' or 'unit' column")


def age_group_table(pop: pd.DataFrame) -> pd.DataFrame:
    """Population per unit and year in the eight cost-key age groups, plus ``total``.

    ``pop`` is long: kommunenummer (or unit), year, age, [sex], population — e.g. ``atlas.population`` or the
    output of :func:`reformkit.project`. Sexes are summed. Returns a DataFrame indexed by
    (kommunenummer|unit, year) with columns the labels of :data:`AGE_GROUPS` in order, then ``total``.

    >>> t = age_group_table(atlas.population)          # doctest: +SKIP
    >>> t.loc[("1505", 2024), "80-89"]                 # doctest: +SKIP
    """
    unit = _unit_column(pop)
    missing = [c for c in _REQUIRED if c not in pop.columns]
    if missing:
        raise DataError(f"population table: missing column(s) {', '.join(missing)}")
    ages = pop["age"].to_numpy()
    if len(ages) and (ages.min() < 0 or ages.max() > MAX_AGE):
        raise DataError(f"population table: ages must be within 0..{MAX_AGE}")
    group_of_age = np.empty(MAX_AGE + 1, dtype=np.int64)
    for g, (lo, hi) in enumerate(AGE_GROUPS.values()):
        group_of_age[lo:hi + 1] = g
    # factorise units and years separately and sum with bincount: far faster than groupby on 1.6M rows
    unit_codes, units = pd.factorize(pop[unit], sort=True)
    year_codes, years = pd.factorize(pop["year"].to_numpy().astype(np.int64), sort=True)
    n_groups, n_years = len(AGE_GROUPS), len(years)
    pair = unit_codes.astype(np.int64) * n_years + year_codes
    flat = pair * n_groups + group_of_age[ages.astype(np.int64)]
    sums = np.bincount(flat, weights=pop["population"].to_numpy().astype(np.float64),
                       minlength=len(units) * n_years * n_groups).reshape(len(units) * n_years, n_groups)
    present = np.zeros(len(units) * n_years, dtype=bool)
    present[pair] = True
    index = pd.MultiIndex.from_product([pd.Index(units, dtype=pop[unit].dtype if len(units) else object),
                                        pd.Index(years, dtype=np.int64)], names=[unit, "year"])
    table = pd.DataFrame(sums, index=index, columns=list(AGE_GROUPS)).loc[present]
    if np.issubdtype(pop["population"].dtype, np.integer):
        table = table.astype(np.int64)
    table["total"] = table.sum(axis=1)
    return table


def sum_age_groups(arr: np.ndarray, axis: int) -> np.ndarray:
    """Sum single-year ages 0..105 along ``axis`` into the eight cost-key groups (that axis becomes length 8).

    The array counterpart of :func:`age_group_table`, e.g. for a cube ``[kommune, age, year]``.

    >>> sum_age_groups(np.ones((2, MAX_AGE + 1)), axis=1)[0].tolist()
    [2.0, 4.0, 10.0, 7.0, 44.0, 13.0, 10.0, 16.0]
    """
    if arr.shape[axis] != MAX_AGE + 1:
        raise DataError(f"age axis has {arr.shape[axis]} ages, expected {MAX_AGE + 1} (0..{MAX_AGE})")
    starts = [lo for lo, _ in AGE_GROUPS.values()]
    return np.add.reduceat(arr, starts, axis=axis)


def old_age_support_ratio(pop: pd.DataFrame) -> pd.Series:
    """Persons aged 16–66 per person aged 67+, per unit and year (``inf`` would mean no one 67+: NaN instead).

    ``pop`` is a long population table (see :func:`age_group_table`) or an age-group table it returned.

    >>> old_age_support_ratio(atlas.population).loc[("0301", 2024)]   # doctest: +SKIP
    """
    table = pop if set(AGE_GROUPS).issubset(pop.columns) else age_group_table(pop)
    values = table[list(AGE_GROUPS)].to_numpy(dtype=np.float64)
    return pd.Series(support_ratio_of_groups(values, list(AGE_GROUPS)), index=table.index,
                     name="old_age_support_ratio")


#: The age groups counted as of working age and as old in the old-age support ratio.
WORKING_GROUPS, OLD_GROUPS = ("16-22", "23-66"), ("67-79", "80-89", "90+")


def support_ratio_of_groups(values: np.ndarray, columns: list[str]) -> np.ndarray:
    """:func:`old_age_support_ratio` of rows of age-group counts (``columns`` names the last axis): NaN where
    no one is 67 or over. The array form, for the workshop's evaluation on every edit.

    >>> support_ratio_of_groups(np.array([[0, 0, 0, 0, 30, 0, 10, 0]]), list(AGE_GROUPS)).tolist()
    [3.0]
    """
    working = sum(values[..., columns.index(g)] for g in WORKING_GROUPS)
    old = sum(values[..., columns.index(g)] for g in OLD_GROUPS)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(old > 0, working / old, np.nan)
