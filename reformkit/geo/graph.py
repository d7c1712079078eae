"""Connectivity on small undirected graphs with scipy's csgraph (neighbour graphs, blocks, separators).

Vertices are positions ``0..n-1``; a graph is a symmetric boolean CSR matrix built once by
:func:`adjacency_matrix` and then restricted to subsets by the functions here.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components


def adjacency_matrix(n: int, pairs: Iterable[tuple[int, int]]) -> csr_matrix:
    """The symmetric adjacency matrix of ``n`` vertices with edges ``pairs`` (positions).

    >>> adjacency_matrix(3, [(0, 1)]).toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    """
    ij = np.asarray(list(pairs), dtype=np.int64).reshape(-1, 2)
    rows, cols = np.r_[ij[:, 0], ij[:, 1]], np.r_[ij[:, 1], ij[:, 0]]
    return coo_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n, n)).tocsr()


def from_lists(neighbours: Sequence[Sequence[int]]) -> csr_matrix:
    """The adjacency matrix of a graph given as neighbour lists (``neighbours[v]`` = vertices next to v)."""
    return adjacency_matrix(len(neighbours), ((v, u) for v, nb in enumerate(neighbours) for u in nb))


def component_labels(adj: csr_matrix, keep: np.ndarray | None = None) -> np.ndarray:
    """Connected-component label of every vertex; with a boolean ``keep`` mask, of the graph induced by the
    kept vertices (removed vertices get -1).

    >>> component_labels(adjacency_matrix(4, [(0, 1), (2, 3)])).tolist()
    [0, 0, 1, 1]
    """
    if keep is None:
        return connected_components(adj, directed=False)[1]
    labels = np.full(adj.shape[0], -1, dtype=np.int64)
    idx = np.flatnonzero(keep)
    if len(idx):
        labels[idx] = connected_components(adj[idx][:, idx], directed=False)[1]
    return labels


def _search(adj: csr_matrix, start: int, allowed: set[int]) -> set[int]:
    """Vertices of ``allowed`` reached from ``start`` through ``allowed`` (start included). A plain
    search over the CSR rows: blocks have a handful of kommuner, where slicing the sparse matrix costs more
    than the search (evaluate checks every block on each workshop edit)."""
    indptr, indices = adj.indptr, adj.indices
    seen, stack = {start}, [start]
    while stack:
        v = stack.pop()
        for u in indices[indptr[v]:indptr[v + 1]].tolist():
            if u in allowed and u not in seen:
                seen.add(u)
                stack.append(u)
    return seen


def reachable(adj: csr_matrix, start: int, members: Iterable[int]) -> set[int]:
    """Vertices of ``members`` reachable from ``start`` through edges inside ``members`` (start included).

    >>> sorted(reachable(adjacency_matrix(4, [(0, 1), (1, 2)]), 0, [1, 3]))
    [0, 1]
    """
    return _search(adj, start, set(members) | {start})


def is_connected(adj: csr_matrix, members: Iterable[int]) -> bool:
    """True when ``members`` induce a connected subgraph (an empty or single-vertex set is connected).

    >>> is_connected(adjacency_matrix(3, [(0, 1), (1, 2)]), [0, 2])
    False
    """
    allowed = set(members)
    return len(allowed) <= 1 or len(_search(adj, next(iter(allowed)), allowed)) == len(allowed)

