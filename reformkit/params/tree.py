"""A group of parameter files merged into one tree of dotted leaf paths, with validation and overrides.

Every parameter file is a nested mapping whose leaves are ``{value: ..., source: "..."}`` (see
:mod:`reformkit.params.files`). A *group* merges one or more files (the economy group merges five) into one
:class:`ParamTree`: bare values, and the source and file of every leaf. A value may be the word ``unknown``:
the figure is not available in the sources, and whatever needs it is reported as not computed unless a
scenario supplies it (``tree.get(path)`` then returns None).

**Override syntax** (a scenario's ``assumptions``, one mapping per group)::

    assumptions:
      economy:
        realisation_share: 0.5                    # a leaf name that is unique in the group
        admin_savings.phase_in_years: 6           # or a dotted path from the root of the group
        regionsenter: {per_inhabitant: 75}        # or a nested mapping following the tree
        smakommunetilskudd.amount_per_kommune: 6000000   # supplies an `unknown` value

Every leaf, in the files and in overrides, is checked against its group's :class:`~.rules.Rule` (finite
numbers, no true/false for a number, ranges, whole years, kommunenummer lists); unknown or ambiguous names
are rejected with the group's close matches.
"""
from __future__ import annotations

import copy
import difflib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParameterError
from .rules import UNKNOWN, GroupSpec

__all__ = ["ParamTree", "UNKNOWN", "build_tree"]


def _leaves(raw: Any, prefix: str = "") -> dict[str, dict]:
    """``{dotted path: {"value", "source"}}`` of a raw parameter file."""
    if isinstance(raw, dict) and "value" in raw:
        return {prefix: raw}
    out: dict[str, dict] = {}
    if isinstance(raw, dict):
        for k, v in raw.items():
            out.update(_leaves(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


@dataclass(frozen=True, eq=False)
class ParamTree:
    """One group of parameters: ``values`` (nested, bare), ``sources`` and ``files`` per dotted leaf path.

    >>> tree = load_parameters().tree("economy")                # doctest: +SKIP
    >>> tree.get("cost_key.basis.unit_amount")                  # doctest: +SKIP
    19860180
    """

    spec: GroupSpec
    values: dict
    sources: dict[str, str]
    files: dict[str, str]
    overridden: dict[str, Any] = field(default_factory=dict)

    @property
    def group(self) -> str:
        """The group's name (the section name in a scenario's ``assumptions``)."""
        return self.spec.name

    def get(self, path: str) -> Any:
        """The value at a dotted path (``None`` if it is ``unknown``); a subtree as a dict. KeyError if absent."""
        node: Any = self.values
        try:
            for part in path.split("."):   # age-group keys such as "0-1" or "90+" contain no dots
                node = node[part]
        except (KeyError, TypeError):
            if path in self.spec.derived:
                return self.get(self.spec.derived[path][0])
            raise KeyError(path) from None
        return None if node == UNKNOWN else node

    def is_unknown(self, path: str) -> bool:
        """True when the value at ``path`` is ``unknown`` (not available in the sources)."""
        return self.get(path) is None

    def leaves(self) -> list[str]:
        """Every dotted leaf path, sorted."""
        return sorted(self.sources)

    def used(self, paths: list[str] | None = None) -> dict:
        """``{path: {"value", "source"}}`` for the leaves under ``paths`` (all if None); unknown -> None."""
        return {leaf: {"value": self.get(leaf), "source": self.sources[leaf]} for leaf in self.leaves()
                if paths is None or any(leaf == p or leaf.startswith(p + ".") for p in paths)}

    def digest(self) -> str:
        """A short hash of the values: a cache key that changes when any value changes."""
        text = json.dumps(self.values, sort_keys=True, default=str, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_overrides(self, overrides: Mapping | None, origin: str = "scenario") -> "ParamTree":
        """A copy with ``overrides`` applied (see the module docstring); ParameterError lists every problem,
        each naming ``origin`` (the scenario file) and the key."""
        if not overrides:
            return self
        where = f"{origin}: assumptions.{self.group}"
        if not isinstance(overrides, Mapping):
            raise ParameterError(f"{where} must be a mapping of parameter names to values")
        flat, problems = self._flatten(overrides, where)
        new_values = copy.deepcopy(self.values)
        for path, value in flat.items():
            problem = self.spec.check(path, value, override=True)
            if problem:
                problems.append(f"{where}: {problem}")
                continue
            node = new_values
            parts = path.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})   # a derived default has no node of its own
            node[parts[-1]] = value
        if problems:
            raise ParameterError(f"{origin}: invalid {self.group} assumptions", problems)
        sources = dict(self.sources)
        for path in flat:
            sources[path] = f"Scenarioets antakelse (assumptions.{self.group}), erstatter: {self.sources[path]}"
        out = ParamTree(self.spec, new_values, sources, self.files, {**self.overridden, **flat})
        problems = [f"{where}: {p}" for p in self.spec.check_tree(out.get)]
        if problems:
            raise ParameterError(f"{origin}: invalid {self.group} assumptions", problems)
        return out

    def _flatten(self, overrides: Mapping, where: str) -> tuple[dict[str, Any], list[str]]:
        leaves = self.leaves()
        flat: dict[str, Any] = {}
        problems: list[str] = []

        def walk(name: str, node: Any, shown: str) -> None:
            path, candidates = _resolve(name, leaves)
            if path is None:
                if candidates:
                    problems.append(f"{where}.{shown}: ambiguous parameter name, use one of {', '.join(candidates)}")
                else:
                    near = difflib.get_close_matches(name, leaves + [p.rsplit(".", 1)[-1] for p in leaves], n=1)
                    hint = f"; did you mean '{near[0]}'?" if near else ""
                    problems.append(f"{where}.{shown}: unknown parameter name{hint}")
                return
            if path in leaves:
                flat[path] = node
                return
            if not isinstance(node, Mapping):
                example = next(leaf for leaf in leaves if leaf.startswith(path + "."))
                problems.append(f"{where}.{shown}: {path!r} is a group of parameters; give a mapping or a full "
                                f"name such as {example!r}")
                return
            for k, v in node.items():
                walk(f"{path}.{k}", v, f"{shown}.{k}")

        for key, value in overrides.items():
            if not isinstance(key, str):
                problems.append(f"{where}: parameter names are text, got {key!r}")
                continue
            walk(key, value, key)
        return flat, problems


def _resolve(name: str, leaves: list[str]) -> tuple[str | None, list[str]]:
    """Map an override key to a leaf path (or a subtree prefix); return (path, candidates)."""
    if name in leaves or any(leaf.startswith(name + ".") for leaf in leaves):
        return name, [name]
    matches = sorted({leaf for leaf in leaves if leaf.split(".")[-1] == name or leaf.endswith("." + name)})
    if len(matches) == 1:
        return matches[0], matches
    # a unique intermediate node name (e.g. "regionsenter") also resolves
    prefixes = sorted({leaf[: leaf.index(name) + len(name)] for leaf in leaves
                       if ("." + name + ".") in ("." + leaf) and not leaf.startswith(name + ".")})
    if not matches and len(prefixes) == 1:
        return prefixes[0], prefixes
    return None, matches or prefixes


def build_tree(spec: GroupSpec, files: list[tuple[str, dict, dict]]) -> ParamTree:
    """Merge ``(file name, values, raw)`` triples into a validated tree; ParameterError lists every problem."""
    values: dict = {}
    sources: dict[str, str] = {}
    where: dict[str, str] = {}
    problems: list[str] = []
    for fname, vals, raw in files:
        for section in vals:
            if section in values:
                other = next((f for leaf, f in where.items() if leaf.split(".")[0] == section), "another file")
                problems.append(f"{fname}: section {section!r} is also defined in {other}")
        values.update(vals)
        for leaf, node in _leaves(raw).items():
            sources[leaf] = " ".join(str(node.get("source", "")).split())
            where[leaf] = fname
            problem = spec.check(leaf, node.get("value"))
            if problem:
                problems.append(f"{fname}: {problem}")
    for path, (followed, text) in spec.derived.items():
        if path not in sources and followed in sources:
            sources[path], where[path] = text, where[followed]
    for req in spec.required:
        if req not in sources and not any(leaf.startswith(req + ".") for leaf in sources):
            problems.append(f"{', '.join(f for f, _, _ in files)}: required parameter {req!r} is missing")
    if not problems:
        tree = ParamTree(spec, values, sources, where)
        problems = [f"{where.get(spec.tree_rule_file, files[0][0])}: {p}" for p in spec.check_tree(tree.get)]
        if not problems:
            return tree
    raise ParameterError(f"invalid {spec.name} parameters", problems)
