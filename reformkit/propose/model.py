"""The p-median districting model with contiguity, independent of any solver.

A :class:`Problem` holds the data (population, travel minutes, the neighbour graph of the area) and the side
constraints; :func:`formulate` turns it into a mixed-integer programme in matrix form (the form
``scipy.optimize.milp`` takes), and :func:`separator_rows` gives the contiguity cuts that a solution breaks.
The solvers live in :mod:`reformkit.propose.solvers` (the split follows PySAL spopt: model vs. solver).

Formulation (x[i, j] = 1 when kommune i belongs to the block with centre j; x[j, j] = 1 makes j a centre)::

    minimise    Σ p_i · t_ij · x_ij                       population-weighted minutes to the centre
    subject to  Σ_j x_ij = 1                   ∀ i        every kommune in exactly one block
                x_ij ≤ x_jj                    ∀ i ≠ j    only to an open centre
                Σ_j x_jj = k                              k centres
                x_jj = 1                       j fixed    user-fixed centres
                Σ_i p_i x_ij ≥ P · x_jj        ∀ j        minimum block population (optional)
                x_ij = 0         when t_ij > M            maximum travel time (optional)
                x_ij ≤ Σ_{u ∈ S_ij} x_uj       ∀ i ≠ j    a member has a neighbour towards j in its block
                x_ij ≤ Σ_{u ∈ S} x_uj          lazily     S separates i from j (a,b-separator cuts)

S_ij are the neighbours of i that border the part of the graph (without i and its neighbours) holding j.
The separator cuts (Oehrlein & Haunert 2017; Validi, Buchanan & Lykhovyd 2022, "CUT") are exact for
contiguity: a block is connected iff every member reaches its centre inside the block, and any i–j path
crosses every i–j separator. They are added when a solution violates them, and the model is solved again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.sparse import csr_matrix

from ..errors import InfeasibleError
from ..geo import component_labels, from_lists
from ..geo import reachable as graph_reachable
from ..params import SolverParams, load_parameters


@dataclass
class Problem:
    """One instance: kommuner 0..n-1 with population, travel minutes and neighbours (within the area).

    ``fixed`` are positions of centres the user fixes; ``labels`` name kommuner in messages; ``solver`` the
    solver settings of ``params/propose.yaml`` (the shipped ones when None).
    """

    population: np.ndarray
    minutes: np.ndarray
    neighbours: list[list[int]]
    k: int
    min_population: float | None = None
    max_minutes: float | None = None
    fixed: tuple[int, ...] = ()
    labels: list[str] = field(default_factory=list)
    solver: SolverParams | None = None

    def __post_init__(self) -> None:
        self.solver = self.solver or load_parameters().propose.solver
        self.population = np.asarray(self.population, dtype=float)
        self.minutes = np.asarray(self.minutes, dtype=float)
        self.fixed = tuple(sorted(set(int(f) for f in self.fixed)))
        if not self.labels:
            self.labels = [str(i) for i in range(self.n)]

    @property
    def n(self) -> int:
        return len(self.population)

    @property
    def allowed(self) -> np.ndarray:
        """``allowed[i, j]``: kommune i may belong to a block centred on j (the travel limit)."""
        ok = np.ones((self.n, self.n), dtype=bool)
        if self.max_minutes is not None:
            ok = self.minutes <= self.max_minutes + 1e-9
        np.fill_diagonal(ok, True)
        return ok

    @cached_property
    def graph(self) -> csr_matrix:
        """The area's neighbour graph as an adjacency matrix."""
        return from_lists(self.neighbours)

    def components(self) -> np.ndarray:
        """Connected-component label of each kommune in the area's neighbour graph."""
        return component_labels(self.graph)

    def precheck(self) -> None:
        """Cheap feasibility checks; raise InfeasibleError saying which constraint to relax."""
        problems = []
        n, k = self.n, self.k
        if k < 1:
            problems.append(f"k (centres) must be at least 1 (got {k})")
        if k > n:
            problems.append(f"k (centres) {k} is more than the {n} kommuner in the area; use at most {n}")
        if len(self.fixed) > k:
            problems.append(f"{len(self.fixed)} fixed centres but only {k} centres; raise k (centres) to "
                            f"{len(self.fixed)} or fix fewer")
        total = float(self.population.sum())
        if self.min_population is not None and k >= 1 and self.min_population * k > total:
            problems.append(f"min_population {self.min_population:.0f} × {k} blocks exceeds the area's "
                            f"population {total:.0f}; lower it to at most {total // k:.0f} or use fewer centres")
        ncomp = int(self.components().max()) + 1 if n else 0
        if ncomp > k:
            problems.append(f"the area's neighbour graph has {ncomp} separate parts, each needs its own centre; "
                            f"raise k (centres) to at least {ncomp}")
        if self.max_minutes is not None:
            alone = [i for i in range(n) if self.allowed[i].sum() == 1 and self.allowed[:, i].sum() == 1]
            if len(alone) > k:
                problems.append(f"{len(alone)} kommuner have no other kommune within {self.max_minutes:g} min "
                                f"({', '.join(self.labels[i] for i in alone[:6])}), so each must be a centre; "
                                f"raise max_travel_minutes or k (centres)")
            if self.min_population is not None:
                for i in alone:
                    if self.population[i] < self.min_population:
                        problems.append(f"{self.labels[i]} has no other kommune within {self.max_minutes:g} min "
                                        f"and only {self.population[i]:.0f} inhabitants; raise "
                                        f"max_travel_minutes or lower min_population")
        if problems:
            raise InfeasibleError("the proposal's constraints cannot all be met", problems)

    def active_constraints(self) -> list[str]:
        """The user constraints in force, for messages."""
        out = [f"k (centres) {self.k}"]
        if self.min_population is not None:
            out.append(f"min_population {self.min_population:.0f}")
        if self.max_minutes is not None:
            out.append(f"max_travel_minutes {self.max_minutes:g}")
        if self.fixed:
            out.append("fixed_centres " + " ".join(self.labels[i] for i in self.fixed))
        return out

    def objective(self, assignment: np.ndarray) -> float:
        """Population-weighted minutes of an assignment (``assignment[i]`` = centre position of i)."""
        return float((self.population * self.minutes[np.arange(self.n), assignment]).sum())


@dataclass
class Formulation:
    """A Problem as a MILP: variables x[i, j] for allowed pairs, rows as sparse triplets (lazy rows appended)."""

    problem: Problem
    pairs: np.ndarray                  # (m, 2): kommune i, centre j of each variable
    col: dict[tuple[int, int], int]
    c: np.ndarray
    var_lb: np.ndarray
    var_ub: np.ndarray
    rows: list[tuple[np.ndarray, np.ndarray, float, float]] = field(default_factory=list)
    lazy_rows: int = 0

    def add_row(self, cols, coefs, lb: float, ub: float) -> None:
        self.rows.append((np.asarray(cols, dtype=int), np.asarray(coefs, dtype=float), lb, ub))

    def matrix(self) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
        """The constraint matrix and its row bounds."""
        data, ri, ci, lo, hi = [], [], [], [], []
        for r, (cols, coefs, lb, ub) in enumerate(self.rows):
            ci.append(cols)
            data.append(coefs)
            ri.append(np.full(len(cols), r))
            lo.append(lb)
            hi.append(ub)
        a = csr_matrix((np.concatenate(data), (np.concatenate(ri), np.concatenate(ci))),
                       shape=(len(self.rows), len(self.pairs)))
        return a, np.array(lo), np.array(hi)

    def decode(self, x: np.ndarray) -> np.ndarray:
        """Assignment vector (centre position per kommune) from a 0/1 solution vector."""
        chosen = self.pairs[np.asarray(x) > 0.5]
        assignment = -np.ones(self.problem.n, dtype=int)
        assignment[chosen[:, 0]] = chosen[:, 1]
        return assignment


def formulate(problem: Problem, contiguity: bool = True) -> Formulation:
    """Build the MILP of :class:`Problem` (see the module doc); ``contiguity=False`` gives a plain p-median."""
    n = problem.n
    allowed = problem.allowed
    ii, jj = np.nonzero(allowed)
    pairs = np.c_[ii, jj]
    col = {(int(i), int(j)): c for c, (i, j) in enumerate(pairs)}
    c = problem.population[ii] * problem.minutes[ii, jj]
    var_lb, var_ub = np.zeros(len(pairs)), np.ones(len(pairs))
    f = Formulation(problem, pairs, col, c, var_lb, var_ub)
    inf = np.inf
    for i in range(n):
        cols = [col[(i, j)] for j in np.flatnonzero(allowed[i])]
        f.add_row(cols, np.ones(len(cols)), 1.0, 1.0)
    for (i, j), cx in col.items():
        if i != j:
            f.add_row([cx, col[(j, j)]], [1.0, -1.0], -inf, 0.0)
    diag = [col[(j, j)] for j in range(n)]
    f.add_row(diag, np.ones(n), problem.k, problem.k)
    for j in problem.fixed:
        var_lb[col[(j, j)]] = 1.0
    if problem.min_population is not None:
        for j in range(n):
            members = np.flatnonzero(allowed[:, j])
            cols = [col[(int(i), j)] for i in members]
            coefs = problem.population[members].copy()
            coefs[members == j] -= problem.min_population
            f.add_row(cols, coefs, 0.0, inf)
    if contiguity:
        # The separator cut for the single kommune C = {i}: i's neighbours that border j's side of the graph.
        # (For a neighbour j of i the cut is implied by x_ij <= x_jj.)
        for i in range(n):
            nb_i = problem.neighbours[i]
            labels = _components_without(problem, {i, *nb_i})
            touches = {u: {labels[v] for v in problem.neighbours[u] if labels[v] >= 0} for u in nb_i}
            for j in np.flatnonzero(allowed[i]):
                j = int(j)
                if j == i or j in nb_i:
                    continue
                support = [col[(u, j)] for u in nb_i if labels[j] in touches[u] and (u, j) in col]
                if not support:
                    var_ub[col[(i, j)]] = 0.0  # no allowed route from i towards j
                    continue
                f.add_row([col[(i, j)]] + support, [1.0] + [-1.0] * len(support), -inf, 0.0)
    return f


def reachable(problem: Problem, start: int, members: set[int]) -> set[int]:
    """Kommuner of ``members`` reachable from ``start`` through neighbours inside ``members`` (incl. start)."""
    return graph_reachable(problem.graph, start, members)


def block_pieces(problem: Problem, assignment: np.ndarray) -> list[tuple[int, list[int]]]:
    """Pieces of blocks cut off from their centre: ``[(centre, [members of the piece]), ...]``."""
    pieces = []
    for j in np.unique(assignment):
        members = set(np.flatnonzero(assignment == j).tolist())
        rest = members - reachable(problem, int(j), members)
        while rest:
            start = rest.pop()
            piece = reachable(problem, start, rest | {start})   # one cut-off piece, grown inside the rest
            rest -= piece
            pieces.append((int(j), sorted(piece)))
    return pieces


def _components_without(problem: Problem, removed: set[int]) -> np.ndarray:
    """Component label of each kommune in the graph without ``removed`` (-1 for the removed ones)."""
    keep = np.ones(problem.n, dtype=bool)
    keep[list(removed)] = False
    return component_labels(problem.graph, keep)


def separator_rows(f: Formulation, assignment: np.ndarray) -> int:
    """Add a,b-separator cuts for every cut-off piece; return how many were added.

    A piece C cut off from its centre has the boundary N(C). Every path from C to a kommune j outside
    C ∪ N(C) enters j's component of the graph without C ∪ N(C) from a boundary vertex adjacent to that
    component, so those vertices, S_j, separate C from j, and ``x_ij ≤ Σ_{u ∈ S_j} x_uj`` holds for every i
    in C. The cut is added for *every* such j, not only the current centre: that saves re-solves when a
    minimum population tempts the solver to borrow the same piece for one centre after another.
    """
    added = 0
    done = set()
    nb = f.problem.neighbours
    for _, piece in block_pieces(f.problem, assignment):
        key = tuple(piece)
        if key in done:
            continue
        done.add(key)
        inside = set(piece)
        boundary = sorted({u for v in piece for u in nb[v]} - inside)
        labels = _components_without(f.problem, inside | set(boundary))
        touches = {s: {labels[u] for u in nb[s] if labels[u] >= 0} for s in boundary}
        for j in range(f.problem.n):
            if labels[j] < 0:
                continue
            members = [i for i in piece if (i, j) in f.col]
            if not members:
                continue
            support = [f.col[(u, j)] for u in boundary if labels[j] in touches[u] and (u, j) in f.col]
            for i in members:
                f.add_row([f.col[(i, j)]] + support, [1.0] + [-1.0] * len(support), -np.inf, 0.0)
                added += 1
    f.lazy_rows += added
    return added
