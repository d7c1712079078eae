"""The key every derived dataset of an Atlas starts from: its cache generation and border year."""
from __future__ import annotations

from ..data.atlas import Atlas


def key(atlas: Atlas, **extra) -> dict:
    """``{"generation", "borders", **extra}``: a new import, other borders or other inputs give another key."""
    return {"generation": atlas.generation, "borders": atlas.borders, **extra}
