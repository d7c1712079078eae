"""Public projection API: project, project_units, population_series, and SSB's official alternatives."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..data.store import Dataset
from ..errors import CacheMissingError, DataError, ParameterError
from ..params import ParamTree, load_parameters
from .groups import MAX_AGE
from .cube import N_AGES, population_cube
from .projection import (ENGINE_ALTERNATIVES, MAX_HORIZON_YEARS, SSB_ALTERNATIVES, ProjectionParams, estimate_rates,
                         project_array)

if TYPE_CHECKING:
    from ..data.atlas import Atlas

COLUMNS = ["kommunenummer", "year", "age", "sex", "population"]
SSB_FETCH_HINT = "fetch it with `reformkit data fetch --only ssb-projection` (needs internet)"


def _long_frame(codes: pd.Index, sexes: list[str], years: np.ndarray, arr: np.ndarray,
                unit_col: str = "kommunenummer") -> pd.DataFrame:
    """Long frame from ``arr[K, S, A, Y]``, rows ordered kommune, year, sex, age (like atlas.population)."""
    k, s, a, y = arr.shape
    codes_arr = pd.array(np.asarray(codes, dtype=object), dtype="str")
    return pd.DataFrame({
        unit_col: codes_arr.take(np.repeat(np.arange(k), y * s * a)),
        "year": np.tile(np.repeat(np.asarray(years, dtype=np.int16), s * a), k),
        "age": np.tile(np.arange(a, dtype=np.int16), k * y * s),
        "sex": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(s, dtype=np.int8), a), k * y),
                                         categories=sexes),
        "population": arr.transpose(0, 3, 1, 2).reshape(-1),
    })


def _check_years(atlas, horizon: int, launch_year: int | None) -> tuple[int, int]:
    years = atlas.years
    launch = years[-1] if launch_year is None else int(launch_year)
    problems = []
    if launch not in years:
        problems.append(f"launch_year {launch}: no observed population on {atlas.borders} borders "
                        f"(observed {years[0]}–{years[-1]})")
    elif launch == years[0]:
        problems.append(f"launch_year {launch}: needs at least one earlier observed year")
    if int(horizon) <= launch:
        problems.append(f"horizon {horizon}: must be after the launch year {launch}")
    elif int(horizon) - launch > MAX_HORIZON_YEARS:
        problems.append(f"horizon {horizon}: more than {MAX_HORIZON_YEARS} years after {launch}")
    if problems:
        raise ParameterError("projection years", problems)
    return launch, int(horizon)


#: A projection of every kommune (in memory only: a fraction of a second to compute).
PROJECTION = Dataset("projection", version=1, format="arrays", persist=False)
#: Observed-then-projected population as a long table (in memory only).
SERIES = Dataset("population_series", version=1, format="table", persist=False)


def project_cube(atlas: Atlas, horizon: int, alternative: str = "main", *, launch_year: int | None = None,
                 params: ParamTree | None = None, **overrides: Any) -> tuple[np.ndarray, np.ndarray]:
    """The projection as an array ``[kommune, sex, age, year]`` and its years (launch+1..horizon), memoised.

    Kommune and sex axes follow :func:`~reformkit.population.projection.population_cube`. ``params`` is the
    ``projection`` parameter group (the shipped one when None); ``overrides`` replace single engine
    parameters. Use :func:`project` for a DataFrame.
    """
    launch, horizon = _check_years(atlas, horizon, launch_year)
    tree = params or load_parameters().projection
    if alternative in SSB_ALTERNATIVES:
        if overrides:
            raise ParameterError(f"projection alternative {alternative!r}: takes no parameters "
                                 f"(got {', '.join(overrides)})")
        return _ssb_cube(atlas, horizon, alternative, launch, tree)
    p = ProjectionParams.for_alternative(alternative, tree, **overrides)

    def compute() -> dict[str, np.ndarray]:
        cube = population_cube(atlas)
        stock = cube.upto(launch)
        rates = estimate_rates(stock, cube.sexes, cube.fylke, p, cube.real_upto(launch))
        arr = project_array(stock[..., -1], rates, p, horizon - launch, cube.sexes)
        arr.flags.writeable = False
        return {"data": arr, "years": np.arange(launch + 1, horizon + 1)}
    key = {"generation": atlas.generation, "params": list(p.key()), "launch": launch, "horizon": horizon}
    out = atlas.store.get(PROJECTION, key, compute)
    return out["data"], out["years"]


def project(atlas: Atlas, horizon: int, alternative: str = "main", *, launch_year: int | None = None,
            params: ParamTree | None = None, **overrides: Any) -> pd.DataFrame:
    """Project the population of every kommune by single-year age and sex to ``horizon``.

    Returns a long DataFrame kommunenummer, year, age (0–105, 105 = 105+), sex, population (float) with ONLY
    the projected years ``launch_year+1 .. horizon``. ``launch_year`` defaults to the last observed year; data
    after it is not used. ``alternative``: "main", "low", "high", "zero-migration" (cohort engine, see
    :mod:`reformkit.population.projection` for the method and its limits) or "ssb-main", "ssb-low",
    "ssb-high" (SSB's official projection, if fetched; its figures for the years after ``launch_year``).
    ``params`` is the ``projection`` parameter group (default: the shipped files); ``overrides`` replace
    single engine parameters, e.g. ``migration_scale=0.5``, ``fertility_scale=1.1``, ``base_years=5``,
    ``cohort_weight=0``.

    >>> import reformkit as rk
    >>> atlas = rk.load_atlas(2024)
    >>> proj = rk.project(atlas, horizon=2050, alternative="main")          # doctest: +SKIP
    >>> proj.groupby("year")["population"].sum().loc[2050]                    # doctest: +SKIP
    """
    arr, years = project_cube(atlas, horizon, alternative, launch_year=launch_year, params=params, **overrides)
    cube = population_cube(atlas)
    return _long_frame(cube.codes, cube.sexes, years, arr)


def _unit_index(atlas, mapping: Mapping[str, str] | pd.Series) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """(kommune positions, unit labels, unit position per kommune) for a kommune -> unit mapping."""
    items = mapping.items() if isinstance(mapping, (Mapping, pd.Series)) else None
    if items is None:
        raise ParameterError("project_units: mapping must be a dict or Series kommunenummer -> unit")
    pairs = [(str(k), str(u)) for k, u in items]
    codes = population_cube(atlas).codes
    unknown = [k for k, _ in pairs if k not in codes]
    if unknown:
        raise DataError(f"project_units: kommune(r) not on {atlas.borders} borders", unknown)
    units = pd.Index(list(dict.fromkeys(u for _, u in pairs)))
    return (codes.get_indexer([k for k, _ in pairs]), units,
            units.get_indexer([u for _, u in pairs]))


def project_units(atlas: Atlas, mapping: Mapping[str, str] | pd.Series, horizon: int, alternative: str = "main", *,
                  base_year: int | None = None, launch_year: int | None = None, params: ParamTree | None = None,
                  **overrides: Any) -> pd.DataFrame:
    """Projection of units (blocks, merged kommuner) as the SUM of their members' kommune projections.

    ``mapping``: kommunenummer -> unit label; kommuner not in it are left out. Returns a long DataFrame
    unit, year, age, sex, population: projected years only, or observed years from ``base_year`` followed by
    projected years when ``base_year`` is given (as :func:`population_series`). Units are never projected
    from their own aggregated ratios, so the projection of a merged area always equals the sum of its
    members' projections, and totals are conserved whatever the blocks.

    >>> project_units(atlas, {"1505": "Nordmøre", "1507": "Ålesund"}, 2040)      # doctest: +SKIP
    """
    k_pos, units, u_of_k = _unit_index(atlas, mapping)
    if base_year is None:
        arr, years = project_cube(atlas, horizon, alternative, launch_year=launch_year, params=params, **overrides)
    else:
        arr, years = series_cube(atlas, base_year, horizon, alternative, launch_year=launch_year, params=params,
                                 **overrides)
    out = np.zeros((len(units),) + arr.shape[1:])
    np.add.at(out, u_of_k, arr[k_pos])
    return _long_frame(units, population_cube(atlas).sexes, years, out, unit_col="unit")


def series_cube(atlas: Atlas, base_year: int, horizon: int, alternative: str = "main", *,
                launch_year: int | None = None, params: ParamTree | None = None,
                **overrides: Any) -> tuple[np.ndarray, np.ndarray]:
    """Observed then projected population as an array ``[kommune, sex, age, year]`` and its years.

    The array form of :func:`population_series` (axes as :func:`~reformkit.population.projection.population_cube`):
    observed years ``base_year .. launch_year``, projected years after, up to ``horizon``.
    """
    cube = population_cube(atlas)
    launch = cube.years[-1] if launch_year is None else int(launch_year)
    if not cube.years[0] <= int(base_year) <= launch:
        raise ParameterError(f"base_year {base_year}: no observed population on {atlas.borders} borders "
                             f"up to {launch} (observed {cube.years[0]}–{cube.years[-1]})")
    if int(horizon) < int(base_year):
        raise ParameterError(f"horizon {horizon}: must not be before base_year {base_year}")
    lo = int(np.searchsorted(cube.years, int(base_year)))
    hi = int(np.searchsorted(cube.years, min(int(horizon), launch), side="right"))
    observed, obs_years = cube.data[..., lo:hi], cube.years[lo:hi]
    if int(horizon) <= launch:
        return observed, obs_years
    arr, years = project_cube(atlas, horizon, alternative, launch_year=launch, params=params, **overrides)
    return np.concatenate([observed, arr], axis=-1), np.r_[obs_years, years]


def population_series(atlas: Atlas, base_year: int, horizon: int, alternative: str = "main", *,
                      launch_year: int | None = None, params: ParamTree | None = None,
                      **overrides: Any) -> pd.DataFrame:
    """Population by kommune, year, age and sex for every year ``base_year .. horizon``.

    Observed where observed (up to the launch year, by default the last observed year), projected after.
    Memoised on the Atlas per (alternative, parameters, launch, base year, horizon); treat the result as
    read-only (a shallow copy is returned, so adding columns to it is safe).

    >>> s = population_series(atlas, 2024, 2040)                  # doctest: +SKIP
    >>> s.groupby("year")["population"].sum()                      # doctest: +SKIP
    """
    tree = params or load_parameters().projection
    key = {"generation": atlas.generation, "alternative": alternative, "base_year": int(base_year),
           "horizon": int(horizon), "launch": launch_year, "params": tree.digest(), "overrides": overrides}

    def compute() -> pd.DataFrame:
        arr, years = series_cube(atlas, base_year, horizon, alternative, launch_year=launch_year, params=tree,
                                 **overrides)
        cube = population_cube(atlas)
        return _long_frame(cube.codes, cube.sexes, years, arr)
    return atlas.store.get(SERIES, key, compute).copy(deep=False)


# ---- SSB's official projection ------------------------------------------------------------------------------
def read_ssb_projection(atlas: Atlas) -> pd.DataFrame:
    """The SSB projection of the Atlas's cache (extra "ssb_projection"), or CacheMissingError naming the fetch."""
    df = atlas.extra("ssb_projection")
    if df is None:
        raise CacheMissingError(f"SSB's population projection is not in the data cache; {SSB_FETCH_HINT}")
    missing = [c for c in ("kommunenummer", "year", "age", "sex", "alternative", "population")
               if c not in df.columns]
    if missing:
        raise DataError(f"cached ssb_projection: missing column(s) {', '.join(missing)}; {SSB_FETCH_HINT}")
    return df


def _ssb_cube(atlas, horizon: int, alternative: str, launch: int, tree: ParamTree) -> tuple[np.ndarray, np.ndarray]:
    code = tree.get(f"ssb.{alternative}")
    df = read_ssb_projection(atlas)
    df = df[(df["alternative"].astype(str) == code) & (df["year"].astype(int) > launch)
            & (df["year"].astype(int) <= horizon)]
    years = np.arange(launch + 1, horizon + 1)
    have = set(df["year"].astype(int).unique())
    problems = []
    missing_years = [int(y) for y in years if y not in have]
    if missing_years:
        problems.append(f"alternative {code}: no years {missing_years[0]}–{missing_years[-1]}"
                        if len(missing_years) > 1 else f"alternative {code}: no year {missing_years[0]}")
    cube = population_cube(atlas)
    codes = df["kommunenummer"].astype(str)
    absent = sorted(set(cube.codes) - set(codes.unique()))
    if absent:
        problems.append(f"{len(absent)} kommune(r) of the {atlas.borders} borders missing (e.g. "
                        f"{', '.join(absent[:5])}); SSB projects on current borders, use borders=2024")
    sex = df["sex"].astype(str)
    if cube.sexes == ["total"]:
        sex = pd.Series("total", index=df.index)
    elif not set(sex.unique()) <= set(cube.sexes):
        problems.append(f"unexpected sex values {sorted(set(sex.unique()) - set(cube.sexes))}")
    if problems:
        raise DataError(f"cached SSB projection cannot give {alternative!r} to {horizon}", problems)
    k = cube.codes.get_indexer(codes)
    keep = k >= 0
    arr = np.zeros((len(cube.codes), len(cube.sexes), N_AGES, len(years)))
    np.add.at(arr, (k[keep], pd.Index(cube.sexes).get_indexer(sex[keep]),
                    np.clip(df["age"].to_numpy()[keep].astype(np.int64), 0, MAX_AGE),
                    df["year"].to_numpy()[keep].astype(np.int64) - (launch + 1)),
              df["population"].to_numpy()[keep].astype(np.float64))
    return arr, years


__all__ = ["project", "project_cube", "project_units", "population_series", "read_ssb_projection",
           "ENGINE_ALTERNATIVES", "SSB_ALTERNATIVES"]
