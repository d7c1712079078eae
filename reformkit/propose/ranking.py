"""Candidate tyngdepunkter of an area: size, BA-region centre status, in-commuting and population reach."""
from __future__ import annotations

import pandas as pd

from .. import geo

REACH_MINUTES = (45, 60, 90)

RANK_LABELS = {
    "kommunenummer": "Kommunenr.",
    "kommunenavn": "Kommune",
    "population": "Innbyggere",
    "ba_region": "BA-region",
    "ba_centre": "BA-senter",
    "innpendling_pct": "Innpendling (%)",
    "reach_45": "Innbyggere innen 45 min",
    "reach_60": "Innbyggere innen 60 min",
    "reach_90": "Innbyggere innen 90 min",
    "score": "Poengsum",
    "rank": "Rangering",
}
"""Norwegian display labels for the columns of :func:`rank_candidates` (``df.rename(columns=RANK_LABELS)``)."""


def rank_candidates(atlas, area, year: int | None = None, travel: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rank the kommuner of ``area`` (fylkesnummer or list) as candidate tyngdepunkter.

    Columns: kommunenavn, population, ba_region, ba_centre (centre of its BA-region), innpendling_pct, and
    reach_45/60/90 (inhabitants of the area within 45/60/90 minutes, the kommune itself included), score and
    rank. The score is the weighted mean of each criterion's percentile rank in the area (weights in
    ``data/params/propose.yaml``; in-commuting is shown, not scored, as the source defines it differently
    for centre and other kommuner). Display with ``.rename(columns=RANK_LABELS)``.

    >>> rank_candidates(atlas, "15").head(3).index.tolist()   # doctest: +SKIP
    ['1508', '1531', '1532']
    """
    from . import area_codes, area_population
    codes = area_codes(atlas, area)
    pop = area_population(atlas, codes, year)
    minutes = (travel if travel is not None else geo.travel_minutes(atlas)).loc[codes, codes]
    k = atlas.kommuner.loc[codes]
    out = pd.DataFrame({
        "kommunenavn": k["kommunenavn_kort"].astype(str),
        "population": pop.astype(int),
        "ba_region": k["ba_region"].astype(str),
        "ba_centre": geo.ba_centre_flags(atlas.kommuner).loc[codes].astype(bool),
        "innpendling_pct": pd.to_numeric(k["innpendling_pct"], errors="coerce"),
    }, index=pd.Index(codes, name="kommunenummer"))
    for m in REACH_MINUTES:
        out[f"reach_{m}"] = ((minutes <= m).astype(int) @ pop).astype(int)
    from ..params import load_params
    weights = load_params("propose")["ranking"]["weights"]
    parts = {c: out[c].astype(float).rank(pct=True) if c != "ba_centre" else out[c].astype(float)
             for c in weights}
    total = sum(float(w) for w in weights.values())
    out["score"] = (sum(float(weights[c]) * parts[c] for c in weights) / total).round(3)
    out = out.sort_values(["score", "population"], ascending=False, kind="stable")
    out["rank"] = range(1, len(out) + 1)
    return out
