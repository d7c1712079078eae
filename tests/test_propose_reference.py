"""The exact solver against independent reference solvers: brute force on tiny grids, a flow formulation
(Shirabe-style, written here from scratch) on a real county."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from reformkit import geodata
from reformkit import propose as P
from reformkit.errors import InfeasibleError
from reformkit.testing import synthetic_atlas


# ---- independent references ---------------------------------------------------------------------------------------
def _partitions(n: int, k: int):
    """Every partition of 0..n-1 into exactly k non-empty blocks, as restricted growth strings."""
    def rec(i, labels, used):
        if n - i < k - used:
            return
        if i == n:
            if used == k:
                yield tuple(labels)
            return
        for b in range(min(used + 1, k)):
            labels.append(b)
            yield from rec(i + 1, labels, max(used, b + 1))
            labels.pop()
    yield from rec(0, [], 0)


def _connected(members, nbrs) -> bool:
    members = set(members)
    start = next(iter(members))
    seen, stack = {start}, [start]
    while stack:
        v = stack.pop()
        for u in nbrs[v]:
            if u in members and u not in seen:
                seen.add(u)
                stack.append(u)
    return seen == members


def brute_force(pop, minutes, nbrs, k, min_pop=None, max_t=None, fixed=()):
    """Best objective over all partitions into k connected blocks and every valid centre of each block."""
    n = len(pop)
    best = np.inf
    for labels in _partitions(n, k):
        total = 0.0
        for b in range(k):
            part = [i for i in range(n) if labels[i] == b]
            if not _connected(part, nbrs) or (min_pop is not None and sum(pop[i] for i in part) < min_pop):
                total = np.inf
                break
            pinned = [f for f in fixed if f in part]
            if len(pinned) > 1:
                total = np.inf
                break
            centres = pinned or part
            costs = [sum(pop[i] * minutes[i][c] for i in part) for c in centres
                     if max_t is None or all(minutes[i][c] <= max_t for i in part)]
            if not costs:
                total = np.inf
                break
            total += min(costs)
        best = min(best, total)
    return best


def flow_reference(pop, minutes, nbrs, k, min_pop=None):
    """p-median with Shirabe-style multi-commodity flow contiguity: each centre j sends one unit of flow
    to every member of its block over arcs whose both ends are in the block."""
    n = len(pop)
    arcs = [(u, v) for u in range(n) for v in nbrs[u]]
    nx_ = n * n

    def X(i, j):
        return i * n + j

    def F(j, a):
        return nx_ + j * len(arcs) + a

    nv = nx_ + n * len(arcs)
    c = np.zeros(nv)
    c[:nx_] = (np.asarray(pop, float)[:, None] * np.asarray(minutes)).ravel()
    rows, lo, hi = [], [], []

    def row(d, lb, ub):
        rows.append(d)
        lo.append(lb)
        hi.append(ub)

    for i in range(n):
        row({X(i, j): 1 for j in range(n)}, 1, 1)
        for j in range(n):
            if i != j:
                row({X(i, j): 1, X(j, j): -1}, -np.inf, 0)
    row({X(j, j): 1 for j in range(n)}, k, k)
    if min_pop:
        for j in range(n):
            d = {X(i, j): pop[i] for i in range(n)}
            d[X(j, j)] = pop[j] - min_pop
            row(d, 0, np.inf)
    out = {u: [] for u in range(n)}
    inn = {u: [] for u in range(n)}
    for a, (u, v) in enumerate(arcs):
        out[u].append(a)
        inn[v].append(a)
    for j in range(n):
        for v in range(n):
            if v != j:
                d = {F(j, a): 1 for a in inn[v]}
                for a in out[v]:
                    d[F(j, a)] = d.get(F(j, a), 0) - 1
                d[X(v, j)] = -1
                row(d, 0, 0)
        for a, (u, v) in enumerate(arcs):
            row({F(j, a): 1, X(v, j): -(n - 1)}, -np.inf, 0)
            row({F(j, a): 1, X(u, j): -(n - 1)}, -np.inf, 0)
        for a in inn[j]:
            row({F(j, a): 1}, 0, 0)
    A = lil_matrix((len(rows), nv))
    for r, d in enumerate(rows):
        for col, val in d.items():
            A[r, col] = val
    res = milp(c, integrality=np.r_[np.ones(nx_), np.zeros(nv - nx_)],
               bounds=Bounds(0, np.r_[np.ones(nx_), np.full(nv - nx_, n - 1)]),
               constraints=LinearConstraint(A.tocsr(), lo, hi), options={"mip_rel_gap": 1e-9, "time_limit": 120})
    assert res.status == 0
    return res.fun


def _random_travel(atlas, seed):
    """A symmetric travel matrix unrelated to the neighbour graph, so contiguity really binds."""
    rng = np.random.default_rng(seed)
    codes = list(atlas.kommuner.index)
    m = rng.uniform(5, 90, (len(codes), len(codes)))
    m = (m + m.T) / 2
    np.fill_diagonal(m, 0)
    import pandas as pd
    return pd.DataFrame(m, index=codes, columns=codes)


def _assert_connected(problem, sol):
    for j in sol.centres:
        assert _connected(np.flatnonzero(sol.assignment == j).tolist(), problem.neighbours)


# ---- synthetic grids: brute force ----------------------------------------------------------------------------------
GRID_CASES = [
    # nx, ny, k, seed, random_travel, min_pop, max_t, fixed
    (3, 3, 2, 0, False, None, None, ()),
    (3, 3, 3, 1, False, None, None, ()),
    (3, 3, 3, 2, True, None, None, ()),
    (3, 3, 4, 3, True, None, None, ()),
    (4, 2, 3, 4, True, "third", None, ()),
    (3, 3, 2, 5, True, "half", None, ()),
    (3, 3, 3, 6, False, None, 45.0, ()),
    (3, 3, 3, 7, True, None, 60.0, (4,)),
    (5, 2, 3, 8, True, "third", None, (0,)),
    (3, 3, 2, 9, False, None, None, (0, 8)),
]


@pytest.mark.parametrize("nx,ny,k,seed,rand,min_pop,max_t,fixed", GRID_CASES)
def test_exact_equals_brute_force_on_grids(nx, ny, k, seed, rand, min_pop, max_t, fixed):
    atlas = synthetic_atlas(nx=nx, ny=ny, years=range(2023, 2025), seed=seed)
    travel = _random_travel(atlas, seed) if rand else None
    codes = list(atlas.kommuner.index)
    pop = P.area_population(atlas, codes).to_numpy()
    mp = {"third": pop.sum() / 3.5, "half": pop.sum() / 2.5, None: None}[min_pop]
    problem, _ = P.build_problem(atlas, "91", k, min_population=mp, max_travel_minutes=max_t,
                                 fixed_centres=[codes[f] for f in fixed], travel=travel)
    expected = brute_force(problem.population, problem.minutes, problem.neighbours, k, mp, max_t, problem.fixed)
    if not np.isfinite(expected):
        with pytest.raises(InfeasibleError):
            P.solve(problem)
        return
    sol = P.solve(problem)
    assert sol.method == "exact" and sol.status == "optimal"
    assert sol.objective == pytest.approx(expected, rel=1e-7)
    _assert_connected(problem, sol)
    assert set(problem.fixed) <= set(sol.centres)
    heur = P.solve_heuristic(problem)
    _assert_connected(problem, heur)
    assert heur.objective >= expected - 1e-6


def test_contiguity_cuts_are_needed_and_used():
    """With travel times unrelated to adjacency the plain p-median splits blocks; the cuts repair that."""
    used = 0
    for seed in range(6):
        atlas = synthetic_atlas(nx=3, ny=3, years=range(2023, 2025), seed=seed)
        problem, _ = P.build_problem(atlas, "91", 3, travel=_random_travel(atlas, 100 + seed))
        plain = P.solve_exact(problem, contiguity=False)
        sol = P.solve(problem)
        assert sol.objective >= plain.objective - 1e-6
        _assert_connected(problem, sol)
        assert sol.objective == pytest.approx(brute_force(problem.population, problem.minutes,
                                                          problem.neighbours, 3), rel=1e-7)
        used += sol.lazy_cuts
    assert used > 0


def test_solver_proves_infeasible_with_a_clear_message():
    # A 1 × 5 strip where the middle kommune holds almost everyone: two blocks of >= 40 % cannot both exist
    # without the middle one, and the precheck (min × k <= total) passes.
    atlas = synthetic_atlas(nx=5, ny=1, years=range(2023, 2025), sizes=[100, 100, 100000, 100, 100])
    pop = P.area_population(atlas, list(atlas.kommuner.index)).sum()
    with pytest.raises(InfeasibleError) as err:
        P.propose(atlas, "91", 2, min_population=0.4 * pop)
    assert "min_population" in " ".join(err.value.problems)


# ---- a real county: the flow formulation -----------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("k,min_pop", [(4, 50000), (3, 80000)])
def test_exact_equals_flow_reference_on_more_og_romsdal(atlas, k, min_pop):
    problem, _ = P.build_problem(atlas, "15", k, min_population=min_pop)
    sol = P.solve(problem)
    assert sol.objective == pytest.approx(flow_reference(problem.population, problem.minutes,
                                                         problem.neighbours, k, min_pop), rel=1e-7)
    _assert_connected(problem, sol)


@pytest.mark.parametrize("area,k", [("15", k) for k in range(2, 9)] + [("34", k) for k in (2, 5, 8)])
def test_county_blocks_connected_and_optimal(atlas, area, k):
    problem, codes = P.build_problem(atlas, area, k)
    sol = P.solve(problem)
    assert sol.method == "exact" and sol.status == "optimal" and sol.gap <= 1e-6
    assert len(sol.centres) == k and sorted(set(sol.assignment)) == sol.centres
    _assert_connected(problem, sol)
    # Without side constraints nobody can do better than the unconstrained p-median.
    plain = P.solve_exact(problem, contiguity=False)
    assert sol.objective >= plain.objective - 1e-6


@pytest.mark.slow
def test_user_matrix_makes_contiguity_bind_on_a_real_county(atlas, tmp_path):
    """A supplied matrix that puts far-apart kommuner close: the plain p-median would split blocks."""
    f = tmp_path / "times.csv"
    # Smøla, Aure and Tingvoll 5 minutes from Ålesund (not neighbours of it or of each other's block).
    f.write_text("kommunenummer_from,kommunenummer_to,minutes\n1573,1508,5\n1576,1508,5\n1560,1508,5\n")
    travel = geodata.travel_minutes(atlas, matrix_csv=f)
    problem, codes = P.build_problem(atlas, "15", 3, travel=travel)
    plain = P.solve_exact(problem, contiguity=False)
    assert P.model.block_pieces(problem, plain.assignment)  # disconnected without the constraint
    sol = P.solve(problem)
    assert sol.objective > plain.objective + 1.0
    _assert_connected(problem, sol)
    assert sol.objective == pytest.approx(flow_reference(problem.population, problem.minutes,
                                                         problem.neighbours, 3), rel=1e-7)
