"""ScenarioResult: the tables of an evaluated scenario and the result document (``evaluate --json``)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from typing import Any

from .._io import json_number
from ..notices import Notice
from ..params import Parameters
from ..scenario import Scenario
from .series import COLUMNS, projected_years


@dataclass
class ScenarioResult:
    """An evaluated scenario. All tables are pandas DataFrames; kommune numbers are 4-character strings.

    Kinds of unit (``kind``): ``regionkommune`` (a block's merge members together; unit id = block name),
    ``cooperating`` (a member on track cooperate, stays a kommune; unit id = kommunenummer) and ``outside``
    (a kommune of the scope in no block; unit id = kommunenummer). The scope is the kommuner of ``area`` plus
    every block member, or all kommuner when the scenario has no ``area``.

    ``{base}`` / ``{horizon}`` columns hold values for the base year and for the last evaluated year
    (``years[-1]``; the horizon unless the projection was unavailable, see ``warnings``).

    Attributes
    ----------
    blocks : DataFrame, index ``block`` (name), in scenario order. Columns: centre, centre_name, n_kommuner,
        n_merge, n_cooperate, merging (list of kommunenummer), cooperating (list), areal_km2,
        max_travel_minutes_to_centre, mean_travel_minutes_to_centre (weighted by base-year population; NaN when
        no travel-time model is available), population_base, population_horizon, change_pct,
        regionkommune_population_base, regionkommune_population_horizon, old_age_support_ratio_base,
        old_age_support_ratio_horizon, share_80_plus_base, share_80_plus_horizon, and one bool flag per
        threshold N of data/params/criteria.yaml: under_N_base, under_N_horizon (on the block's population).
    units : DataFrame, index ``unit``: the kommuner after the reform. Columns: name, kind
        (regionkommune, cooperating or outside), block (missing for outside), kommunenummer (list of members), n_kommuner, areal_km2,
        max_/mean_travel_minutes_to_centre, population_base, population_horizon, change_pct,
        old_age_support_ratio_base/_horizon, share_80_plus_base/_horizon, under_N_base, under_N_horizon.
    kommuner : DataFrame, index ``kommunenummer``: the kommuner before the reform. Columns: kommunenavn,
        kommunenavn_kort, fylkesnummer, block, track ("merge"/"cooperate"; missing outside blocks), unit,
        is_centre, areal_km2, travel_minutes_to_centre, population_base, population_horizon.
    population_by_unit : DataFrame, index (unit, year): the eight cost-key age groups "0-1" … "90+", total,
        old_age_support_ratio (16–66 per 67+), share_80_plus. Floats (projected years are not whole numbers).
    population_by_block : DataFrame, index (block, year): the same columns per block.
    population_by_kommune : DataFrame, index (kommunenummer, year): the same columns per kommune.
    years, observed_years, projected_years : lists of int.
    criteria : dict, the thresholds used ({"min_inhabitants": [15000, 20000], "source": ...}).
    economy : dict block name -> dict, filled by :mod:`reformkit.economy` ({} until then).
    warnings : list of :class:`~reformkit.notices.Notice` (codes and values, e.g. a regionkommune that is not
        contiguous); :func:`reformkit.narrative.notice_text` words them.
    parameters : the :class:`~reformkit.params.Parameters` used (the scenario's assumptions applied).
    cooperation : dict block name -> :func:`reformkit.cooperation.cooperation_result` for every block with a
        cooperation section (members' shares and kroner per service, exit, dominance, scorecard, flags).
    """

    scenario: Scenario
    blocks: pd.DataFrame
    units: pd.DataFrame
    kommuner: pd.DataFrame
    population_by_unit: pd.DataFrame
    population_by_block: pd.DataFrame
    population_by_kommune: pd.DataFrame
    years: list[int]
    observed_years: list[int]
    criteria: dict
    warnings: list[Notice] = field(default_factory=list)
    economy: dict[str, dict] = field(default_factory=dict)
    attribution: list[str] = field(default_factory=list)
    parameters: Parameters | None = None
    cooperation: dict[str, dict] = field(default_factory=dict)

    @property
    def kommuner_before(self) -> int:
        """Number of kommuner in the scope before the reform."""
        return len(self.kommuner)

    @property
    def kommuner_after(self) -> int:
        """Number of kommuner after the reform: regionkommuner + cooperating + outside."""
        return len(self.units)

    @property
    def projected_years(self) -> list[int]:
        """Years whose population comes from the projection engine."""
        return projected_years(self.years, self.observed_years)

    @property
    def thresholds(self) -> list[int]:
        """Population thresholds flagged (from data/params/criteria.yaml)."""
        return list(self.criteria["min_inhabitants"])

    def to_dict(self) -> dict:
        """The result document of design.md (years are string keys; NaN becomes null).

        Warnings and the economy's notes are notices as ``{"code": ..., **values}``; the document with these
        worded in Norwegian, as ``reformkit evaluate --json`` writes it, is :func:`reformkit.narrative.document`.
        """
        sc = self.scenario
        pu, pb, pk = (_Series(t) for t in (self.population_by_unit, self.population_by_block,
                                           self.population_by_kommune))
        return {
            "scenario": {"name": sc.name, "borders": sc.borders, "base_year": sc.base_year, "horizon": sc.horizon,
                         "projection": sc.projection, "area": sc.area, "source": sc.source},
            "years": [str(y) for y in self.years],
            "observed_years": [str(y) for y in self.observed_years],
            "projected_years": [str(y) for y in self.projected_years],
            "kommuner_before": self.kommuner_before,
            "kommuner_after": self.kommuner_after,
            "blocks": [self._block_doc(name, row, pb, pu) for name, row in self.blocks.iterrows()],
            "units": [self._unit_doc(uid, row, pu) for uid, row in self.units.iterrows()],
            "kommuner": [self._kommune_doc(code, row, pk) for code, row in self.kommuner.iterrows()],
            "criteria": self.criteria,
            "warnings": plain(self.warnings),
            "attribution": list(self.attribution),
        }

    # ---- pieces of the document ---------------------------------------------------------------------------------
    def _flags(self, row) -> dict:
        return {f"under_{n}": {"base": bool(row[f"under_{n}_base"]), "horizon": bool(row[f"under_{n}_horizon"])}
                for n in self.thresholds}

    def _block_doc(self, name: str, row, pb: "_Series", pu: "_Series") -> dict:
        k = self.kommuner
        members = [{"kommunenummer": c, "kommunenavn": k.at[c, "kommunenavn"], "track": _text(k.at[c, "track"])}
                   for c in self.scenario.block(name).members]
        return {
            "name": name,
            "centre": row["centre"],
            "centre_name": row["centre_name"],
            "members": members,
            "population": pb.get(name, "total", whole=True),
            "population_by_age": {g: pb.get(name, g, whole=True) for g in COLUMNS[:-1]},
            "old_age_support_ratio": pb.get(name, "old_age_support_ratio"),
            "share_80_plus": pb.get(name, "share_80_plus"),
            "regionkommune": {"kommunenummer": list(row["merging"]),
                              "population": pu.get(name, "total", whole=True),
                              "old_age_support_ratio": pu.get(name, "old_age_support_ratio")},
            "cooperating": list(row["cooperating"]),
            "areal_km2": json_number(row["areal_km2"]),
            "max_travel_minutes_to_centre": json_number(row["max_travel_minutes_to_centre"]),
            "mean_travel_minutes_to_centre": json_number(row["mean_travel_minutes_to_centre"]),
            "flags": self._flags(row),
            "economy": plain(self.economy.get(name, {})),
            "cooperation": self.cooperation.get(name),
        }

    def _unit_doc(self, uid: str, row, pu: "_Series") -> dict:
        return {
            "unit": uid, "name": row["name"], "kind": row["kind"], "block": _text(row["block"]),
            "kommunenummer": list(row["kommunenummer"]),
            "population": pu.get(uid, "total", whole=True),
            "population_by_age": {g: pu.get(uid, g, whole=True) for g in COLUMNS[:-1]},
            "old_age_support_ratio": pu.get(uid, "old_age_support_ratio"),
            "share_80_plus": pu.get(uid, "share_80_plus"),
            "areal_km2": json_number(row["areal_km2"]),
            "max_travel_minutes_to_centre": json_number(row["max_travel_minutes_to_centre"]),
            "mean_travel_minutes_to_centre": json_number(row["mean_travel_minutes_to_centre"]),
            "flags": self._flags(row),
        }

    def _kommune_doc(self, code: str, row, pk: "_Series") -> dict:
        return {"kommunenummer": code, "kommunenavn": row["kommunenavn"], "block": _text(row["block"]),
                "track": _text(row["track"]), "unit": row["unit"], "is_centre": bool(row["is_centre"]),
                "travel_minutes_to_centre": json_number(row["travel_minutes_to_centre"]),
                "population": pk.get(code, "total", whole=True)}


class _Series:
    """Fast ``{year: value}`` look-ups per id and column of a table indexed (id, year)."""

    def __init__(self, table: pd.DataFrame):
        self.table = table
        self.wide: dict[str, tuple[dict, list[str], object]] = {}

    def get(self, ident, column: str, whole: bool = False) -> dict:
        if column not in self.wide:
            w = self.table[column].unstack("year")
            self.wide[column] = ({i: n for n, i in enumerate(w.index)}, [str(int(y)) for y in w.columns],
                                 w.to_numpy(dtype=float))
        rows, years, values = self.wide[column]
        row = values[rows[ident]]
        if whole:
            return {y: int(round(v)) for y, v in zip(years, row)}
        return {y: json_number(v, 4) for y, v in zip(years, row)}


def plain(value: Any) -> Any:
    """``value`` with every :class:`Notice` inside (dicts, lists) replaced by its JSON object."""
    if isinstance(value, Notice):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _text(value) -> str | None:
    """Text, or None for the missing values pandas uses in text columns."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
