"""Scenario, Block and Track: a reform option as data, with small editing helpers that return new Scenarios."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import ScenarioError
from ..params import load_parameters
from .cooperation import BlockCooperation, adjusted, members_of, structure_problems
from .names import normalise
from .reading import printable

DEFAULT_BORDERS = 2024
DEFAULT_HORIZON = 2040
DEFAULT_PROJECTION = "main"


class Track(str, Enum):
    """The two tracks of the to-spors reform.

    ``MERGE``: the kommune joins the block's new regionkommune. ``COOPERATE``: it stays a kommune of its own
    inside the block's binding cooperation (forpliktende samarbeid).
    """

    MERGE = "merge"
    COOPERATE = "cooperate"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: Any) -> "Track | None":
        """A Track from its English value or a Norwegian alias; None when the value is no track."""
        if isinstance(value, Track):
            return value
        if not isinstance(value, str):
            return None
        return TRACK_ALIASES.get(normalise(value))


def projection_alternatives() -> tuple[str, ...]:
    """The projection alternatives a scenario may name: the cohort engine's and SSB's (``params/projection.yaml``)."""
    tree = load_parameters().projection
    return tuple(tree.get("alternatives")) + tuple(tree.get("ssb"))


TRACK_ALIASES: dict[str, Track] = {
    "merge": Track.MERGE, "sammenslåing": Track.MERGE, "slå sammen": Track.MERGE, "regionkommune": Track.MERGE,
    "cooperate": Track.COOPERATE, "samarbeid": Track.COOPERATE, "forpliktende samarbeid": Track.COOPERATE,
}


@dataclass(frozen=True)
class Block:
    """A kommuneblokk around one tyngdepunkt.

    ``centre`` is the centre kommune (a member on track merge); ``members`` maps kommune -> Track, by
    kommunenummer once the scenario is resolved against an Atlas (by the names as written before);
    ``cooperation`` is the block's optional cooperation section (:class:`.cooperation.BlockCooperation`).
    """

    name: str
    centre: str
    members: dict[str, Track] = field(default_factory=dict)
    cooperation: BlockCooperation | None = None

    @property
    def merging(self) -> list[str]:
        """Members on track merge: the block's new regionkommune."""
        return [k for k, t in self.members.items() if t is Track.MERGE]

    @property
    def cooperating(self) -> list[str]:
        """Members on track cooperate: kommuner that stay, in binding cooperation with the block."""
        return [k for k, t in self.members.items() if t is Track.COOPERATE]

    @property
    def cooperation_members(self) -> list[str]:
        """Members of the block's cooperation: the centre (for the whole regionkommune) and every cooperating
        kommune."""
        return members_of(self.centre, self.members)


@dataclass(frozen=True)
class Scenario:
    """A reform option: blocks of kommuner around tyngdepunkter, on one set of borders, over base_year..horizon.

    Build one with :func:`reformkit.load_scenario` or :meth:`from_dict`; both validate everything and report
    all problems at once (:class:`~reformkit.errors.ScenarioError`). The editing helpers (:meth:`moved`,
    :meth:`with_centre`, :meth:`with_block`, :meth:`without_block`, :meth:`replaced`) return new Scenarios.

    >>> sc = rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml")          # doctest: +SKIP
    >>> sc2 = sc.moved("Gjemnes", to_block="Nordmøre", track="merge")           # doctest: +SKIP
    """

    name: str
    blocks: list[Block]
    description: str = ""
    borders: int = DEFAULT_BORDERS
    base_year: int = DEFAULT_BORDERS
    horizon: int = DEFAULT_HORIZON
    projection: str = DEFAULT_PROJECTION
    area: list[str] | None = None
    assumptions: dict = field(default_factory=dict)
    #: kommunenummer -> short name, filled when resolved against an Atlas (labels in files and messages)
    names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    #: the file the scenario was read from, if any
    source: str | None = field(default=None, compare=False, repr=False)
    #: True once member and centre references are kommunenummer checked against an Atlas
    resolved: bool = field(default=False, compare=False, repr=False)

    # ---- construction and output ------------------------------------------------------------------------------
    # The parser (.parse) builds Scenarios, so it imports this module; the constructors below reach it lazily,
    # which keeps the module graph one-way (model <- parse) at import time.
    @classmethod
    def from_dict(cls, data: Mapping, atlas=None, *, source: str | None = None) -> "Scenario":
        """Validate a dict shaped like the scenario YAML; with ``atlas``, resolve names to kommunenummer.

        >>> Scenario.from_dict({"name": "Test", "borders": 2024, "base_year": 2024, "horizon": 2030,
        ...     "blocks": [{"name": "A", "centre": "1505", "members": {"1505": "merge"}}]}).blocks[0].centre
        '1505'
        """
        from .parse import build
        return build(data, atlas=atlas, file=source or "<scenario>", source=source)

    @classmethod
    def from_yaml(cls, text: str, atlas=None, *, file: str = "<text>") -> "Scenario":
        """Parse and validate scenario YAML text (see :func:`reformkit.load_scenario` for files)."""
        from .parse import parse_text
        return parse_text(text, atlas=atlas, file=file)

    def resolve(self, atlas) -> "Scenario":
        """This scenario with every reference checked against ``atlas`` and names replaced by kommunenummer.

        A scenario already resolved on the same borders is returned as it is (the workbench evaluates after
        every edit, and every edit keeps a resolved scenario resolved).
        """
        if self.resolved and atlas.borders == self.borders:
            return self
        from .parse import build
        return build(self.to_dict(), atlas=atlas, file=self.source or f"scenario '{self.name}'", source=self.source)

    def to_dict(self) -> dict:
        """Plain data in the shape of the YAML file; :meth:`from_dict` of it gives an equal Scenario."""
        d: dict[str, Any] = {
            "name": self.name, "description": self.description, "borders": self.borders,
            "base_year": self.base_year, "horizon": self.horizon, "projection": self.projection,
        }
        if self.area is not None:
            d["area"] = list(self.area)
        d["blocks"] = [{"name": b.name, "centre": b.centre, "members": {k: t.value for k, t in b.members.items()}}
                       | ({"cooperation": b.cooperation.to_dict()} if b.cooperation is not None else {})
                       for b in self.blocks]
        d["assumptions"] = dict(self.assumptions)
        return d

    def to_yaml(self, path: str | Path | None = None) -> str:
        """The scenario as YAML text (kommune names as comments when known); written atomically to ``path``."""
        from .write import scenario_yaml
        text = scenario_yaml(self)
        if path is not None:
            from .._io import write_text_atomic
            write_text_atomic(path, text)
        return text

    # ---- queries ------------------------------------------------------------------------------------------------
    @property
    def area_fylker(self) -> list[str]:
        """The fylkesnummer of ``area`` (two digits)."""
        return [a for a in (self.area or []) if len(a) == 2]

    @property
    def area_kommuner(self) -> list[str]:
        """The kommunenummer listed on their own in ``area`` (four digits)."""
        return [a for a in (self.area or []) if len(a) == 4]

    @property
    def kommuner(self) -> list[str]:
        """Every kommune in a block, in block order."""
        return [k for b in self.blocks for k in b.members]

    def block(self, name: str) -> Block:
        """The block called ``name`` (case-insensitive)."""
        for b in self.blocks:
            if normalise(b.name) == normalise(name):
                return b
        known = ", ".join(repr(b.name) for b in self.blocks)
        raise ScenarioError(f"scenario '{self.name}': no block called '{name}' (blocks: {known})")

    def block_of(self, kommune: str | int) -> Block | None:
        """The block a kommune belongs to, or None."""
        code = self._ref(kommune, must_be_member=False)
        return next((b for b in self.blocks if code in b.members), None)

    def _ref(self, kommune: str | int, must_be_member: bool = True) -> str:
        if isinstance(kommune, int) and not isinstance(kommune, bool):
            kommune = f"{kommune:04d}"
        if not isinstance(kommune, str):
            raise ScenarioError(f"expected a kommune name or number, got {kommune!r}")
        members = self.kommuner
        if kommune in members:
            return kommune
        key = normalise(kommune)
        hits = [c for c in members if normalise(c) == key or normalise(self.names.get(c, "")) == key]
        hits += [c for c, n in self.names.items() if normalise(n) == key and c not in hits]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise ScenarioError(f"scenario '{self.name}': '{kommune}' is ambiguous ({', '.join(hits)}); use the number")
        if not must_be_member and kommune.isdigit() and len(kommune) == 4:
            return kommune
        raise ScenarioError(f"scenario '{self.name}': '{kommune}' is not a member of any block")

    # ---- editing helpers (each returns a new Scenario) ----------------------------------------------------------
    def replaced(self, **changes) -> "Scenario":
        """A copy with fields changed (name, description, base_year, horizon, projection, area, assumptions)."""
        allowed = {"name", "description", "base_year", "horizon", "projection", "area", "assumptions", "blocks"}
        bad = set(changes) - allowed
        if bad:
            raise ScenarioError(f"cannot replace {', '.join(sorted(bad))}; allowed: {', '.join(sorted(allowed))}")
        new = dataclasses.replace(self, **changes)
        check_structure(new)
        return new

    def _with_blocks(self, blocks: Iterable[Block]) -> "Scenario":
        new = dataclasses.replace(self, blocks=list(blocks))
        check_structure(new)
        return new

    def moved(self, kommune: str | int, to_block: str | None = None, track: str | Track | None = None, *,
              use: Mapping[str, float] | None = None) -> "Scenario":
        """Move a kommune to another block and/or change its track.

        ``to_block=None`` keeps its block; ``track=None`` keeps its track (merge when it joins a block from
        outside). A block's centre cannot leave it or go to track cooperate: give the block a new centre
        first (:meth:`with_centre`). Cooperation sections follow the move (:func:`.cooperation.adjusted`): a
        kommune that leaves a cooperation loses its seats and use (its use goes to the regionkommune when it
        joins it), a departing host hands the role to the centre, and a section without cooperating kommuner
        is dropped. ``use`` gives the kommune's use per use-based service when it joins a cooperation.

        >>> sc2 = sc.moved("Gjemnes", to_block="Nordmøre", track="merge")     # doctest: +SKIP
        """
        code = self._ref(kommune, must_be_member=to_block is None)
        new_track = None if track is None else Track.parse(track)
        if track is not None and new_track is None:
            raise ScenarioError(f"unknown track '{track}'; use 'merge' or 'cooperate'")
        source = next((b for b in self.blocks if code in b.members), None)
        target = self.block(to_block) if to_block is not None else source
        if target is None:
            raise ScenarioError(f"scenario '{self.name}': {code} is in no block; say which block it moves to")
        new_track = new_track or (source.members[code] if source is not None else Track.MERGE)
        if source is not None and source.centre == code and (target is not source or new_track is Track.COOPERATE):
            raise ScenarioError(f"scenario '{self.name}': {self._label(code)} is the centre of block "
                                f"'{source.name}'; choose another centre first (with_centre)")
        blocks = []
        for b in self.blocks:
            members = {k: t for k, t in b.members.items() if k != code}
            if b is target:
                members = dict(b.members) | {code: new_track}
            blocks.append(_rebuilt(b, b.centre, members, {code: dict(use or {})}))
        return self._with_blocks(blocks)

    def with_centre(self, block: str, kommune: str | int) -> "Scenario":
        """Make a member the centre of its block (it is put on track merge)."""
        b = self.block(block)
        code = self._ref(kommune)
        if code not in b.members:
            raise ScenarioError(f"scenario '{self.name}': {self._label(code)} is not a member of block '{b.name}'")
        return self._with_blocks(_rebuilt(x, code, x.members | {code: Track.MERGE}) if x is b else x
                                 for x in self.blocks)

    def with_block(self, name: str, centre: str | int, members: Mapping | Iterable | None = None) -> "Scenario":
        """Add a block around ``centre``; ``members`` (kommune -> track, or a list = merge) leave their blocks.

        A kommune that is the centre of another block cannot be taken.
        """
        if any(normalise(b.name) == normalise(name) for b in self.blocks):
            raise ScenarioError(f"scenario '{self.name}': there is already a block called '{name}'")
        wanted = dict(members) if isinstance(members, Mapping) else {m: Track.MERGE for m in (members or [])}
        wanted = {self._ref(k, must_be_member=False): Track.parse(t) for k, t in wanted.items()}
        centre_code = self._ref(centre, must_be_member=False)
        wanted[centre_code] = Track.MERGE
        bad = [k for k, t in wanted.items() if t is None]
        if bad:
            raise ScenarioError(f"unknown track for {', '.join(bad)}; use 'merge' or 'cooperate'")
        taken = [b for b in self.blocks if b.centre in wanted]
        if taken:
            raise ScenarioError(f"scenario '{self.name}': {self._label(taken[0].centre)} is the centre of block "
                                f"'{taken[0].name}'")
        blocks = [_rebuilt(b, b.centre, {k: t for k, t in b.members.items() if k not in wanted})
                  for b in self.blocks]
        return self._with_blocks(blocks + [Block(name, centre_code, wanted)])

    def without_block(self, name: str, into: str | None = None) -> "Scenario":
        """Remove a block; its members join block ``into`` on their tracks, or no block when ``into`` is None.

        Without ``into`` the scenario no longer covers its ``area``; evaluation then reports those kommuner.
        """
        gone = self.block(name)
        target = self.block(into) if into is not None else None
        if target is gone:
            raise ScenarioError(f"scenario '{self.name}': cannot merge block '{name}' into itself")
        blocks = [_rebuilt(b, b.centre, b.members | gone.members) if b is target else b
                  for b in self.blocks if b is not gone]
        return self._with_blocks(blocks)

    def with_cooperation(self, block: str, cooperation: BlockCooperation | Mapping | None) -> "Scenario":
        """Set, replace or (with None) remove a block's cooperation section.

        ``cooperation`` is a :class:`.cooperation.BlockCooperation` or a mapping shaped like the YAML section
        (kommune names or numbers); a mapping is validated like a file and every problem reported at once.

        >>> sc.with_cooperation("Nordmøre", {"form": "iks", "services": {"brann": "per_innbygger"}})  # doctest: +SKIP
        """
        b = self.block(block)
        if isinstance(cooperation, Mapping):
            cooperation = self._parsed_cooperation(b, cooperation)
        return self._with_blocks(Block(x.name, x.centre, x.members, cooperation) if x is b else x
                                 for x in self.blocks)

    def _parsed_cooperation(self, b: Block, raw: Mapping) -> BlockCooperation | None:
        from .parse import _Problems
        from .parse_cooperation import parse_cooperation

        def code(ref):
            try:
                return self._ref(ref)
            except ScenarioError:
                return ref                      # reported by the validation below
        raw = dict(raw)
        if raw.get("host") is not None:
            raw["host"] = code(raw["host"])
        if isinstance(raw.get("seats"), Mapping):
            raw["seats"] = {code(k): v for k, v in raw["seats"].items()}
        if isinstance(raw.get("services"), Mapping):
            raw["services"] = {s: (dict(v) | {"use": {code(k): u for k, u in v["use"].items()}})
                               if isinstance(v, Mapping) and isinstance(v.get("use"), Mapping) else v
                               for s, v in raw["services"].items()}
        P = _Problems(f"scenario '{self.name}'", {})
        coop = parse_cooperation(raw, P, ("blocks", b.name, "cooperation"), b.name, b.members, b.centre, None, None)
        P.raise_if_any()
        return coop

    def _label(self, code: str) -> str:
        return f"{code} {self.names[code]}" if code in self.names else code


def _rebuilt(b: Block, centre: str, members: dict[str, Track],
             joiner_use: Mapping[str, Mapping[str, float]] | None = None) -> Block:
    """Block ``b`` with a new centre and members, its cooperation section kept consistent."""
    if b.cooperation is not None and joiner_use:
        new_coop = set(members_of(centre, members)) - set(members_of(b.centre, b.members))
        use_based = {s for s, spec in b.cooperation.services.items() if spec.use is not None}
        unknown = {s for k in new_coop for s in (joiner_use.get(k) or {})} - use_based
        if unknown:
            raise ScenarioError(f"block '{b.name}': use given for {', '.join(sorted(unknown))}, which is not a "
                                f"use-based service of the block's cooperation")
    return Block(b.name, centre, members,
                 adjusted(b.cooperation, (b.centre, b.members), (centre, members), joiner_use))


def check_structure(sc: Scenario) -> None:
    """Invariants an edited Scenario must keep (no Atlas needed); raise ScenarioError listing violations."""
    problems = []
    seen: dict[str, str] = {}
    names: set[str] = set()
    for b in sc.blocks:
        if normalise(b.name) in names:
            problems.append(f"two blocks are called '{b.name}'")
        names.add(normalise(b.name))
        if not b.members:
            problems.append(f"block '{b.name}' has no members")
        if b.members.get(b.centre) is not Track.MERGE:
            problems.append(f"block '{b.name}': the centre {b.centre} must be a member on track merge")
        for k in b.members:
            if k in seen:
                problems.append(f"kommune {k} is in blocks '{seen[k]}' and '{b.name}'")
            seen[k] = b.name
        if b.cooperation is not None:
            problems += structure_problems(b.name, b.centre, b.members, b.cooperation)
    if not sc.blocks:
        problems.append("a scenario needs at least one block")
    if not isinstance(sc.base_year, int) or not isinstance(sc.horizon, int) or sc.horizon <= sc.base_year:
        problems.append(f"horizon {sc.horizon} must be after base_year {sc.base_year}")
    if sc.projection not in projection_alternatives():
        problems.append(f"unknown projection alternative {sc.projection!r}")
    if problems:
        raise ScenarioError(printable(f"scenario '{sc.name}': invalid change"), [printable(p) for p in problems])
