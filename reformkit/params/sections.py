"""Typed views of the parameter groups that code reads field by field.

Each class is built from its group's validated :class:`~reformkit.params.tree.ParamTree` (so every value has
already passed its rule) and is passed explicitly to the functions that need it.
"""
from __future__ import annotations

from dataclasses import dataclass

from .tree import ParamTree


@dataclass(frozen=True)
class NeighbourParams:
    """The neighbour-graph rule (``params/geo.yaml``): land tolerance, sea-link reach, joining components."""

    land_tolerance_m: float
    sea_link_km: float
    join_components: bool

    @classmethod
    def from_tree(cls, tree: ParamTree) -> "NeighbourParams":
        return cls(float(tree.get("neighbours.land_tolerance_m")), float(tree.get("neighbours.sea_link_km")),
                   bool(tree.get("neighbours.join_components")))



@dataclass(frozen=True)
class Criteria:
    """Population thresholds that units and blocks are flagged against (``params/criteria.yaml``)."""

    min_inhabitants: tuple[int, ...]
    source: str

    @classmethod
    def from_tree(cls, tree: ParamTree) -> "Criteria":
        return cls(tuple(int(n) for n in tree.get("population.min_inhabitants")),
                   tree.sources["population.min_inhabitants"])

    @property
    def lower(self) -> int:
        """The lowest threshold (15 000 in the shipped file)."""
        return min(self.min_inhabitants)

    @property
    def target(self) -> int:
        """The highest threshold (20 000 in the shipped file)."""
        return max(self.min_inhabitants)


@dataclass(frozen=True)
class SolverParams:
    """How the proposal engine solves (``params/propose.yaml``, section solver)."""

    time_limit_seconds: float
    mip_rel_gap: float
    heuristic_starts: int
    fallback_min_seconds: float
    fallback_share: float
    penalty_factor: float


@dataclass(frozen=True)
class ProposeParams:
    """The proposal engine's rules (``params/propose.yaml``)."""

    merge_max_population: int
    merge_max_travel_minutes: float
    population_year: int
    solver: SolverParams
    small_block_thresholds: tuple[int, ...]
    ranking_weights: dict[str, float]
    reach_minutes: tuple[float, ...]

    @classmethod
    def from_tree(cls, tree: ParamTree) -> "ProposeParams":
        g = tree.get
        solver = SolverParams(float(g("solver.time_limit_seconds")), float(g("solver.mip_rel_gap")),
                              int(g("solver.heuristic_starts")), float(g("solver.fallback_min_seconds")),
                              float(g("solver.fallback_share")), float(g("solver.penalty_factor")))
        return cls(int(g("tracks.merge_max_population")), float(g("tracks.merge_max_travel_minutes")),
                   int(g("population.year")), solver, tuple(int(t) for t in g("sweep.small_block_thresholds")),
                   {k: float(v) for k, v in g("ranking.weights").items()},
                   tuple(float(m) for m in g("ranking.reach_minutes")))
