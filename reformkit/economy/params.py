"""Economy parameters: the YAML files under ``data/params/`` merged into one tree, validated, with overrides.

Files (each leaf ``{value, source}``; see the files for the sources):

* ``economy-2023.yaml``  cost key (weights, unit amounts) and the service split of the age criteria
* ``grants-2022.yaml``   innbyggertilskudd, småkommunetilskudd, Nord-Norge-tilskudd, distriktstilskudd
* ``grants-2021.yaml``   regionsentertilskudd and the storbytilskudd kommuner it is not paid with
* ``grants-2019.yaml``   inndelingstilskudd, engangstilskudd, reformstøtte
* ``economy-model.yaml`` model assumptions (merger timing, administrative savings, cooperation, discount rate)

A value may be the word ``unknown``: the figure is not available in the sources, and whatever needs it is
reported as "ikke beregnet" unless a scenario supplies it.

**Override syntax** (scenario ``assumptions``)::

    assumptions:
      economy:
        realisation_share: 0.5                    # a leaf name that is unique in the tree
        admin_savings.phase_in_years: 6           # or a dotted path from the root of the tree
        regionsenter: {per_inhabitant: 75}        # or a nested mapping following the tree
        smakommunetilskudd.amount_per_kommune: 6000000   # supplies an `unknown` value

Unknown or ambiguous names, a wrong type or a negative number raise ParameterError naming the scenario and
the key. Numbers must be >= 0 everywhere; shares (``realisation_share``, ``discount_rate``) must be <= 1;
every ``*_years`` / ``*_in_year`` parameter is a whole number >= 1 (an ``*_offset_years`` >= 0), and ``merger.one_off_in_year`` must not
exceed ``merger.analysis_years``; ``regionsenter.storbytilskudd_kommuner`` holds 4-digit kommunenummer
strings.

**Derived defaults**: a parameter of :data:`DERIVED` that the files leave out follows another parameter
(``admin_savings.fixed_cost_per_kommune`` follows ``cost_key.basis.unit_amount``, also when a scenario
overrides the basis amount); a scenario may still set it itself.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..params import read_param_file
from ..paths import PARAMS_DIR

PARAM_FILES = ("economy-2023", "grants-2022", "grants-2021", "grants-2019", "economy-model")
UNKNOWN = "unknown"

#: Paths the model reads; a file set lacking any of them is rejected.
REQUIRED = (
    "cost_key.age.0-1.unit_amount", "cost_key.age.2-5.unit_amount", "cost_key.age.6-15.unit_amount",
    "cost_key.age.16-22.unit_amount", "cost_key.age.23-66.unit_amount", "cost_key.age.67-79.unit_amount",
    "cost_key.age.80-89.unit_amount", "cost_key.age.90+.unit_amount", "cost_key.basis.unit_amount",
    "service_split.barnehage", "service_split.grunnskole", "service_split.pleie_omsorg", "service_split.other",
    "smakommunetilskudd.threshold_inhabitants", "smakommunetilskudd.amount_per_kommune",
    "nord_norge.per_inhabitant", "nord_norge.zone_of_fylke", "distriktstilskudd.amount_per_kommune",
    "regionsenter.threshold_inhabitants", "regionsenter.per_kommune", "regionsenter.per_inhabitant",
    "regionsenter.storbytilskudd_kommuner",
    "inndelingstilskudd.full_years", "inndelingstilskudd.phase_down_years",
    "engangstilskudd.base", "engangstilskudd.two_kommuner", "engangstilskudd.three_kommuner",
    "engangstilskudd.per_kommune_beyond_three", "reformstotte.bands",
    "merger.start_offset_years", "merger.analysis_years", "merger.one_off_in_year",
    "admin_savings.fixed_cost_per_kommune", "admin_savings.realisation_share", "admin_savings.phase_in_years",
    "cooperation.saving_per_service_per_kommune", "cooperation.services_in_cooperation", "discount_rate",
)
SHARES = ("admin_savings.realisation_share", "discount_rate")
#: Lists of kommunenummer (4-digit strings).
KOMMUNE_LISTS = ("regionsenter.storbytilskudd_kommuner",)
#: Parameters that default to another one when the files leave them out: path -> (followed path, source text).
DERIVED = {
    "admin_savings.fixed_cost_per_kommune": (
        "cost_key.basis.unit_amount",
        "C(N) = F + v·N: F følger basiskriteriets enhetsbeløp (cost_key.basis.unit_amount; domain.md: "
        "basiskriteriet kompenserer smådriftsulemper i administrasjon). Kan settes i scenarioets assumptions"),
}


@dataclass
class EconomyParams:
    """The merged parameter tree: ``values`` (bare values), ``sources`` and ``files`` per dotted leaf path."""

    values: dict
    sources: dict[str, str]
    files: dict[str, str]
    overridden: dict[str, Any] = field(default_factory=dict)

    def get(self, path: str) -> Any:
        """The value at a dotted path (``None`` if it is ``unknown``). KeyError if absent."""
        node: Any = self.values
        try:
            for part in _split(path):
                node = node[part]
        except KeyError:
            if path in DERIVED:
                return self.get(DERIVED[path][0])
            raise
        return None if node == UNKNOWN else node

    def is_unknown(self, path: str) -> bool:
        return self.get(path) is None

    def used(self, paths: list[str] | None = None) -> dict:
        """``{path: {"value", "source"}}`` for the leaves under ``paths`` (all leaves if None), for reports."""
        out = {}
        for leaf in sorted(self.sources):
            if paths is None or any(leaf == p or leaf.startswith(p + ".") for p in paths):
                value = self.get(leaf)
                out[leaf] = {"value": "ikke kjent" if value is None else value, "source": self.sources[leaf]}
        return out


def _split(path: str) -> list[str]:
    # Age-group labels such as "0-1" or "90+" contain no dots, so a plain split is safe.
    return path.split(".")


def _leaves(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            out.update(_leaves(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: node}


def _raw_leaves(node: Any, prefix: str = "") -> dict[str, dict]:
    if isinstance(node, dict) and "value" in node:
        return {prefix: node}
    out = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(_raw_leaves(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def _is_count_of_years(path: str) -> bool:
    name = path.rsplit(".", 1)[-1]
    return name.endswith("_years") or name.endswith("_in_year")


def _check_value(path: str, value: Any) -> str | None:
    """A problem with one leaf value, or None."""
    if value is None:
        return f"{path}: value is missing"
    if _is_count_of_years(path):
        # a year count drives range() and year indices: 0 would leave no years, 2.5 would be truncated;
        # an offset may be 0 (the merger takes effect in the base year itself)
        least = 0 if path.endswith("offset_years") else 1
        if isinstance(value, bool) or not isinstance(value, Real) or not float(value).is_integer() or value < least:
            return f"{path}: {value!r} is not a whole number of years >= {least}"
        return None
    if path in KOMMUNE_LISTS:
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(k, str) and len(k) == 4 and k.isdigit() for k in value):
            return f"{path}: {value!r} is not a list of 4-digit kommunenummer strings (quote them: \"0301\")"
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, Real):
        if value < 0:
            return f"{path}: negative value {value} (must be >= 0)"
        if path in SHARES and value > 1:
            return f"{path}: {value} is not a share between 0 and 1"
        return None
    if isinstance(value, (list, tuple)):
        for item in value:
            problem = _check_value(path, item)
            if problem:
                return problem
        return None
    if isinstance(value, str):
        return None
    return f"{path}: unexpected value {value!r}"


def _check_tree(params: EconomyParams) -> list[str]:
    """Problems between parameters (each leaf is checked alone by :func:`_check_value`)."""
    try:
        one_off, years = params.get("merger.one_off_in_year"), params.get("merger.analysis_years")
    except KeyError:
        return []   # reported as a missing required parameter
    if isinstance(one_off, Real) and isinstance(years, Real) and one_off > years:
        return [f"merger.one_off_in_year: year {one_off} is after the last analysed year "
                f"(merger.analysis_years = {years}); the one-off grant would be left out"]
    return []


def files_stamp(params_dir: str | Path | None = None) -> tuple:
    """Modification times of the economy parameter files: a memo key that changes when one is edited."""
    paths = [Path(params_dir or PARAMS_DIR) / f"{name}.yaml" for name in PARAM_FILES]
    return tuple(p.stat().st_mtime_ns if p.exists() else None for p in paths)


def load_economy_params(params_dir: str | Path | None = None) -> EconomyParams:
    """Read, merge and validate the economy parameter files.

    Raises ParameterError listing every problem (file and key): a missing or negative value, a share above 1,
    a required parameter absent, or two files defining the same section.

    >>> p = load_economy_params()
    >>> p.get("cost_key.basis.unit_amount")
    19860180
    """
    folder = Path(params_dir or PARAMS_DIR)
    values: dict = {}
    sources: dict[str, str] = {}
    files: dict[str, str] = {}
    problems: list[str] = []
    for name in PARAM_FILES:
        path = folder / f"{name}.yaml"
        try:
            vals, raw = read_param_file(path)
        except ParameterError as exc:
            problems.extend(exc.problems)
            continue
        for section in vals:
            if section in values:
                problems.append(f"{path}: section {section!r} is also defined in {_files_of_section(files, section)}")
        values.update(vals)
        for leaf, node in _raw_leaves(raw).items():
            sources[leaf] = str(node.get("source", ""))
            files[leaf] = str(path)
            problem = _check_value(leaf, node.get("value"))
            if problem:
                problems.append(f"{path}: {problem}")
    for path, (followed, text) in DERIVED.items():
        if path not in sources and followed in sources:
            sources[path] = text
            files[path] = files[followed]
    for req in REQUIRED:
        if req not in sources and not any(leaf.startswith(req + ".") for leaf in sources):
            problems.append(f"{folder}: required parameter {req!r} is missing (expected in one of "
                            f"{', '.join(n + '.yaml' for n in PARAM_FILES)})")
    if not problems:
        out = EconomyParams(values=values, sources=sources, files=files)
        problems = [f"{files.get('merger.one_off_in_year', folder)}: {p}" for p in _check_tree(out)]
        if not problems:
            return out
    raise ParameterError("invalid economy parameters", problems)


def _files_of_section(files: dict[str, str], section: str) -> str:
    return next((f for leaf, f in files.items() if leaf.split(".")[0] == section), "another file")


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


def apply_assumptions(params: EconomyParams, assumptions: dict | None, origin: str = "scenario") -> EconomyParams:
    """A copy of ``params`` with the scenario's ``assumptions["economy"]`` applied (see the module docstring).

    ``origin`` names the scenario (file) in error messages. Other sections of ``assumptions`` belong to other
    modules and are left alone.
    """
    econ = (assumptions or {}).get("economy")
    if not econ:
        return params
    if not isinstance(econ, dict):
        raise ParameterError(f"{origin}: assumptions.economy must be a mapping of parameter names to values")
    leaves = list(params.sources)
    flat: dict[str, Any] = {}
    problems: list[str] = []

    def walk(prefix: str, node: Any, shown: str) -> None:
        path, candidates = _resolve(prefix, leaves)
        if path is None:
            if candidates:
                problems.append(f"{origin}: assumptions.economy.{shown}: ambiguous parameter name, "
                                f"use one of {', '.join(candidates)}")
            else:
                problems.append(f"{origin}: assumptions.economy.{shown}: unknown parameter name")
            return
        if path in leaves:
            flat[path] = node
            return
        if not isinstance(node, dict):
            problems.append(f"{origin}: assumptions.economy.{shown}: {path!r} is a group of parameters; give a "
                            f"mapping or a full name such as {next(l for l in leaves if l.startswith(path + '.'))!r}")
            return
        for k, v in node.items():
            walk(f"{path}.{k}", v, f"{shown}.{k}")

    for key, val in econ.items():
        walk(str(key), val, str(key))
    new_values = copy.deepcopy(params.values)
    for path, val in flat.items():
        old = params.get(path)
        problem = _check_value(path, val)
        if problem is None and isinstance(old, Real) and not isinstance(val, Real):
            problem = f"{path}: expected a number, got {val!r}"
        if problem is None and old is None and not isinstance(val, Real):
            problem = f"{path}: expected a number, got {val!r}"
        if problem:
            problems.append(f"{origin}: assumptions.economy: {problem}")
            continue
        node = new_values
        parts = _split(path)
        for part in parts[:-1]:
            node = node.setdefault(part, {})   # a derived default has no node of its own
        node[parts[-1]] = val
    if problems:
        raise ParameterError(f"{origin}: invalid economy assumptions", problems)
    sources = dict(params.sources)
    for path, val in flat.items():
        sources[path] = f"Scenarioets antakelse (assumptions.economy), erstatter: {params.sources[path]}"
    out = EconomyParams(values=new_values, sources=sources, files=params.files,
                        overridden={**params.overridden, **flat})
    problems = [f"{origin}: assumptions.economy: {p}" for p in _check_tree(out)]
    if problems:
        raise ParameterError(f"{origin}: invalid economy assumptions", problems)
    return out
