"""A batch of reports: validated first, unchanged ones skipped, the rest rendered in worker processes (each
report in its own fresh kernel), written by this process, and listed in ``index.html``.

Workers only compute; this process writes every file (atomically), so a worker that dies or is stopped
never leaves half a file. Ctrl+C or SIGTERM stops the batch: the workers and their kernels are ended, what
was finished stays (and is in the manifest), and :class:`Interrupted` carries the signal to the caller.
A worker dies with this process even when it is killed outright (Linux: the parent-death signal).
"""
from __future__ import annotations

import ctypes
import os
import signal
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .._io import sigterm_raises
from .._proc import children
from ..errors import ReformkitError
from . import manifest as M
from .plan import Task, plan

_PR_SET_PDEATHSIG = 1
#: Seconds a stopped worker gets to end its kernel before it is killed.
STOP_GRACE = 3.0


class Interrupted(KeyboardInterrupt):
    """The batch was stopped by ``signum`` (SIGINT or SIGTERM); ``done`` reports were finished."""

    def __init__(self, signum: int, done: int = 0, total: int = 0):
        super().__init__(signum)
        self.signum, self.done, self.total = signum, done, total

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@dataclass
class Outcome:
    """What became of one task: ``error`` is None on success; ``skipped`` when its inputs were unchanged."""
    task: Task
    seconds: float = 0.0
    error: str | None = None
    bytes: int = 0
    bad_input: bool = False   # the scenario file itself is invalid (a user error), not the rendering
    skipped: bool = False
    exports: list[str] = field(default_factory=list)

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


@dataclass
class Built:
    """A rendered report in memory (a worker's answer): page, title, tables, chart specs, or the error."""
    task: Task
    seconds: float
    html: str = ""
    title: str = ""
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    error: str | None = None


# ---- in a worker ------------------------------------------------------------------------------------------
def build_task(task: Task) -> Built:
    """Render ``task`` in memory, catching its error (the worker's entry point)."""
    from .render import render_report
    t0 = time.perf_counter()
    try:
        r = render_report(task.notebook, task.parameters, title=task.title, export_stem=task.out.stem)
        return Built(task, time.perf_counter() - t0, r.html, r.title, r.tables, r.charts)
    except ReformkitError as exc:
        return Built(task, time.perf_counter() - t0, error=exc.message)
    except Exception as exc:  # a bug must not stop the batch; report it with its type
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Built(task, time.perf_counter() - t0, error=f"uventet feil: {last}")


def _worker_stop(signum, frame) -> None:
    # kill the kernel this worker started (it lives in its own session, so no signal reaches it), then leave
    for pid in children(os.getpid()):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(128 + signum)


def _worker_init(parent: int) -> None:
    """Ctrl+C reaches the whole terminal's process group: the batch's own process decides what to do, so
    workers ignore it. SIGTERM (from that process, or on its death) ends the worker and its kernel."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    try:   # Linux: SIGTERM to this worker when the batch's process dies, even by SIGKILL
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:   # the parent died before the signal was set up
        _worker_stop(signal.SIGTERM, None)


# ---- in the batch's process -------------------------------------------------------------------------------
def write_built(b: Built, doc: dict, out_dir: Path, key: str) -> Outcome:
    """Write a worker's report (exports first, the page last) and record it in the manifest ``doc``."""
    from .exports import write_report
    if b.error:
        return Outcome(b.task, b.seconds, b.error)
    t0 = time.perf_counter()
    exports = write_report(b.task.out, b.html, b.title, b.tables, b.charts)
    b.seconds += time.perf_counter() - t0
    size = b.task.out.stat().st_size
    b.task.title = b.title
    M.record(doc, b.task, key, b.title, exports, size)
    M.save(out_dir, doc)   # after every report: an interrupted batch keeps what it finished
    return Outcome(b.task, b.seconds, None, size, exports=exports)


def run_task(task: Task) -> Outcome:
    """Render one task in this process and write its files (no manifest); errors are returned, not raised."""
    from .exports import write_report
    b = build_task(task)
    if b.error:
        return Outcome(task, b.seconds, b.error)
    exports = write_report(task.out, b.html, b.title, b.tables, b.charts)
    return Outcome(task, b.seconds, None, task.out.stat().st_size, exports=exports)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """End every worker (each kills its kernel on SIGTERM), then anything still alive."""
    procs = list((getattr(pool, "_processes", None) or {}).values())   # the executor keeps no public handle
    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(1.0)
    # Wait for the executor's own thread to see the dead workers and close its pipe: left running, it races
    # the interpreter's exit hook, which then prints "Exception ignored … Bad file descriptor".
    pool.shutdown(wait=True, cancel_futures=True)


def _warm() -> None:
    """Import and build what every report needs once here, before the workers fork from this process."""
    from .. import charts
    from .render import _exporter
    import papermill  # noqa: F401
    charts.vega_bundle()
    _exporter()


def _run(todo: list[tuple[Task, str]], jobs: int, doc: dict, out_dir: Path, bar) -> list[Outcome]:
    """Render ``todo`` ((task, key) pairs) in ``jobs`` worker processes. Each finished report is written by one
    writer thread of this process (drawing its figures, which takes seconds, while the workers go on)."""
    from concurrent.futures import ThreadPoolExecutor
    outcomes: list[Outcome] = []
    if not todo:
        return outcomes
    _warm()
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))), initializer=_worker_init,
                               initargs=(os.getpid(),))
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rk-writer")
    written = []

    def write(built: Built, key: str) -> Outcome:
        o = write_built(built, doc, out_dir, key)
        bar.set_postfix_str(o.task.out.name)
        bar.update()
        return o
    try:
        futures = {pool.submit(build_task, t): (t, k) for t, k in todo}
        for fut in as_completed(futures):
            task, key = futures[fut]
            try:
                written.append(writer.submit(write, fut.result(), key))
            except Exception as exc:  # a worker process died (killed, out of memory): report, go on
                outcomes.append(Outcome(task, 0.0, f"arbeidsprosessen stoppet: {type(exc).__name__}: {exc}"))
                bar.update()
        outcomes += [w.result() for w in written]
    except KeyboardInterrupt as exc:
        _stop_pool(pool)
        writer.shutdown(wait=True, cancel_futures=True)   # the file being written is finished (or removed)
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        done = sum(1 for w in written if w.done() and not w.cancelled() and w.exception() is None)
        raise Interrupted(signum, done, len(todo)) from None
    pool.shutdown(wait=True)
    writer.shutdown(wait=True)
    return outcomes


def check_out_dir(out_dir: Path) -> None:
    """The output folder exists or can be made, and can be written (a ReformkitError, exit 2, at once)."""
    import tempfile
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as exc:
        raise ReformkitError(f"--out {out_dir}: kan ikke skrive der ({exc.strerror or exc})") from None


def render_batch(scenarios: Sequence[str | Path], out_dir: str | Path = "reports", *, jobs: int = 1,
                 county: bool = True, compare: bool = True, progress: bool = True, fylker: Sequence[str] = (),
                 kommuner: Sequence[str] = (), borders: int = 2024, force: bool = False,
                 kostra: str | Path | None = None) -> BatchResult:
    """Render scenario reports, comparisons, county overviews and kommune profiles into ``out_dir``, and
    ``index.html`` listing every report of the folder (its manifest). ``kostra`` is a filled KOSTRA file for
    the kommune profiles' beste praksis.

    A report whose inputs are unchanged since it was rendered there is skipped (``force`` renders all). One
    failing report never stops the others; inspect ``result.failures``. Ctrl+C or SIGTERM raise
    :class:`Interrupted` after the workers are stopped.

    >>> res = render_batch(["data/scenarios/more-og-romsdal-4.yaml"], "reports", jobs=2)  # doctest: +SKIP
    >>> [o.task.out.name for o in res.outcomes if o.ok]                                      # doctest: +SKIP
    """
    from tqdm import tqdm

    if jobs < 1:
        raise ReformkitError(f"--jobs {jobs}: må være minst 1")
    out_dir = Path(out_dir)
    check_out_dir(out_dir)
    doc = M.load(out_dir)
    with sigterm_raises(lambda: Interrupted(signal.SIGTERM)):   # like Ctrl+C raises KeyboardInterrupt
        tasks, failures = plan(scenarios, out_dir, county=county, compare=compare, fylker=fylker,
                               kommuner=kommuner, borders=borders, known=M.known_scenarios(doc), kostra=kostra)
        skipped, todo = [], []
        for t in tasks:
            key = M.task_key(t)
            if not force and M.unchanged(doc, out_dir, t, key):
                entry = doc["reports"][t.out.name]
                t.title = entry.get("title") or t.title
                skipped.append(Outcome(t, skipped=True, bytes=entry.get("bytes", 0), exports=entry.get("exports", [])))
            else:
                todo.append((t, key))
        bar = tqdm(total=len(todo), desc="Rapporter", unit="rapport", disable=not progress or not todo, leave=True)
        try:
            done = _run(todo, jobs, doc, out_dir, bar)
        finally:
            bar.close()
    # A failed task writes nothing: an earlier report of the same name is left as it was (the index says the
    # new run failed), since nothing good is overwritten by a failed run.
    result = BatchResult(outcomes=_ordered(failures + skipped + done, tasks, failures))
    from .index import write_index
    result.index = write_index(out_dir, result.outcomes + _earlier(doc, out_dir, result.outcomes))
    return result


def _ordered(outcomes: list[Outcome], tasks: list[Task], failures: list[Outcome]) -> list[Outcome]:
    """Outcomes in plan order (invalid files first), independent of which worker finished first."""
    by_out = {o.task.out: o for o in outcomes if o not in failures}
    return list(failures) + [by_out[t.out] for t in tasks if t.out in by_out]


def _earlier(doc: dict, out_dir: Path, outcomes: list[Outcome]) -> list[Outcome]:
    """Reports of the folder's manifest that this run did not plan (and whose page is still there)."""
    seen = {o.task.out.name for o in outcomes}
    out = []
    for name, e in sorted(doc["reports"].items()):
        if name not in seen and (out_dir / name).is_file():
            task = Task(e.get("kind", "scenario"), e.get("source", name), "", {}, out_dir / name, e.get("title", ""))
            out.append(Outcome(task, skipped=True, bytes=e.get("bytes", 0), exports=e.get("exports", [])))
    return out
