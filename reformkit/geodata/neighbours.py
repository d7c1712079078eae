"""The neighbour graph of an Atlas's kommuner (:func:`reformkit.geo.neighbour_graph`), as edges and as a matrix."""
from __future__ import annotations

import pandas as pd
from scipy.sparse import csr_matrix

from .. import geo
from ..data.atlas import Atlas
from ..data.store import Dataset
from ..params import Parameters, load_parameters
from .common import key

NEIGHBOURS = Dataset("neighbours", version=1, format="table")
NEIGHBOUR_MATRIX = Dataset("neighbour_matrix", version=2, format="json", persist=False)


def neighbours(atlas: Atlas, params: Parameters | None = None) -> pd.DataFrame:
    """The neighbour graph's edges ``a, b, kind, gap_km`` (:func:`reformkit.geo.neighbour_graph`)."""
    p = (params or load_parameters()).neighbours
    return atlas.store.get(NEIGHBOURS, key(atlas, params=list(vars(p).values())),
                           lambda: geo.neighbour_graph(atlas.kommuner, p))


def neighbour_matrix(atlas: Atlas, params: Parameters | None = None) -> tuple[csr_matrix, dict[str, int]]:
    """The neighbour graph as an adjacency matrix over ``atlas.codes`` and the position of each kommune."""
    p = (params or load_parameters()).neighbours

    def build() -> tuple[csr_matrix, dict[str, int]]:
        edges = neighbours(atlas, params)
        codes = atlas.codes
        pos = {c: i for i, c in enumerate(codes)}
        keep = edges["a"].isin(pos) & edges["b"].isin(pos)
        pairs = zip(edges.loc[keep, "a"].map(pos).to_numpy(), edges.loc[keep, "b"].map(pos).to_numpy())
        return geo.adjacency_matrix(len(codes), pairs), pos
    # the same matrix and positions for every caller (evaluate checks contiguity on every workshop edit): read only
    return atlas.store.get(NEIGHBOUR_MATRIX, key(atlas, params=list(vars(p).values())), build)
