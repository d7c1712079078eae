"""Tyngdepunkter and kommuneblokker: candidate ranking, p-median blocks with contiguity, and the k sweep.

>>> import reformkit as rk
>>> from reformkit import propose
>>> atlas = rk.load_atlas()
>>> prop = propose.propose(atlas, "15", k=4)            # exact, every block connected
>>> prop.write("mr-4.yaml")                              # a scenario that rk.load_scenario reads
>>> propose.sweep(atlas, "15", k_max=8)                  # "28–36? 7? 4? 2?"

Model and solvers: :mod:`reformkit.propose.model` (the formulation) and :mod:`reformkit.propose.solvers`
(HiGHS via scipy.optimize.milp, heuristic fallback). Travel times: :func:`reformkit.geo.travel_minutes`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import geo
from ..errors import InfeasibleError, ScenarioError
from ..params import load_params
from .model import Problem, formulate
from .ranking import RANK_LABELS, rank_candidates
from .solvers import Solution, solve, solve_exact, solve_heuristic
from .output import SWEEP_LABELS, scenario_dict, sweep_display, write_scenario

if TYPE_CHECKING:
    from ..data.atlas import Atlas

#: what ``area`` may be: a fylkesnummer, or a list of fylkesnummer or kommune numbers
Area = str | int | Sequence[str | int]

__all__ = ["propose", "sweep", "rank_candidates", "RANK_LABELS", "SWEEP_LABELS", "Proposal", "Problem",
           "Solution", "sweep_display", "build_problem", "formulate", "solve", "solve_exact", "solve_heuristic",
           "area_codes", "area_population", "InfeasibleError"]


def area_codes(atlas: Atlas, area: Area) -> list[str]:
    """Kommune numbers of ``area``: a fylkesnummer or a list of them (or of kommune numbers). Sorted."""
    items = [area] if isinstance(area, (str, int)) else list(area)
    fylker = set(atlas.kommuner["fylkesnummer"].astype(str))
    codes, problems = set(), []
    for item in items:
        text = str(item).strip()
        text = text.zfill(2) if len(text) <= 2 and text.isdigit() else text
        if text in fylker:
            codes.update(atlas.in_fylke(text))
        elif text in atlas.kommuner.index:
            codes.add(text)
        else:
            problems.append(f"--area {item}: no fylke (or kommune) with that number on {atlas.borders} borders; "
                            f"fylker: {', '.join(sorted(fylker))}")
    if problems:
        raise ScenarioError("unknown area", problems)
    return sorted(codes)


def area_population(atlas: Atlas, codes: list[str], year: int | None = None) -> pd.Series:
    """Population 1 January of ``year`` (default: propose.yaml's year, or the latest observed) by kommune."""
    year = population_year(atlas, year)
    pop = atlas.population
    pop = pop[pop["year"] == year]
    return pop.groupby("kommunenummer", observed=True)["population"].sum().reindex(codes).fillna(0).astype(float)


def population_year(atlas: Atlas, year: int | None = None) -> int:
    """The population year used for weights: ``year``, else propose.yaml's (2024) when observed, else the latest."""
    if year is None:
        wanted = int(load_params("propose")["population"]["year"])
        year = wanted if wanted in atlas.years else atlas.years[-1]
    if year not in atlas.years:
        raise ScenarioError(f"no observed population for {year} on {atlas.borders} borders "
                            f"({atlas.years[0]}–{atlas.years[-1]})")
    return int(year)


def resolve_kommuner(atlas: Atlas, refs: Iterable[str | int], area_fylker: list[str], codes: list[str],
                     what: str) -> list[str]:
    """Kommune numbers for names or numbers given by the user; every one must lie in the area."""
    from ..scenario.names import kommune_index
    index = kommune_index(atlas)
    out, problems = [], []
    for ref in refs:
        res = index.resolve(str(ref), area=area_fylker)
        if res.code is None:
            problems.append(f"{what} {ref}: {res.problem}")
        elif res.code not in codes:
            problems.append(f"{what} {ref}: {index.describe(res.code)} is not in the area")
        elif res.code not in out:
            out.append(res.code)
    if problems:
        raise InfeasibleError(f"{what}: cannot use these kommuner", problems)
    return out


def build_problem(atlas: Atlas, area: Area, k: int, *, min_population: float | None = None,
                  max_travel_minutes: float | None = None, fixed_centres: Sequence[str | int] = (),
                  year: int | None = None, travel: pd.DataFrame | None = None) -> tuple[Problem, list[str]]:
    """The :class:`Problem` for an area of an Atlas, and the kommune numbers its positions stand for."""
    codes = area_codes(atlas, area)
    fylker = sorted({atlas.kommuner.loc[c, "fylkesnummer"] for c in codes})
    fixed = resolve_kommuner(atlas, fixed_centres, fylker, codes, "--fixed-centre")
    minutes = (travel if travel is not None else geo.travel_minutes(atlas)).loc[codes, codes].to_numpy()
    adjacency = geo.adjacency_lists(atlas.neighbours, codes)
    pos = {c: i for i, c in enumerate(codes)}
    names = atlas.kommuner.loc[codes, "kommunenavn_kort"].astype(str)
    problem = Problem(
        population=area_population(atlas, codes, year).to_numpy(),
        minutes=minutes,
        neighbours=[[pos[u] for u in adjacency[c]] for c in codes],
        k=int(k),
        min_population=None if min_population is None else float(min_population),
        max_minutes=None if max_travel_minutes is None else float(max_travel_minutes),
        fixed=tuple(pos[c] for c in fixed),
        labels=[f"{n} ({c})" for c, n in zip(codes, names)],
    )
    return problem, codes


@dataclass
class Proposal:
    """A solved proposal: blocks of the area around k centres.

    ``kommuner`` has one row per kommune: kommunenavn, block, centre, population, minutes (to the centre),
    track (merge/cooperate by the rule in ``data/params/propose.yaml``). ``blocks`` has one row per block.
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
    year: int = 2024
    borders: int = 2024
    constraints: dict = field(default_factory=dict)

    @property
    def mean_weighted_minutes(self) -> float:
        """Population-weighted mean travel time to the centre (minutes)."""
        return self.objective / float(self.kommuner["population"].sum())

    def to_scenario(self, atlas: Atlas) -> dict:
        """The proposal as a scenario dict (design.md contract, kommune names as members)."""
        return scenario_dict(self, atlas)

    def write(self, path: str | Path, atlas: Atlas | None = None) -> Path:
        """Write the scenario YAML atomically (``atlas``: the one proposed on; loaded by border year if omitted)."""
        if atlas is None:
            from ..data import load_atlas
            atlas = load_atlas(self.borders)
        return write_scenario(self.to_scenario(atlas), path, atlas)

    def summary(self) -> str:
        """A Norwegian text summary for the CLI."""
        from .output import summary_text
        return summary_text(self)


def _tracks(kommuner: pd.DataFrame) -> pd.Series:
    rule = load_params("propose")["tracks"]
    small = kommuner["population"] < float(rule["merge_max_population"])
    near = kommuner["minutes"] <= float(rule["merge_max_travel_minutes"])
    is_centre = kommuner.index == kommuner["centre"]
    return pd.Series(np.where(is_centre | (small & near), "merge", "cooperate"), index=kommuner.index)


def proposal_from_solution(atlas: Atlas, problem: Problem, codes: list[str], sol: Solution, area: Area,
                           year: int | None = None) -> Proposal:
    """Tables of a Proposal from a solver :class:`Solution`."""
    centre = [codes[j] for j in sol.assignment]
    idx = np.arange(problem.n)
    names = atlas.kommuner.loc[codes, "kommunenavn_kort"].astype(str)
    kommuner = pd.DataFrame({
        "kommunenavn": names.to_numpy(),
        "centre": centre,
        "population": problem.population.astype(int),
        "minutes": problem.minutes[idx, sol.assignment].round(1),
    }, index=pd.Index(codes, name="kommunenummer"))
    kommuner["block"] = [f"{names[c]}-blokka" for c in centre]
    kommuner["track"] = _tracks(kommuner)
    grouped = kommuner.groupby("centre", sort=False)
    blocks = pd.DataFrame({
        "name": grouped["block"].first(),
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
    fylker = [area] if isinstance(area, (str, int)) else list(area)
    return Proposal(area=[str(a).zfill(2) for a in fylker], k=problem.k, kommuner=kommuner, blocks=blocks,
                    objective=sol.objective, gap=sol.gap, method=sol.method, status=sol.status,
                    seconds=sol.seconds, year=population_year(atlas, year), borders=int(atlas.borders),
                    constraints={"min_population": problem.min_population, "max_travel_minutes": problem.max_minutes,
                                 "fixed_centres": [codes[i] for i in problem.fixed]})


def _solver_params(time_limit: float | None) -> tuple[float, float]:
    s = load_params("propose")["solver"]
    return float(time_limit if time_limit is not None else s["time_limit_seconds"]), float(s["mip_rel_gap"])


def propose(atlas: Atlas, area: Area, k: int, *, min_population: float | None = None,
            max_travel_minutes: float | None = None, fixed_centres: Sequence[str | int] = (),
            time_limit: float | None = None, year: int | None = None, travel: pd.DataFrame | None = None,
            matrix_csv: str | Path | None = None) -> Proposal:
    """Choose ``k`` centres in ``area`` and assign every kommune to one, minimising population-weighted
    travel time, with every block connected in the neighbour graph (sea links count).

    Optional: a minimum block population, a maximum travel time to the centre, centres fixed by name or
    number, a real travel matrix (``matrix_csv``, see :func:`reformkit.geo.travel_minutes`). Solved exactly
    with HiGHS; if the time limit is hit first, a heuristic answers (``Proposal.method`` says which).
    Raises :class:`InfeasibleError` naming the constraint to relax.

    >>> p = propose(atlas, "15", 4)          # doctest: +SKIP
    >>> p.blocks[["name", "population"]]     # doctest: +SKIP
    """
    if travel is None:
        travel = geo.travel_minutes(atlas, matrix_csv=matrix_csv)
    problem, codes = build_problem(atlas, area, k, min_population=min_population,
                                   max_travel_minutes=max_travel_minutes, fixed_centres=fixed_centres,
                                   year=year, travel=travel)
    limit, gap = _solver_params(time_limit)
    sol = solve(problem, time_limit=limit, mip_rel_gap=gap)
    return proposal_from_solution(atlas, problem, codes, sol, area, year)


def sweep(atlas: Atlas, area: Area, k_max: int, *, k_min: int = 1, min_population: float | None = None,
          max_travel_minutes: float | None = None, fixed_centres: Sequence[str | int] = (),
          time_limit: float | None = None, year: int | None = None, travel: pd.DataFrame | None = None,
          progress: bool = True) -> pd.DataFrame:
    """Solve for k = k_min..k_max and tabulate each solution (the "28–36? 7? 4? 2?" question).

    Columns: k, min_block_population, max_travel_minutes, mean_weighted_travel_minutes, blocks_under_15000,
    blocks_under_20000, objective, gap, method, status, seconds, centres. A k whose constraints cannot be met
    gets status "infeasible" and NaN figures (the count columns are then float). Norwegian labels:
    ``SWEEP_LABELS``; chart: ``reformkit.charts.sweep_chart``.
    """
    from tqdm.auto import tqdm
    travel = travel if travel is not None else geo.travel_minutes(atlas)
    thresholds = [int(t) for t in load_params("propose")["sweep"]["small_block_thresholds"]]
    rows = []
    for k in tqdm(range(int(k_min), int(k_max) + 1), desc="k", disable=not progress, leave=False):
        row = {"k": k}
        try:
            p = propose(atlas, area, k, min_population=min_population, max_travel_minutes=max_travel_minutes,
                        fixed_centres=fixed_centres, time_limit=time_limit, year=year, travel=travel)
        except InfeasibleError as exc:
            # Proven infeasible, or nothing found before the time limit (the message says which).
            status = "time limit" if "time limit" in exc.message else "infeasible"
            row.update(status=status, method="", note=f"{exc.message}: {'; '.join(exc.problems)}")
            rows.append(row)
            continue
        b = p.blocks
        row.update(min_block_population=int(b["population"].min()), max_travel_minutes=float(b["max_minutes"].max()),
                   mean_weighted_travel_minutes=round(p.mean_weighted_minutes, 2),
                   **{f"blocks_under_{t}": int((b["population"] < t).sum()) for t in thresholds},
                   objective=round(p.objective, 1), gap=p.gap, method=p.method, status=p.status,
                   seconds=round(p.seconds, 3), centres=" ".join(sorted(b.index)), note="")
        rows.append(row)
    cols = ["k", "min_block_population", "max_travel_minutes", "mean_weighted_travel_minutes",
            *[f"blocks_under_{t}" for t in thresholds], "objective", "gap", "method", "status", "seconds",
            "centres", "note"]
    out = pd.DataFrame(rows).reindex(columns=cols)
    counts = ["min_block_population", *[f"blocks_under_{t}" for t in thresholds]]
    # Whole numbers as int64; with an infeasible k they stay float with NaN (plain numpy types for charts).
    out[counts] = out[counts].astype("int64" if out[counts].notna().all().all() else "float64")
    return out
