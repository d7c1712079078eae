"""Parameters of track 2 from ``params/cooperation.yaml``: values, sources and overrides.

The file holds numbers (cost basis, dominance, scoring) and the Norwegian vocabulary (service, key and
criterion labels, checklist questions, pitfall lessons), each leaf ``{value, source}``. ``unknown`` values
come back as None from :meth:`CooperationParams.get`.

Overrides (``assumptions: {cooperation: {...}}`` in a scenario, or the ``overrides`` argument) use dotted
paths from the root or nested mappings, e.g. ``{"dominance.max_ratio": 1.5}`` or
``{"services": {"brann": {"cost_per_inhabitant": 1400}}}``; an override may supply an ``unknown`` number but
may not change text, lists or switches.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import Any, Mapping

from ..errors import ParameterError
from ..params import read_param_file
from ..paths import PARAMS_DIR

UNKNOWN = "unknown"
#: Leaves that are shares between 0 and 1.
SHARES = ("dominance.majority_share", "scorecard.met_share", "scorecard.answers.ja", "scorecard.answers.delvis",
          "scorecard.answers.nei")


@dataclass(frozen=True)
class CooperationParams:
    """The parameter tree: ``values`` (bare), ``sources`` per dotted leaf path, and what was overridden."""

    values: dict
    sources: dict[str, str]
    overridden: dict[str, Any] = field(default_factory=dict)

    def get(self, path: str, default: Any = KeyError) -> Any:
        """The value at a dotted path; None when it is ``unknown``. KeyError (or ``default``) if absent."""
        node: Any = self.values
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is KeyError:
                    raise KeyError(path)
                return default
            node = node[part]
        return None if node == UNKNOWN else node

    def source(self, path: str) -> str | None:
        """The source text of a leaf (``"scenario"`` when overridden)."""
        return "scenario" if path in self.overridden else self.sources.get(path)

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(self.values["services"])

    def label(self, kind: str, key: str) -> str:
        """Norwegian label: ``label("services", "ppt")``, ``label("keys", ...)``, ``label("criteria", "input")``,
        ``label("pitfalls", ...)``."""
        node = self.values["scorecard"]["criteria"] if kind == "criteria" else self.values[kind]
        return node[key]["label"]


def _leaves(node: Any, prefix: str = "") -> dict[str, dict]:
    if isinstance(node, dict) and "value" in node:
        return {prefix: node}
    out: dict[str, dict] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(_leaves(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def _flat(overrides: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out.update(_flat(value, path) if isinstance(value, Mapping) else {path: value})
    return out


def _set(values: dict, path: str, value: Any) -> None:
    *head, last = path.split(".")
    node = values
    for part in head:
        node = node[part]
    node[last] = value


def _override_problem(path: str, old: Any, value: Any) -> str | None:
    if isinstance(old, (str, list, bool)) and old != UNKNOWN:
        return f"{path}: text, lists and switches cannot be overridden"
    if isinstance(value, bool) or not isinstance(value, Real):
        return f"{path}: expected a number, got {value!r}"
    if value < 0:
        return f"{path}: negative value {value} (must be >= 0)"
    if (path in SHARES or path.endswith(("share_of_sector", "kostra_share"))) and value > 1:
        return f"{path}: {value} is not a share between 0 and 1"
    if path.endswith("saving_pct") and value > 100:
        return f"{path}: {value} is more than 100 per cent"
    return None


def load_cooperation_params(overrides: Mapping[str, Any] | None = None, params_dir: str | Path | None = None,
                            *, where: str = "assumptions.cooperation") -> CooperationParams:
    """Read ``cooperation.yaml`` and apply dotted-path ``overrides``; ParameterError lists every bad override.

    >>> p = load_cooperation_params({"dominance.max_ratio": 1.5})
    >>> p.get("dominance.max_ratio"), p.source("dominance.max_ratio")
    (1.5, 'scenario')
    """
    values, raw = read_param_file(Path(params_dir or PARAMS_DIR) / "cooperation.yaml")
    leaves = _leaves(raw)
    sources = {path: str(leaf["source"]) for path, leaf in leaves.items()}
    values = copy.deepcopy(values)
    problems = []
    overrides = _flat(overrides or {})
    for path, value in overrides.items():
        if path not in leaves:
            problems.append(f"{where}: unknown parameter '{path}'")
            continue
        problem = _override_problem(path, leaves[path]["value"], value)
        if problem:
            problems.append(f"{where}: {problem}")
        else:
            _set(values, path, value)
    if problems:
        raise ParameterError(f"{where}: invalid cooperation parameters", problems)
    return CooperationParams(values=values, sources=sources, overridden=overrides)
