"""Population per kommune, year and cost-key age group for base_year..horizon, a dataset of the Atlas's store.

Observed years come from the Atlas; years after the last observed one from the projection engine
(:func:`reformkit.population.population_series`). Evaluating an edited scenario reuses this array, so moving
a kommune between blocks never reloads or re-projects anything.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.store import Dataset
from ..notices import Notice, notice
from ..params import ParamTree, load_parameters
from ..population import AGE_GROUPS, population_cube, series_cube, sum_age_groups

#: columns of every population table of a result: the eight cost-key groups, then the total
COLUMNS: list[str] = [*AGE_GROUPS, "total"]


def projected_years(years: list[int], observed_years: list[int]) -> list[int]:
    """The years of ``years`` that are not observed, i.e. come from the projection engine.

    >>> projected_years([2024, 2025, 2026, 2027], [2024, 2025, 2026])
    [2027]
    """
    observed = set(observed_years)
    return [y for y in years if y not in observed]


@dataclass(frozen=True)
class KommuneSeries:
    """``values[k, y, c]``: population of kommune ``codes[k]`` in ``years[y]`` for column ``COLUMNS[c]``."""

    codes: pd.Index
    years: list[int]
    values: np.ndarray
    observed_years: list[int]
    warnings: tuple[Notice, ...] = ()

    @property
    def projected_years(self) -> list[int]:
        """Years that come from the projection engine."""
        return projected_years(self.years, self.observed_years)


#: Per-kommune age-group series (in memory only; evaluating an edited scenario reuses it).
SERIES = Dataset("kommune_series", version=1, format="json", persist=False)


def _compute(atlas, base_year: int, horizon: int, projection: str, params: ParamTree) -> KommuneSeries:
    cube = population_cube(atlas)
    arr, years = series_cube(atlas, base_year, horizon, projection, params=params)   # [kommune, sex, age, year]
    groups = sum_age_groups(arr.sum(axis=1), axis=1)                       # [kommune, group, year]
    values = np.concatenate([groups, groups.sum(axis=1, keepdims=True)], axis=1).transpose(0, 2, 1)
    values = np.ascontiguousarray(values, dtype=np.float64)
    values.setflags(write=False)
    years = [int(y) for y in years]
    last_observed = int(cube.years[-1])
    observed = [y for y in years if y <= last_observed]
    warnings: list[Notice] = []
    absent = ~cube.present[:, np.searchsorted(cube.years, observed)]  # series_cube: base_year is observed
    if absent.any():  # e.g. a kommune founded after base_year: say so rather than count it silently as 0
        missing = [[str(cube.codes[k]), int(observed[y])] for k, y in zip(*np.nonzero(absent))]
        warnings.append(notice("missing_population", count=len(missing), kommune_years=missing))
    codes = pd.Index(cube.codes, name="kommunenummer")
    return KommuneSeries(codes, years, values, observed, tuple(warnings))


def kommune_series(atlas, base_year: int, horizon: int, projection: str = "main",
                   params: ParamTree | None = None) -> KommuneSeries:
    """Population of every kommune by year and age group, base_year..horizon (kept by the Atlas's store).

    ``params`` is the ``projection`` parameter group (the shipped one when None).

    >>> s = kommune_series(atlas, 2024, 2040)          # doctest: +SKIP
    >>> s.values.shape                                 # doctest: +SKIP
    (357, 17, 9)
    """
    tree = params or load_parameters().projection
    key = {"generation": atlas.generation, "base_year": int(base_year), "horizon": int(horizon),
           "projection": str(projection), "params": tree.digest()}
    return atlas.store.get(SERIES, key, lambda: _compute(atlas, int(base_year), int(horizon), str(projection), tree))
