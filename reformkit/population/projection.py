"""Cohort projection of the population per kommune by single-year age and sex (Hamilton–Perry).

Method
------
The offline data holds only population *stocks* (1 January, by kommune, single-year age 0–105+ and sex), no
births, deaths or migration flows. The projection therefore uses the Hamilton–Perry cohort-change method
(Hamilton & Perry 1962; Swanson, Schlottmann & Schmidt 2010), on one-year steps:

* **Cohort-change ratios.** For each kommune, sex and age a = 1..104, ``R(a) = P(a, t+1) / P(a-1, t)``, pooled
  over the base period (the last ``base_period.years`` one-year transitions up to the launch year: sums of
  numerators over sums of denominators). The top group is open: ``R(105+) = P(105+, t+1) / (P(104, t) +
  P(105+, t))``. A ratio contains survival *and* net migration (and border changes, none here: the stocks are
  on one set of borders throughout).
* **Births.** Age 0 on 1 January is projected with a child–woman ratio: persons aged 0 of each sex at t+1 per
  woman aged 15–49 at t, pooled over the last ``base_period.fertility_years`` transitions (fertility has fallen
  since 2009, so a short window). On 2019 borders the data has no sex; there the denominator is everyone
  aged 15–49 and the ratio is about half as large — the projection is unaffected.
* **Shrinkage.** Small kommuner have a handful of persons per age and sex, so their raw ratios are noise. Each
  ratio is pooled with its fylke's ratio as if the fylke contributed ``shrinkage.cohort_weight`` person-years
  (``shrinkage.child_weight`` woman-years for births): ``R = (N_k + w·R_f) / (D_k + w)``. Large kommuner keep
  their own ratios; tiny ones get nearly the fylke's.
* **Survival proxy and net migration.** There are no death data. Survival is approximated from the *national*
  cohort-change ratios: at ages 65+ national net migration is small next to mortality, so the national ratio
  (capped at 1) is taken as survival; below 65 national ratios exceed 1 because of immigration, so survival is
  a Gompertz curve ``-ln S(a) = exp(α + β·a)`` fitted to the national ratios at ``survival.fit_ages`` and
  extrapolated downwards (it gives 0.1–0.2 % annual mortality at 40–50, of the right order; it misses infant
  and accident mortality, which are small). The net-migration part of a ratio is ``m = R / S - 1``.
* **Falling mortality.** Mortality at 65–95 (``1 - S``) fell by about 1.5 % a year in these data. The yearly
  rate is estimated per sex by a log-linear trend of the national ``1 - R`` at ``survival.improvement_ages``
  over all years up to the launch year (capped at ``survival.improvement_max``), and applied to every age:
  ``1 - S`` at a projected year = base-period value × ``exp(-rate · years since the base period's centre)``.
  It can be fixed with the ``mortality_improvement`` parameter (0 = hold mortality at the base level).
* **Damping and alternatives.** ``m`` is clipped to ``[damping.migration_min, damping.migration_max]`` and
  fades by ``damping.migration_decay`` per projected year, so that the compounding ratios do not explode.
  An alternative scales it: ``R' = S · (1 + migration_scale · m)``; births scale with ``fertility_scale``.
  ``main`` = 1/1, ``low`` and ``high`` bracket it (see data/params/projection.yaml), ``zero-migration`` sets
  ``migration_scale = 0``: cohorts then only age and die (survival proxy) and children are born at the
  kommune's own child–woman ratio — a pure ageing view. ``ssb-main``, ``ssb-low`` and ``ssb-high`` return
  SSB's official kommune projections (MMMM/LLML/HHMH) when ``reformkit data fetch`` has stored them.

Properties
----------
* All kommuner are projected at once with vectorised numpy (kommune × sex × age arrays, one step per year):
  all 357 kommuner to 2050 take a fraction of a second.
* Projections never go negative (ratios are clipped at 0).
* Units are always *sums of kommune projections* (:func:`project_units`): the projection of a merged area
  equals the sum of its members' projections, whatever the blocks. Hamilton–Perry is not additive if applied
  to aggregated stocks, so the ratios are never re-estimated on merged areas.

Limits (quote these with the results)
-------------------------------------
* The base period's migration is carried forward (damped). Periods of unusual immigration (2007–2013 labour
  immigration, 2022–23 refugees from Ukraine) inflate the ratios of kommuner that received many.
* Survival is a national proxy (no local mortality differences) and mortality keeps falling at its past
  national trend; in the 2014 -> 2024 back-test the 80+ group is still underestimated by about 4 % nationally.
* Child–woman ratios mix fertility with migration and death of infants in their first year, and fertility is
  held at its recent level.
* Where the source data apportioned a split kommune by flat weights (Ålesund/Haram before 2024, Snillfjord
  and Tysfjord before 2020), the transition across the end of the apportioned years is left out of the base
  period (:func:`apportioned_breaks`); the apportioned history itself is a flat share, not the real split.
* The low/high alternatives are simple brackets (scales on migration and fertility), not SSB's assumptions.
* The back-test (:func:`reformkit.population.backtest`, 2014 -> 2024) measures the errors to expect; errors
  for small kommuner and for narrow age groups are much larger than for totals.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..errors import ParameterError
from ..params import ParamTree, load_parameters
from .cube import N_AGES
from .groups import MAX_AGE

MOTHER_AGES = (15, 49)
#: Alternatives computed by the cohort engine (from data/params/projection.yaml).
ENGINE_ALTERNATIVES = ("main", "low", "high", "zero-migration")
#: Official SSB alternatives read from the cache extra "ssb_projection".
SSB_ALTERNATIVES = ("ssb-main", "ssb-low", "ssb-high")
MAX_HORIZON_YEARS = 100


def _optional_float(value) -> float | None:
    """``None``/"estimate" -> None (estimate from data), else a float."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "estimate"):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"mortality_improvement {value!r}: expected a number or 'estimate'") from None


# ---- parameters ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProjectionParams:
    """Resolved parameters of one projection run (see data/params/projection.yaml)."""

    base_years: int
    fertility_years: int
    cohort_weight: float
    child_weight: float
    migration_min: float
    migration_max: float
    migration_decay: float
    survival_fit_ages: tuple[int, int]
    improvement_ages: tuple[int, int]
    improvement_max: float
    mortality_improvement: float | None
    migration_scale: float
    fertility_scale: float

    @classmethod
    def for_alternative(cls, alternative: str = "main", params: ParamTree | None = None,
                        **overrides) -> "ProjectionParams":
        """Parameters of an engine alternative from the ``projection`` parameter group (the shipped one when
        ``params`` is None), with user overrides (same names as the fields).

        >>> ProjectionParams.for_alternative("low", fertility_scale=0.8).fertility_scale
        0.8
        """
        raw = (params or load_parameters().projection).values
        alts = raw["alternatives"]
        if alternative not in alts:
            raise ParameterError(f"projection alternative {alternative!r}: unknown; choose one of "
                                 f"{', '.join(list(alts) + list(SSB_ALTERNATIVES))}")
        params = cls(
            base_years=int(raw["base_period"]["years"]),
            fertility_years=int(raw["base_period"]["fertility_years"]),
            cohort_weight=float(raw["shrinkage"]["cohort_weight"]),
            child_weight=float(raw["shrinkage"]["child_weight"]),
            migration_min=float(raw["damping"]["migration_min"]),
            migration_max=float(raw["damping"]["migration_max"]),
            migration_decay=float(raw["damping"]["migration_decay"]),
            survival_fit_ages=tuple(int(a) for a in raw["survival"]["fit_ages"]),
            improvement_ages=tuple(int(a) for a in raw["survival"]["improvement_ages"]),
            improvement_max=float(raw["survival"]["improvement_max"]),
            mortality_improvement=_optional_float(raw["survival"]["mortality_improvement"]),
            migration_scale=float(alts[alternative]["migration_scale"]),
            fertility_scale=float(alts[alternative]["fertility_scale"]),
        )
        return params.with_overrides(**overrides)

    def with_overrides(self, **overrides) -> "ProjectionParams":
        """A copy with some fields replaced; unknown names or impossible values raise ParameterError."""
        unknown = sorted(set(overrides) - set(self.__dataclass_fields__))
        if unknown:
            raise ParameterError(f"projection parameter(s) {', '.join(unknown)}: unknown; known: "
                                 f"{', '.join(self.__dataclass_fields__)}")
        for name in ("survival_fit_ages", "improvement_ages"):
            if name in overrides:
                overrides[name] = tuple(int(a) for a in overrides[name])
        if "mortality_improvement" in overrides:
            overrides["mortality_improvement"] = _optional_float(overrides["mortality_improvement"])
        new = replace(self, **overrides)
        problems = []
        if new.base_years < 1 or new.fertility_years < 1:
            problems.append("base_years and fertility_years must be at least 1")
        if min(new.cohort_weight, new.child_weight) < 0:
            problems.append("shrinkage weights must be >= 0")
        if not new.migration_min <= 0 <= new.migration_max:
            problems.append("need migration_min <= 0 <= migration_max")
        if not 0 <= new.migration_decay < 1:
            problems.append("migration_decay must be in [0, 1)")
        if new.migration_scale < 0 or new.fertility_scale < 0:
            problems.append("migration_scale and fertility_scale must be >= 0")
        for name in ("survival_fit_ages", "improvement_ages"):
            ages = getattr(new, name)
            if len(ages) != 2 or not 1 <= ages[0] < ages[1] < MAX_AGE:
                problems.append(f"{name} must be two ages lo < hi within 1..{MAX_AGE - 1}")
        if not 0 <= new.improvement_max < 1:
            problems.append("improvement_max must be in [0, 1)")
        if new.mortality_improvement is not None and not -0.1 < new.mortality_improvement < 0.1:
            problems.append("mortality_improvement must be a yearly rate between -0.1 and 0.1 (or 'estimate')")
        if problems:
            raise ParameterError("invalid projection parameters", problems)
        return new

    def key(self) -> tuple:
        return tuple(getattr(self, f) for f in self.__dataclass_fields__)


# ---- rates --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rates:
    """Estimated rates: survival proxy (S, A), net-migration part (K, S, A) and child ratio (K, S).

    Index ``a`` of survival/migration is the age *reached* (1..105; index 0 unused). ``improvement`` (S,) is
    the yearly relative fall in mortality; ``elapsed`` the years from the base period's centre to the first
    projected transition.
    """

    survival: np.ndarray
    migration: np.ndarray
    child: np.ndarray
    improvement: np.ndarray
    elapsed: float

    def survival_at(self, step: int) -> np.ndarray:
        """Survival proxy for projection step ``step`` (0 = launch -> launch+1), with mortality improvement."""
        factor = np.exp(-self.improvement * (self.elapsed + step))[:, None]
        return 1.0 - (1.0 - self.survival) * factor


def _mothers(stock: np.ndarray, sexes: list[str]) -> np.ndarray:
    """Women aged 15–49 (everyone 15–49 when the data has no sex), summed: shape stock.shape without S, A."""
    lo, hi = MOTHER_AGES
    part = stock[:, sexes.index("female")] if "female" in sexes else stock.sum(axis=1)
    return part[:, lo:hi + 1].sum(axis=1)


def _cohort_sums(window: np.ndarray, real: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators of the cohort-change ratios summed over a window (K, S, A, T).

    ``real`` (K, T-1) weights the transitions; 0 leaves a recoding break out (see :func:`apportioned_breaks`).
    """
    k, s = window.shape[:2]
    w = np.ones((k, 1, 1, window.shape[-1] - 1)) if real is None else real[:, None, None, :]
    num = np.zeros((k, s, N_AGES))
    den = np.zeros((k, s, N_AGES))
    num[:, :, 1:] = (window[:, :, 1:, 1:] * w).sum(axis=-1)
    den[:, :, 1:] = (window[:, :, :-1, :-1] * w).sum(axis=-1)
    den[:, :, MAX_AGE] += (window[:, :, MAX_AGE, :-1] * w[:, :, 0]).sum(axis=-1)   # open top group
    return num, den


def _by_fylke(values: np.ndarray, fylke: np.ndarray) -> np.ndarray:
    """Sum the first axis per fylke: (K, ...) -> (F, ...)."""
    out = np.zeros((int(fylke.max()) + 1,) + values.shape[1:])
    np.add.at(out, fylke, values)
    return out


def _ratio(num: np.ndarray, den: np.ndarray, fallback: np.ndarray | float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), fallback)


def _shrink(num: np.ndarray, den: np.ndarray, fylke: np.ndarray, weight: float) -> np.ndarray:
    """Kommune ratios pooled with their fylke's (credibility weight in denominator units)."""
    nat = _ratio(num.sum(axis=0), den.sum(axis=0), 1.0)
    fyl = _ratio(_by_fylke(num, fylke), _by_fylke(den, fylke), nat)[fylke]
    with np.errstate(over="ignore", invalid="ignore"):
        pooled = num + weight * fyl
    return _ratio(pooled, den + weight, fyl)


def survival_proxy(num: np.ndarray, den: np.ndarray, fit_ages: tuple[int, int]) -> np.ndarray:
    """Survival by sex and age reached (S, A) from national cohort-change sums (see module docstring)."""
    nat = np.minimum(_ratio(num.sum(axis=0), den.sum(axis=0), 1.0), 1.0)
    lo, hi = fit_ages
    survival = nat.copy()
    ages = np.arange(N_AGES)
    for s in range(nat.shape[0]):
        sel = (ages >= lo) & (ages <= hi) & (nat[s] < 1.0) & (nat[s] > 0.0)
        if sel.sum() >= 5:
            beta, alpha = np.polyfit(ages[sel], np.log(-np.log(nat[s, sel])), 1)
            young = ages < lo
            survival[s, young] = np.exp(-np.exp(alpha + beta * ages[young]))
    survival[:, 0] = 1.0
    return survival


def mortality_improvement(stock: np.ndarray, ages: tuple[int, int], cap: float) -> np.ndarray:
    """Yearly relative fall in national mortality per sex, from the trend of ``1 - national ratio``.

    Ordinary least squares of log(1 - R) on the year at each age in ``ages`` (where it is positive in every
    year), averaged over ages and clipped to ``[0, cap]``. Needs three transitions; otherwise 0.
    """
    nat = stock.sum(axis=0)                                     # (S, A, T)
    n_t = nat.shape[-1]
    out = np.zeros(nat.shape[0])
    if n_t < 4:
        return out
    lo, hi = ages
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1.0 - nat[:, lo:hi + 1, 1:] / nat[:, lo - 1:hi, :-1]     # (S, ages, transitions)
    t = np.arange(n_t - 1) - (n_t - 2) / 2.0
    for s in range(nat.shape[0]):
        ok = np.all(np.isfinite(q[s]) & (q[s] > 0), axis=1)
        if ok.sum() >= 3:
            slopes = (np.log(q[s, ok]) * t).sum(axis=1) / (t * t).sum()
            out[s] = float(np.clip(-slopes.mean(), 0.0, cap))
    return out


def estimate_rates(stock: np.ndarray, sexes: list[str], fylke: np.ndarray, p: ProjectionParams,
                   real: np.ndarray | None = None) -> Rates:
    """Estimate the rates from observed stocks ``stock[K, S, A, T]`` ending at the launch year.

    ``real`` (K, T-1) marks real transitions (1) and recoding breaks (0), see :func:`apportioned_breaks`.
    """
    n_t = stock.shape[-1]
    if n_t < 2:
        raise ParameterError("the projection needs at least two observed years up to the launch year")
    if real is None:
        real = np.ones((stock.shape[0], n_t - 1))
    start = max(0, n_t - 1 - p.base_years)
    window = stock[..., start:]
    transitions = window.shape[-1] - 1
    num, den = _cohort_sums(window, real[:, start:])
    survival = survival_proxy(num, den, p.survival_fit_ages)
    ratio = _shrink(num, den, fylke, p.cohort_weight)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        migration = np.where(survival > 0, ratio / np.where(survival > 0, survival, 1.0) - 1.0, 0.0)
    migration = np.clip(migration, p.migration_min, p.migration_max)
    migration[:, :, 0] = 0.0

    fstart = max(0, n_t - 1 - p.fertility_years)
    fwin = stock[..., fstart:]
    freal = real[:, fstart:]
    births = (fwin[:, :, 0, 1:] * freal[:, None, :]).sum(axis=-1)             # (K, S)
    mothers = (_mothers(fwin[..., :-1], sexes) * freal).sum(axis=-1)          # (K,)
    child = _shrink(births, np.repeat(mothers[:, None], len(sexes), axis=1), fylke, p.child_weight)
    if p.mortality_improvement is None:
        improvement = mortality_improvement(stock, p.improvement_ages, p.improvement_max)
    else:
        improvement = np.full(len(sexes), p.mortality_improvement)
    return Rates(survival=survival, migration=migration, child=child, improvement=improvement,
                 elapsed=(transitions + 1) / 2.0)


def project_array(jump_off: np.ndarray, rates: Rates, p: ProjectionParams, steps: int,
                  sexes: list[str]) -> np.ndarray:
    """Project ``jump_off[K, S, A]`` ``steps`` years ahead; returns (K, S, A, steps) for years 1..steps."""
    out = np.empty(jump_off.shape + (steps,))
    current = jump_off.astype(np.float64)
    for h in range(steps):
        fade = p.migration_scale * (1.0 - p.migration_decay) ** h
        ratio = np.maximum(rates.survival_at(h)[None] * (1.0 + fade * rates.migration), 0.0)
        nxt = np.empty_like(current)
        nxt[:, :, 1:] = ratio[:, :, 1:] * current[:, :, :-1]
        nxt[:, :, MAX_AGE] += ratio[:, :, MAX_AGE] * current[:, :, MAX_AGE]
        nxt[:, :, 0] = p.fertility_scale * rates.child * _mothers(current, sexes)[:, None]
        out[..., h] = nxt
        current = nxt
    return out
