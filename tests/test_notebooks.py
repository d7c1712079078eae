"""The committed notebooks are the source of truth: valid, stripped, parameterised, thin, on the public API.

An analyst edits a notebook in JupyterLab and runs ``make strip`` (scripts/strip_notebooks.py) before
committing; these tests say what else must hold.
"""
from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import nbformat
import pytest

from reformkit.paths import NOTEBOOK_DIR

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
LIVE_ONLY = {"workshop.ipynb"}  # runs live in Voilà, never as an offline report


def _strip_module():
    spec = importlib.util.spec_from_file_location("strip_notebooks", ROOT / "scripts" / "strip_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _code(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_report_notebooks_are_all_there():
    assert {p.name for p in NOTEBOOKS} == {"scenario_report.ipynb", "county_overview.ipynb",
                                           "compare_scenarios.ipynb", "kommune_profile.ipynb", "workshop.ipynb"}


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name not in LIVE_ONLY], ids=lambda p: p.name)
def test_report_text_is_escaped(path):
    """Scenario names, descriptions and block names reach a report only through reformkit's escaping
    (nar.text / nar.md / nar.table, markdown_html underneath): IPython's Markdown passes raw HTML, which ran
    a hostile scenario's script when the report was opened (issue 16)."""
    nb = nbformat.read(path, as_version=4)
    for cell in _code(nb):
        assert "Markdown" not in cell.source, f"{path.name}: display text with nar.text(...), not Markdown(...)"
        for call in ("HTML(f", "HTML(\"", "HTML('"):
            assert call not in cell.source, f"{path.name}: HTML() of built text; use nar.text(...)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_valid_and_stripped(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in _code(nb):
        assert not cell.outputs, f"{path.name}: outputs not stripped (run `make strip`)"
        assert cell.execution_count is None, f"{path.name}: execution counts not stripped (run `make strip`)"
    # byte for byte what scripts/strip_notebooks.py writes, so a commit never carries run or machine noise
    assert _strip_module().stripped_text(path) == path.read_text(encoding="utf-8"), f"{path.name}: run `make strip`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_and_thin_code(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code", f"{path.name}: exactly one code cell tagged parameters"
    if path.name not in LIVE_ONLY:
        assert "offline" in tagged[0].source, f"{path.name}: reports take the `offline` parameter"
    for cell in _code(nb):
        assert len(cell.source.splitlines()) <= 12, f"{path.name}: keep logic in the package, not in cells"


def _private_uses(source: str) -> list[str]:
    """Uses of private reformkit modules or names (``reformkit._x``, ``from reformkit import _x``, ``rk._x``)."""
    tree = ast.parse(source)
    aliases, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "reformkit":
                    aliases.add(a.asname or "reformkit")
                    found += [a.name] if any(p.startswith("_") for p in a.name.split(".")) else []
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "reformkit":
            parts = node.module.split(".") + [a.name for a in node.names]
            found += [f"{node.module}: {parts}"] if any(p.startswith("_") for p in parts) else []
            aliases.update(a.asname or a.name for a in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases \
                and node.attr.startswith("_"):
            found.append(f"{node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_the_public_api(path):
    nb = nbformat.read(path, as_version=4)
    for cell in _code(nb):
        assert not _private_uses(cell.source), f"{path.name}: uses private reformkit parts: {_private_uses(cell.source)}"


def test_private_uses_are_found():
    assert _private_uses("import reformkit._io") == ["reformkit._io"]
    assert _private_uses("from reformkit import _io") and _private_uses("from reformkit._html import render")
    assert _private_uses("import reformkit as rk\nrk._io.write_text_atomic('x', '')") == ["rk._io"]
    assert not _private_uses("import reformkit as rk\nfrom reformkit import charts\ncharts.setup()\nrk.evaluate")


def test_strip_script_strips(tmp_path):
    nb = nbformat.read(NOTEBOOK_DIR / "workshop.ipynb", as_version=4)
    cell = _code(nb)[-1]
    cell.execution_count = 3
    cell.outputs = [nbformat.v4.new_output("stream", text="hei\n")]
    cell.metadata.update({"execution": {"iopub.status.busy": "2026-01-01"}, "scrolled": True})
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    path = tmp_path / "w.ipynb"
    nbformat.write(nb, path)
    strip = _strip_module()
    assert strip.main([str(path), "--check"]) == 1
    assert strip.main([str(path)]) == 0 and strip.main([str(path), "--check"]) == 0
    assert path.read_text(encoding="utf-8") == (NOTEBOOK_DIR / "workshop.ipynb").read_text(encoding="utf-8")
