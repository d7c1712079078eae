"""Batch reports: papermill executes the parameterised notebooks, nbconvert writes offline HTML, an index links them.

Pipeline per report (:func:`render_notebook`):

1. papermill runs the notebook with the injected parameters (always ``offline=True``) in the ``python3``
   kernel, which jupyter_client starts with ``sys.executable`` (the interpreter running reformkit, e.g.
   ``.venv/bin/python``), so CI needs no registered kernelspec. A bare notebook name is looked up with
   :func:`reformkit.paths.notebook_file` (the project's ``notebooks/``, else the packaged one); the kernel's
   working directory is the project folder (:func:`reformkit.paths.project_dir`).
2. The executed notebook is normalised (cell ids, execution counts, papermill timings) so the same inputs
   give the same bytes.
3. nbconvert's ``lab`` template, extended by ``templates/report.html.j2`` to drop every CDN script
   (require.js, MathJax, mermaid, widgets), writes HTML with code hidden; the Vega/Vega-Lite/vega-embed
   bundle is inlined once in ``<head>``.
   The one line that changes between runs carries the marker :data:`GENERATED_MARKER`.
4. The file is written atomically.

:func:`render_batch` validates every scenario first (a broken file fails alone, with no report), renders
the valid ones plus a county overview per fylke and a comparison (several scenarios), in parallel with
``jobs`` worker processes, and writes ``index.html`` (``templates/index.html.j2``).
"""
from __future__ import annotations

import functools
import os
import re
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from markupsafe import Markup

from . import charts
from ._html import render
from ._io import write_text_atomic
from .errors import ReformkitError
from .paths import notebook_file, project_dir, template_file

KERNEL_NAME = "python3"
#: ipykernel warns on stderr that local TCP is unencrypted; only its errors belong in the CLI output.
KERNEL_ARGS = ["--IPKernelApp.log_level=40"]
# The kernel is killed once every output is collected ("immediate"): a graceful shutdown only adds time,
# and on a busy machine it ends in an interrupt that the kernel logs as an error.
GENERATED_MARKER = "<!-- reformkit:generated -->"
SCENARIO_NOTEBOOK = "scenario_report.ipynb"
COUNTY_NOTEBOOK = "county_overview.ipynb"
COMPARE_NOTEBOOK = "compare_scenarios.ipynb"
COMPARE_FILE = "sammenligning.html"
REPORT_TEMPLATE = "report.html.j2"   # extends nbconvert's lab template; a project may override it
INDEX_TEMPLATE = "index.html.j2"
SECTIONS = {"scenario": "Scenarioer", "compare": "Sammenligning", "county": "Fylkesoversikter"}


@dataclass
class Task:
    """One report to render: the notebook, its parameters, the HTML file and a label for messages."""
    kind: str                      # "scenario", "county" or "compare"
    label: str
    notebook: str
    parameters: dict[str, Any]
    out: Path
    title: str = ""


@dataclass
class Outcome:
    """What became of one task: ``error`` is None on success."""
    task: Task
    seconds: float = 0.0
    error: str | None = None
    bytes: int = 0
    bad_input: bool = False   # the scenario file itself is invalid (a user error), not the rendering

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BatchResult:
    """All outcomes of :func:`render_batch`, failures included (``index`` is the index page path)."""
    outcomes: list[Outcome] = field(default_factory=list)
    index: Path | None = None

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


# ---- one notebook -----------------------------------------------------------------------------------------
def generated_line(when: datetime | None = None) -> str:
    """The single line that differs between two renders of the same inputs (marked for tests and diffs)."""
    when = when or datetime.now(timezone.utc)
    from . import __version__
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
                        exclude_output_prompt=True)


def _clean_html(text: str) -> str:
    # the lab template's anchor links and Jupyter's own class names are harmless; trailing spaces are not stable
    return re.sub(r"[ \t]+\n", "\n", text)


def render_notebook(notebook: str | Path, parameters: dict[str, Any], out: str | Path, *, title: str = "",
                    kernel_name: str = KERNEL_NAME, generated: str | None = None) -> Path:
    """Execute ``notebook`` with ``parameters`` and write the code-free, offline HTML report to ``out``.

    Raises :class:`ReformkitError` naming the notebook and the error of the failing cell.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    if Path(notebook).name == os.fspath(notebook):
        notebook = notebook_file(os.fspath(notebook))  # a bare name: the project's notebook, else the packaged one
    notebook = Path(notebook)
    params = {**parameters, "offline": True}
    try:
        nb = pm.execute_notebook(str(notebook), None, parameters=params, kernel_name=kernel_name,
                                 progress_bar=False, cwd=str(project_dir()), log_output=False,
                                 extra_arguments=KERNEL_ARGS, shutdown_kernel="immediate")
    except PapermillExecutionError as exc:
        raise ReformkitError(f"{notebook.name}: {exc.ename}: {_first_line(exc.evalue)}") from None
    nb = nbformat.from_dict(nb)
    # an error shown by a display (not raised by the cell) must fail the report too, not be printed in it
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise ReformkitError(f"{notebook.name}: {output.get('ename')}: {_first_line(output.get('evalue', ''))}")
    normalise_notebook(nb)
    if title:
        nb.metadata["title"] = title
    resources = {"reformkit_js": charts.vega_bundle(), "reformkit_generated": generated or generated_line(),
                 "metadata": {"name": title or notebook.stem}}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return write_text_atomic(out, _clean_html(body))


def _first_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text.splitlines()[0] if text else ""


def run_task(task: Task) -> Outcome:
    """Render one task, catching its error (worker-process entry point)."""
    t0 = time.perf_counter()
    try:
        path = render_notebook(task.notebook, task.parameters, task.out, title=task.title)
        return Outcome(task, time.perf_counter() - t0, None, path.stat().st_size)
    except ReformkitError as exc:
        return Outcome(task, time.perf_counter() - t0, exc.message)
    except Exception as exc:  # a bug must not stop the batch; report it with its type
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Outcome(task, time.perf_counter() - t0, f"uventet feil: {last}")


# ---- a batch ------------------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    text = text.lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("á", "a"), ("č", "c"), ("š", "s"), ("ŋ", "n"), ("đ", "d")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "rapport"


def plan(scenarios: Sequence[str | Path], out_dir: str | Path, *, county: bool = True,
         compare: bool = True) -> tuple[list[Task], list[Outcome]]:
    """Validate the scenario files and plan the reports: returns (tasks, failures of invalid files).

    A file that does not load (YAML, unknown kommune, ...) becomes a failed :class:`Outcome` carrying every
    problem, and gets no report. Valid scenarios get a report each; each fylke in their ``area`` gets a
    county overview; two or more valid scenarios also get a comparison.
    """
    from .scenario import load_scenario

    out_dir = Path(out_dir)
    tasks: list[Task] = []
    failures: list[Outcome] = []
    fylker: dict[tuple[str, int], None] = {}
    valid: list[Path] = []
    used: set[str] = set()
    for raw in scenarios:
        path = Path(raw)
        stem = _slug(path.stem)
        if stem in ("index", Path(COMPARE_FILE).stem) or stem.startswith("fylke-"):
            stem = f"scenario-{stem}"  # those names belong to the index, comparison and county pages
        name = stem if stem not in used else f"{stem}-{len(used)}"
        used.add(name)
        task = Task("scenario", str(path), SCENARIO_NOTEBOOK, {"scenario_path": str(path.resolve())},
                    out_dir / f"{name}.html")
        try:
            sc = load_scenario(path)
        except ReformkitError as exc:
            problems = [p for p in exc.problems if p != exc.message]
            failures.append(Outcome(task, 0.0, "; ".join([exc.message] + problems), bad_input=True))
            continue
        except OSError as exc:
            failures.append(Outcome(task, 0.0, f"{path}: kan ikke leses ({exc.strerror or exc})", bad_input=True))
            continue
        task.title = sc.name
        tasks.append(task)
        valid.append(path.resolve())
        for f in (sc.area or []):
            fylker[(str(f), int(sc.borders))] = None
    if county:
        for f, borders in fylker:
            tasks.append(Task("county", f"fylke {f}", COUNTY_NOTEBOOK, {"fylkesnummer": f, "borders": borders},
                              out_dir / f"fylke-{f}.html", title=f"Fylkesoversikt {f}"))
    if compare and len(valid) >= 2:
        tasks.append(Task("compare", "sammenligning", COMPARE_NOTEBOOK,
                          {"scenario_paths": [str(p) for p in valid]}, out_dir / COMPARE_FILE,
                          title="Sammenligning av scenarioer"))
    return tasks, failures


def render_batch(scenarios: Sequence[str | Path], out_dir: str | Path = "reports", *, jobs: int = 1,
                 county: bool = True, compare: bool = True, progress: bool = True) -> BatchResult:
    """Render scenario reports, county overviews, the comparison and ``index.html`` into ``out_dir``.

    One failing report never stops the others; inspect ``result.failures``.

    >>> res = render_batch(["data/scenarios/more-og-romsdal-4.yaml"], "reports", jobs=2)  # doctest: +SKIP
    >>> [o.task.out.name for o in res.outcomes if o.ok]                                      # doctest: +SKIP
    """
    from tqdm import tqdm

    out_dir = Path(out_dir)
    tasks, failures = plan(scenarios, out_dir, county=county, compare=compare)
    outcomes: list[Outcome] = list(failures)
    bar = tqdm(total=len(tasks), desc="Rapporter", unit="rapport", disable=not progress, leave=True)
    try:
        if jobs <= 1 or len(tasks) <= 1:
            for task in tasks:
                bar.set_postfix_str(task.out.name)
                outcomes.append(run_task(task))
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
                futures = {pool.submit(run_task, t): t for t in tasks}
                for fut in as_completed(futures):
                    try:
                        o = fut.result()
                    except Exception as exc:  # a worker process died (killed, out of memory): report, go on
                        o = Outcome(futures[fut], 0.0, f"arbeidsprosessen stoppet: {type(exc).__name__}: {exc}")
                    bar.set_postfix_str(o.task.out.name)
                    outcomes.append(o)
                    bar.update()
    finally:
        bar.close()
    # A failed task writes nothing: an earlier report of the same name is left as it was (the index says the
    # new run failed), since nothing good is overwritten by a failed run.
    result = BatchResult(outcomes=_ordered(outcomes, tasks, failures))
    result.index = write_index(out_dir, result.outcomes)
    return result


def _ordered(outcomes: list[Outcome], tasks: list[Task], failures: list[Outcome]) -> list[Outcome]:
    """Outcomes in plan order (invalid files first), independent of which worker finished first."""
    by_out = {o.task.out: o for o in outcomes if o not in failures}
    return list(failures) + [by_out[t.out] for t in tasks if t.out in by_out]


def write_index(out_dir: str | Path, outcomes: Iterable[Outcome], generated: str | None = None) -> Path:
    """Write ``index.html`` linking every rendered report; failed ones are listed with their error."""
    outcomes = list(outcomes)
    sections = []
    for kind, heading in SECTIONS.items():
        items = [{"name": o.task.title or o.task.label, "href": o.task.out.name if o.ok else None,
                  "source": Path(o.task.label).name, "error": o.error or ""}
                 for o in outcomes if o.task.kind == kind]
        if items:
            sections.append((heading, items))
    text = render(INDEX_TEMPLATE, sections=sections, generated=Markup(generated or generated_line()))
    return write_text_atomic(Path(out_dir) / "index.html", text)


__all__ = ["render_batch", "render_notebook", "plan", "write_index", "run_task", "normalise_notebook",
           "generated_line", "Task", "Outcome", "BatchResult", "GENERATED_MARKER", "KERNEL_NAME"]
