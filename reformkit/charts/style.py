"""Shared chart style: the block palette, track opacity and chart sizes (labels come from
:mod:`reformkit.narrative.labels`).

One block has one colour everywhere — map, charts, tables and the exported figures — because every one of
them takes it from :func:`block_colours` keyed by block name, never from the order a chart happens to meet
the blocks in.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Mapping, Sequence

from ..narrative.labels import TRACK_LEGEND

#: Categorical palette (Tableau 10 followed by its light variants): 20 distinguishable blocks.
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63",
           "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e"]
#: With more blocks than this, a map has no legend of blocks (the report shows them grouped by fylke under
#: the map) and line charts become small multiples.
LEGEND_MAX = 12
#: Most lines one chart draws; more become small multiples (one panel per line).
LINES_MAX = 8
#: Fill opacity per track label: merged kommuner solid, cooperating kommuner pale.
TRACK_OPACITY = {TRACK_LEGEND["merge"]: 0.9, TRACK_LEGEND["cooperate"]: 0.35}
#: Widest drawing (px, legend included) that fits an A4 page in portrait at the report's print margins.
PRINT_WIDTH = 680


def block_colours(blocks: Iterable[str], adjacent: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """The colour of each block, by name: the i-th block (scenario order) gets ``PALETTE[i]``, as in the
    workshop's live map.

    With more blocks than colours, colours repeat, but never for two blocks that touch (``adjacent`` pairs of
    block names): each block takes the least used colour none of its neighbours has (deterministic).

    >>> block_colours(["Nordmøre", "Romsdal"])
    {'Nordmøre': '#4e79a7', 'Romsdal': '#f28e2b'}
    """
    names = list(dict.fromkeys(str(b) for b in blocks))
    if len(names) <= len(PALETTE):
        return {b: PALETTE[i] for i, b in enumerate(names)}
    near: dict[str, set[str]] = defaultdict(set)
    for a, b in adjacent:
        if a != b:
            near[str(a)].add(str(b))
            near[str(b)].add(str(a))
    used: Counter = Counter()
    out: dict[str, str] = {}
    for b in names:
        taken = {out[n] for n in near[b] if n in out}
        free = [c for c in PALETTE if not any(_close(c, t) for t in taken)] or PALETTE
        out[b] = min(free, key=lambda c: (used[c], PALETTE.index(c)))
        used[out[b]] += 1
    return out


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _close(a: str, b: str) -> bool:
    """Two colours a reader may take for one (the palette's light pink and light red are 10 apart)."""
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b))) < 45 ** 2


def colour_scale(domain: Sequence[str], colours: Mapping[str, str] | None = None) -> dict:
    """``alt.Scale`` arguments for a categorical colour: from ``colours`` (by name) when given, else the
    palette in ``domain`` order."""
    domain = [str(d) for d in domain]
    colours = colours or block_colours(domain)
    return {"domain": domain, "range": [colours.get(d, "#999999") for d in domain]}
