"""What each parameter group may hold: a :class:`Rule` per leaf, required leaves, derived defaults.

The files under ``resources/params`` are the source of truth for *which* parameters exist; the rules say what
a value of each must look like, so that a mistyped file or a scenario's ``assumptions`` are rejected with the
key at fault: numbers must be finite and not true/false, shares lie in 0–1, year counts are whole numbers,
kommune lists hold 4-digit strings. A leaf without a rule is an unknown parameter.
"""
from __future__ import annotations

import fnmatch
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

UNKNOWN = "unknown"


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(float(value))


@dataclass(frozen=True)
class Rule:
    """The shape of one parameter value.

    ``kind``: ``number``, ``int`` (whole number), ``bool``, ``text``, ``choice`` (one of ``options``),
    ``kommuner`` / ``fylker`` (lists of 4- / 2-digit numbers as text), ``texts``, ``numbers`` / ``ints`` (lists), ``bands`` (list of
    ``[lower bound, amount]`` pairs) or ``optional_number`` (a number or the word ``estimate``). ``low`` and
    ``high`` bound numbers (inclusive); ``length`` fixes a list's length; ``unknown`` allows the word unknown;
    ``fixed`` leaves (vocabulary, switches) may not be overridden by a scenario.
    """

    kind: str = "number"
    low: float | None = 0.0
    high: float | None = None
    unknown: bool = False
    length: int | None = None
    options: tuple[str, ...] = ()
    fixed: bool = False

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value``, or None."""
        if value is None:
            return "value is missing"
        if value == UNKNOWN:
            return None if self.unknown else "'unknown' is not allowed here; give a value"
        kind = self.kind
        if kind in ("number", "int"):
            return self._number(value, whole=kind == "int")
        if kind == "optional_number":
            return None if value == "estimate" else self._number(value)
        if kind == "bool":
            return None if isinstance(value, bool) else f"{value!r} is not true or false"
        if kind == "text":
            return None if isinstance(value, str) and value.strip() else f"{value!r} is not text"
        if kind == "choice":
            return None if value in self.options else f"{value!r} is not one of {', '.join(self.options)}"
        if kind in ("kommuner", "fylker"):
            digits, what = (4, "kommunenummer") if kind == "kommuner" else (2, "fylkesnummer")
            ok = isinstance(value, list) and all(isinstance(k, str) and len(k) == digits and k.isdigit() for k in value)
            return None if ok else f"{value!r} is not a list of {digits}-digit {what} strings (quote them: \"0301\")"
        if kind == "texts":
            ok = isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
            return None if ok else f"{value!r} is not a non-empty list of text"
        if kind in ("numbers", "ints"):
            return self._list(value, whole=kind == "ints")
        if kind == "bands":
            return self._bands(value)
        raise ValueError(f"unknown rule kind {kind!r}")

    def _number(self, value: Any, whole: bool = False) -> str | None:
        if isinstance(value, bool) or not isinstance(value, Real):
            return f"{value!r} is not a number"
        if not math.isfinite(float(value)):
            return f"{value!r} is not a finite number"
        if whole and not float(value).is_integer():
            return f"{value!r} is not a whole number"
        if self.low is not None and value < self.low:
            return f"{value!r} is below the lowest allowed value {self.low:g}"
        if self.high is not None and value > self.high:
            return f"{value!r} is above the highest allowed value {self.high:g}"
        return None

    def _list(self, value: Any, whole: bool) -> str | None:
        if not isinstance(value, list) or not value:
            return f"{value!r} is not a non-empty list"
        if self.length is not None and len(value) != self.length:
            return f"{value!r} must have {self.length} items"
        return next((p for p in (self._number(v, whole) for v in value) if p), None)

    def _bands(self, value: Any) -> str | None:
        if not isinstance(value, list) or not value or not all(isinstance(b, list) and len(b) == 2 for b in value):
            return f"{value!r} is not a list of [lower bound, amount] pairs"
        problem = next((p for b in value for p in (self._number(b[0], True), self._number(b[1])) if p), None)
        if problem:
            return problem
        lows = [b[0] for b in value]
        return None if lows == sorted(lows) and lows[0] == 0 else "bands must start at 0 and rise"


NUMBER = Rule()
SHARE = Rule(high=1.0)
WHOLE = Rule("int")
YEARS = Rule("int", low=1)
AMOUNT_OR_UNKNOWN = Rule(unknown=True)


@dataclass(frozen=True)
class GroupSpec:
    """A parameter group: its files, a rule per leaf pattern (``*`` matches one path segment), required leaves,
    derived defaults (path -> (followed path, source text)) and checks between leaves."""

    name: str
    files: tuple[str, ...]
    rules: Mapping[str, Rule]
    required: tuple[str, ...] = ()
    derived: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    tree_checks: tuple[Callable[[Callable[[str], Any]], list[str]], ...] = ()
    tree_rule_file: str = ""

    def rule(self, path: str) -> Rule | None:
        """The rule of a leaf path, or None for an unknown parameter."""
        if path in self.rules:
            return self.rules[path]
        for pattern, rule in self.rules.items():
            if "*" in pattern and len(pattern.split(".")) == len(path.split(".")) and fnmatch.fnmatchcase(path, pattern):
                return rule
        if path in self.derived:
            return self.rule(self.derived[path][0])
        return None

    def check(self, path: str, value: Any, override: bool = False) -> str | None:
        """The problem with one leaf value, or None."""
        rule = self.rule(path)
        if rule is None:
            return f"{path}: unknown parameter (no rule in reformkit.params.rules for group {self.name!r})"
        if override and value == UNKNOWN:
            return f"{path}: a scenario gives a value, not 'unknown'"
        if override and rule.fixed:
            return f"{path}: text, lists and switches cannot be overridden"
        problem = rule.problem(value)
        return f"{path}: {problem}" if problem else None

    def check_tree(self, get: Callable[[str], Any]) -> list[str]:
        """Problems between leaves (each leaf alone is checked by :meth:`check`)."""
        return [p for check in self.tree_checks for p in check(get)]


def _one_off_within_analysis(get) -> list[str]:
    one_off, years = get("merger.one_off_in_year"), get("merger.analysis_years")
    if _is_number(one_off) and _is_number(years) and one_off > years:
        return [f"merger.one_off_in_year: year {one_off} is after the last analysed year "
                f"(merger.analysis_years = {years}); the one-off grant would be left out"]
    return []


def _migration_bounds(get) -> list[str]:
    low, high = get("damping.migration_min"), get("damping.migration_max")
    return [f"damping: migration_min {low} is above migration_max {high}"] if low > high else []


ECONOMY = GroupSpec(
    "economy", ("economy-2023", "grants-2022", "grants-2021", "grants-2019", "economy-model"),
    rules={
        "cost_key.*.*.weight": SHARE, "cost_key.*.*.unit_amount": NUMBER,
        "cost_key.basis.weight": SHARE, "cost_key.basis.unit_amount": NUMBER,
        "service_split.*": Rule("texts"),
        "innbyggertilskudd.per_inhabitant": NUMBER,
        "smakommunetilskudd.threshold_inhabitants": WHOLE, "smakommunetilskudd.amount_per_kommune": AMOUNT_OR_UNKNOWN,
        "nord_norge.per_inhabitant.*": NUMBER, "nord_norge.zone_of_fylke.*": Rule("text"),
        "nord_norge.partial_zone_fylker": Rule("fylker"),
        "distriktstilskudd.amount_per_kommune": AMOUNT_OR_UNKNOWN,
        "regionsenter.threshold_inhabitants": WHOLE, "regionsenter.per_kommune": NUMBER,
        "regionsenter.per_inhabitant": NUMBER, "regionsenter.storbytilskudd_kommuner": Rule("kommuner"),
        "inndelingstilskudd.full_years": YEARS, "inndelingstilskudd.phase_down_years": YEARS,
        "engangstilskudd.*": NUMBER, "reformstotte.bands": Rule("bands"),
        "merger.start_offset_years": WHOLE, "merger.analysis_years": YEARS, "merger.one_off_in_year": YEARS,
        "admin_savings.fixed_cost_per_kommune": NUMBER, "admin_savings.realisation_share": SHARE,
        "admin_savings.phase_in_years": YEARS,
        "discount_rate": SHARE,
    },
    required=(
        "cost_key.age.0-1.unit_amount", "cost_key.age.2-5.unit_amount", "cost_key.age.6-15.unit_amount",
        "cost_key.age.16-22.unit_amount", "cost_key.age.23-66.unit_amount", "cost_key.age.67-79.unit_amount",
        "cost_key.age.80-89.unit_amount", "cost_key.age.90+.unit_amount", "cost_key.basis.unit_amount",
        "service_split.barnehage", "service_split.grunnskole", "service_split.pleie_omsorg", "service_split.other",
        "smakommunetilskudd.threshold_inhabitants", "smakommunetilskudd.amount_per_kommune",
        "nord_norge.per_inhabitant", "nord_norge.zone_of_fylke", "nord_norge.partial_zone_fylker",
        "distriktstilskudd.amount_per_kommune",
        "regionsenter.threshold_inhabitants", "regionsenter.per_kommune", "regionsenter.per_inhabitant",
        "regionsenter.storbytilskudd_kommuner", "inndelingstilskudd.full_years", "inndelingstilskudd.phase_down_years",
        "engangstilskudd.base", "engangstilskudd.two_kommuner", "engangstilskudd.three_kommuner",
        "engangstilskudd.per_kommune_beyond_three", "reformstotte.bands",
        "merger.start_offset_years", "merger.analysis_years", "merger.one_off_in_year",
        "admin_savings.fixed_cost_per_kommune", "admin_savings.realisation_share", "admin_savings.phase_in_years",
        "discount_rate",
    ),
    derived={"admin_savings.fixed_cost_per_kommune": (
        "cost_key.basis.unit_amount",
        "C(N) = F + v·N: F følger basiskriteriets enhetsbeløp (cost_key.basis.unit_amount; domain.md: "
        "basiskriteriet kompenserer smådriftsulemper i administrasjon). Kan settes i scenarioets assumptions")},
    tree_checks=(_one_off_within_analysis,), tree_rule_file="merger.one_off_in_year",
)

SUSTAINABILITY = GroupSpec(
    "sustainability", ("economy-sustainability",),
    rules={"netto_driftsresultat.deficit_below_pct": NUMBER, "netto_driftsresultat.recommended_min_pct": NUMBER,
           "disposisjonsfond.min_pct": AMOUNT_OR_UNKNOWN, "gjeld.max_pct": AMOUNT_OR_UNKNOWN},
    required=("netto_driftsresultat.deficit_below_pct", "netto_driftsresultat.recommended_min_pct",
              "disposisjonsfond.min_pct", "gjeld.max_pct"))

CRITERIA = GroupSpec("criteria", ("criteria",), rules={"population.min_inhabitants": Rule("ints", low=1)},
                     required=("population.min_inhabitants",))

GEO = GroupSpec("geo", ("geo",), rules={"neighbours.land_tolerance_m": NUMBER, "neighbours.sea_link_km": NUMBER,
                                          "neighbours.join_components": Rule("bool")},
                required=("neighbours.land_tolerance_m", "neighbours.sea_link_km", "neighbours.join_components"))

SPEED = Rule(low=1.0, high=130.0)
TRAVEL = GroupSpec(
    "travel", ("roads",),
    rules={"network.node_tolerance_m": NUMBER, "network.junction_tolerance_m": NUMBER,
           "network.ferry_landing_m": NUMBER, "network.land_gap_m": NUMBER,
           "network.passenger_ferries": Rule("choice", options=("islands_only", "none", "all")),
           "speeds_kmh.*": SPEED, "factors.*": Rule(low=0.1, high=2.0),
           "ferry.car_wait_min": NUMBER, "ferry.car_speed_kmh": SPEED, "ferry.passenger_wait_min": NUMBER,
           "ferry.passenger_speed_kmh": SPEED, "access.speed_kmh": SPEED, "islands.boat_speed_kmh": SPEED,
           "islands.boat_wait_min": NUMBER,
           "centres.max_label_km": NUMBER, "centres.prefix_min_chars": Rule("int", low=1),
           "centres.prefix_max_km": NUMBER, "centres.builtup_snap_km": NUMBER,
           "centres.place_groups": Rule("texts", fixed=True), "centres.place_type_rank": Rule("texts", fixed=True),
           "calibration.grid_*": Rule("numbers", length=3, fixed=True), "calibration.max_sweeps": Rule("int", low=1),
           "calibration.long_trip_min": NUMBER, "calibration.within_min": NUMBER},
    required=("network", "speeds_kmh", "factors", "ferry", "access", "islands", "centres", "calibration"))

PROJECTION = GroupSpec(
    "projection", ("projection",),
    rules={"base_period.*": YEARS, "shrinkage.*": NUMBER, "damping.migration_min": Rule(low=-1.0, high=0.0),
           "damping.migration_max": Rule(high=1.0), "damping.migration_decay": SHARE,
           "survival.fit_ages": Rule("ints", length=2), "survival.improvement_ages": Rule("ints", length=2),
           "survival.improvement_max": SHARE, "survival.mortality_improvement": Rule("optional_number", low=None),
           "alternatives.*.migration_scale": Rule(high=10.0), "alternatives.*.fertility_scale": Rule(high=10.0),
           "ssb.*": Rule("text")},
    required=("base_period.years", "base_period.fertility_years", "shrinkage.cohort_weight", "shrinkage.child_weight",
              "damping.migration_min", "damping.migration_max", "damping.migration_decay", "survival.fit_ages",
              "survival.improvement_ages", "survival.improvement_max", "survival.mortality_improvement",
              "alternatives.main", "ssb"),
    tree_checks=(_migration_bounds,), tree_rule_file="damping.migration_min")

PROPOSE = GroupSpec(
    "propose", ("propose",),
    rules={"tracks.merge_max_population": WHOLE, "tracks.merge_max_travel_minutes": NUMBER,
           "population.year": Rule("int", low=1900, high=2100), "solver.time_limit_seconds": Rule(low=0.01),
           "solver.mip_rel_gap": SHARE, "solver.heuristic_starts": Rule("int", low=1),
           "solver.fallback_min_seconds": Rule(low=0.01), "solver.fallback_share": SHARE,
           "solver.penalty_factor": Rule(low=1.0),
           "sweep.small_block_thresholds": Rule("ints", low=1), "ranking.weights.*": NUMBER,
           "ranking.reach_minutes": Rule("numbers", low=1)},
    required=("tracks.merge_max_population", "tracks.merge_max_travel_minutes", "population.year",
              "solver.time_limit_seconds", "solver.mip_rel_gap", "solver.heuristic_starts",
              "solver.fallback_min_seconds", "solver.fallback_share", "solver.penalty_factor", "sweep.small_block_thresholds",
              "ranking.weights", "ranking.reach_minutes"))

WORDS = Rule("text", fixed=True)

COOPERATION = GroupSpec(
    "cooperation", ("cooperation",),
    rules={"national_need_per_inhabitant": NUMBER, "sector_weights.*": SHARE,
           "services.*.label": WORDS, "services.*.sector": WORDS, "services.*.kostra_area": WORDS,
           "services.*.share_of_sector": Rule(high=1.0, unknown=True), "services.*.kostra_share": Rule(high=1.0, unknown=True),
           "services.*.saving_pct": Rule(high=100.0, unknown=True), "services.*.decisions": Rule("bool", fixed=True),
           "services.*.cost_per_inhabitant": AMOUNT_OR_UNKNOWN, "keys.*.label": WORDS,
           "dominance.majority_share": SHARE, "dominance.max_ratio": NUMBER, "scorecard.answers.*": SHARE,
           "scorecard.met_share": SHARE, "scorecard.criteria.*.label": WORDS, "scorecard.criteria.*.weight": NUMBER,
           "scorecard.criteria.*.questions.*": WORDS, "pitfalls.*.label": WORDS, "pitfalls.*.lesson": WORDS,
           "pitfalls.*.questions": Rule("texts", fixed=True), "pitfalls.*.threshold": NUMBER},
    required=("national_need_per_inhabitant", "sector_weights", "services", "keys", "dominance.majority_share",
              "dominance.max_ratio", "scorecard.answers", "scorecard.met_share", "scorecard.criteria", "pitfalls"))

PROFILE = GroupSpec(
    "profile", ("profile",),
    rules={"history.years": Rule("int", low=0, high=50), "options.centre_reach_minutes": Rule(low=1.0),
           "options.max_centres": Rule("int", low=0), "options.shown": Rule("int", low=1),
           "options.weights.*": NUMBER, "references.count": Rule("int", low=1),
           "references.population_factor": Rule(low=1.01), "references.index_step": Rule(low=0.001)},
    required=("history.years", "options.centre_reach_minutes", "options.max_centres", "options.shown",
              "options.weights", "references.count", "references.population_factor", "references.index_step"))

#: Every group, by the name a scenario's ``assumptions`` uses for it.
GROUPS: dict[str, GroupSpec] = {g.name: g for g in (ECONOMY, SUSTAINABILITY, CRITERIA, GEO, TRAVEL, PROJECTION,
                                                     PROPOSE, COOPERATION, PROFILE)}
