"""reformkit installs like a package: a wheel built from the sources, installed into a fresh venv, runs
``reformkit evaluate`` and ``reformkit render`` on a packaged scenario outside the checkout.

Offline and quick: the wheel is built without build isolation (this interpreter's setuptools), and the new
venv reaches this interpreter's dependencies through a ``.pth`` file instead of downloading them; the
wheel's own ``reformkit`` in the new venv comes first on ``sys.path`` (checked).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.version import Version

from reformkit.paths import cache_dir

pytestmark = [pytest.mark.slow, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "more-og-romsdal-2"
NAME = "Møre og Romsdal – to tyngdepunkter"
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "reformkit"]


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)
    assert out.returncode == 0, f"{' '.join(map(str, cmd))} exited {out.returncode}:\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources (nothing is written into the checkout)."""
    setuptools = Version(metadata.version("setuptools"))
    if setuptools < Version("77"):
        pytest.fail(f"setuptools {setuptools} cannot build this wheel (pyproject.toml needs >=77); "
                    "`make install` brings the venv to requirements-lock.txt")
    root = tmp_path_factory.mktemp("build")
    src = root / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(ROOT / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", str(root / "dist"), str(src)])
    (built,) = (root / "dist").glob("reformkit-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv holding the wheel; dependencies come from this interpreter's site-packages."""
    env = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env)])
    python = env / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    (site / "reformkit-test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)])
    return env


def _outside_env(env: Path) -> dict[str, str]:
    """The environment for commands in the venv: no PYTHONPATH (it would put the checkout first), no project."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "REFORMKIT_PROJECT_DIR")}
    # the dependencies' data files (nbconvert's templates) lie under this interpreter's prefix, which the .pth
    # file does not reach; a real install puts them under the venv's own prefix
    jupyter = os.pathsep.join(filter(None, [str(Path(sys.prefix) / "share" / "jupyter"), clean.get("JUPYTER_PATH")]))
    return {**clean, "REFORMKIT_DATA_DIR": str(cache_dir()), "JUPYTER_PATH": jupyter,
            "PATH": f"{env / 'bin'}{os.pathsep}{clean['PATH']}"}


def test_wheel_holds_the_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ["reformkit/resources/sources.yaml", "reformkit/resources/params/geo.yaml",
                     f"reformkit/resources/scenarios/{SCENARIO}.yaml", "reformkit/resources/reference/fylker.csv",
                     "reformkit/resources/notebooks/scenario_report.ipynb",
                     "reformkit/resources/templates/report.html.j2", "reformkit/resources/templates/index.html.j2"]:
        assert required in names, f"{wheel.name} lacks {required} (pyproject.toml [tool.setuptools.package-data])"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_installed_package_evaluates_and_renders_outside_the_checkout(venv, tmp_path):
    env = _outside_env(venv)
    where = _run([str(venv / "bin" / "python"), "-c",
                  "import reformkit, reformkit.paths as p; print(reformkit.__file__); print(p.project_dir()); "
                  f"print(p.scenario_file({SCENARIO!r}))"], env=env, cwd=tmp_path).stdout.splitlines()
    module, project, scenario = (Path(line) for line in where)
    assert venv in module.parents, f"reformkit loaded from {module}, not from the wheel in {venv}"
    assert project == tmp_path.resolve()            # outside a checkout the project is the current directory
    assert venv in scenario.parents and scenario.is_file()

    _run(["reformkit", "evaluate", str(scenario), "--json", "result.json"], env=env, cwd=tmp_path)
    doc = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert doc["scenario"]["name"] == NAME

    _run(["reformkit", "render", str(scenario), "--out", "reports", "--jobs", "2"], env=env, cwd=tmp_path)
    report = (tmp_path / "reports" / f"{SCENARIO}.html").read_text(encoding="utf-8")
    assert NAME in report and "Traceback" not in report
    assert NAME in (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
