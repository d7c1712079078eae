"""Demographic expenditure need ("dans med demografien"): the age criteria of the cost key × persons.

The state's cost key values each person by age group at a national unit amount (enhetsbeløp). Summing
unit amount × persons per group gives the part of a kommune's expenditure need that demography drives; its
change from the base year, in the fixed kroner of the key's year, is the demographic cost pressure. The
service split follows domain.md: barnehage ← 0–5, grunnskole ← 6–15, pleie og omsorg ← 67+, other ← 16–66.
A kommune whose unit costs are above the national average meets more pressure than these figures show.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..population import AGE_GROUPS, age_group_table
from .params import EconomyParams

#: The cost key's eight age groups, in order (labels of :data:`reformkit.population.AGE_GROUPS`).
AGE_LABELS = tuple(AGE_GROUPS)
SERVICES = ("barnehage", "grunnskole", "pleie_omsorg", "other")


def as_age_table(pop: pd.DataFrame, members: list[str] | None = None) -> pd.DataFrame:
    """The age-group table (index (unit, year), columns the 8 groups [+ total]) of ``pop``.

    ``pop``: that table already (indexed, or with columns unit/kommunenummer and year) or a long population
    table (age column), which is grouped with :func:`reformkit.population.age_group_table`. ``members``: keep
    only these units (kommunenummer). DataError when the age groups or the unit/year keys are missing.
    """
    if "age" in pop.columns:
        unit = next((c for c in ("kommunenummer", "unit") if c in pop.columns), None)
        if members is not None and unit is not None:
            pop = pop[pop[unit].isin(members)]
        return age_group_table(pop)
    table = pop
    if not isinstance(table.index, pd.MultiIndex):
        unit = next((c for c in ("unit", "kommunenummer") if c in table.columns), None)
        if unit is None or "year" not in table.columns:
            raise DataError("age-group table: expected an index (unit, year) or columns unit/kommunenummer and year")
        table = table.set_index([unit, "year"])
    missing = [g for g in AGE_LABELS if g not in table.columns]
    if missing:
        raise DataError(f"age-group table: missing age group column(s) {', '.join(missing)}")
    if members is not None:
        table = table[table.index.get_level_values(0).isin(members)]
    return table


def service_matrix(params: EconomyParams) -> np.ndarray:
    """The (age groups × services) matrix of unit amounts (kr per person): need per service = persons @ matrix.

    Rows follow :data:`AGE_LABELS`, columns :data:`SERVICES`; a group outside a service's split is 0 there.
    """
    column = {g: i for i, g in enumerate(AGE_LABELS)}
    matrix = np.zeros((len(AGE_LABELS), len(SERVICES)))
    for j, service in enumerate(SERVICES):
        for g in params.get(f"service_split.{service}"):
            matrix[column[g], j] = float(params.get(f"cost_key.age.{g}.unit_amount"))
    return matrix


def expenditure_need(pop: pd.DataFrame, params: EconomyParams,
                     base_year: int | None = None) -> pd.DataFrame:
    """Expenditure need from the age criteria per unit and year, split on services, with change from base year.

    ``pop``: the age-group table of :func:`reformkit.population.age_group_table` (index (unit, year), columns
    the 8 groups [+ total]) or a long population table. Returns a DataFrame with columns unit, year,
    population, the services (kr), ``total`` (kr), ``per_inhabitant`` (kr), and ``change_<service>`` /
    ``change_total`` (kr, relative to ``base_year``; default the first year) and ``change_per_inhabitant``.

    >>> t = pd.DataFrame({g: [100.0, 110.0] for g in AGE_LABELS},
    ...                  index=pd.MultiIndex.from_tuples([("9901", 2024), ("9901", 2025)], names=["unit", "year"]))
    >>> int(expenditure_need(t)["change_total"].iloc[1])
    8405800
    """
    table = as_age_table(pop)
    persons = table[list(AGE_LABELS)].to_numpy(dtype=np.float64)
    need = persons @ service_matrix(params)
    units = table.index.get_level_values(0).astype(str).to_numpy(dtype=object)
    years = table.index.get_level_values(1).to_numpy().astype(np.int64)
    order = np.lexsort((years, units))
    units, years, persons, need = units[order], years[order], persons[order], need[order]
    population = persons.sum(axis=1)
    total = need.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_inh = np.where(population > 0, total / population, np.nan)
    base = int(base_year if base_year is not None else years.min())
    if base not in set(years.tolist()):
        raise DataError(f"expenditure need: base year {base} is not in the population table "
                        f"({years.min()}–{years.max()})")
    codes, uniques = pd.factorize(units)
    base_row = np.full(len(uniques), -1, dtype=np.int64)
    is_base = years == base
    base_row[codes[is_base]] = np.flatnonzero(is_base)
    ref = base_row[codes]
    has_base = ref >= 0
    ref = np.where(has_base, ref, 0)
    out = {"unit": pd.array(units, dtype="string"), "year": years, "population": population}
    for j, service in enumerate(SERVICES):
        out[service] = need[:, j]
    out["total"] = total
    out["per_inhabitant"] = per_inh
    for name, arr in [*((s, need[:, j]) for j, s in enumerate(SERVICES)), ("total", total),
                      ("per_inhabitant", per_inh)]:
        out[f"change_{name}"] = np.where(has_base, arr - arr[ref], np.nan)
    return pd.DataFrame(out)


def aggregate_need(need: pd.DataFrame, groups: dict[str, str], base_year: int | None = None) -> pd.DataFrame:
    """Sum an :func:`expenditure_need` table of kommuner into larger units (``groups``: kommune -> unit).

    Kroner and persons add up; per-inhabitant figures are recomputed from the sums, and
    ``change_per_inhabitant`` is measured from ``base_year`` (default the first year; pass the scenario's base
    year, the one ``need`` was computed with, so all change columns share it).
    """
    sub = need[need["unit"].isin(groups)].copy()
    sub["unit"] = sub["unit"].map(groups)
    cols = ["population", *SERVICES, "total"] + [f"change_{c}" for c in (*SERVICES, "total")]
    agg = sub.groupby(["unit", "year"], sort=True)[cols].sum().reset_index()
    agg["per_inhabitant"] = agg["total"] / agg["population"].where(agg["population"] > 0)
    years = set(agg["year"].astype(int))
    base = int(base_year) if base_year is not None else min(years, default=0)
    if years and base not in years:
        raise DataError(f"expenditure need: base year {base} is not in the table ({min(years)}–{max(years)})")
    first = agg[agg["year"] == base].set_index("unit")["per_inhabitant"]
    agg["change_per_inhabitant"] = agg["per_inhabitant"] - agg["unit"].map(first)
    return agg


def demography_dance(need: pd.DataFrame, unit: str, base_year: int, year: int) -> pd.DataFrame:
    """The "dans med demografien" table for one unit: need per service in ``base_year`` and ``year``, change
    in kr and per inhabitant, with a total row. Columns: service (a code of :data:`SERVICES`, ``total`` or
    ``per_inhabitant``), <base_year>, <year>, change, change_pct; the narrative labels the services.
    """
    rows = need[(need["unit"] == unit) & need["year"].isin([base_year, year])].set_index("year")
    if base_year not in rows.index or year not in rows.index:
        raise DataError(f"expenditure need: unit {unit!r} lacks year {base_year} or {year}")
    out = []
    for col in (*SERVICES, "total"):
        a, b = float(rows.at[base_year, col]), float(rows.at[year, col])
        out.append({"service": col, str(base_year): a, str(year): b, "change": b - a,
                    "change_pct": (b - a) / a * 100 if a else float("nan")})
    pa, pb = float(rows.at[base_year, "per_inhabitant"]), float(rows.at[year, "per_inhabitant"])
    out.append({"service": "per_inhabitant", str(base_year): pa, str(year): pb, "change": pb - pa,
                "change_pct": (pb - pa) / pa * 100 if pa else float("nan")})
    return pd.DataFrame(out)
