"""Reading scenario YAML safely: size and encoding checks, line numbers, duplicate keys, no aliases.

The YAML is read with a safe loader only (nothing in the file is executed). Unquoted kommune numbers with a
leading zero (``0301``) stay strings instead of turning into octal integers; YAML anchors/aliases and duplicate
keys are reported, since a scenario never needs them and they hide mistakes.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .._io import read_text_limited
from ..errors import ScenarioError

#: Scenario files are a few kilobytes; anything larger is almost surely the wrong file.
MAX_FILE_BYTES = 1_000_000


def printable(text: str, limit: int = 400) -> str:
    """One printable line: control characters and line breaks from the file are shown escaped, long text cut."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader (libyaml when available) that keeps ``0301`` a string (a kommunenummer, not octal 193)."""


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    if re.fullmatch(r"0\d+", node.value):
        return node.value
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def read_text(path: str | Path) -> str:
    """The text of a scenario file; ScenarioError when it is missing, not a regular file (a FIFO, a device),
    larger than :data:`MAX_FILE_BYTES` (counted while reading) or not UTF-8."""
    return read_text_limited(path, MAX_FILE_BYTES, "scenario file", ScenarioError)


def _yaml_problem(exc: Exception, file: str, text: str) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    if not isinstance(exc, yaml.YAMLError):
        what = f"a value cannot be read ({what})"
    if mark is not None:
        line = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
        hint = "; indent with spaces, not tabs" if "\t" in line or "'\\t'" in what else ""
        return f"{file}:{mark.line + 1}: invalid YAML: {what} (column {mark.column + 1}){hint}"
    position = getattr(exc, "position", None)
    if position is not None:
        return f"{file}:{text.count(chr(10), 0, position) + 1}: invalid YAML: {getattr(exc, 'reason', what)}"
    return f"{file}: invalid YAML: {what}"


def parse_yaml(text: str, file: str) -> tuple[Any, dict[tuple, int], list[str]]:
    """YAML text -> (data, line numbers by key path, problems that do not stop validation).

    Raises ScenarioError for problems that leave nothing to validate (syntax errors, an empty document).
    """
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ScenarioError(f"{file}: the file is empty; a scenario needs at least a name and blocks")
    loader = None
    try:
        loader = _Loader(text)   # the reader already rejects control characters here
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError(f"{file}: the file is empty; a scenario needs at least a name and blocks")
        lines: dict[tuple, int] = {}
        soft: list[str] = []
        if _walk(node, (), lines, soft, set(), file):
            raise ScenarioError(f"{file}: invalid scenario file", soft)
        data = loader.construct_document(node)
    except ScenarioError:
        raise
    except RecursionError:
        raise ScenarioError(f"{file}: invalid YAML: nested too deeply") from None
    except Exception as exc:  # yaml errors and the odd ValueError from a malformed date or number
        raise ScenarioError(f"{file}: invalid YAML", [printable(_yaml_problem(exc, file, text))]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines, soft


def _walk(node, path: tuple, lines: dict, problems: list[str], seen: set[int], file: str) -> bool:
    """Record line numbers; report duplicate keys (soft) and aliases (fatal: returns True)."""
    if id(node) in seen:
        problems.append(f"{file}:{node.start_mark.line + 1}: YAML anchors and aliases (&name, *name) are not "
                        f"allowed in scenario files; write the values out")
        return True
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    fatal = False
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in first:
                problems.append(printable(f"{file}:{key_node.start_mark.line + 1}: '{key}' appears twice in the "
                                          f"same mapping (first on line {first[key]}); only the last would count"))
            elif key is not None:
                first[key] = key_node.start_mark.line + 1
            if key is not None:
                lines[path + (key,)] = key_node.start_mark.line + 1
            fatal |= _walk(value_node, path + (key,), lines, problems, seen, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            fatal |= _walk(item, path + (i,), lines, problems, seen, file)
    return fatal
