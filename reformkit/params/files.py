"""Reading one parameter file: a nested mapping whose leaves are ``{value: ..., source: "..."}``.

Every value names its source (and year, for policy figures). :func:`read_param_file` returns the bare values
(same nesting) and the raw mapping; the groups of :mod:`reformkit.params` are built from them.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .._io import read_text_limited
from ..errors import ParameterError
from ..paths import param_file

#: Parameter files are a few kilobytes; a project's file larger than this is not a parameter file.
MAX_PARAM_BYTES = 1_000_000


def _is_leaf(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node


def _strip(node: Any, path: str, file: Path, problems: list[str]) -> Any:
    if _is_leaf(node):
        if not node.get("source"):
            problems.append(f"{file}: {path}: no source given")
        if node["value"] is None:
            problems.append(f"{file}: {path}: value is missing")
        return node["value"]
    if isinstance(node, dict):
        return {k: _strip(v, f"{path}.{k}" if path else str(k), file, problems) for k, v in node.items()}
    problems.append(f"{file}: {path}: expected a mapping with 'value' and 'source', got {node!r}")
    return None


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster, still safe


def read_param_file(path: str | Path) -> tuple[dict, dict]:
    """Read one parameter file; return ``(values, raw)``. Raises ParameterError naming file and key.

    Memoised per file modification time; callers get copies they may change.
    """
    path = Path(path)
    if not path.exists():
        raise ParameterError(f"{path}: parameter file not found")
    return copy.deepcopy(_read_param_file(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def _read_param_file(path: Path, mtime_ns: int) -> tuple[dict, dict]:
    text = read_text_limited(path, MAX_PARAM_BYTES, "parameter file", ParameterError)
    try:
        # anchors and aliases could make a small file expand without limit when walked; no file needs them
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=_SafeLoader)):
            raise ParameterError(f"{path}: YAML anchors and aliases (&name, *name) are not allowed; "
                                 f"write the values out")
        raw = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"{path}{where}: not valid YAML ({what})") from None
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping of parameters")
    problems: list[str] = []
    values = _strip(raw, "", path, problems)
    if problems:
        raise ParameterError(f"{path}: invalid parameter file", problems)
    return values, raw


def param_path(name: str, params_dir: str | Path | None = None) -> Path:
    """The file of parameter set ``name``: in ``params_dir`` when given, else the project folder's
    ``data/params/{name}.yaml`` when there is one, else the packaged file (:func:`reformkit.paths.param_file`)."""
    return Path(params_dir) / f"{name}.yaml" if params_dir else param_file(name)


def load_params(name: str, params_dir: str | Path | None = None) -> dict:
    """The values of one parameter file (sources stripped), unvalidated; code uses :func:`load_parameters`.

    >>> load_params("geo")["neighbours"]["sea_link_km"]
    5
    """
    return read_param_file(param_path(name, params_dir))[0]
