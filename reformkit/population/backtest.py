"""Back-test of the cohort projection: project from a past launch year, compare with what was observed.

Only data up to the launch year is used. Errors are absolute percentage errors per kommune,
``|projected - observed| / observed``, for the total population and the groups 67+ and 80+, summarised by
their mean and median over kommuner (kommuner with an observed group of 0 are left out of that group, and so
are kommuner whose stock series has a recoding break between the launch and the target year — e.g. Ålesund
and Haram, apportioned 50/50 by the source data before 2024 — since no method can be judged on them).
Two naive baselines, from the same data, set the bar:

* ``constant``: the launch-year size stays as it is;
* ``linear``: a least-squares straight line through the base period's sizes (the last ``base_years``
  transitions, as the projection), extrapolated to the target year (floored at 0).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .cube import population_cube
from .projection import ProjectionParams
from .series import project_cube

#: Groups compared in the back-test: id -> lowest age.
BACKTEST_GROUPS = {"total": 0, "67+": 67, "80+": 80}
#: Methods compared: the projection and the two naive baselines.
METHODS = ("projection", "constant", "linear")


def _group_sizes(arr: np.ndarray, lowest_age: int) -> np.ndarray:
    """Persons aged ``lowest_age``+ per kommune from arr[K, S, A, ...] -> (K, ...)."""
    return arr[:, :, lowest_age:].sum(axis=(1, 2))


def backtest_errors(atlas, launch_year: int = 2014, target_year: int = 2024, alternative: str = "main",
                    params=None, **overrides) -> pd.DataFrame:
    """Per-kommune absolute percentage errors of the projection and the naive baselines.

    Returns a DataFrame indexed by kommunenummer with columns ``(group, method)`` (groups of
    :data:`BACKTEST_GROUPS`, methods of :data:`METHODS`) in percent, plus ``(group, "observed")``.
    """
    cube = population_cube(atlas)
    if target_year not in cube.years:
        raise ParameterError(f"target_year {target_year}: not observed on {atlas.borders} borders "
                             f"(observed {cube.years[0]}–{cube.years[-1]})")
    arr, years = project_cube(atlas, target_year, alternative, launch_year=launch_year, params=params,
                              **overrides)
    projected = arr[..., -1]
    observed = cube.data[..., int(np.searchsorted(cube.years, target_year))]
    p = ProjectionParams.for_alternative(alternative if alternative in ("main", "low", "high",
                                                                        "zero-migration") else "main", params)
    history = cube.upto(launch_year)[..., -(p.base_years + 1):]
    hist_years = cube.years[: int(np.searchsorted(cube.years, launch_year, side="right"))][-history.shape[-1]:]
    columns = {}
    for group, lowest in BACKTEST_GROUPS.items():
        obs = _group_sizes(observed, lowest)
        hist = _group_sizes(history, lowest)                        # (K, T)
        slope, intercept = np.polyfit(hist_years - launch_year, hist.T, 1) if hist.shape[1] > 1 else \
            (np.zeros(len(obs)), hist[:, -1])
        estimates = {
            "projection": _group_sizes(projected, lowest),
            "constant": hist[:, -1],
            "linear": np.maximum(intercept + slope * (target_year - launch_year), 0.0),
        }
        with np.errstate(divide="ignore", invalid="ignore"):
            for method, est in estimates.items():
                columns[(group, method)] = np.where(obs > 0, 100.0 * np.abs(est - obs) / obs, np.nan)
        columns[(group, "observed")] = obs
    lo = int(np.searchsorted(cube.years, launch_year))
    hi = int(np.searchsorted(cube.years, target_year))
    broken = (cube.real[:, lo:hi] == 0).any(axis=1)
    out = pd.DataFrame(columns, index=pd.Index(cube.codes, name="kommunenummer"))
    out.columns = pd.MultiIndex.from_tuples(out.columns, names=["group", "method"])
    return out.loc[~broken]


def backtest(atlas, launch_year: int = 2014, target_year: int = 2024, alternative: str = "main",
             params=None, **overrides) -> pd.DataFrame:
    """Back-test summary: mean and median absolute percentage error per group and method.

    Returns one row per (group, method) with columns group, method, mean_ape and median_ape (percent) and
    kommuner (how many were compared); :func:`reformkit.narrative.population.format_backtest` words it.

    >>> from reformkit.population import backtest
    >>> backtest(atlas, launch_year=2014, target_year=2024)        # doctest: +SKIP
    """
    errors = backtest_errors(atlas, launch_year, target_year, alternative, params, **overrides)
    rows = []
    for group in BACKTEST_GROUPS:
        for method in METHODS:
            col = errors[(group, method)].dropna()
            rows.append({"group": group, "method": method, "mean_ape": float(col.mean()),
                         "median_ape": float(col.median()), "kommuner": int(col.size)})
    table = pd.DataFrame(rows)
    table.attrs.update(launch_year=int(launch_year), target_year=int(target_year), alternative=alternative,
                       borders=int(atlas.borders))
    return table
