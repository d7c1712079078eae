"""Where reformkit finds its files: the project folder, the packaged resources and the data cache.

reformkit ships its parameters, scenarios, reference tables, notebooks, report templates and dataset
catalogue inside the package (``reformkit/resources/``). A *project folder* can override any of them, file
by file:

=====================  ==========================================  =====================================
lookup                 project file (used when it exists)          packaged fallback (``reformkit/...``)
=====================  ==========================================  =====================================
``param_file(n)``      ``<project>/data/params/<n>.yaml``          ``resources/params/<n>.yaml``
``scenario_file(n)``   ``<project>/data/scenarios/<n>.yaml``       ``resources/scenarios/<n>.yaml``
``reference_file(n)``  ``<project>/data/reference/<n>``            ``resources/reference/<n>``
``notebook_file(n)``   ``<project>/notebooks/<n>.ipynb``           ``resources/notebooks/<n>.ipynb``
``template_file(n)``   ``<project>/templates/<n>``                 ``resources/templates/<n>``
``sources_file()``     ``<project>/data/sources.yaml``             ``resources/sources.yaml``
=====================  ==========================================  =====================================

Anything at the project's path counts as the project's file — a folder or a named pipe there is reported
when it is read, not silently passed over. A name may be given with or without its extension (``"geo"`` or ``"geo.yaml"``). The override is per file:
a project that holds only ``data/params/criteria.yaml`` uses its own criteria and every other packaged file.
A file the project lacks resolves to the packaged path, whether or not that exists, so the caller's read
names the missing file.

The project folder (:func:`project_dir`) is ``$REFORMKIT_PROJECT_DIR`` when set; else the source checkout
when reformkit runs from one (the folder above the package holds a ``pyproject.toml`` naming reformkit; there
``data/params`` etc. are links to the packaged folders); else the current directory. Report notebooks run
with the project folder as their working directory.

The data cache (:func:`cache_dir`) is ``$REFORMKIT_DATA_DIR`` when set, else ``<project>/data/cache``.

The constants below (``PARAMS_DIR`` ...) name the packaged folders only; new code uses the functions.
"""
from __future__ import annotations

import functools
import os
import tomllib
from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The folder holding the package: the checkout root in a source checkout, site-packages when installed.
PROJECT_ROOT = PACKAGE_DIR.parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
PARAMS_DIR = RESOURCES_DIR / "params"
SCENARIOS_DIR = RESOURCES_DIR / "scenarios"
REFERENCE_DIR = RESOURCES_DIR / "reference"
NOTEBOOK_DIR = RESOURCES_DIR / "notebooks"


@functools.cache
def _checkout_root() -> Path | None:
    """The source checkout reformkit runs from, or None when it is installed (read once per process)."""
    try:
        meta = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return PROJECT_ROOT if meta.get("project", {}).get("name") == "reformkit" else None


def project_dir() -> Path:
    """The project folder: ``$REFORMKIT_PROJECT_DIR``, else the source checkout, else the current directory."""
    env = os.environ.get("REFORMKIT_PROJECT_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return _checkout_root() or Path.cwd().resolve()


def cache_dir() -> Path:
    """The data cache: ``$REFORMKIT_DATA_DIR`` if set, else ``data/cache`` in the project folder."""
    env = os.environ.get("REFORMKIT_DATA_DIR")
    return Path(env).expanduser().resolve() if env else project_dir() / "data" / "cache"


def project_path(path: str | os.PathLike) -> Path:
    """A file named in a notebook parameter: an absolute path as it is; a relative one from the current folder
    when it is there, else from the project folder. JupyterLab runs a notebook in ``notebooks/`` while
    ``reformkit render`` runs it in the project folder; with this, the notebook's default
    ``data/scenarios/...`` works in both."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    return project_dir() / p


def _resolve(name: str, suffix: str, project_sub: tuple[str, ...], packaged_sub: tuple[str, ...]) -> Path:
    """The project's file ``name`` under ``project_sub`` if it exists, else the packaged one."""
    file_name = str(name)
    if not file_name or Path(file_name).name != file_name or file_name in (".", ".."):
        raise ValueError(f"{name!r}: give a file name, not a path (reformkit.paths looks it up)")
    if suffix and not file_name.endswith(suffix):
        file_name += suffix
    own = project_dir().joinpath(*project_sub, file_name)
    if own.exists():   # also a folder or a FIFO there: the read then says what is wrong, instead of ignoring it
        return own
    # importlib.resources gives a real folder for an installed (unzipped) wheel and a source checkout alike
    return Path(str(files("reformkit").joinpath("resources", *packaged_sub, file_name)))


def param_file(name: str) -> Path:
    """A parameter file, e.g. ``param_file("criteria")``: ``data/params/criteria.yaml`` of the project or packaged."""
    return _resolve(name, ".yaml", ("data", "params"), ("params",))


def scenario_file(name: str) -> Path:
    """A scenario file, e.g. ``scenario_file("more-og-romsdal-4")``: the project's or the packaged one."""
    return _resolve(name, ".yaml", ("data", "scenarios"), ("scenarios",))


def reference_file(name: str) -> Path:
    """A reference table by its full file name, e.g. ``reference_file("fylker.csv")``."""
    return _resolve(name, "", ("data", "reference"), ("reference",))


def notebook_file(name: str) -> Path:
    """A notebook, e.g. ``notebook_file("scenario_report")``: ``notebooks/`` of the project or packaged."""
    return _resolve(name, ".ipynb", ("notebooks",), ("notebooks",))


def template_file(name: str) -> Path:
    """A report template by its full file name, e.g. ``template_file("index.html.j2")``."""
    return _resolve(name, "", ("templates",), ("templates",))


def sources_file() -> Path:
    """The dataset catalogue: ``data/sources.yaml`` of the project or the packaged one."""
    return _resolve("sources.yaml", "", ("data",), ())


__all__ = ["project_dir", "project_path", "cache_dir", "param_file", "scenario_file", "reference_file", "notebook_file",
           "template_file", "sources_file", "PACKAGE_DIR", "PROJECT_ROOT", "RESOURCES_DIR", "PARAMS_DIR",
           "SCENARIOS_DIR", "REFERENCE_DIR", "NOTEBOOK_DIR"]
