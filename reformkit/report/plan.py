"""What a batch renders: the tasks for scenario files, fylker and kommuner, each with a unique file name
that is checked before anything runs.

A scenario file that does not load fails alone (its problems listed, no report). Every fylke in a valid
scenario's ``area`` gets a county overview; ``--fylke`` adds more (or every fylke); ``--kommune`` adds kommune
profiles. Scenarios are compared only with scenarios of the same area and borders: each such group of two or
more gets its own comparison.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..errors import ReformkitError

SCENARIO_NOTEBOOK = "scenario_report.ipynb"
COUNTY_NOTEBOOK = "county_overview.ipynb"
COMPARE_NOTEBOOK = "compare_scenarios.ipynb"
PROFILE_NOTEBOOK = "kommune_profile.ipynb"
COMPARE_FILE = "sammenligning.html"
INDEX_FILE = "index.html"
#: Names the batch's own pages use; a scenario file of such a name gets the prefix "scenario-".
RESERVED = re.compile(r"^(index|sammenligning(-.*)?|fylke-.*|kommune-.*)$")


@dataclass
class Task:
    """One report to render: the notebook, its parameters, the HTML file and a label for messages.

    ``inputs`` are the files whose bytes the report depends on besides the code and data (scenario files);
    ``meta`` what the plan knew of them (a scenario's name, area and borders), kept in the manifest."""
    kind: str                      # "scenario", "county", "compare" or "kommune"
    label: str
    notebook: str
    parameters: dict[str, Any]
    out: Path
    title: str = ""
    inputs: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def slug(text: str) -> str:
    """A file-name part: lower case ASCII letters, digits and hyphens (``"Møre og Romsdal"`` -> ``"more-og-romsdal"``)."""
    text = text.lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("á", "a"), ("č", "c"), ("š", "s"), ("ŋ", "n"), ("đ", "d")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "rapport"


def unique_names(stems: Sequence[str]) -> list[str]:
    """File stems made unique in order: the first of a name keeps it, a later one gets the lowest free
    ``-2``, ``-3``… that is no other file's own name (``a``, ``a-2``, ``a`` -> ``a``, ``a-2``, ``a-3``).

    >>> unique_names(["a", "a-2", "a"])
    ['a', 'a-2', 'a-3']
    """
    own = set(stems)
    used: set[str] = set()
    out = []
    for stem in stems:
        name, n = stem, 2
        while name in used:
            while f"{stem}-{n}" in used or f"{stem}-{n}" in own:
                n += 1
            name = f"{stem}-{n}"
        used.add(name)
        out.append(name)
    return out


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (a scenario's identity for the incremental batch)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _scenario_meta(path: Path, known: dict[str, dict]) -> dict:
    """Name, area and borders of a scenario file: from the manifest when the file's bytes are unchanged
    (no need to load it again), else by loading it (which validates it; a ReformkitError names problems)."""
    digest = file_digest(path)
    if digest in known:
        return known[digest]
    from ..scenario import load_scenario   # imported here: an unchanged batch never needs it (nor pandas)
    sc = load_scenario(path)
    return {"digest": digest, "name": sc.name, "area": [str(f) for f in (sc.area or [])], "borders": int(sc.borders)}


def _failed(task: Task, exc: Exception):
    from .batch import Outcome
    if isinstance(exc, ReformkitError):
        problems = [p for p in exc.problems if p != exc.message]
        return Outcome(task, 0.0, "; ".join([exc.message] + problems), bad_input=True)
    return Outcome(task, 0.0, f"{task.label}: kan ikke leses ({getattr(exc, 'strerror', None) or exc})", bad_input=True)


def scenario_tasks(scenarios: Sequence[str | Path], out_dir: Path, known: dict[str, dict]):
    """(tasks, failures) for the scenario files, names unique."""
    paths = [Path(p) for p in scenarios]
    stems = [slug(p.stem) for p in paths]
    stems = unique_names([f"scenario-{s}" if RESERVED.match(s) else s for s in stems])
    tasks, failures = [], []
    for path, stem in zip(paths, stems):
        task = Task("scenario", str(path), SCENARIO_NOTEBOOK, {"scenario_path": str(path.resolve())},
                    out_dir / f"{stem}.html", inputs=[str(path.resolve())])
        try:
            task.meta = _scenario_meta(path, known)
        except (ReformkitError, OSError) as exc:
            failures.append(_failed(task, exc))
            continue
        task.title = task.meta["name"]
        tasks.append(task)
    return tasks, failures


def compare_tasks(scenario: list[Task], out_dir: Path) -> list[Task]:
    """One comparison per group of two or more scenarios with the same area and borders."""
    groups: dict[tuple, list[Task]] = {}
    for t in scenario:
        groups.setdefault((t.meta["borders"], tuple(sorted(t.meta["area"]))), []).append(t)
    groups = {k: v for k, v in groups.items() if len(v) >= 2}
    out = []
    for (borders, area), members in groups.items():
        where = "-".join(area) if area else "landet"
        name = COMPARE_FILE if len(groups) == 1 else f"sammenligning-{where}-{borders}.html"
        out.append(Task("compare", "sammenligning", COMPARE_NOTEBOOK,
                        {"scenario_paths": [t.parameters["scenario_path"] for t in members]}, out_dir / name,
                        inputs=[t.parameters["scenario_path"] for t in members],
                        meta={"area": list(area), "borders": borders}))
    return out


def county_task(fylke: str, borders: int, out_dir: Path) -> Task:
    name = f"fylke-{fylke}" + ("" if borders == 2024 else f"-{borders}")
    return Task("county", f"fylke {fylke}", COUNTY_NOTEBOOK, {"fylkesnummer": str(fylke), "borders": int(borders)},
                out_dir / f"{name}.html", meta={"fylke": str(fylke), "borders": int(borders)})


def kommune_task(code: str, out_dir: Path, kostra: str | Path | None = None) -> Task:
    """A kommune profile; with a KOSTRA file (its bytes are an input of the report)."""
    params: dict[str, Any] = {"kommunenummer": str(code)}
    inputs = []
    if kostra:
        path = Path(kostra).resolve()
        if not path.is_file():
            raise ReformkitError(f"--kostra {kostra}: finnes ikke")
        params["kostra_csv"] = str(path)
        inputs.append(str(path))
    return Task("kommune", f"kommune {code}", PROFILE_NOTEBOOK, params, out_dir / f"kommune-{code}.html",
                inputs=inputs, meta={"kommune": str(code)})


def resolve_targets(fylker: Sequence[str], kommuner: Sequence[str], borders: int) -> tuple[list[str], list[str]]:
    """The fylker (``all``: every fylke) and kommuner (numbers or names) asked for on the command line, as
    numbers on ``borders``; an unknown one is a user error (exit 2) before any report runs."""
    if not fylker and not kommuner:
        return [], []
    import reformkit as rk
    from ..evaluate.county import fylke_code
    from ..scenario.names import kommune_index

    atlas = rk.load_atlas(borders=borders)
    problems = []
    codes: list[str] = []
    if any(str(f).lower() in ("all", "alle") for f in fylker):
        codes = sorted(atlas.fylker["fylkesnummer"].astype(str))
    else:
        for f in fylker:
            try:
                codes.append(fylke_code(atlas, f))
            except ReformkitError as exc:
                problems.append(exc.message)
    found = []
    index = kommune_index(atlas) if kommuner else None
    for k in kommuner:
        r = index.resolve(str(k))
        found.append(r.code) if r.code else problems.append(f"--kommune {k}: {r.problem}")
    if problems:
        raise ReformkitError(problems[0], problems=problems)
    return list(dict.fromkeys(codes)), list(dict.fromkeys(found))


def plan(scenarios: Sequence[str | Path], out_dir: str | Path, *, county: bool = True, compare: bool = True,
         fylker: Sequence[str] = (), kommuner: Sequence[str] = (), borders: int = 2024,
         known: dict[str, dict] | None = None, kostra: str | Path | None = None) -> tuple[list[Task], list]:
    """Validate the inputs and plan the reports: returns (tasks, failed outcomes of invalid scenario files).

    ``known`` maps a scenario file's SHA-256 to what an earlier run learnt from it (the manifest), so an
    unchanged file is not loaded again.
    """
    out_dir = Path(out_dir)
    fylke_codes, kommune_codes = resolve_targets(fylker, kommuner, borders)
    tasks, failures = scenario_tasks(scenarios, out_dir, known or {})
    wanted: dict[tuple[str, int], None] = {}
    if county:
        for t in tasks:
            wanted.update({(f, t.meta["borders"]): None for f in t.meta["area"]})
    wanted.update({(f, borders): None for f in fylke_codes})
    counties = [county_task(f, b, out_dir) for f, b in wanted]
    compares = compare_tasks(tasks, out_dir) if compare else []
    profiles = [kommune_task(k, out_dir, kostra) for k in kommune_codes]
    return tasks + compares + counties + profiles, failures
