"""Candidate tyngdepunkter of an area: size, BA-region centre status, in-commuting and population reach."""
from __future__ import annotations

import pandas as pd

from .. import geo, geodata
from ..params import Parameters, load_parameters
from .area import area_codes, area_population, population_year


def rank_candidates(atlas, area, year: int | None = None, travel: pd.DataFrame | None = None,
                    params: Parameters | None = None) -> pd.DataFrame:
    """Rank the kommuner of ``area`` (fylkesnummer or list) as candidate tyngdepunkter.

    Columns: kommunenavn, population, ba_region, ba_centre (centre of its BA-region), innpendling_pct, and
    reach_<M> (inhabitants of the area within M minutes, the kommune itself included, for each M of
    ``ranking.reach_minutes`` in ``params/propose.yaml``), score and rank. The score is the weighted mean of
    each criterion's percentile rank in the area (weights in ``params/propose.yaml``; in-commuting is shown,
    not scored, as the source defines it differently for centre and other kommuner). The narrative labels
    the columns.

    >>> rank_candidates(atlas, "15").head(3).index.tolist()   # doctest: +SKIP
    ['1508', '1531', '1532']
    """
    params = params or load_parameters()
    rule = params.propose
    codes = area_codes(atlas, area)
    pop = area_population(atlas, codes, population_year(atlas, year, rule.population_year))
    minutes = (travel if travel is not None else geodata.travel_minutes(atlas, params)).loc[codes, codes]
    k = atlas.kommuner.loc[codes]
    out = pd.DataFrame({
        "kommunenavn": k["kommunenavn_kort"].astype(str),
        "population": pop.astype(int),
        "ba_region": k["ba_region"].astype(str),
        "ba_centre": geo.ba_centre_flags(atlas.kommuner).loc[codes].astype(bool),
        "innpendling_pct": pd.to_numeric(k["innpendling_pct"], errors="coerce") if "innpendling_pct" in k.columns
        else float("nan"),   # not in the 2019 register
    }, index=pd.Index(codes, name="kommunenummer"))
    for m in rule.reach_minutes:
        out[f"reach_{m:g}"] = ((minutes <= m).astype(int) @ pop).astype(int)
    weights = rule.ranking_weights
    parts = {c: out[c].astype(float).rank(pct=True) if c != "ba_centre" else out[c].astype(float)
             for c in weights}
    total = sum(float(w) for w in weights.values())
    out["score"] = (sum(float(weights[c]) * parts[c] for c in weights) / total).round(3)
    out = out.sort_values(["score", "population"], ascending=False, kind="stable")
    out["rank"] = range(1, len(out) + 1)
    return out
