"""The package's shape: imports only point down the layers, modules and functions stay small.

Layers, bottom up (README "Layout"): foundation modules that any layer may use; data; geo; geodata and
population; scenario and propose; economy and cooperation; evaluate; narrative; charts; report, workbench
and cli. A module may import its own layer and those below it, never one above.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reformkit"

#: rank of each top-level module or sub-package; an import may only go to the same or a lower rank
LAYERS = {
    "errors": 0, "_io": 0, "_proc": 0, "_html": 0, "paths": 0, "params": 0, "fmt": 0, "notices": 0,
    "data": 1,
    "geo": 2,
    "geodata": 3, "population": 3,
    "scenario": 4, "propose": 5,
    "economy": 6, "cooperation": 6,
    "evaluate": 7,
    "narrative": 8,
    "charts": 9,
    "report": 10, "workbench": 10, "cli": 10, "testing": 10, "__init__": 10,
}
#: imports that may point up, with the reason
ALLOWED_UP: dict[tuple[str, str], str] = {}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: a function longer than the limit says why on its ``def`` line or the line above: ``# long: <reason>``
LONG_MARK = "# long:"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "resources" not in p.parts)


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imported_layers(path: Path) -> set[str]:
    """Top-level reformkit modules a file imports (absolute or relative, at any depth, also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PACKAGE).with_suffix("")
    package = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] if node.level > 1 else package
                parts = base + (node.module.split(".") if node.module else [])
                names = [parts] if node.module else [base + [a.name] for a in node.names]
            elif node.module and node.module.split(".")[0] == "reformkit":
                parts = node.module.split(".")[1:]
                names = [parts] if parts else [[a.name] for a in node.names]
            else:
                continue
            for p in names:
                if p:
                    found.add(p[0].removesuffix(".py"))
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "reformkit" and len(parts) > 1:
                    found.add(parts[1])
    return found


def test_every_module_has_a_layer():
    unknown = sorted({_layer(p) for p in _modules()} - set(LAYERS))
    assert not unknown, f"add these to LAYERS in tests/test_architecture.py (and the README): {unknown}"


def test_imports_only_point_down():
    up = []
    for path in _modules():
        layer = _layer(path)
        for target in _imported_layers(path):
            if target not in LAYERS or target == layer:
                continue
            if LAYERS[target] > LAYERS[layer] and (layer, target) not in ALLOWED_UP:
                up.append(f"{path.relative_to(PACKAGE)} ({layer}) imports {target}")
    assert not up, "imports that point up a layer:\n" + "\n".join(up)


def test_the_check_finds_an_upward_import(tmp_path, monkeypatch):
    """The import check above can fail: a data module importing narrative is caught."""
    fake = PACKAGE / "data" / "_probe_upward.py"
    fake.write_text("from ..narrative import labels\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError, match="data/_probe_upward.py"):
            test_imports_only_point_down()
    finally:
        fake.unlink()


def test_modules_are_small():
    big = [f"{p.relative_to(PACKAGE)}: {n} lines" for p in _modules()
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not big, f"modules over {MAX_MODULE_LINES} lines (split them):\n" + "\n".join(big)


def test_functions_are_short_or_say_why():
    long = []
    for path in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                marked = any(LONG_MARK in lines[i - 1] for i in range(max(1, first - 1), node.lineno + 1))
                if n > MAX_FUNCTION_LINES and not marked:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}: {n} lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines without '{LONG_MARK} <reason>':\n" + "\n".join(long)
