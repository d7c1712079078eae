"""Shared chart style: palette and track opacity (labels come from :mod:`reformkit.narrative.labels`)."""
from __future__ import annotations

from ..narrative.labels import TRACK_LEGEND

#: Categorical palette (Tableau 10 followed by its light variants): 20 distinguishable blocks.
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63",
           "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e"]
#: Fill opacity per track label: merged kommuner solid, cooperating kommuner pale.
TRACK_OPACITY = {TRACK_LEGEND["merge"]: 0.9, TRACK_LEGEND["cooperate"]: 0.35}
