"""A service's cost base per inhabitant (kr a year): from the scenario, KOSTRA, or the parameter default.

Order of precedence, per service:

1. ``scenario``: the block's section sets ``cost_per_inhabitant`` (the same figure for every member);
2. ``kostra``: a KOSTRA table is given (``reformkit data fetch``, dataset ``kostra``: kommunenummer, year,
   service_area, kr_per_inhabitant) and the service has a ``kostra_area`` and a known ``kostra_share``:
   each member's own figure from the latest year × the share; the regionkommune's is the population-weighted
   mean of its kommuner. Used only when every member has a figure (no mixing of sources). KOSTRA figures are
   net operating expenditure, not expenditure-corrected;
3. ``parameter``: ``national_need_per_inhabitant × sector_weights[sector] × share_of_sector`` when the service
   has a sector and a known share, else the service's ``cost_per_inhabitant`` in the parameter file;
4. none: ``(None, None)``; the service's money is then not computed ("ikke beregnet").
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .params import CooperationParams


def default_cost_per_inhabitant(service: str, params: CooperationParams) -> float | None:
    """The parameter default for ``service`` (kr per inhabitant a year), or None when it is not known.

    >>> from reformkit.cooperation import load_cooperation_params
    >>> round(default_cost_per_inhabitant("barnevern", load_cooperation_params()))
    1881
    """
    base = f"services.{service}"
    sector = params.get(f"{base}.sector", None)
    share = params.get(f"{base}.share_of_sector", None)
    if sector not in (None, "none") and share is not None:
        weight = params.get(f"sector_weights.{sector}")
        need = params.get("national_need_per_inhabitant")
        return None if weight is None or need is None else need * weight * share
    return params.get(f"{base}.cost_per_inhabitant", None)


def kostra_cost(service: str, params: CooperationParams, kostra: pd.DataFrame,
                groups: Mapping[str, Mapping[str, float]]) -> dict[str, float] | None:
    """Each member's own cost per inhabitant from KOSTRA, or None when KOSTRA cannot give every member one.

    ``groups``: cooperation member -> {kommunenummer: population} of the kommuner it stands for (the
    regionkommune: every merging kommune; a cooperating kommune: itself).
    """
    area = params.get(f"services.{service}.kostra_area", None)
    share = params.get(f"services.{service}.kostra_share", None)
    if area in (None, "none") or share is None or kostra is None or kostra.empty:
        return None
    rows = kostra[kostra["service_area"] == area].dropna(subset=["kr_per_inhabitant"])
    latest = rows.sort_values("year").groupby(rows["kommunenummer"].astype(str))["kr_per_inhabitant"].last()
    out = {}
    for member, kommuner in groups.items():
        known = {k: p for k, p in kommuner.items() if k in latest.index}
        weight = sum(known.values())
        if not known or weight <= 0:
            return None
        out[member] = share * sum(float(latest[k]) * p for k, p in known.items()) / weight
    return out


def cost_basis(service: str, params: CooperationParams, members: list[str], *,
               override: float | None = None, kostra: pd.DataFrame | None = None,
               groups: Mapping[str, Mapping[str, float]] | None = None) -> tuple[dict[str, float] | None, str | None]:
    """``(member -> cost per inhabitant, source code)`` for one service; ``(None, None)`` when unknown.

    Source codes: ``"scenario"``, ``"kostra"``, ``"parameter"`` (see the module docstring for the order).
    """
    if override is not None:
        return {m: float(override) for m in members}, "scenario"
    if kostra is not None and groups is not None:
        own = kostra_cost(service, params, kostra, groups)
        if own is not None:
            return own, "kostra"
    default = default_cost_per_inhabitant(service, params)
    if default is None:
        return None, None
    return {m: float(default) for m in members}, "parameter"
