"""One block's cooperation as a JSON-ready dict of numbers and codes (no words): :func:`cooperation_result`.

Exit figures are before savings (see :mod:`.sharing`); totals add the services whose cost is known.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import ReformkitError
from ..scenario import Block
from .costbasis import cost_basis
from .forms import load_forms
from .governance import dominance, scorecard
from .params import CooperationParams, load_cooperation_params
from .sharing import exit_shares, service_shares


def cooperation_members(block: Block, population: Mapping[str, float]) -> dict[str, dict]:
    """The cooperation's members: the centre for the whole regionkommune, then each cooperating kommune.

    ``population``: kommunenummer -> inhabitants (base year) for the block's kommuner. Returns member ->
    ``{"role": "regionkommune" | "cooperating", "kommuner": {kommunenummer: population}, "population"}``.

    >>> from reformkit.scenario import Track
    >>> b = Block("B", "1", {"1": Track.MERGE, "2": Track.MERGE, "3": Track.COOPERATE})
    >>> {m: v["population"] for m, v in cooperation_members(b, {"1": 10, "2": 5, "3": 4}).items()}
    {'1': 15.0, '3': 4.0}
    """
    missing = [k for k in block.members if k not in population]
    if missing:
        raise ReformkitError(f"block '{block.name}': no population for {', '.join(missing)}")
    out = {block.centre: {"role": "regionkommune",
                          "kommuner": {k: float(population[k]) for k in block.merging}}}
    out |= {k: {"role": "cooperating", "kommuner": {k: float(population[k])}} for k in block.cooperating}
    for v in out.values():
        v["population"] = sum(v["kommuner"].values())
    return out


def _clean(value: Any) -> Any:
    """JSON-ready: NaN/inf -> None, numpy numbers -> float, -0.0 -> 0.0, recursively."""
    kind = type(value)
    if kind is float:
        return value + 0.0 if math.isfinite(value) else None
    if kind is dict:
        # plain floats and strings, most of a block's two thousand leaves, are done here without a call
        return {k if type(k) is str else str(k):
                (v + 0.0 if math.isfinite(v) else None) if type(v) is float else
                v if type(v) is str or v is None else _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (int, float)) or hasattr(value, "__float__"):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else (int(value) if isinstance(value, int) else f + 0.0)
    return value


def _service(name: str, spec, form: str, pop: dict[str, float], groups: dict, params: CooperationParams,
             kostra: pd.DataFrame | None) -> tuple[dict, dict]:
    """(service entry, exit entry) for one service."""
    cost, cost_source = cost_basis(name, params, list(pop), override=spec.cost_per_inhabitant, kostra=kostra,
                                   groups=groups)
    default_saving = params.get(f"services.{name}.saving_pct", None)
    saving_pct = spec.saving_pct if spec.saving_pct is not None else default_saving
    saving_source = "scenario" if spec.saving_pct is not None else ("parameter" if saving_pct is not None else None)
    known = cost is not None
    relative = cost or {m: 1.0 for m in pop}       # shares, per cent and break-even need no money level
    table = service_shares(spec.key, pop, relative, saving_pct=saving_pct if known else None,
                           fixed_share=spec.fixed_share, use=spec.use)
    if not known:
        for row in table["members"].values():
            row.update(own_cost=None, cost_before=None, cost_after=None, net_gain=None)
        table.update(total_cost=None, saving=None, total_cost_after=None)
    status = "computed" if known and saving_pct is not None else ("saving_unknown" if known else "cost_unknown")
    entry = {"key": spec.key, "form": form, "fixed_share": spec.fixed_share, "use": spec.use, "status": status,
             "cost_per_inhabitant": cost, "cost_basis_source": cost_source, "saving_pct": saving_pct,
             "saving_source": saving_source, **table}
    exits = exit_shares(spec.key, pop, relative, fixed_share=spec.fixed_share, use=spec.use)
    if not known:
        for leaver in exits.values():
            for row in leaver["remaining"].values():
                row.update(cost_now=None, cost_after_exit=None, change_kr=None)
    return entry, exits


def _totals(services: dict, members: list[str]) -> dict:
    with_cost = [s for s, e in services.items() if e["total_cost"] is not None]
    with_saving = [s for s in with_cost if services[s]["total_cost_after"] is not None]
    rows = {}
    for m in members:
        own = sum(services[s]["members"][m]["own_cost"] for s in with_cost)
        before = sum(services[s]["members"][m]["cost_before"] for s in with_cost)
        after = sum(services[s]["members"][m]["cost_after"] for s in with_saving)
        own_saved = sum(services[s]["members"][m]["own_cost"] for s in with_saving)
        rows[m] = {"own_cost": own if with_cost else None, "cost_before": before if with_cost else None,
                   "cost_after": after if with_saving else None,
                   "net_gain": own_saved - after if with_saving else None,
                   "break_even_saving_pct": (1 - own / before) * 100 if before > 0 else None}
    return {"services_with_cost": with_cost, "services_with_saving": with_saving,
            "services_not_computed": [s for s in services if s not in with_cost], "members": rows}


def _exit_totals(exits: dict, services: dict, members: list[str]) -> dict:
    with_cost = [s for s, e in services.items() if e["total_cost"] is not None]
    out = {}
    for leaver in members:
        rest = [m for m in members if m != leaver]
        rows = {}
        for m in rest:
            parts = [exits[s][leaver]["remaining"].get(m) for s in with_cost]
            if not with_cost or any(p is None for p in parts):
                rows[m] = {"cost_now": None, "cost_after_exit": None, "change_kr": None, "change_pct": None}
                continue
            now, after = sum(p["cost_now"] for p in parts), sum(p["cost_after_exit"] for p in parts)
            rows[m] = {"cost_now": now, "cost_after_exit": after, "change_kr": after - now,
                       "change_pct": (after / now - 1) * 100 if now > 0 else None}
        worst = [r["change_pct"] for r in rows.values() if r["change_pct"] is not None]
        out[leaver] = {"remaining": rows, "max_change_pct": max(worst) if worst else None}
    return out


def _services_and_exits(coop, members: dict, params: CooperationParams,
                        kostra: pd.DataFrame | None) -> tuple[dict, dict]:
    pop = {m: v["population"] for m, v in members.items()}
    groups = {m: v["kommuner"] for m, v in members.items()}
    services, exits = {}, {}
    for name, spec in coop.services.items():
        services[name], exits[name] = _service(name, spec, coop.form_of(name), pop, groups, params, kostra)
    totals = _exit_totals(exits, services, list(members))
    return services, {leaver: {"services": {s: exits[s][leaver] for s in exits}, "totals": totals[leaver]}
                      for leaver in members}


def _flags(coop, services: dict, params: CooperationParams, dom: dict, card: dict) -> list[dict]:
    forms = load_forms()
    flags = [{"code": "historical_form", "form": f} for f in coop.forms_used if not forms[f].in_force]
    for code, bad in (("form_not_for_services", lambda s: not forms[coop.form_of(s)].services),
                      ("decisions_not_delegable", lambda s: params.get(f"services.{s}.decisions", False)
                       and not forms[coop.form_of(s)].decisions)):
        hit = [s for s in coop.services if bad(s)]
        if hit:
            flags.append({"code": code, "services": hit, "forms": sorted({coop.form_of(s) for s in hit})})
    for status in ("cost_unknown", "saving_unknown"):
        hit = [s for s, e in services.items() if e["status"] == status]
        if hit:
            flags.append({"code": status, "services": hit})
    flags += [{"code": f"dominance.{f}", "kommune": dom["largest"]} for f in dom["flags"]]
    flags += [{"code": f"pitfall.{p}"} for p in card["fired"]]
    return flags


def cooperation_result(block: Block, population: Mapping[str, float], params: CooperationParams | None = None,
                       kostra: pd.DataFrame | None = None) -> dict | None:
    """Everything about one block's cooperation, as numbers and codes; None when the block has no section.

    ``block``: a resolved Block (kommunenummer) with a ``cooperation`` section; ``population``: kommunenummer
    -> inhabitants in the base year for every kommune of the block; ``params``: from
    :func:`load_cooperation_params` (with the scenario's ``assumptions.cooperation`` as overrides);
    ``kostra``: optional KOSTRA table (dataset ``kostra``) for the members' own cost bases. Exit figures are
    before savings (see :mod:`.sharing`); totals add the services whose cost is known.

    Shape (member keys are kommunenummer; the centre stands for the regionkommune; kr a year; ``*_pct`` in per
    cent; shares 0–1; None where not computed)::

        {"form": {"key", "in_force", "host_form", "joint_body", "decisions"},   # the top body's form
         "host": "1505" | None, "forms_used": [form key, ...],   # the section's form and services' own
         "members": {m: {"role": "regionkommune" | "cooperating", "kommuner": {k: population},
                         "population", "seats"}},          # seats None for forms without a joint body
         "services": {s: {"key", "form", "fixed_share", "use", "status": "computed" | "saving_unknown" |
                          "cost_unknown", "cost_per_inhabitant": {m: kr} | None,
                          "cost_basis_source": "scenario" | "kostra" | "parameter" | None,
                          "saving_pct", "saving_source": "scenario" | "parameter" | None,
                          "total_cost", "saving", "total_cost_after",
                          "members": {m: {"share", "own_cost", "cost_before", "cost_after", "net_gain",
                                          "break_even_saving_pct"}}}},
         "totals": {"services_with_cost", "services_with_saving", "services_not_computed",
                    "members": {m: {"own_cost", "cost_before", "cost_after", "net_gain",
                                    "break_even_saving_pct"}}},
         "exit": {leaver: {"services": {s: {"dissolves", "no_basis", "remaining": {m: {"share_now",
                                "share_after_exit", "cost_now", "cost_after_exit", "change_kr", "change_pct",
                                "break_even_saving_pct"}}}},
                           "totals": {"remaining": {m: {"cost_now", "cost_after_exit", "change_kr",
                                                        "change_pct"}}, "max_change_pct"}}},
         "dominance": {"largest", "population_share", "seat_share", "ratio",
                       "members": {m: {"population_share", "seat_share"}}, "flags": [...]},
         "scorecard": {"score", "status": "balanced" | "unbalanced" | "open", "fired": [p],
                       "criteria": {c: {"score", "status": "met" | "not_met" | "open", "questions", "answered",
                                        "open": [question]}},
                       "pitfalls": {p: {"status": "fires" | "open" | "clear", "risk", "threshold",
                                        "questions", "answers"}}},
         "flags": [{"code": ..., ...}]}   # e.g. cost_unknown, dominance.population_majority, pitfall.<p>

    >>> cooperation_result(sc.block("Nordmøre"), population)["dominance"]["largest"]  # doctest: +SKIP
    """
    if (coop := block.cooperation) is None:
        return None
    params = params or load_cooperation_params()
    form = load_forms()[coop.form]
    members = cooperation_members(block, population)
    seats = coop.seats_of(list(members)) if form.joint_body else None
    members = {m: v | {"seats": None if seats is None else seats[m]} for m, v in members.items()}
    services, exit_doc = _services_and_exits(coop, members, params, kostra)
    dom = dominance({m: v["population"] for m, v in members.items()}, seats, params)
    card = scorecard(coop.governance, params)
    return _clean({
        "form": {"key": form.key, "in_force": form.in_force, "host_form": form.host,
                 "joint_body": form.joint_body, "decisions": form.decisions}, "forms_used": coop.forms_used,
        "host": coop.host, "members": members, "services": services,
        "totals": _totals(services, list(members)), "exit": exit_doc, "dominance": dom, "scorecard": card,
        "flags": _flags(coop, services, params, dom, card)})
