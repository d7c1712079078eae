"""Model and policy parameters: one loader, validated groups, typed views, scenario overrides.

Every file under ``resources/params`` (or a project folder's ``data/params``) is a nested mapping whose leaves
are ``{value: ..., source: "..."}``; each value names its source (and year, for policy figures). Files are
merged into *groups* (:data:`GROUPS`: economy, sustainability, criteria, geo, travel, projection, propose,
cooperation, profile), each
checked leaf by leaf against :mod:`reformkit.params.rules`. :func:`load_parameters` returns them all as one
:class:`Parameters`; :meth:`Parameters.with_assumptions` applies a scenario's ``assumptions`` to any group.
Functions receive the parameters they use as arguments; only the public entry points (``evaluate``,
``propose``, ``project`` …) load the defaults when none are given.

>>> params = load_parameters()
>>> params.criteria.min_inhabitants
(15000, 20000)
>>> params.with_assumptions({"economy": {"discount_rate": 0.03}}).tree("economy").get("discount_rate")
0.03
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from .files import load_params, param_path, read_param_file
from .rules import GROUPS, UNKNOWN, GroupSpec, Rule
from .sections import Criteria, NeighbourParams, ProposeParams, SolverParams
from .tree import ParamTree, build_tree

__all__ = ["Parameters", "load_parameters", "load_group", "ParamTree", "GROUPS", "UNKNOWN", "GroupSpec", "Rule",
           "Criteria", "NeighbourParams", "ProposeParams", "SolverParams", "load_params",
           "read_param_file", "param_path", "ParameterError"]

#: Keys of ``assumptions.travel`` that are settings, not parameters (a file of real travel times).
TRAVEL_SETTINGS = ("matrix_csv",)


def _settings(overrides: Mapping, origin: str, base_dir: str | Path | None, problems: list[str]) -> dict:
    """The settings among a travel section's overrides, checked; a relative ``matrix_csv`` is resolved against
    ``base_dir`` (the scenario file's folder) when given, else the current directory."""
    out = {}
    for key in TRAVEL_SETTINGS:
        if key not in overrides:
            continue
        value = overrides[key]
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{origin}: assumptions.travel.{key}: {value!r} is not a file name")
            continue
        path = Path(value.strip()).expanduser()
        out[key] = str(Path(base_dir) / path) if base_dir is not None and not path.is_absolute() else str(path)
    return out


def load_group(name: str, params_dir: str | Path | None = None) -> ParamTree:
    """Read, merge and validate one group's files; ParameterError lists every problem (file and key)."""
    if name not in GROUPS:
        raise ParameterError(f"unknown parameter group {name!r}; known: {', '.join(GROUPS)}")
    spec = GROUPS[name]
    files, problems = [], []
    for stem in spec.files:
        path = param_path(stem, params_dir)
        try:
            values, raw = read_param_file(path)
        except ParameterError as exc:
            problems.extend(exc.problems)
            continue
        files.append((str(path), values, raw))
    if problems:
        raise ParameterError(f"invalid {name} parameters", problems)
    return build_tree(spec, files)


@dataclass(frozen=True, eq=False)
class Parameters:
    """Every parameter group, validated. Immutable: :meth:`with_assumptions` returns a new object."""

    trees: Mapping[str, ParamTree]
    settings: Mapping[str, Any]

    def tree(self, group: str) -> ParamTree:
        """One group as a tree of dotted paths (``tree.get("discount_rate")``)."""
        try:
            return self.trees[group]
        except KeyError:
            raise ParameterError(f"unknown parameter group {group!r}; known: {', '.join(self.trees)}") from None

    @cached_property
    def criteria(self) -> Criteria:
        return Criteria.from_tree(self.tree("criteria"))

    @cached_property
    def neighbours(self) -> NeighbourParams:
        return NeighbourParams.from_tree(self.tree("geo"))

    @property
    def travel(self) -> dict:
        """The road travel-time model's parameters (``params/roads.yaml``) as a nested mapping of values."""
        return self.tree("travel").values

    @cached_property
    def propose(self) -> ProposeParams:
        return ProposeParams.from_tree(self.tree("propose"))

    @property
    def economy(self) -> ParamTree:
        return self.tree("economy")

    @property
    def sustainability(self) -> ParamTree:
        return self.tree("sustainability")

    @property
    def projection(self) -> ParamTree:
        return self.tree("projection")

    def digest(self, *groups: str) -> str:
        """A cache key over the values of ``groups`` (all groups when none are named)."""
        return "-".join(self.tree(g).digest() for g in (groups or tuple(self.trees)))

    def with_assumptions(self, assumptions: Mapping | None, origin: str = "scenario",
                         base_dir: str | Path | None = None) -> "Parameters":
        """The parameters with a scenario's ``assumptions`` applied: ``{group: {name: value}}`` for any group.

        ParameterError lists every problem (unknown group or name, wrong type, out of range), each naming
        ``origin`` and the key. A relative ``travel.matrix_csv`` is read from ``base_dir`` (the folder of the
        scenario file) when given.
        """
        if not assumptions:
            return self
        if not isinstance(assumptions, Mapping):
            raise ParameterError(f"{origin}: assumptions must be a mapping of parameter groups")
        trees, settings, problems = dict(self.trees), dict(self.settings), []
        for group, overrides in assumptions.items():
            if group not in trees:
                problems.append(f"{origin}: assumptions.{group}: unknown parameter group; known: {', '.join(trees)}")
                continue
            if group == "travel" and isinstance(overrides, Mapping):
                settings.update(_settings(overrides, origin, base_dir, problems))
                overrides = {k: v for k, v in overrides.items() if k not in TRAVEL_SETTINGS}
            try:
                trees[group] = trees[group].with_overrides(overrides, origin)
            except ParameterError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ParameterError(f"{origin}: invalid assumptions", problems)
        return Parameters(trees, settings)


_MEMO: dict[tuple, Parameters] = {}


def load_parameters(params_dir: str | Path | None = None) -> Parameters:
    """Every parameter group, read through one loader and validated (memoised per file version).

    ``params_dir`` reads the files from another folder (tests, a copy being edited).
    """
    stamps = tuple((stem, _mtime(param_path(stem, params_dir))) for g in GROUPS.values() for stem in g.files)
    key = (str(params_dir), stamps)
    if key not in _MEMO:
        trees, problems = {}, []
        for name in GROUPS:
            try:
                trees[name] = load_group(name, params_dir)
            except ParameterError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ParameterError("invalid parameter files", problems)
        _MEMO.clear()
        _MEMO[key] = Parameters(trees, {})
    return _MEMO[key]


def _mtime(path: Path) -> int | None:
    return path.stat().st_mtime_ns if path.exists() else None
