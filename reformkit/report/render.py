"""One report: papermill executes the notebook in a fresh kernel, nbconvert writes offline HTML, and the
report's tables and charts come back with it for the exports.

1. papermill runs the notebook with the injected parameters (always ``offline=True``) in the ``python3``
   kernel, which jupyter_client starts with ``sys.executable``, so CI needs no registered kernelspec. A bare
   notebook name is looked up with :func:`reformkit.paths.notebook_file`; the kernel's working directory is
   the project folder.
2. The tables (:class:`reformkit.narrative.Table`) and charts carry their data in extra MIME types of their
   outputs; they are taken out for the Excel workbook and the SVG/PNG figures (:mod:`.exports`).
3. The executed notebook is normalised (cell ids, execution counts, papermill timings), so the same inputs
   give the same bytes.
4. nbconvert's ``lab`` template, extended by ``templates/report.html.j2`` (no CDN script, the Vega bundle
   inlined once, ``lang="nb"``, an A4 print style), writes HTML with code hidden. The one line that changes
   between runs carries :data:`GENERATED_MARKER`.
"""
from __future__ import annotations

import functools
import html
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._html import CHART_MIME, TABLE_MIME
from ..errors import ReformkitError
from ..paths import notebook_file, project_dir, template_file

KERNEL_NAME = "python3"
#: ipykernel warns on stderr that local TCP is unencrypted; only its errors belong in the CLI output.
KERNEL_ARGS = ["--IPKernelApp.log_level=40"]
GENERATED_MARKER = "<!-- reformkit:generated -->"
REPORT_TEMPLATE = "report.html.j2"   # extends nbconvert's lab template; a project may override it
LANGUAGE = "nb"


@dataclass
class Rendered:
    """An executed report: its HTML page, title, and the tables and chart specs it showed (in order)."""
    html: str
    title: str
    tables: list[dict] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)


def generated_line(when: datetime | None = None) -> str:
    """The single line that differs between two renders of the same inputs (marked for tests and diffs)."""
    when = when or datetime.now(timezone.utc)
    from .. import __version__
    return (f'<p class="rk-generated">Generert {when:%Y-%m-%d %H:%M} UTC med reformkit {__version__}.</p>'
            f"{GENERATED_MARKER}")


def normalise_notebook(nb) -> None:
    """Remove what differs between two executions of the same inputs (in place).

    Cell ids (papermill's injected cell gets a random one), execution counts, papermill's start/end times
    and durations, and kernel timing metadata.
    """
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
        meta = cell.get("metadata", {})
        meta.pop("papermill", None)
        meta.pop("execution", None)
        if cell.get("cell_type") == "code":
            cell["execution_count"] = None
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = None
    nb.metadata.pop("papermill", None)


@functools.lru_cache(maxsize=1)
def _exporter():
    """The HTML exporter, built once per process (compiling its templates takes a few hundred ms)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    # Only this one file is handed to nbconvert (under its own name): a folder on nbconvert's search path
    # would let our index.html.j2 shadow the lab template's index.html.j2 that the report template extends.
    path = template_file(REPORT_TEMPLATE)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReformkitError(f"{path}: cannot read the report template ({exc.strerror or exc})") from None
    return HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"reformkit.html.j2": text})],
                        template_file="reformkit.html.j2", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, language_code=LANGUAGE)


def _clean_html(text: str) -> str:
    # the lab template's anchor links and Jupyter's own class names are harmless; trailing spaces are not stable
    return re.sub(r"[ \t]+\n", "\n", text)


def _first_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text.splitlines()[0] if text else ""


def execute(notebook: str | Path, parameters: dict[str, Any], kernel_name: str = KERNEL_NAME):
    """Run ``notebook`` with ``parameters`` (plus ``offline=True``) in a fresh kernel; the executed notebook.

    Raises :class:`ReformkitError` naming the notebook and the error of the failing cell, also for an error
    that a display printed without failing its cell.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    if Path(notebook).name == os.fspath(notebook):
        notebook = notebook_file(os.fspath(notebook))  # a bare name: the project's notebook, else the packaged one
    notebook = Path(notebook)
    try:
        nb = pm.execute_notebook(str(notebook), None, parameters={**parameters, "offline": True},
                                 kernel_name=kernel_name, progress_bar=False, cwd=str(project_dir()),
                                 log_output=False, extra_arguments=KERNEL_ARGS, shutdown_kernel="immediate")
    except PapermillExecutionError as exc:
        raise ReformkitError(f"{notebook.name}: {exc.ename}: {_first_line(exc.evalue)}") from None
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise ReformkitError(f"{notebook.name}: {output.get('ename')}: {_first_line(output.get('evalue', ''))}")
    return nb


def take_exports(nb) -> tuple[list[dict], list[dict]]:
    """The tables and chart specs the outputs carry, in order, removed from the outputs (the page does not
    need them twice)."""
    tables, charts = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if TABLE_MIME in data:
                tables.append(data.pop(TABLE_MIME))
            if CHART_MIME in data:
                charts.append(data.pop(CHART_MIME))
    return tables, charts


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def first_heading(nb) -> str:
    """The text of the report's first level-1 heading (its title), or ""."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found = _H1.search(str((output.get("data") or {}).get("text/html", "")))
            if found:
                return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()
    return ""


def render_report(notebook: str | Path, parameters: dict[str, Any], *, title: str = "",
                  kernel_name: str = KERNEL_NAME, generated: str | None = None,
                  export_stem: str | None = None) -> Rendered:
    """Execute ``notebook`` and build its page; nothing is written. With ``export_stem`` (the report's file
    stem) the page ends with links to its exports (:func:`.exports.links`)."""
    from .. import charts
    from .exports import links

    nb = execute(notebook, parameters, kernel_name)
    tables, specs = take_exports(nb)
    exports = links(export_stem, tables, specs) if export_stem else []
    normalise_notebook(nb)
    title = title or first_heading(nb) or Path(notebook).stem
    nb.metadata["title"] = title
    resources = {"reformkit_js": charts.vega_bundle(), "reformkit_generated": generated or generated_line(),
                 "reformkit_exports": list(exports), "metadata": {"name": title}}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return Rendered(_clean_html(body), title, tables, specs)
