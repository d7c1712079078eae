"""What a merger does to the money: the national instruments of the 2014–2020 reform, year by year.

All amounts are kr per year in the fixed kroner of their parameter year (basis 2023, Nord-Norge 2022,
regionsenter 2021; no price adjustment between them), signed as the effect on the new kommune's economy:
losses negative, grants and savings positive, so ``net`` is the plain sum of the components.

Year 1 is the first year of the new kommune. Functions take numbers and an :class:`EconomyParams` and return
numbers or DataFrames; nothing here reads files except through the parameters.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..notices import Notice, notice
from .params import EconomyParams

COMPONENTS = ("lost_basis", "lost_regional", "inndelingstilskudd", "regionsenter", "one_off", "admin_savings")


def inndelingstilskudd_factor(year_index: int, full_years: int = 15, phase_down_years: int = 5) -> float:
    """Share of the full inndelingstilskudd paid in year ``year_index`` (1 = first year of the new kommune).

    Full for ``full_years``; then reduced by 1/``phase_down_years`` a year, so it reaches 0 in year
    ``full_years + phase_down_years`` and stays 0 after (domain.md: equal steps).

    >>> [inndelingstilskudd_factor(y) for y in (1, 15, 16, 17, 18, 19, 20, 21)]
    [1.0, 1.0, 0.8, 0.6, 0.4, 0.2, 0.0, 0.0]
    """
    if year_index < 1:
        return 0.0
    if year_index <= full_years:
        return 1.0
    if phase_down_years <= 0:
        return 0.0
    k = year_index - full_years
    return max(0.0, round(1.0 - k / phase_down_years, 12))


def engangstilskudd(n_kommuner: int, params: EconomyParams) -> float:
    """One-off grant for the costs of merging ``n_kommuner`` (0 for fewer than two).

    2 kommuner and 3 kommuner are KMD's data points; beyond three the parameter
    ``engangstilskudd.per_kommune_beyond_three`` extends the 2→3 step linearly (an assumption).
    """
    if n_kommuner < 2:
        return 0.0
    if n_kommuner == 2:
        amount = params.get("engangstilskudd.two_kommuner")
    else:
        amount = params.get("engangstilskudd.three_kommuner") + (n_kommuner - 3) * params.get(
            "engangstilskudd.per_kommune_beyond_three")
    return float(max(amount, params.get("engangstilskudd.base")))


def reformstotte(inhabitants: float, params: EconomyParams) -> float:
    """Reform support by the new kommune's inhabitants (bands of ``reformstotte.bands``).

    >>> from reformkit.economy.params import load_economy_params
    >>> p = load_economy_params()
    >>> [reformstotte(n, p) / 1e6 for n in (14999, 15000, 29999, 30000, 49999, 50000)]
    [5.0, 20.0, 20.0, 25.0, 25.0, 30.0]
    """
    bands = sorted((float(lo), float(amount)) for lo, amount in params.get("reformstotte.bands"))
    amount = 0.0
    for lo, value in bands:
        if inhabitants >= lo:
            amount = value
    return amount


def lost_basis(n_kommuner: int, params: EconomyParams) -> float:
    """Basistilskudd lost by merging ``n_kommuner``: (n − 1) basis amounts (a positive number of kr)."""
    return max(0, n_kommuner - 1) * float(params.get("cost_key.basis.unit_amount"))


def has_storbytilskudd(members: Iterable[str], params: EconomyParams) -> list[str]:
    """The ``members`` that receive storbytilskudd (``regionsenter.storbytilskudd_kommuner``), in order."""
    storby = {str(k) for k in params.get("regionsenter.storbytilskudd_kommuner") or ()}
    return [str(k) for k in members if str(k) in storby]


def regionsenter(inhabitants: float, n_kommuner: int, params: EconomyParams,
                 members: Iterable[str] | None = None) -> float:
    """Regionsentertilskudd of a merged kommune (0 below the threshold or when nothing was merged).

    Not paid together with storbytilskudd: 0 when one of ``members`` (kommunenummer) is a storby kommune.

    >>> from reformkit.economy.params import load_economy_params
    >>> p = load_economy_params()
    >>> regionsenter(10_000, 2, p), regionsenter(10_000, 2, p, members=["0301", "3201"])
    (4044000.0, 0.0)
    """
    if n_kommuner < 2 or inhabitants < params.get("regionsenter.threshold_inhabitants"):
        return 0.0
    if members is not None and has_storbytilskudd(members, params):
        return 0.0
    return float(params.get("regionsenter.per_kommune") + params.get("regionsenter.per_inhabitant") * inhabitants)


def _ramp(year_index: int, phase_years: float | None) -> float:
    """Share of a saving realised in year ``year_index``: linear over ``phase_years`` (full at once if unset),
    0 before year 1.

    >>> [_ramp(i, 4) for i in (0, 1, 2, 4, 9)]
    [0.0, 0.25, 0.5, 1.0, 1.0]
    """
    if year_index < 1:
        return 0.0
    return 1.0 if not phase_years else min(1.0, year_index / float(phase_years))


def admin_savings(year_index: int, n_kommuner: int, params: EconomyParams) -> float:
    """Administrative savings in year ``year_index`` from C(N) = F + v·N.

    Merging n kommuner removes (n − 1) fixed parts F; the variable part v·N stays with the same inhabitants.
    A share ``realisation_share`` of that is realised, built up linearly over ``phase_in_years``.
    F (``admin_savings.fixed_cost_per_kommune``) defaults to the basis criterion's unit amount.
    """
    if n_kommuner < 2:
        return 0.0
    potential = (n_kommuner - 1) * float(params.get("admin_savings.fixed_cost_per_kommune"))
    return (potential * float(params.get("admin_savings.realisation_share"))
            * _ramp(year_index, params.get("admin_savings.phase_in_years")))


@dataclass
class RegionalLoss:
    """Regional grants lost in a merger: the computed amount (kr a year) and what could not be computed."""

    amount: float = 0.0
    items: dict[str, float] = field(default_factory=dict)
    not_computed: list[Notice] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)


def regional_loss(member_population: dict[str, float], member_zone: dict[str, str | None],
                  params: EconomyParams) -> RegionalLoss:
    """Net loss of regional grants when the members (kommune -> inhabitants) merge.

    * småkommunetilskudd: members under the threshold lose it when the merged kommune is at or above it
      (if all stay below, the new kommune keeps one). The amount per kommune is not in the data: unless given,
      it is reported as not computed.
    * Nord-Norge-tilskudd is per inhabitant by zone: a merger inside one zone loses nothing. Across zones the
      new rate is not known: not computed.
    * distriktstilskudd: per-kommune amounts are not in the data: not computed unless given (then (n − 1)
      amounts, a rough bound).
    """
    out = RegionalLoss()
    n = len(member_population)
    if n < 2:
        return out
    merged = sum(member_population.values())
    threshold = params.get("smakommunetilskudd.threshold_inhabitants")
    small = [k for k, p in member_population.items() if p < threshold]
    losing = len(small) if merged >= threshold else max(0, len(small) - 1)
    if losing:
        amount = params.get("smakommunetilskudd.amount_per_kommune")
        if amount is None:
            out.not_computed.append(notice("smakommunetilskudd", kommuner=losing, threshold=int(threshold)))
        else:
            out.items["smakommunetilskudd"] = losing * float(amount)
    zones = {member_zone.get(k) for k in member_population}
    if len(zones) > 1:
        out.not_computed.append(notice("nord_norge_zones"))
    else:
        zone = next(iter(zones))
        out.items["nord_norge"] = 0.0
        if zone is not None:
            out.notes.append(notice("nord_norge_same_zone"))
            if zone == "troms":
                out.notes.append(notice("troms_zone_unknown"))
    district = params.get("distriktstilskudd.amount_per_kommune")
    if district is None:
        out.not_computed.append(notice("distriktstilskudd"))
    else:
        out.items["distriktstilskudd"] = (n - 1) * float(district)
    out.amount = float(sum(out.items.values()))
    return out


def merger_schedule(n_kommuner: int, population_by_year: dict[int, float], start_year: int,
                    params: EconomyParams, regional: RegionalLoss | None = None,
                    base_population: float | None = None, members: Iterable[str] | None = None) -> pd.DataFrame:
    """Year-by-year merger economics of one new kommune.

    ``population_by_year``: the merged kommune's inhabitants by calendar year (years after the last one given
    keep its value). ``base_population``: inhabitants when the merger is decided (reform support band);
    default the first year given. ``members``: the merging kommuner (kommunenummer), needed to withhold
    regionsentertilskudd from a merger that includes a storbytilskudd kommune. Returns a DataFrame indexed by
    calendar year with columns year_index, population and :data:`COMPONENTS` plus ``net`` (kr, signed as
    effect on the economy).
    """
    years = int(params.get("merger.analysis_years"))
    full = int(params.get("inndelingstilskudd.full_years"))
    phase = int(params.get("inndelingstilskudd.phase_down_years"))
    one_off_year = int(params.get("merger.one_off_in_year"))
    regional = regional or RegionalLoss()
    known = sorted(population_by_year)
    if base_population is None:
        base_population = float(population_by_year[known[0]])
    basis_loss = lost_basis(n_kommuner, params)
    # IT = Σ basis_old − basis_new + max(0, Σ regional_old − regional_new)
    it_full = basis_loss + max(0.0, regional.amount)
    one_off = engangstilskudd(n_kommuner, params) + (reformstotte(base_population, params) if n_kommuner >= 2 else 0.0)
    merged = n_kommuner >= 2
    storby = members is not None and bool(has_storbytilskudd(members, params))
    index = np.arange(1, years + 1)
    calendar = start_year + index - 1
    # each year's inhabitants: those of the last year given up to it (the first year given before that)
    at = np.clip(np.searchsorted(known, calendar, side="right") - 1, 0, None)
    pop = np.array([float(population_by_year[known[i]]) for i in at.tolist()])
    columns = {
        "year_index": index, "population": pop,
        "lost_basis": np.full(years, -basis_loss if merged else 0.0),
        "lost_regional": np.full(years, -regional.amount if merged else 0.0),
        "inndelingstilskudd": np.array([it_full * inndelingstilskudd_factor(i, full, phase) if merged else 0.0
                                        for i in index.tolist()]),
        "regionsenter": np.array([0.0 if storby else regionsenter(p, n_kommuner, params) for p in pop.tolist()]),
        "one_off": np.where(index == one_off_year, one_off, 0.0),
        "admin_savings": np.array([admin_savings(i, n_kommuner, params) for i in index.tolist()]),
    }
    columns["net"] = sum(columns[c] for c in COMPONENTS)
    return pd.DataFrame(columns, index=pd.Index(calendar, name="year"))


def present_value(amounts: pd.Series, base_year: int, rate: float) -> float:
    """Σ amount_y / (1 + rate)^(y − base_year) over the calendar years of ``amounts``' index.

    >>> present_value(pd.Series([100.0, 100.0], index=[2025, 2026]), 2024, 0.0)
    200.0
    """
    return float(present_values(amounts.to_numpy(dtype=np.float64), np.asarray(amounts.index), base_year, rate))


def present_values(amounts: np.ndarray, years: np.ndarray, base_year: int, rate: float) -> np.ndarray:
    """:func:`present_value` of each column of ``amounts`` (rows: calendar ``years``) at once.

    >>> present_values(np.array([[100.0, 0.0], [100.0, 50.0]]), np.array([2025, 2026]), 2024, 0.0).tolist()
    [200.0, 50.0]
    """
    discount = (1.0 + rate) ** -(np.asarray(years, dtype=np.float64) - base_year)
    return discount @ np.asarray(amounts, dtype=np.float64)
