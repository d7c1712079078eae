"""The environment: pyproject.toml, environment.yml (conda-forge) and requirements-lock.txt agree, and the
slow optional IRI validator of jsonschema stays out of every process."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(d) for d in PROJECT["dependencies"]]
EXTRAS = [Requirement(d) for extra in ("test", "bench") for d in PROJECT["optional-dependencies"][extra]]


def _locked() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements-lock.txt: {line!r} is not an exact pin (name==version)"
            pins[canonicalize_name(name)] = Version(version.strip())
    return pins


def test_environment_matches_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and not re.match(r"(python|pip)\b", dep):
            req = Requirement(dep)
            conda[canonicalize_name(req.name)] = req.specifier
    runtime = {canonicalize_name(r.name): r.specifier for r in RUNTIME}
    assert conda.keys() == runtime.keys(), \
        f"only in environment.yml: {conda.keys() - runtime.keys()}; only in pyproject: {runtime.keys() - conda.keys()}"
    differ = {name: (str(conda[name]), str(spec)) for name, spec in runtime.items() if conda[name] != spec}
    assert not differ, f"environment.yml and pyproject.toml give different ranges: {differ}"
    assert "conda-forge" in env["channels"]


def test_lock_satisfies_pyproject_ranges():
    locked = _locked()
    problems = []
    for req in RUNTIME + EXTRAS:
        version = locked.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req.name}: not in requirements-lock.txt")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}=={version} is outside pyproject.toml's range {req.specifier}")
    assert not problems, "run `make lock`: " + "; ".join(problems)


def test_lock_keeps_the_slow_iri_validator_out():
    locked = _locked()
    assert "rfc3987-syntax" not in locked
    assert locked["jsonschema"] < Version("4.25")


def _fresh(code: str) -> str:
    return subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          check=True, timeout=120).stderr


def test_nbformat_and_altair_do_not_import_rfc3987_syntax():
    """jsonschema >= 4.25 imports rfc3987_syntax (1.5-2.5 s of grammar building) when installed; see pyproject."""
    imported = _fresh("import nbformat, altair")
    assert re.search(r"\|\s+jsonschema$", imported, re.M), "jsonschema was not imported: the check is void"
    assert not re.search(r"\brfc3987_syntax\b", imported), \
        "importing nbformat/altair imported rfc3987_syntax: reinstall with `make install` (jsonschema<4.25)"


def test_nbformat_imports_fast():
    """Well under a second without the IRI grammar (2-3 s with it); the best of three runs on a busy machine."""
    code = "import time; t = time.perf_counter(); import nbformat; print(time.perf_counter() - t)"
    best = float("inf")
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
        best = min(best, float(out.stdout))
        if best < 1.0:
            break
    assert best < 1.0, f"import nbformat took {best:.2f} s"
