"""The kommune profile: one kommune's population now and at the horizon, its old-age support ratio year by
year, the change in its demographic expenditure need by service, its merger options and beste praksis.

Numbers and codes only; :mod:`reformkit.narrative.profile` words them and :mod:`reformkit.charts` draws them
(``notebooks/kommune_profile.ipynb``). "Now" is the last observed year: every change is measured from it.

>>> prof = kommune_profile(rk.load_atlas(), 1837, horizon=2040)        # doctest: +SKIP
>>> prof.support.query("year == 2040")                                # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..economy import expenditure_need
from ..errors import CacheMissingError, DataError, ReformkitError
from ..notices import Notice, notice
from ..params import Parameters, load_parameters
from ..population import AGE_GROUPS, SSB_ALTERNATIVES, age_group_table, old_age_support_ratio, population_series
from ..scenario import kommune_index
from .benchmark import BestPractice, kommune_best_practice
from .county import apportioned_until, fylke_name
from .options import merger_options, nearest_centre

#: SSB's alternative that an engine projection is compared with, when it has been fetched.
SSB_COMPARISON = "ssb-main"


@dataclass
class KommuneProfile:
    """Everything the kommune profile shows, as tables. Kommune numbers are 4-character strings.

    Attributes
    ----------
    kommune, name, fylke, fylke_name : the kommune's number, short name, fylkesnummer and fylke name.
    now : the last observed year (the base of every change); horizon : the last projected year.
    alternative : the projection used (``requested`` is the one asked for; they differ when SSB's projection
        was asked for but is not in the data cache).
    start : the first year of the support-ratio series (``history.years`` before ``now``, or the first year
        with the kommune's own figures when the source apportions its earlier population, e.g. Haram).
    population : long table year, age, sex, population for ``now`` and ``horizon`` (the pyramids).
    series : per year ``start..horizon``: the eight cost-key age groups, total, old_age_support_ratio and
        observed (bool), indexed by year.
    support : long table year, ratio, alternative — the support ratio of ``alternative`` for every year
        ``start..horizon``, and of SSB's main alternative for ``now..horizon`` when fetched.
    need : :func:`reformkit.economy.expenditure_need` of the kommune for ``now..horizon`` (base ``now``): the
        need per service in kr and ``change_<service>`` from ``now``.
    options : :func:`reformkit.evaluate.options.merger_options`, ranked, best first; ``alone`` is the
        kommune's own figures in the same columns (a one-row table) for comparison; nearest_centre : the
        nearest larger regional centre and the minutes to it, within reach or not (None when there is none).
    best_practice : :class:`~reformkit.evaluate.benchmark.BestPractice`.
    parameters : the :class:`~reformkit.params.Parameters` used; names : every kommune's short name.
    notices : what the profile could not show, or shows with a caveat, as codes.
    """

    kommune: str
    name: str
    fylke: str
    fylke_name: str
    now: int
    horizon: int
    alternative: str
    requested: str
    start: int
    population: pd.DataFrame
    series: pd.DataFrame
    support: pd.DataFrame
    need: pd.DataFrame
    options: pd.DataFrame
    alone: pd.DataFrame
    best_practice: BestPractice
    parameters: Parameters
    names: dict[str, str]
    nearest_centre: tuple[str, float] | None = None
    notices: list[Notice] = field(default_factory=list)

    @property
    def compared_with_ssb(self) -> bool:
        """True when SSB's main alternative is shown beside the engine projection."""
        return self.alternative not in SSB_ALTERNATIVES and (self.support["alternative"] == SSB_COMPARISON).any()


def normalise_kommune(atlas, kommune: str | int) -> str:
    """The 4-character kommunenummer of a number (``1837``, ``"1837"``, ``301`` -> ``"0301"``) or a name
    (``"Meløy"``); a ReformkitError names the problem (papermill passes ``-p kommunenummer 1837`` as an int)."""
    if isinstance(kommune, float) and kommune.is_integer():
        kommune = int(kommune)
    res = kommune_index(atlas).resolve(kommune)
    if res.code is None:
        raise ReformkitError(f"kommunenummer {kommune!r}: {res.problem}")
    return res.code


def _series(atlas, code: str, start: int, horizon: int, alternative: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long population of the kommune start..horizon, age-group table by year with the support ratio)."""
    long = population_series(atlas, start, horizon, alternative)
    long = long[long["kommunenummer"] == code]
    groups = age_group_table(long).droplevel(0)
    groups["old_age_support_ratio"] = old_age_support_ratio(groups)
    groups["observed"] = groups.index <= atlas.years[-1]
    return long, groups


def _ssb_support(atlas, code: str, now: int, horizon: int) -> tuple[pd.DataFrame | None, Notice | None]:
    """SSB's main alternative's support ratio ``now..horizon``, or the notice saying why it is not shown."""
    try:
        _, groups = _series(atlas, code, now, horizon, SSB_COMPARISON)
    except CacheMissingError:
        return None, notice("ssb_not_fetched", alternative=SSB_COMPARISON)
    except DataError:
        return None, notice("ssb_incomplete", alternative=SSB_COMPARISON, horizon=horizon)
    return pd.DataFrame({"year": groups.index, "ratio": groups["old_age_support_ratio"].to_numpy(),
                         "alternative": SSB_COMPARISON}), None


def _projection(atlas, code: str, start: int, horizon: int, requested: str,
                notices: list[Notice]) -> tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The projection used, its long population and age-group series, and SSB's support ratio when shown."""
    alternative = requested
    if requested in SSB_ALTERNATIVES:
        try:
            long, groups = _series(atlas, code, start, horizon, requested)
            return requested, long, groups, None
        except (CacheMissingError, DataError) as exc:
            code_ = "ssb_not_fetched" if isinstance(exc, CacheMissingError) else "ssb_incomplete"
            notices.append(notice(code_, alternative=requested, horizon=horizon, fallback="main"))
            alternative = "main"
    long, groups = _series(atlas, code, start, horizon, alternative)
    ssb, missing = (None, None) if requested in SSB_ALTERNATIVES else _ssb_support(atlas, code, atlas.years[-1],
                                                                                     horizon)
    if missing is not None:
        notices.append(missing)
    return alternative, long, groups, ssb


def _alone(groups: pd.DataFrame, code: str, name: str, now: int, horizon: int) -> pd.DataFrame:
    """The kommune on its own, in the columns of the merger options."""
    return pd.DataFrame([{"option": name, "kind": "alone", "members": [code], "centre": code, "via": [],
                          "population_base": groups.at[now, "total"],
                          "population_horizon": groups.at[horizon, "total"],
                          "support_ratio_base": groups.at[now, "old_age_support_ratio"],
                          "support_ratio_horizon": groups.at[horizon, "old_age_support_ratio"],
                          "travel_minutes": 0.0, "max_travel_minutes": float("nan"),
                          "present_value": float("nan"), "not_computed": []}])


def kommune_profile(atlas, kommune: str | int, horizon: int = 2040, alternative: str = "main", *,
                    references: Sequence[str | int] | None = None, kostra_csv: str | Path | None = None,
                    params: Parameters | None = None) -> KommuneProfile:
    """The profile of ``kommune`` (number as text or int, or name) to ``horizon`` with the projection
    ``alternative`` (see :class:`KommuneProfile`).

    ``references``: reference kommuner for beste praksis (numbers or names; default: chosen as described in
    :mod:`reformkit.evaluate.benchmark`). ``kostra_csv``: a filled KOSTRA file
    (:mod:`reformkit.data.kostra_csv`; a DataError lists every problem in it). When SSB's projection is asked
    for but not fetched, the engine's main alternative is used and a notice says so.
    """
    params = params or load_parameters()
    code = normalise_kommune(atlas, kommune)
    refs = [normalise_kommune(atlas, r) for r in references or []]
    tree = params.tree("profile")
    now, horizon = atlas.years[-1], int(horizon)
    if horizon <= now:
        raise ReformkitError(f"horizon {horizon}: must be after the last observed year {now}")
    start = max(atlas.years[0], now - int(tree.get("history.years")))
    notices: list[Notice] = []
    own_from = apportioned_until(atlas, [code]).get(code)
    if own_from is not None and own_from > start:   # earlier years are a flat share of a merged kommune
        start = min(own_from, now)
        notices.append(notice("population_apportioned", first_year=start))
    used, long, groups, ssb = _projection(atlas, code, start, horizon, str(alternative), notices)
    support = pd.DataFrame({"year": groups.index, "ratio": groups["old_age_support_ratio"].to_numpy(),
                            "alternative": used})
    if ssb is not None:
        support = pd.concat([support, ssb], ignore_index=True)
    need = expenditure_need(groups.loc[now:, list(AGE_GROUPS)].set_index(
        pd.MultiIndex.from_product([[code], groups.loc[now:].index], names=["unit", "year"])),
        params.economy, base_year=now)
    name, fylke = str(atlas.kommuner.at[code, "kommunenavn_kort"]), str(atlas.kommuner.at[code, "fylkesnummer"])
    return KommuneProfile(
        kommune=code, name=name, fylke=fylke, fylke_name=fylke_name(atlas, fylke), now=now, horizon=horizon,
        alternative=used, requested=str(alternative), start=start,
        population=long[long["year"].isin([now, horizon])][["year", "age", "sex", "population"]],
        series=groups, support=support, need=need,
        options=merger_options(atlas, code, now, horizon, used, params),
        alone=_alone(groups, code, name, now, horizon),
        best_practice=kommune_best_practice(atlas, code, tree, refs, kostra_csv),
        parameters=params, names=atlas.kommuner["kommunenavn_kort"].astype(str).to_dict(), notices=notices,
        nearest_centre=nearest_centre(atlas, code, now, params))


__all__ = ["KommuneProfile", "kommune_profile", "normalise_kommune"]
