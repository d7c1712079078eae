"""Batch reports: papermill executes the parameterised notebooks, nbconvert writes offline HTML with its
exports (Excel workbook, SVG/PNG figures) beside it, and an index lists every report of the folder.

:mod:`.plan` (what to render, unique names, validated first), :mod:`.render` (one report: execute, collect
tables and charts, HTML), :mod:`.exports` (workbook and figures), :mod:`.manifest` (the folder's list of
reports and the inputs key that skips unchanged ones), :mod:`.batch` (worker processes, interrupts),
:mod:`.index` (``index.html``).

>>> from reformkit import report
>>> report.render_batch(["data/scenarios/more-og-romsdal-4.yaml"], "reports", jobs=2)   # doctest: +SKIP
>>> report.render_batch([], "reports", fylker=["all"], jobs=2)                           # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .._io import write_text_atomic
from .batch import BatchResult, Built, Interrupted, Outcome, build_task, check_out_dir, render_batch, run_task
from .exports import write_report
from .index import INDEX_TEMPLATE, SECTIONS, write_index
from .manifest import MANIFEST_FILE
from .plan import (COMPARE_FILE, COMPARE_NOTEBOOK, COUNTY_NOTEBOOK, PROFILE_NOTEBOOK, SCENARIO_NOTEBOOK, Task, plan,
                   unique_names)
from .render import (GENERATED_MARKER, KERNEL_ARGS, KERNEL_NAME, REPORT_TEMPLATE, Rendered, _exporter,  # noqa: F401
                     generated_line, normalise_notebook, render_report)
from ..paths import NOTEBOOK_DIR  # noqa: F401  (re-exported: callers looked the packaged notebooks up here)


def render_notebook(notebook: str | Path, parameters: dict[str, Any], out: str | Path, *, title: str = "",
                    kernel_name: str = KERNEL_NAME, generated: str | None = None, exports: bool = True) -> Path:
    """Execute ``notebook`` with ``parameters`` and write the code-free, offline HTML report to ``out`` (and,
    with ``exports``, its workbook and figures beside it).

    Raises :class:`ReformkitError` naming the notebook and the error of the failing cell.
    """
    out = Path(out)
    r = render_report(notebook, parameters, title=title, kernel_name=kernel_name, generated=generated,
                      export_stem=out.stem if exports else None)
    if exports:
        write_report(out, r.html, r.title, r.tables, r.charts)
        return out
    return write_text_atomic(out, r.html)


__all__ = ["render_batch", "render_notebook", "render_report", "plan", "write_index", "run_task", "build_task",
           "normalise_notebook", "generated_line", "unique_names", "check_out_dir", "Task", "Outcome", "BatchResult",
           "Built", "Interrupted", "Rendered", "GENERATED_MARKER", "KERNEL_NAME", "KERNEL_ARGS", "SCENARIO_NOTEBOOK",
           "COUNTY_NOTEBOOK", "COMPARE_NOTEBOOK", "PROFILE_NOTEBOOK", "COMPARE_FILE", "MANIFEST_FILE", "SECTIONS",
           "INDEX_TEMPLATE", "REPORT_TEMPLATE"]
