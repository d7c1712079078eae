"""Population per kommune, year and cost-key age group for base_year..horizon, memoised on the Atlas.

Observed years come from the Atlas; years after the last observed one from the projection engine
(:func:`reformkit.population.population_series`). Evaluating an edited scenario reuses this array, so moving
a kommune between blocks never reloads or re-projects anything.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..population import AGE_GROUPS, age_group_table, population_series

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
    warnings: tuple[str, ...] = ()

    @property
    def projected_years(self) -> list[int]:
        """Years that come from the projection engine."""
        return projected_years(self.years, self.observed_years)


def _compute(atlas, base_year: int, horizon: int, projection: str) -> KommuneSeries:
    last_observed = atlas.years[-1]
    warnings: list[str] = []
    if horizon <= last_observed:
        pop = atlas.population[atlas.population["year"].between(base_year, horizon)]
    else:
        pop = population_series(atlas, base_year, horizon, alternative=projection)
    table = age_group_table(pop)
    codes = pd.Index(atlas.codes, name="kommunenummer")
    years = sorted(int(y) for y in table.index.get_level_values("year").unique())
    full = pd.MultiIndex.from_product([codes, years], names=["kommunenummer", "year"])
    observed_rows = atlas.population.loc[atlas.population["year"].between(base_year, min(horizon, last_observed)),
                                         ["kommunenummer", "year"]].drop_duplicates()
    present = pd.MultiIndex.from_arrays([observed_rows["kommunenummer"].astype(str), observed_rows["year"].astype(int)])
    missing = full[full.get_level_values("year") <= last_observed].difference(present)
    if len(missing):  # e.g. a kommune founded after base_year: say so rather than count it silently as 0
        pairs = ", ".join(f"{k} ({y})" for k, y in list(missing)[:6]) + (" …" if len(missing) > 6 else "")
        warnings.append(f"Mangler befolkningstall for {len(missing)} kommune-år, regnet som 0: {pairs}.")
    values = table.reindex(full, fill_value=0)[COLUMNS].to_numpy(dtype=np.float64)
    values = values.reshape(len(codes), len(years), len(COLUMNS))
    values.setflags(write=False)
    observed = [y for y in years if y <= last_observed]
    return KommuneSeries(codes, years, values, observed, tuple(warnings))


def kommune_series(atlas, base_year: int, horizon: int, projection: str = "main") -> KommuneSeries:
    """Population of every kommune by year and age group, base_year..horizon (memoised on the Atlas).

    >>> s = kommune_series(atlas, 2024, 2040)          # doctest: +SKIP
    >>> s.values.shape                                 # doctest: +SKIP
    (357, 17, 9)
    """
    key = repr(("evaluate.kommune_series", int(base_year), int(horizon), str(projection)))
    return atlas.cached(key, lambda: _compute(atlas, int(base_year), int(horizon), str(projection)))
