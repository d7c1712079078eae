"""Cost sharing in a cooperation: the keys, each member's part of a service, and the exit simulation.

Model, per service: member m has population p_m and an own cost base c_m (kr per inhabitant a year: what
running the service alone costs it). The cooperation's cost before savings is C = Σ c_m·p_m; with saving
share σ it costs C·(1 − σ). The key gives shares w_m (Σ w_m = 1); member m pays w_m·C before and
w_m·C·(1 − σ) after the saving, against c_m·p_m alone.

**Break-even saving** of member m: the smallest saving share at which m pays no more in the cooperation than
alone, 1 − c_m·p_m / (w_m·C). Zero or negative means m gains even without any saving (typical for small
members under per_innbygger with equal costs per inhabitant); a positive figure is what the cooperation must
save before m is better off inside. It does not depend on the level of c when c is equal for all members.

**Exit** of member L: the others keep the cooperation (same saving share σ), its cost falls by L's own cost
base, C' = C − c_L·p_L, and is shared among the rest by the same key recomputed without L (likedeling 1/(n−1);
per_innbygger and bruksbasert in proportion to the remaining populations or use; fast_pluss_* both parts
recomputed). Reported before savings (σ is unchanged, so the change in per cent is the same after savings),
with each remaining member's break-even saving after the exit. When only one member would remain, the
cooperation dissolves and that member runs the service alone (no sharing, no saving).
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import ReformkitError
from ..scenario.cooperation import KEY_NEEDS

KEYS = tuple(KEY_NEEDS)


def _proportional(weights: Mapping[str, float], what: str) -> dict[str, float]:
    bad = [k for k, w in weights.items() if w is None or w < 0]
    if bad:
        raise ReformkitError(f"cost sharing by {what}: missing or negative value for {', '.join(bad)}")
    total = float(sum(weights.values()))
    if total <= 0:
        raise ReformkitError(f"cost sharing by {what}: all members have 0")
    return {k: float(w) / total for k, w in weights.items()}


def key_shares(key: str, population: Mapping[str, float], *, fixed_share: float | None = None,
               use: Mapping[str, float] | None = None) -> dict[str, float]:
    """Each member's share (summing to 1) of a service's cost under cost key ``key``.

    ``population``: member -> inhabitants (the members, in order); ``use``: member -> measured use, for the
    use-based keys (every member needed); ``fixed_share``: the part split equally, for the fast_pluss_* keys.

    >>> key_shares("fast_pluss_per_innbygger", {"A": 3000, "B": 1000}, fixed_share=0.5)
    {'A': 0.625, 'B': 0.375}
    """
    members = list(population)
    if not members:
        raise ReformkitError("cost sharing: no members given")
    if key not in KEYS:
        raise ReformkitError(f"unknown cost key {key!r}; known: {', '.join(KEYS)}")
    if key == "likedeling":
        return {m: 1 / len(members) for m in members}
    if key.endswith("bruksbasert"):
        missing = [m for m in members if use is None or m not in use]
        if missing:
            raise ReformkitError(f"cost key {key}: no use given for {', '.join(missing)}")
        variable = _proportional({m: use[m] for m in members}, "use")
    else:
        variable = _proportional(dict(population), "inhabitants")
    if not key.startswith("fast_pluss"):
        return variable
    if fixed_share is None or not 0 <= fixed_share <= 1:
        raise ReformkitError(f"cost key {key}: fixed_share must be between 0 and 1, got {fixed_share!r}")
    return {m: fixed_share / len(members) + (1 - fixed_share) * variable[m] for m in members}


def split(total: float, shares: Mapping[str, float]) -> dict[str, float]:
    """Kroner per member: ``total`` × share.

    >>> split(1000, {"A": 0.75, "B": 0.25})
    {'A': 750.0, 'B': 250.0}
    """
    return {m: total * s for m, s in shares.items()}


def _break_even(own: float, pays: float) -> float | None:
    """Break-even saving in per cent (None when the member pays nothing)."""
    return None if pays <= 0 else (1 - own / pays) * 100


def service_shares(key: str, population: Mapping[str, float], cost: Mapping[str, float], *,
                   saving_pct: float | None = None, fixed_share: float | None = None,
                   use: Mapping[str, float] | None = None) -> dict:
    """One service: per member share, own cost alone, cost before/after saving, net gain, break-even.

    ``cost``: member -> own cost base per inhabitant (kr a year). ``saving_pct`` None leaves ``cost_after``
    and ``net_gain`` None. Returns ``{"total_cost", "saving", "total_cost_after", "members": {m: {...}}}``.

    >>> r = service_shares("likedeling", {"A": 3000, "B": 1000}, {"A": 100, "B": 100}, saving_pct=10)
    >>> r["members"]["B"]["cost_after"], r["members"]["B"]["break_even_saving_pct"]
    (180000.0, 50.0)
    """
    shares = key_shares(key, population, fixed_share=fixed_share, use=use)
    own = {m: cost[m] * population[m] for m in population}
    total = sum(own.values())
    keep = None if saving_pct is None else 1 - saving_pct / 100
    members = {}
    for m, w in shares.items():
        before = w * total
        after = None if keep is None else before * keep
        members[m] = {"share": w, "own_cost": own[m], "cost_before": before, "cost_after": after,
                      "net_gain": None if after is None else own[m] - after,
                      "break_even_saving_pct": _break_even(own[m], before)}
    return {"total_cost": total, "saving": None if keep is None else total * (1 - keep),
            "total_cost_after": None if keep is None else total * keep, "members": members}


def exit_shares(key: str, population: Mapping[str, float], cost: Mapping[str, float], *,
                fixed_share: float | None = None, use: Mapping[str, float] | None = None) -> dict:
    """For each member L: what each remaining member pays if L leaves (before savings), change and break-even.

    Returns ``{L: {"dissolves": bool, "no_basis": bool, "remaining": {m: {"share_now", "share_after_exit", "cost_now",
    "cost_after_exit", "change_kr", "change_pct", "break_even_saving_pct"}}}}``. With one member left the
    cooperation dissolves: it pays its own cost alone and ``share_after_exit`` is 1. ``no_basis``: the others
    have nothing to share by (all their use is 0); ``remaining`` is then empty.

    >>> e = exit_shares("likedeling", {"A": 1, "B": 1, "C": 2}, {"A": 1, "B": 1, "C": 1})
    >>> e["C"]["remaining"]["A"]["share_after_exit"], e["C"]["remaining"]["A"]["cost_after_exit"]
    (0.5, 1.0)
    """
    now = key_shares(key, population, fixed_share=fixed_share, use=use)
    own = {m: cost[m] * population[m] for m in population}
    total = sum(own.values())
    out = {}
    for leaver in population:
        rest = {m: p for m, p in population.items() if m != leaver}
        dissolves = len(rest) < 2
        try:
            after_shares = {m: 1.0 for m in rest} if dissolves else key_shares(
                key, rest, fixed_share=fixed_share, use=None if use is None else {m: use[m] for m in rest})
        except ReformkitError:      # the others have no use (or inhabitants) left to share by
            out[leaver] = {"dissolves": False, "no_basis": True, "remaining": {}}
            continue
        rest_total = total - own[leaver]
        remaining = {}
        for m in rest:
            pays_now = now[m] * total
            pays_after = own[m] if dissolves else after_shares[m] * rest_total
            remaining[m] = {"share_now": now[m], "share_after_exit": after_shares[m], "cost_now": pays_now,
                            "cost_after_exit": pays_after, "change_kr": pays_after - pays_now,
                            "change_pct": (pays_after / pays_now - 1) * 100 if pays_now > 0 else None,
                            "break_even_saving_pct": None if dissolves else _break_even(own[m], pays_after)}
        out[leaver] = {"dissolves": dissolves, "no_basis": False, "remaining": remaining}
    return out
