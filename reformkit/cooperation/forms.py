"""The legal forms of inter-municipal cooperation, read from ``reference/cooperation-forms.yaml``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import ParameterError, ReformkitError
from ..paths import reference_file
from ..scenario.cooperation import FORMS_FILE
_TEXT = ("name", "legal_basis", "top_body", "steering", "accountability", "binding", "typical_use", "note", "source")
_FLAGS = ("host", "joint_body", "services", "decisions", "in_force")
BINDING_LEVELS = ("lav", "middels", "høy")


@dataclass(frozen=True)
class CooperationForm:
    """One legal form of inter-municipal cooperation (text fields in Norwegian, for users).

    ``host``: one member hosts it (vertskommune); ``joint_body``: the members sit in a joint top body;
    ``min_seats``: least seats per member there; ``services``: meant to run services; ``decisions``: may be
    given authority to make individual decisions (enkeltvedtak); ``in_force``: can be set up today.
    """

    key: str
    name: str
    legal_basis: str
    top_body: str
    steering: str
    accountability: str
    binding: str
    typical_use: str
    note: str
    source: str
    host: bool
    joint_body: bool
    min_seats: int
    services: bool
    decisions: bool
    in_force: bool


def load_forms(path: str | Path | None = None) -> dict[str, CooperationForm]:
    """The forms by key, in file order. Raises ParameterError naming every malformed entry.

    >>> load_forms()["vertskommune_nemnd"].host
    True
    """
    path = Path(path or reference_file(FORMS_FILE))
    return dict(_load(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: int) -> tuple[tuple[str, CooperationForm], ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = raw.get("forms") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise ParameterError(f"{path}: expected a mapping 'forms' of cooperation forms")
    problems, out = [], []
    for key, entry in entries.items():
        missing = [f for f in (*_TEXT, *_FLAGS, "min_seats") if not isinstance(entry, dict) or f not in entry]
        if missing:
            problems.append(f"{path}: forms.{key}: missing {', '.join(missing)}")
            continue
        if entry["binding"] not in BINDING_LEVELS or not entry["source"]:
            problems.append(f"{path}: forms.{key}: binding must be one of {', '.join(BINDING_LEVELS)} and a "
                            f"source must be given")
            continue
        out.append((key, CooperationForm(key=key, **{f: str(entry[f] or "") for f in _TEXT},
                                         **{f: bool(entry[f]) for f in _FLAGS}, min_seats=int(entry["min_seats"]))))
    if problems:
        raise ParameterError(f"{path}: invalid cooperation forms", problems)
    return tuple(out)


def form(key: str) -> CooperationForm:
    """The cooperation form with ``key`` (ReformkitError listing the keys if unknown).

    >>> form("oppgavefellesskap").legal_basis
    'Kommuneloven (2018) kap. 19 (§ 19-1 ff.)'
    """
    forms = load_forms()
    if key not in forms:
        raise ReformkitError(f"unknown cooperation form {key!r}; known: {', '.join(forms)}")
    return forms[key]
