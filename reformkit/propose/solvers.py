"""Solvers for :class:`~reformkit.propose.model.Problem`: exact (HiGHS via scipy.optimize.milp, with lazy
contiguity cuts) and a heuristic fallback (greedy centres, contiguous region growing, local search)."""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from ..errors import InfeasibleError
from ..geo import is_connected
from .model import Formulation, Problem, block_pieces, formulate, separator_rows


@dataclass
class Solution:
    """A solved instance. ``assignment[i]`` is the position of kommune i's centre.

    ``method`` is ``"exact"`` (HiGHS branch and bound) or ``"heuristic"`` (fallback when the time limit is
    hit first). ``status`` is ``"optimal"`` or ``"time limit"``. ``gap`` is the relative optimality gap:
    against the best lower bound HiGHS proved (None if it proved none, e.g. a heuristic run on its own).
    """

    assignment: np.ndarray
    objective: float
    gap: float | None
    method: str
    status: str
    seconds: float
    cut_rounds: int = 0
    lazy_cuts: int = 0

    @property
    def centres(self) -> list[int]:
        return sorted(int(j) for j in np.unique(self.assignment))


def _milp(f: Formulation, time_limit: float, mip_rel_gap: float):
    from scipy.optimize import Bounds, LinearConstraint, milp
    a, lo, hi = f.matrix()
    return milp(f.c, integrality=np.ones(len(f.c)), bounds=Bounds(f.var_lb, f.var_ub),
                constraints=LinearConstraint(a, lo, hi),
                options={"time_limit": max(time_limit, 0.01), "mip_rel_gap": mip_rel_gap, "disp": False})


def _infeasible(problem: Problem) -> InfeasibleError:
    active = problem.active_constraints()
    hint = ("relax " + " or ".join(a for a in active if not a.startswith("k (centres)")) + ", or change k (centres)"
            if len(active) > 1 else "change k (centres)")
    return InfeasibleError("no division into contiguous blocks meets the constraints "
                           f"({', '.join(active)})", [f"the solver proved it infeasible: {hint}"])


def _exact(problem: Problem, time_limit: float, mip_rel_gap: float,
           contiguity: bool) -> tuple[Solution | None, float | None]:
    """The exact solve; also returns the best lower bound proved (valid even when no solution is returned:
    the model without the cuts still to come is a relaxation of the contiguous problem)."""
    start = perf_counter()
    f = formulate(problem, contiguity=contiguity)
    rounds = 0
    while True:
        res = _milp(f, time_limit - (perf_counter() - start), mip_rel_gap)
        if res.status == 2:
            raise _infeasible(problem)
        bound = getattr(res, "mip_dual_bound", None)
        bound = float(bound) if bound is not None and np.isfinite(bound) else None
        if res.x is None:
            return None, bound
        assignment = f.decode(res.x)
        if contiguity and separator_rows(f, assignment):
            if res.status != 0:  # out of time with a disconnected incumbent
                return None, bound
            rounds += 1
            continue
        gap = float(res.mip_gap) if getattr(res, "mip_gap", None) is not None else None
        return Solution(assignment, problem.objective(assignment), gap if gap is None else max(gap, 0.0),
                        "exact", "optimal" if res.status == 0 else "time limit", perf_counter() - start,
                        rounds, f.lazy_rows), bound


def solve_exact(problem: Problem, time_limit: float | None = None, mip_rel_gap: float | None = None,
                contiguity: bool = True) -> Solution | None:
    """Solve to optimality with HiGHS, adding separator cuts until every block is connected.

    Returns None when the time limit is hit before a contiguous solution is found (the caller falls back
    to :func:`solve_heuristic`). Raises InfeasibleError when the model is proven infeasible. Defaults come
    from ``problem.solver``.
    """
    s = problem.solver
    return _exact(problem, s.time_limit_seconds if time_limit is None else time_limit,
                  s.mip_rel_gap if mip_rel_gap is None else mip_rel_gap, contiguity)[0]


# ---- heuristic fallback --------------------------------------------------------------------------------------------
def _grow(problem: Problem, centres: list[int]) -> np.ndarray | None:
    """Contiguous blocks by region growing from the centres.

    Repeatedly attach a frontier kommune to an adjacent block: blocks still short of the minimum population
    go first, then the kommune nearest its block's centre.
    """
    allowed = problem.allowed
    need = problem.min_population if problem.min_population is not None else -np.inf
    assignment = -np.ones(problem.n, dtype=int)
    block_pop = {j: problem.population[j] for j in centres}
    heap = []
    for j in centres:
        assignment[j] = j
    for j in centres:
        for u in problem.neighbours[j]:
            if assignment[u] < 0 and allowed[u, j]:
                heapq.heappush(heap, (block_pop[j] >= need, problem.minutes[u, j], u, j))
    while heap:
        full, _, u, j = heapq.heappop(heap)
        if assignment[u] >= 0:
            continue
        if full != (block_pop[j] >= need):  # the block's state changed since this entry was queued
            heapq.heappush(heap, (block_pop[j] >= need, problem.minutes[u, j], u, j))
            continue
        assignment[u] = j
        block_pop[j] += problem.population[u]
        for v in problem.neighbours[u]:
            if assignment[v] < 0 and allowed[v, j]:
                heapq.heappush(heap, (block_pop[j] >= need, problem.minutes[v, j], v, j))
    return assignment if (assignment >= 0).all() else None


def _penalised(problem: Problem, assignment: np.ndarray) -> float:
    cost = problem.objective(assignment)
    if problem.min_population is not None:
        pop = np.bincount(assignment, weights=problem.population, minlength=problem.n)
        short = np.clip(problem.min_population - pop[np.unique(assignment)], 0, None).sum()
        cost += short * problem.minutes.max() * problem.solver.penalty_factor * problem.n
    return cost


def _connected(problem: Problem, members: set[int]) -> bool:
    return is_connected(problem.graph, members)


def _local_search(problem: Problem, assignment: np.ndarray, deadline: float) -> np.ndarray:
    allowed = problem.allowed
    fixed = set(problem.fixed)
    best = _penalised(problem, assignment)
    improved = True
    while improved and perf_counter() < deadline:
        improved = False
        # Move the centre of a block to another member.
        for j in list(np.unique(assignment)):
            if j in fixed:
                continue
            members = np.flatnonzero(assignment == j)
            for c in members:
                if c == j or not allowed[members, c].all():
                    continue
                trial = assignment.copy()
                trial[members] = c
                cost = _penalised(problem, trial)
                if cost < best - 1e-9:
                    assignment, best, improved = trial, cost, True
                    break
        # Move a boundary kommune to a neighbouring block when both stay connected.
        for i in range(problem.n):
            a = assignment[i]
            if a == i:
                continue
            for b in {assignment[u] for u in problem.neighbours[i]} - {a}:
                if not allowed[i, b]:
                    continue
                rest = set(np.flatnonzero(assignment == a).tolist()) - {i}
                if not _connected(problem, rest):
                    continue
                trial = assignment.copy()
                trial[i] = b
                cost = _penalised(problem, trial)
                if cost < best - 1e-9:
                    assignment, best, improved = trial, cost, True
                    break
    return assignment


def _greedy_centres(problem: Problem) -> list[int]:
    """Fixed centres, then the centre that lowers the (uncapacitated) p-median cost most, one at a time."""
    big = problem.minutes.max() * problem.solver.penalty_factor + 1.0
    cost = np.where(problem.allowed, problem.minutes, big) * problem.population[:, None]
    centres = list(problem.fixed)
    best_each = cost[:, centres].min(axis=1) if centres else np.full(problem.n, np.inf)
    while len(centres) < problem.k:
        gain = [np.inf if j in centres else np.minimum(best_each, cost[:, j]).sum() for j in range(problem.n)]
        j = int(np.argmin(gain))
        centres.append(j)
        best_each = np.minimum(best_each, cost[:, j])
    return centres


def _feasible(problem: Problem, assignment: np.ndarray) -> bool:
    if problem.min_population is None:
        return True
    pop = np.bincount(assignment, weights=problem.population, minlength=problem.n)[np.unique(assignment)]
    return bool((pop >= problem.min_population - 1e-9).all())


def solve_heuristic(problem: Problem, time_limit: float | None = None, starts: int | None = None,
                    seed: int = 0) -> Solution:
    """Greedy and random (seeded, so reproducible) centre sets, each grown into contiguous blocks and improved
    by local search (centre moves, boundary moves); the best is kept. Always contiguous; no optimality gap.

    Raises InfeasibleError when no start meets the constraints. Defaults come from ``problem.solver``: the
    fallback share of its time limit (at least the fallback minimum) and its number of starts.
    """
    s = problem.solver
    if time_limit is None:
        time_limit = max(s.fallback_min_seconds, s.time_limit_seconds * s.fallback_share)
    starts = s.heuristic_starts if starts is None else starts
    start = perf_counter()
    deadline = start + time_limit
    rng = np.random.default_rng(seed)
    free = [j for j in range(problem.n) if j not in problem.fixed]
    best, best_cost, grown = None, np.inf, False
    for s in range(starts + 1):
        if s and perf_counter() > deadline:
            break
        if s == 0:
            centres = _greedy_centres(problem)
        else:
            extra = rng.choice(free, size=problem.k - len(problem.fixed), replace=False).tolist()
            centres = list(problem.fixed) + [int(c) for c in extra]
        assignment = _grow(problem, centres)
        if assignment is None:
            continue
        grown = True
        assignment = _local_search(problem, assignment, deadline)
        cost = _penalised(problem, assignment)
        if cost < best_cost - 1e-9:
            best, best_cost = assignment, cost
    if not grown:
        raise InfeasibleError("the heuristic found no contiguous division meeting the travel limit",
                              ["raise max_travel_minutes, change k (centres), or raise time_limit so the "
                               "exact solver can finish"])
    if not _feasible(problem, best):
        raise InfeasibleError("no solution meeting min_population was found within the time limit",
                              ["raise time_limit, lower min_population, or use fewer centres"])
    assert not block_pieces(problem, best)
    return Solution(best, problem.objective(best), None, "heuristic", "time limit", perf_counter() - start)


def solve(problem: Problem, time_limit: float | None = None, mip_rel_gap: float | None = None) -> Solution:
    """Exact solve within ``time_limit`` seconds; if that ends without a proven optimum, the heuristic also
    runs and the better solution is returned, its gap measured against the best lower bound proved.
    Defaults come from ``problem.solver``."""
    s = problem.solver
    time_limit = s.time_limit_seconds if time_limit is None else time_limit
    mip_rel_gap = s.mip_rel_gap if mip_rel_gap is None else mip_rel_gap
    problem.precheck()
    start = perf_counter()
    sol, bound = _exact(problem, time_limit, mip_rel_gap, True)
    if sol is not None and sol.status == "optimal":
        return sol
    try:
        heur = solve_heuristic(problem, time_limit=max(s.fallback_min_seconds, time_limit * s.fallback_share))
    except InfeasibleError:
        if sol is None:
            raise
        heur = None
    if heur is not None and (sol is None or heur.objective < sol.objective - 1e-9):
        sol = heur
    sol.seconds = perf_counter() - start
    if bound is not None and sol.objective > 0:
        sol.gap = max(0.0, (sol.objective - bound) / sol.objective)
    return sol
