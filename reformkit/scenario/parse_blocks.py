"""Validating the ``blocks`` of a scenario: names, members and tracks, the centre, the cooperation section.

Problems are added to the parser's problem list (``P.add(path, message, block=, kommune=)``), so every one
is reported at once with its file line; see :mod:`reformkit.scenario.parse`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._util import kind as _kind, kommune_key as _kommune_key, suggest as _suggest
from .model import Block, Track
from .names import normalise
from .parse_cooperation import parse_cooperation

BLOCK_KEYS = ("name", "centre", "members", "cooperation")


def fylker_of(area: list[str] | None) -> list[str] | None:
    """The fylkesnummer of an area (names shared by two kommuner are narrowed to them)."""
    return [a for a in area if len(a) == 2] if area else area


def parse_blocks(raw: Any, P, index, area) -> list[Block] | None:
    """The scenario's blocks, resolved against ``index`` (a KommuneIndex, or None before resolving)."""
    if raw is None:
        P.add((), "missing 'blocks' (a list of kommuneblokker, each with name, centre and members)")
        return None
    if not isinstance(raw, list) or not raw:
        P.add(("blocks",), f"blocks must be a non-empty list of blocks, got {_kind(raw) if raw != [] else 'an empty list'}")
        return None
    blocks: list[Block] = []
    seen_names: dict[str, str] = {}
    home: dict[str, str] = {}        # kommune key -> block it was first placed in
    for i, b in enumerate(raw):
        at = ("blocks", i)
        if not isinstance(b, Mapping):
            P.add(at, f"block {i + 1} must be a mapping with name, centre and members, got {_kind(b)}")
            continue
        bname = _block_name(b, i, at, seen_names, P)
        members, given = _members(b, at, bname, home, P, index, area)
        centre = _centre(b, at, bname, members, given, P, index, area)
        coop = None
        if "cooperation" in b:
            valid_centre = centre if isinstance(centre, str) and members.get(centre) is Track.MERGE else None
            coop = parse_cooperation(b["cooperation"], P, at + ("cooperation",), bname, members, valid_centre,
                                     index, area)
        blocks.append(Block(bname, centre if isinstance(centre, str) else "", members, coop))
    return blocks


def _block_name(b: Mapping, i: int, at: tuple, seen_names: dict[str, str], P) -> str:
    bname = b.get("name")
    if not isinstance(bname, str) or not bname.strip():
        P.add(at + ("name",) if "name" in b else at,
              f"block {i + 1} needs a name (text{'; quote names like yes/no/on/off' if isinstance(bname, bool) else ''}), "
              f"got {_kind(bname)}")
        bname = f"#{i + 1}"
    bname = bname.strip()
    for key in b:
        if key not in BLOCK_KEYS:
            P.add(at + (str(key),), f"unknown key '{key}'{_suggest(key, BLOCK_KEYS)}", block=bname)
    if normalise(bname) in seen_names:
        P.add(at + ("name",), f"two blocks are called '{bname}'; block names must differ", block=bname)
    seen_names[normalise(bname)] = bname
    if re.fullmatch(r"\d{4}", bname):
        P.add(at + ("name",), "a block name cannot be a kommunenummer", block=bname)
    return bname


def _members(b: Mapping, at: tuple, bname: str, home: dict[str, str], P, index,
             area) -> tuple[dict[str, Track], dict[str, Any]]:
    """(kommunenummer -> track, the references as written by their identity) of one block."""
    members: dict[str, Track] = {}
    raw_members = b.get("members")
    if not isinstance(raw_members, Mapping) or not raw_members:
        P.add(at + ("members",) if "members" in b else at,
              "members must be a non-empty mapping of kommune: track (merge or cooperate)", block=bname)
        return members, {}
    given: dict[str, Any] = {}
    for raw_key, raw_track in raw_members.items():
        mat = at + ("members", str(raw_key))
        key = _kommune_key(raw_key)
        track = Track.parse(raw_track)
        if track is None:
            P.add(mat, f"unknown track {raw_track!r}{_suggest(raw_track, [t.value for t in Track])}; "
                       f"use merge or cooperate", block=bname, kommune=raw_key)
        if key is None:
            P.add(mat, f"expected a kommune name or number, got {_kind(raw_key)}", block=bname, kommune=raw_key)
            continue
        code = key
        if index is not None:
            res = index.resolve(key, fylker_of(area))
            if res.code is None:
                P.add(mat, res.problem, block=bname, kommune=raw_key)
                continue
            code = res.code
        ident = code if index is not None else normalise(code)
        if ident in given:
            P.add(mat, f"listed twice in this block (as '{given[ident]}' and '{raw_key}')", block=bname,
                  kommune=raw_key)
            continue
        given[ident] = raw_key
        if ident in home:
            label = index.describe(code) if index is not None else code
            P.add(mat, f"{label} is also in block '{home[ident]}'; a kommune belongs to exactly one block",
                  block=bname, kommune=raw_key)
            continue
        home[ident] = bname
        if track is not None:
            members[code] = track
    return members, given


def _centre(b: Mapping, at: tuple, bname: str, members: dict[str, Track], given: dict[str, Any], P, index,
            area) -> Any:
    """The block's centre: a member on track merge (its kommunenummer once resolved)."""
    centre = _kommune_key(b.get("centre"))
    cat = at + ("centre",)
    if b.get("centre") is None:
        P.add(at, "no centre; name the tyngdepunkt (a member on track merge)", block=bname)
        return centre
    if centre is None:
        P.add(cat, f"centre must be a kommune name or number, got {_kind(b.get('centre'))}", block=bname)
        return centre
    code = centre
    if index is not None:
        res = index.resolve(centre, fylker_of(area))
        code = res.code
        if code is None:
            P.add(cat, f"centre: {res.problem}", block=bname, kommune=centre)
            return centre
    match = code if index is not None else next((k for k in members if normalise(k) == normalise(code)), None)
    ident = code if index is not None else normalise(code)
    if match is None or match not in members:
        if ident not in given and isinstance(b.get("members"), Mapping) and b.get("members"):
            # members that failed were reported already
            P.add(cat, "the centre is not a member of the block; add it with track merge", block=bname, kommune=centre)
    elif members[match] is not Track.MERGE:
        P.add(cat, "the centre is on track cooperate; the centre must be on track merge "
                   "(it forms the regionkommune)", block=bname, kommune=centre)
    else:
        centre = match
    return centre
