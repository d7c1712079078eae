"""propose() and sweep(): an area's Problem, solved, as a Proposal of blocks (numbers and codes only)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import geodata
from ..errors import InfeasibleError
from ..params import Parameters, ProposeParams, load_parameters
from .area import Area, area_codes, area_labels, area_population, population_year, resolve_kommuner
from .model import Problem
from .solvers import Solution, solve

if TYPE_CHECKING:
    from ..data.atlas import Atlas


def build_problem(atlas: Atlas, area: Area, k: int, *, min_population: float | None = None,
                  max_travel_minutes: float | None = None, fixed_centres: Sequence[str | int] = (),
                  year: int | None = None, travel: pd.DataFrame | None = None,
                  params: Parameters | None = None) -> tuple[Problem, list[str]]:
    """The :class:`Problem` for an area of an Atlas, and the kommune numbers its positions stand for."""
    params = params or load_parameters()
    codes = area_codes(atlas, area)
    fylker = sorted({atlas.kommuner.loc[c, "fylkesnummer"] for c in codes})
    fixed = resolve_kommuner(atlas, fixed_centres, fylker, codes, "fixed_centres")
    minutes = (travel if travel is not None else geodata.travel_minutes(atlas, params)).loc[codes, codes].to_numpy()
    adj, pos_all = geodata.neighbour_matrix(atlas, params)
    idx = [pos_all[c] for c in codes]
    sub = adj[idx][:, idx]
    pos = {c: i for i, c in enumerate(codes)}
    names = atlas.kommuner.loc[codes, "kommunenavn_kort"].astype(str)
    problem = Problem(
        population=area_population(atlas, codes, population_year(atlas, year, params.propose.population_year)).to_numpy(),
        minutes=minutes,
        neighbours=[sub.indices[sub.indptr[i]:sub.indptr[i + 1]].tolist() for i in range(len(codes))],
        k=int(k),
        min_population=None if min_population is None else float(min_population),
        max_minutes=None if max_travel_minutes is None else float(max_travel_minutes),
        fixed=tuple(pos[c] for c in fixed),
        labels=[f"{n} ({c})" for c, n in zip(codes, names)],
        solver=params.propose.solver,
    )
    return problem, codes


@dataclass
class Proposal:
    """A solved proposal: blocks of the area around k centres.

    ``kommuner`` has one row per kommune: kommunenavn, centre, population, minutes (to the centre), track
    (merge/cooperate by the rule in ``params/propose.yaml``). ``blocks`` has one row per block, indexed by its
    centre: centre_name, kommuner, merge, population, max_minutes, mean_weighted_minutes. ``area`` is the area
    as a scenario lists it (fylkesnummer and kommunenummer). :func:`reformkit.narrative.proposal_scenario`
    turns it into a scenario file, with block names and a description.
    """

    area: list[str]
    k: int
    kommuner: pd.DataFrame
    blocks: pd.DataFrame
    objective: float
    gap: float | None
    method: str
    status: str
    seconds: float
    year: int
    borders: int
    constraints: dict = field(default_factory=dict)

    @property
    def mean_weighted_minutes(self) -> float:
        """Population-weighted mean travel time to the centre (minutes)."""
        return self.objective / float(self.kommuner["population"].sum())


def _tracks(kommuner: pd.DataFrame, rule: ProposeParams) -> pd.Series:
    small = kommuner["population"] < float(rule.merge_max_population)
    near = kommuner["minutes"] <= float(rule.merge_max_travel_minutes)
    is_centre = kommuner.index == kommuner["centre"]
    return pd.Series(np.where(is_centre | (small & near), "merge", "cooperate"), index=kommuner.index)


def proposal_from_solution(atlas: Atlas, problem: Problem, codes: list[str], sol: Solution, year: int,
                           rule: ProposeParams) -> Proposal:
    """Tables of a Proposal from a solver :class:`Solution`."""
    centre = [codes[j] for j in sol.assignment]
    idx = np.arange(problem.n)
    names = atlas.kommuner.loc[codes, "kommunenavn_kort"].astype(str)
    kommuner = pd.DataFrame({
        "kommunenavn": names.to_numpy(), "centre": centre, "population": problem.population.astype(int),
        "minutes": problem.minutes[idx, sol.assignment].round(1),
    }, index=pd.Index(codes, name="kommunenummer"))
    kommuner["track"] = _tracks(kommuner, rule)
    grouped = kommuner.groupby("centre", sort=False)
    blocks = pd.DataFrame({
        "centre_name": [names[c] for c in grouped.groups],
        "kommuner": grouped.size(),
        "merge": grouped["track"].apply(lambda s: int((s == "merge").sum())),
        "population": grouped["population"].sum(),
        "max_minutes": grouped["minutes"].max(),
        "mean_weighted_minutes": grouped.apply(lambda g: float((g.population * g.minutes).sum() / max(g.population.sum(), 1)),
                                               include_groups=False).round(1),
    })
    blocks.index.name = "centre"
    blocks = blocks.sort_values("population", ascending=False)
    return Proposal(area=area_labels(atlas, codes), k=problem.k, kommuner=kommuner, blocks=blocks,
                    objective=sol.objective, gap=sol.gap, method=sol.method, status=sol.status,
                    seconds=sol.seconds, year=year, borders=int(atlas.borders),
                    constraints={"min_population": problem.min_population, "max_travel_minutes": problem.max_minutes,
                                 "fixed_centres": [codes[i] for i in problem.fixed]})


def propose(atlas: Atlas, area: Area, k: int, *, min_population: float | None = None,
            max_travel_minutes: float | None = None, fixed_centres: Sequence[str | int] = (),
            time_limit: float | None = None, year: int | None = None, travel: pd.DataFrame | None = None,
            matrix_csv: str | Path | None = None, params: Parameters | None = None) -> Proposal:
    """Choose ``k`` centres in ``area`` and assign every kommune to one, minimising population-weighted
    travel time, with every block connected in the neighbour graph (sea links count).

    ``area``: fylkesnummer, kommunenummer or kommune names (see :func:`area_codes`). Optional: a minimum block
    population, a maximum travel time to the centre, centres fixed by name or number, a real travel matrix
    (``matrix_csv``, see :func:`reformkit.geodata.travel_minutes`), ``params`` (default: the shipped files).
    Solved exactly with HiGHS; if the time limit is hit first, a heuristic answers (``Proposal.method`` says
    which). Raises :class:`InfeasibleError` naming the constraint to relax.

    >>> p = propose(atlas, "15", 4)                   # doctest: +SKIP
    >>> p.blocks[["centre_name", "population"]]       # doctest: +SKIP
    """
    params = params or load_parameters()
    if travel is None:
        travel = geodata.travel_minutes(atlas, params, matrix_csv=matrix_csv)
    problem, codes = build_problem(atlas, area, k, min_population=min_population,
                                   max_travel_minutes=max_travel_minutes, fixed_centres=fixed_centres,
                                   year=year, travel=travel, params=params)
    rule = params.propose
    sol = solve(problem, time_limit=time_limit)   # None: the solver's own limit (params/propose.yaml)
    return proposal_from_solution(atlas, problem, codes, sol, population_year(atlas, year, rule.population_year), rule)


def _sweep_row(p: Proposal, thresholds: tuple[int, ...]) -> dict:
    b = p.blocks
    return dict(min_block_population=int(b["population"].min()), max_travel_minutes=float(b["max_minutes"].max()),
                mean_weighted_travel_minutes=round(p.mean_weighted_minutes, 2),
                **{f"blocks_under_{t}": int((b["population"] < t).sum()) for t in thresholds},
                objective=round(p.objective, 1), gap=p.gap, method=p.method, status=p.status,
                seconds=round(p.seconds, 3), centres=" ".join(sorted(b.index)), note="")


def sweep(atlas: Atlas, area: Area, k_max: int, *, k_min: int = 1, min_population: float | None = None,
          max_travel_minutes: float | None = None, fixed_centres: Sequence[str | int] = (),
          time_limit: float | None = None, year: int | None = None, travel: pd.DataFrame | None = None,
          progress: bool = True, params: Parameters | None = None) -> pd.DataFrame:
    """Solve for k = k_min..k_max and tabulate each solution (the "28–36? 7? 4? 2?" question).

    Columns: k, min_block_population, max_travel_minutes, mean_weighted_travel_minutes, blocks_under_<N> for
    each threshold of ``params/propose.yaml`` (sweep), objective, gap, method, status, seconds, centres, note.
    A k whose constraints cannot be met gets status "infeasible" (or "time limit") and NaN figures (the count
    columns are then float). Labels: :mod:`reformkit.narrative`; chart: ``reformkit.charts.sweep_chart``.
    """
    from tqdm.auto import tqdm
    params = params or load_parameters()
    travel = travel if travel is not None else geodata.travel_minutes(atlas, params)
    thresholds = params.propose.small_block_thresholds
    rows = []
    for k in tqdm(range(int(k_min), int(k_max) + 1), desc="k", disable=not progress, leave=False):
        try:
            p = propose(atlas, area, k, min_population=min_population, max_travel_minutes=max_travel_minutes,
                        fixed_centres=fixed_centres, time_limit=time_limit, year=year, travel=travel, params=params)
            rows.append({"k": k, **_sweep_row(p, thresholds)})
        except InfeasibleError as exc:
            # Proven infeasible, or nothing found before the time limit (the message says which).
            status = "time limit" if "time limit" in exc.message else "infeasible"
            rows.append({"k": k, "status": status, "method": "", "note": f"{exc.message}: {'; '.join(exc.problems)}"})
    cols = ["k", "min_block_population", "max_travel_minutes", "mean_weighted_travel_minutes",
            *[f"blocks_under_{t}" for t in thresholds], "objective", "gap", "method", "status", "seconds",
            "centres", "note"]
    out = pd.DataFrame(rows).reindex(columns=cols)
    counts = ["min_block_population", *[f"blocks_under_{t}" for t in thresholds]]
    # Whole numbers as int64; with an infeasible k they stay float with NaN (plain numpy types for charts).
    out[counts] = out[counts].astype("int64" if out[counts].notna().all().all() else "float64")
    return out
