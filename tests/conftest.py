"""Shared fixtures: the real Atlases (integration; need `make data`) and a small synthetic one (unit)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import reformkit as rk
from reformkit.testing import synthetic_atlas

#: The offline mirror (../shared/data from the project's root).
MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def atlas():
    """The real 2024 Atlas from the data cache (filled by `make data`)."""
    return rk.load_atlas(borders=2024)


@pytest.fixture(scope="session")
def atlas2019():
    """The real 2019 Atlas (422 kommuner) for the 2020 reform replay."""
    return rk.load_atlas(borders=2019)


@pytest.fixture(scope="session")
def small_atlas():
    """A 4 × 3 grid of synthetic kommuner, 2010–2024, one fylke."""
    return synthetic_atlas(nx=4, ny=3)


@pytest.fixture(scope="module")
def params():
    """The economy parameters from data/params (reformkit.economy)."""
    from reformkit.economy import load_economy_params
    return load_economy_params()


@pytest.fixture
def param_copy(tmp_path):
    """A writable copy of the economy parameter files, for tests that break one of them."""
    from reformkit.paths import PARAMS_DIR
    for path in PARAMS_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.fixture
def mirror(tmp_path) -> Path:
    """A writable copy of the offline mirror (files linked, so copying is cheap until one is replaced)."""
    root = tmp_path / "mirror"
    for src in MIRROR.rglob("*"):
        if src.is_file():
            dst = root / src.relative_to(MIRROR)
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(src, dst)
    return root


@pytest.fixture
def cache_root(tmp_path, monkeypatch) -> Path:
    """A copy of the real cache's core in a temporary REFORMKIT_DATA_DIR."""
    from reformkit.data import cache
    from reformkit.paths import cache_dir
    root = tmp_path / "cache"
    shutil.copytree(cache.core_dir(cache_dir()), root / "core")
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(root))
    return root


@pytest.fixture(scope="session")
def rendered_reports(tmp_path_factory):
    """One report of each kind — two scenarios, their comparison, the county overview and a kommune profile —
    rendered once per session into one folder by two worker processes (`reformkit render` does the same)."""
    from reformkit import report
    from reformkit.paths import SCENARIOS_DIR
    out = tmp_path_factory.mktemp("reports")
    res = report.render_batch([SCENARIOS_DIR / "more-og-romsdal-2.yaml", SCENARIOS_DIR / "more-og-romsdal-4.yaml"],
                              out, jobs=2, fylker=["15"], kommuner=["1837"], progress=False)
    assert not res.failures, [o.error for o in res.failures]
    assert {o.task.kind for o in res.outcomes} == {"scenario", "compare", "county", "kommune"}
    return out
