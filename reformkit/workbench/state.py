"""The workshop's editing logic, without widgets: a scenario being reshaped, with undo and redo, its starting
point, a pinned option to compare with, and saving.

Every edit (move a kommune to a block and track, make it the centre, add, rename or remove a block, change the
horizon or the projection) builds a new :class:`~reformkit.scenario.Scenario` with the scenario's own helpers
and evaluates it on the same Atlas: no data is reloaded and nothing is projected again (the Atlas's store keeps
the population series, and :func:`reformkit.evaluate.evaluate` keeps each block's economy by its members).
An edit returns :class:`Message` objects in Norwegian bokmål: an impossible edit is refused with a message
that says what to do instead (never an exception text), and a block that no longer hangs together under the
neighbour graph gives a warning, not a refusal.

>>> s = Session(rk.load_scenario("data/scenarios/more-og-romsdal-4.yaml"), folder=".")   # doctest: +SKIP
>>> s.move("Vanylven", "Nordre Sunnmøre", "cooperate")                                    # doctest: +SKIP
[Message(level='info', ...), Message(level='warning', text='Vanylven henger ikke sammen ...')]
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from .. import geo, geodata
from ..data import Atlas, load_atlas
from ..errors import ReformkitError, ScenarioError
from ..evaluate import ScenarioResult, evaluate
from ..narrative import notice_text
from ..narrative.common import join_nb
from ..narrative.workshop import alternative_label, text, track_label
from ..scenario import Scenario, Track
from ..scenario.names import normalise
from .saving import Message, Refused, Saving, Step, slug

#: How many edits undo reaches back.
UNDO_DEPTH = 200

__all__ = ["Message", "Refused", "Session", "Step", "slug"]


@dataclass
class Session(Saving):
    """A workshop session on one Atlas: ``current`` step, ``start`` (the starting point), ``pinned`` (option A
    being compared, or None), undo and redo stacks, and the working ``folder`` that saving writes into.

    Parameters
    ----------
    scenario : the starting point; resolved against ``atlas`` (default: the Atlas of its borders).
    folder : the working folder chosen by the facilitator (default: the current directory). Saving writes
        only there, under a file name made from the new scenario name.
    """

    scenario: dataclasses.InitVar[Scenario]
    atlas: Atlas | None = None
    folder: Path | str | None = None
    messages: list[Message] = field(default_factory=list)
    pinned: Step | None = None

    def __post_init__(self, scenario: Scenario) -> None:
        self.atlas = self.atlas or load_atlas(scenario.borders)
        self.folder = Path(self.folder or Path.cwd()).resolve()
        self._saved: set[Path] = set()
        self._begin(scenario, text("started_file", name=scenario.name))

    # ---- state ------------------------------------------------------------------------------------------------
    def _begin(self, scenario: Scenario, what: str) -> list[Message]:
        sc = scenario.resolve(self.atlas)
        self.start = self.current = Step(sc, evaluate(sc, self.atlas))
        self._start_at: dict[tuple[int, str], ScenarioResult] = {(sc.horizon, sc.projection): self.current.result}
        self._undo: list[Step] = []
        self._redo: list[Step] = []
        return self._say(Message("info", what))

    @property
    def scenario(self) -> Scenario:
        """The scenario as edited so far."""
        return self.current.scenario

    @property
    def result(self) -> ScenarioResult:
        """The evaluation of :attr:`scenario`."""
        return self.current.result

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def start_result(self) -> ScenarioResult:
        """The starting point evaluated on the current horizon and projection (what changes are measured
        against), computed once per horizon and projection."""
        key = (self.scenario.horizon, self.scenario.projection)
        if key not in self._start_at:
            sc = self.start.scenario.replaced(horizon=key[0], projection=key[1])
            self._start_at[key] = evaluate(sc, self.atlas)
        return self._start_at[key]

    def name(self, code: str) -> str:
        """A kommune's short name."""
        return str(self.atlas.kommuner.at[code, "kommunenavn_kort"])

    def _say(self, *messages: Message) -> list[Message]:
        self.messages = list(messages) + self.warnings()
        return self.messages

    def _edit(self, build, what: str) -> list[Message]:
        """Apply an edit: build the new scenario, evaluate it, remember the old step for undo."""
        try:
            new = build()
        except Refused as exc:
            return self._say(exc.message)
        except ScenarioError:   # a rule of the scenario model this session did not foresee: a Norwegian refusal
            return self._say(Message("error", text("not_possible")))
        self._undo = (self._undo + [self.current])[-UNDO_DEPTH:]
        self._redo = []
        self.current = Step(new, evaluate(new, self.atlas), self.current.log + (what,))
        return self._say(Message("info", what))

    # ---- warnings ---------------------------------------------------------------------------------------------
    def cut_off(self) -> list[tuple[str, list[str]]]:
        """Blocks whose members do not all hang together with the centre under the neighbour graph (land and
        sea links): (block, kommuner cut off from the centre)."""
        adj, pos = geodata.neighbour_matrix(self.atlas, self.result.parameters)
        out = []
        for b in self.scenario.blocks:
            reached = geo.reachable(adj, pos[b.centre], [pos[c] for c in b.members])
            lost = [c for c in b.members if pos[c] not in reached]
            if lost:
                out.append((b.name, lost))
        return out

    def warnings(self) -> list[Message]:
        """Warnings about the current scenario: blocks cut off, then the evaluation's own notices."""
        out = [Message("warning", text("cut_off", block=block, kommuner=join_nb([self.name(c) for c in lost])))
               for block, lost in self.cut_off()]
        return out + [Message("warning", notice_text(n)) for n in self.result.warnings]

    # ---- references -------------------------------------------------------------------------------------------
    def _code(self, kommune: str | int | None) -> str:
        if kommune is None or kommune == "":
            raise Refused("choose_kommune")
        code = f"{kommune:04d}" if isinstance(kommune, int) else str(kommune)
        if code in self.atlas.kommuner.index:
            return code
        try:
            return self.scenario._ref(code, must_be_member=False)
        except ScenarioError:
            raise Refused("unknown_kommune", kommune=kommune) from None

    def _block(self, name: str | None):
        for b in self.scenario.blocks:
            if name is not None and normalise(b.name) == normalise(str(name)):
                return b
        raise Refused("unknown_block", block=name)

    def _new_name(self, name: str, keep: str | None = None) -> str:
        name = (name or "").strip()
        if not name:
            raise Refused("name_empty")
        taken = [b.name for b in self.scenario.blocks if normalise(b.name) == normalise(name)
                 and (keep is None or normalise(b.name) != normalise(keep))]
        if taken:
            raise Refused("name_taken", name=name)
        return name

    # ---- edits ------------------------------------------------------------------------------------------------
    def move(self, kommune: str | int, to_block: str | None = None, track: str | Track | None = None) -> list[Message]:
        """Move a kommune to ``to_block`` (default: its own) on ``track`` (default: its own, merge from outside)."""
        try:
            code, source, target, new_track = self._move_plan(kommune, to_block, track)
        except Refused as exc:
            return self._say(exc.message)
        if source is target and source.members[code] is new_track:
            return self._say(Message("info", text("no_change", kommune=self.name(code), block=target.name,
                                                  track=track_label(new_track.value))))
        key = "track_changed" if source is target else "moved"
        what = text(key, kommune=self.name(code), block=target.name, track=track_label(new_track.value))
        return self._edit(lambda: self.scenario.moved(code, to_block=target.name, track=new_track), what)

    def _move_plan(self, kommune, to_block, track):
        code = self._code(kommune)
        source = self.scenario.block_of(code)
        target = self._block(to_block) if to_block is not None else source
        if target is None:
            raise Refused("not_a_member", kommune=self.name(code))
        new_track = Track.parse(track) if track is not None else (source.members[code] if source is target
                                                                   else Track.MERGE)
        if new_track is None:
            raise Refused("not_possible")
        if source is not None and source.centre == code:
            if target is not source and len(source.members) == 1:
                raise Refused("last_member", kommune=self.name(code), block=source.name)
            if target is not source:
                raise Refused("centre_cannot_leave", kommune=self.name(code), block=source.name)
            if new_track is Track.COOPERATE:
                raise Refused("centre_cannot_cooperate", kommune=self.name(code), block=source.name)
        return code, source, target, new_track

    def make_centre(self, kommune: str | int) -> list[Message]:
        """Make a member the centre of its block (it goes on track merge)."""
        def build() -> Scenario:
            code = self._code(kommune)
            b = self.scenario.block_of(code)
            if b is None:
                raise Refused("not_a_member", kommune=self.name(code))
            if b.centre == code:
                raise Refused("already_centre", kommune=self.name(code), block=b.name)
            return self.scenario.with_centre(b.name, code)
        try:
            code = self._code(kommune)
            block = self.scenario.block_of(code)
        except Refused as exc:
            return self._say(exc.message)
        what = text("centre_set", kommune=self.name(code), block=block.name if block else "")
        return self._edit(build, what)

    def add_block(self, name: str, centre: str | int) -> list[Message]:
        """Add a block called ``name`` around ``centre`` (which leaves its block)."""
        try:
            name = self._new_name(name)
            code = self._code(centre)
            holder = self.scenario.block_of(code)
            if holder is not None and holder.centre == code:
                raise Refused("centre_elsewhere", kommune=self.name(code), block=holder.name)
        except Refused as exc:
            return self._say(exc.message)
        return self._edit(lambda: self.scenario.with_block(name, code),
                          text("block_added", block=name, kommune=self.name(code)))

    def rename_block(self, block: str, new: str) -> list[Message]:
        """Give a block a new name (its members, centre and cooperation stay)."""
        try:
            b = self._block(block)
            new = self._new_name(new, keep=b.name)
        except Refused as exc:
            return self._say(exc.message)
        blocks = [dataclasses.replace(x, name=new) if x is b else x for x in self.scenario.blocks]
        return self._edit(lambda: self.scenario.replaced(blocks=blocks), text("block_renamed", old=b.name, new=new))

    def remove_block(self, block: str, into: str | None = None) -> list[Message]:
        """Remove a block; its members go to block ``into``, or outside every block when None."""
        try:
            b = self._block(block)
            target = self._block(into) if into is not None else None
            if len(self.scenario.blocks) == 1:
                raise Refused("last_block")
            if target is b:
                raise Refused("into_itself")
        except Refused as exc:
            return self._say(exc.message)
        what = (text("block_removed", block=b.name, into=target.name) if target is not None
                else text("block_removed_out", block=b.name))
        return self._edit(lambda: self.scenario.without_block(b.name, into=target.name if target else None), what)

    def set_horizon(self, year: int) -> list[Message]:
        """Evaluate to another horizon year."""
        if int(year) <= self.scenario.base_year:
            return self._say(Message("error", text("horizon_invalid", base=self.scenario.base_year)))
        if int(year) == self.scenario.horizon:
            return self.messages
        return self._edit(lambda: self.scenario.replaced(horizon=int(year)), text("horizon_set", year=int(year)))

    def set_projection(self, alternative: str) -> list[Message]:
        """Use another projection alternative."""
        if alternative == self.scenario.projection:
            return self.messages
        return self._edit(lambda: self.scenario.replaced(projection=alternative),
                          text("projection_set", alternative=alternative_label(alternative)))

    # ---- history ----------------------------------------------------------------------------------------------
    def undo(self) -> list[Message]:
        """Go back one edit."""
        if not self._undo:
            return self._say(Message("info", text("nothing_to_undo")))
        what = self.current.log[-1] if self.current.log else ""
        self._redo.append(self.current)
        self.current = self._undo.pop()
        return self._say(Message("info", text("undone", what=what)))

    def redo(self) -> list[Message]:
        """Do again the edit undo took back."""
        if not self._redo:
            return self._say(Message("info", text("nothing_to_redo")))
        self._undo.append(self.current)
        self.current = self._redo.pop()
        return self._say(Message("info", text("redone", what=self.current.log[-1] if self.current.log else "")))

    # ---- starting points and comparison -----------------------------------------------------------------------
    def open_file(self, path: str | Path) -> list[Message]:
        """Start again from a scenario file (undo history and pinned option are kept apart: history restarts)."""
        from ..scenario import load_scenario
        try:
            sc = load_scenario(path, self.atlas)
        except (ReformkitError, OSError, ValueError):
            return self._say(Message("error", text("bad_file", file=Path(str(path)).name)))
        return self._begin(sc, text("started_file", name=sc.name))

    def from_proposal(self, fylke: str, k: int) -> list[Message]:
        """Start again from a proposal: ``k`` tyngdepunkter in ``fylke`` (:func:`reformkit.propose.propose`)."""
        from .. import propose
        from ..narrative import fylke_name, proposal_scenario
        area = fylke_name(self.atlas, fylke)
        try:
            prop = propose.propose(self.atlas, fylke, int(k))
            sc = Scenario.from_dict(proposal_scenario(prop, self.atlas), self.atlas)
        except (ReformkitError, ValueError):
            return self._say(Message("error", text("no_proposal", k=k, fylke=area)))
        return self._begin(sc, text("started_proposal", k=k, fylke=area))

    def pin(self) -> list[Message]:
        """Keep the current option as option A; editing goes on with option B."""
        self.pinned = self.current
        return self._say(Message("info", text("pinned_msg", name=self.scenario.name)))

    def unpin(self) -> list[Message]:
        """Stop comparing."""
        self.pinned = None
        return self._say(Message("info", text("unpinned_msg")))
