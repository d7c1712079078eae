"""Leaving the workshop with something: the current scenario under a new name and description, saved into the
working folder (file name = a slug of the name, never a path), as YAML for a download in the browser, or as an
offline HTML report. Also the small value types the session passes around (:class:`Message`, :class:`Step`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ReformkitError
from ..evaluate import ScenarioResult
from ..narrative.workshop import description, text
from ..scenario import Scenario


@dataclass(frozen=True)
class Message:
    """A Norwegian message for the facilitator: ``level`` is ``info``, ``warning`` or ``error``."""

    level: str
    text: str


@dataclass(frozen=True)
class Step:
    """A state of the session: the scenario, its evaluation and the edits that led here from the start."""

    scenario: Scenario
    result: ScenarioResult
    log: tuple[str, ...] = ()


class Refused(Exception):
    """An impossible edit, carrying its Norwegian message (caught inside the session, never shown raw)."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.message = Message("error", text(key, **values))


def slug(name: str) -> str:
    """``"Møre – tre blokker!"`` -> ``"more-tre-blokker"``: lower-case ASCII letters, digits and hyphens (the
    reports' file names)."""
    from ..report.plan import slug as report_slug
    return report_slug(name)[:80]


class Saving:
    """Saving for :class:`~.state.Session` (which provides ``scenario``, ``start``, ``current``, ``folder``,
    ``_saved`` and ``_say``)."""

    # ---- leaving with something -------------------------------------------------------------------------------
    def named(self, name: str, given_description: str = "") -> Scenario:
        """The current scenario under a new name, with the given description or one listing the edits (the
        starting point's description is not kept: it describes another option). Raises :class:`Refused`."""
        name = (name or "").strip()
        if not name:
            raise Refused("name_empty")
        if "/" in name or "\\" in name or name.startswith(".") or ".." in name or "\x00" in name:
            raise Refused("name_unsafe")
        desc = description(self.start.scenario.name, list(self.current.log), given_description)
        return self.scenario.replaced(name=name, description=desc)

    def file_name(self, name: str, suffix: str = ".yaml") -> str:
        """A file name made from a scenario name: a slug, never a path."""
        return slug(name) + suffix

    def save(self, name: str, given_description: str = "") -> list[Message]:
        """Write the current scenario, renamed, as YAML into the working folder (``<slug of name>.yaml``)."""
        try:
            sc = self.named(name, given_description)
        except Refused as exc:
            return self._say(exc.message)
        path = self._target(self.file_name(sc.name))
        try:
            sc.to_yaml(path)
        except OSError:
            return self._say(Message("error", text("save_failed", folder=str(self.folder))))
        self._saved.add(path)
        self.last_saved = path
        return self._say(Message("info", text("saved", file=path.name)))

    def _target(self, file_name: str) -> Path:
        """A path inside the working folder; a file this session did not write is never overwritten."""
        stem, suffix = file_name.rsplit(".", 1)
        path = (self.folder / file_name).resolve()
        n = 2
        while path.exists() and path not in self._saved:
            path = (self.folder / f"{stem}-{n}.{suffix}").resolve()
            n += 1
        if not path.is_relative_to(self.folder):   # cannot happen with a slug; a guard for later changes
            raise Refused("name_unsafe")
        return path

    def yaml_text(self, name: str, given_description: str = "") -> tuple[str, str]:
        """(file name, YAML text) of the renamed scenario, for a download in the browser. Raises Refused."""
        sc = self.named(name, given_description)
        return self.file_name(sc.name), sc.to_yaml()

    def render_report(self, name: str, given_description: str = "") -> tuple[list[Message], Path | None]:
        """Save the scenario (as :meth:`save`) and render its offline HTML report beside it."""
        from ..report import SCENARIO_NOTEBOOK, render_notebook
        messages = self.save(name, given_description)
        if messages[0].level == "error":
            return messages, None
        out = self._target(self.last_saved.stem + ".html")
        try:
            render_notebook(SCENARIO_NOTEBOOK, {"scenario_path": str(self.last_saved)}, out,
                            title=self.scenario.name if not name else name.strip())
        except (ReformkitError, OSError):
            return self._say(Message("error", text("report_failed"))), None
        self._saved.add(out)
        return self._say(Message("info", text("report_done", file=out.name))), out


