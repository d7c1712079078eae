"""Validating scenario data: every problem at once, each naming file, line, block and kommune."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..errors import ParameterError, ScenarioError
from ..params import GROUPS, load_parameters
from ._util import kind as _kind, suggest as _suggest
from .model import (DEFAULT_BORDERS, DEFAULT_HORIZON, DEFAULT_PROJECTION, Block, Scenario,
                    projection_alternatives)
from .names import kommune_index
from .parse_blocks import BLOCK_KEYS, parse_blocks as _blocks  # noqa: F401  (BLOCK_KEYS re-exported)
from .reading import parse_yaml, printable, read_text

TOP_KEYS = ("name", "description", "borders", "base_year", "horizon", "projection", "area", "blocks", "assumptions")
BORDER_YEARS = (2024, 2019)
FIRST_YEAR, LAST_YEAR = 1900, 2100


#: Sections of a scenario's ``assumptions``: any parameter group of :mod:`reformkit.params`.
ASSUMPTION_SECTIONS = tuple(GROUPS)


# ---- entry points ----------------------------------------------------------------------------------------------
def parse_text(text: str, atlas=None, *, file: str = "<text>", load: bool = False,
               source: str | None = None) -> Scenario:
    """Parse and validate scenario YAML text; ``load=True`` loads the Atlas of the scenario's borders."""
    data, lines, soft = parse_yaml(text, file)
    return build(data, atlas=atlas, file=file, lines=lines, source=source, load=load, early=soft)


def load_scenario(path: str | Path, atlas=None) -> Scenario:
    """Read, validate and resolve a scenario file.

    Every problem is reported at once in a :class:`~reformkit.errors.ScenarioError` (one line each, naming
    file, line, block and kommune). Without ``atlas`` the Atlas of the file's ``borders`` is loaded (memoised).

    >>> sc = load_scenario("data/scenarios/more-og-romsdal-4.yaml")   # doctest: +SKIP
    >>> sc.blocks[0].centre                                             # doctest: +SKIP
    '1505'
    """
    path = Path(path)
    return parse_text(read_text(path), atlas=atlas, file=str(path), load=atlas is None, source=str(path))


# ---- validation ---------------------------------------------------------------------------------------------------
class _Problems:
    def __init__(self, file: str, lines: dict[tuple, int]):
        self.file, self.lines, self.items = file, lines, []

    def add(self, path: tuple, message: str, *, block: str | None = None, kommune: Any = None) -> None:
        line = None
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                break
        where = f"{self.file}:{line}" if line is not None and path else self.file
        context = (f" block '{block}':" if block is not None else "") + \
                  (f" kommune '{kommune}':" if kommune is not None else "")
        self.items.append(printable(f"{where}:{context} {message}"))

    def raise_if_any(self) -> None:
        if self.items:
            n = len(self.items)
            raise ScenarioError(f"{self.file}: {n} problem{'s' if n > 1 else ''} in the scenario", self.items)


def _year(data: Mapping, key: str, default: int, P: _Problems) -> int | None:
    if key not in data or data[key] is None:
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        P.add((key,), f"{key} must be a year such as 2024, got {_kind(value)} {value!r}")
        return None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        P.add((key,), f"{key} {value} is outside {FIRST_YEAR}–{LAST_YEAR}")
        return None
    return value


def build(data: Any, atlas=None, *, file: str, lines: dict | None = None, source: str | None = None,
          load: bool = False, early: list[str] | None = None) -> Scenario:
    """Validate scenario data and build a Scenario; resolve names when an Atlas is given (or ``load``)."""
    P = _Problems(file, lines or {})
    P.items.extend(early or [])
    if not isinstance(data, Mapping):
        P.add((), f"the top level must be a mapping with keys such as name, borders and blocks, got {_kind(data)}")
        P.raise_if_any()
    for key in data:
        if key not in TOP_KEYS:
            P.add((str(key),), f"unknown key '{key}'{_suggest(key, TOP_KEYS)}")

    name, description, borders, base_year, horizon, projection = _header(data, P)
    area = _area(data.get("area"), P)
    assumptions = _assumptions(data.get("assumptions"), P, Path(source).parent if source else None)

    index = _index(atlas, load, borders, base_year, area, P)
    blocks = _blocks(data.get("blocks"), P, index, area)
    if index is not None and area and blocks is not None:
        _check_covered(blocks, index, area, P)
    P.raise_if_any()
    names = {k: index.short[k] for b in blocks for k in b.members} if index is not None else {}
    return Scenario(name=name.strip(), blocks=blocks, description=description, borders=borders,
                    base_year=base_year, horizon=horizon, projection=projection, area=area,
                    assumptions=dict(assumptions), names=names, source=source, resolved=index is not None)


def _area(area: Any, P: _Problems) -> list[str] | None:
    """``area`` as a list of fylkesnummer ("15") and kommunenummer ("1505") strings."""
    if area is None:
        return None
    items = area if isinstance(area, list) else [area]
    cleaned = []
    for i, f in enumerate(items):
        text = f"{f:02d}" if isinstance(f, int) and not isinstance(f, bool) and 0 < f < 100 else (
            f"{f:04d}" if isinstance(f, int) and not isinstance(f, bool) and 100 <= f < 10000 else f)
        if isinstance(text, str) and text.strip().isdigit() and len(text.strip()) in (1, 2, 4):
            cleaned.append(text.strip().zfill(2) if len(text.strip()) <= 2 else text.strip())
        else:
            P.add(("area", i) if isinstance(area, list) else ("area",),
                  f"area lists fylkesnummer such as \"15\" or kommunenummer such as \"1505\", got {_kind(f)} {f!r}")
    return list(dict.fromkeys(cleaned))


def _assumptions(raw: Any, P: _Problems, base_dir: Path | None) -> dict:
    """``assumptions`` checked against the parameter groups now, so a bad value fails when the file loads
    (a ``travel.matrix_csv`` of a scenario read from a file must exist, relative to the file's folder)."""
    assumptions = raw or {}
    if not isinstance(assumptions, Mapping):
        P.add(("assumptions",), f"assumptions must be a mapping of parameter overrides, got {_kind(assumptions)}")
        return {}
    for section, value in assumptions.items():
        if section not in ASSUMPTION_SECTIONS:
            P.add(("assumptions", section), f"assumptions.{section}: unknown section{_suggest(section, ASSUMPTION_SECTIONS)}"
                  f" (known: {', '.join(ASSUMPTION_SECTIONS)})")
        elif not isinstance(value, Mapping):
            P.add(("assumptions", section), f"assumptions.{section} must be a mapping of parameter overrides, "
                  f"got {_kind(value)}")
        else:
            try:
                params = load_parameters().with_assumptions({section: value}, origin=P.file, base_dir=base_dir)
            except ParameterError as exc:
                for problem in exc.problems:
                    P.add(("assumptions", section), problem.removeprefix(f"{P.file}: "))
                continue
            matrix = params.settings.get("matrix_csv")
            if matrix and base_dir is not None and not Path(matrix).is_file():
                P.add(("assumptions", section, "matrix_csv"), f"assumptions.travel.matrix_csv: {matrix} is not a "
                      f"file (a relative path is read from the scenario file's folder)")
    return dict(assumptions)


def _header(data: Mapping, P: _Problems) -> tuple:
    """name, description, borders, base_year, horizon and projection, each checked."""
    name = data.get("name")
    if name is None:
        P.add((), "missing 'name' (the scenario's title)")
    elif not isinstance(name, str) or not name.strip():
        P.add(("name",), f"name must be non-empty text, got {_kind(name)} {name!r}")
    description = data.get("description") or ""
    if not isinstance(description, str):
        P.add(("description",), f"description must be text, got {_kind(description)}")
        description = ""

    borders = data.get("borders", DEFAULT_BORDERS)
    if isinstance(borders, bool) or borders not in BORDER_YEARS:
        P.add(("borders",), f"borders must be one of {', '.join(map(str, BORDER_YEARS))}, got {borders!r}")
        borders = None
    base_year = _year(data, "base_year", borders or DEFAULT_BORDERS, P)
    horizon = _year(data, "horizon", DEFAULT_HORIZON, P)
    if base_year is not None and horizon is not None and horizon <= base_year:
        P.add(("horizon",), f"horizon {horizon} must be after base_year {base_year}")

    projection = data.get("projection", DEFAULT_PROJECTION)
    alternatives = projection_alternatives()
    if projection is None:
        projection = DEFAULT_PROJECTION
    elif not isinstance(projection, str) or projection not in alternatives:
        P.add(("projection",), f"unknown projection alternative {projection!r}{_suggest(projection, alternatives)} "
                               f"(known: {', '.join(alternatives)})")

    return name, description, borders, base_year, horizon, projection


def _index(atlas, load: bool, borders: int | None, base_year: int | None, area: list[str] | None, P: _Problems):
    """The Atlas's name index when the scenario is resolved against one (loaded when ``load``), with the
    checks of borders, base year and area against it; None when there is no (matching) Atlas."""
    if atlas is None and load and borders is not None:
        from ..data import load_atlas
        atlas = load_atlas(borders)
    index = kommune_index(atlas) if atlas is not None else None
    if atlas is not None and borders is not None and atlas.borders != borders:
        P.add(("borders",), f"the scenario is on {borders} borders but the data given is on {atlas.borders} borders")
        index = None
    if atlas is not None and base_year is not None and base_year not in atlas.years:
        P.add(("base_year",), f"no observed population for base_year {base_year} on {atlas.borders} borders "
                              f"(observed {atlas.years[0]}–{atlas.years[-1]})")
    if index is not None and area:
        known = set(index.fylke.values())
        for f in area:
            if len(f) == 2 and f not in known:
                P.add(("area",), f"no fylke {f} on {atlas.borders} borders{_suggest(f, sorted(known))}")
            elif len(f) == 4 and f not in index.codes:
                P.add(("area",), f"no kommune {f} on {atlas.borders} borders")

    return index


def _check_covered(blocks: list[Block], index, area: list[str], P: _Problems) -> None:
    """Every kommune of the area belongs to a block."""
    placed = {k for b in blocks for k in b.members}
    for code in sorted(c for c, f in index.fylke.items() if f in area or c in area):
        if code not in placed:
            P.add(("area",), f"kommune {code} {index.short[code]} of area {', '.join(area)} is in no block "
                             f"(every kommune of the area belongs to exactly one block)")
