"""reformkit.paths: the project folder overrides the packaged resources file by file."""
from __future__ import annotations

from pathlib import Path

import pytest

from reformkit import paths
from reformkit.data.catalogue import catalogue
from reformkit.errors import DataError

PACKAGED = paths.RESOURCES_DIR


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("REFORMKIT_PROJECT_DIR", str(tmp_path))
    monkeypatch.delenv("REFORMKIT_DATA_DIR", raising=False)
    return tmp_path


def test_checkout_is_the_default_project():
    # the tests run from the source checkout: its pyproject.toml names reformkit
    assert (paths.PROJECT_ROOT / "pyproject.toml").is_file()
    assert paths._checkout_root() == paths.PROJECT_ROOT


def test_project_dir_and_cache_dir_follow_the_environment(project, monkeypatch):
    assert paths.project_dir() == project.resolve()
    assert paths.cache_dir() == project.resolve() / "data" / "cache"
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(project / "elsewhere"))
    assert paths.cache_dir() == project.resolve() / "elsewhere"


def test_outside_a_checkout_the_project_is_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("REFORMKIT_PROJECT_DIR", raising=False)
    monkeypatch.setattr(paths, "_checkout_root", lambda: None)
    monkeypatch.chdir(tmp_path)
    assert paths.project_dir() == tmp_path.resolve()


def test_packaged_files_when_the_project_has_none(project):
    assert paths.param_file("criteria") == PACKAGED / "params" / "criteria.yaml"
    assert paths.param_file("criteria.yaml") == PACKAGED / "params" / "criteria.yaml"
    assert paths.scenario_file("more-og-romsdal-4") == PACKAGED / "scenarios" / "more-og-romsdal-4.yaml"
    assert paths.reference_file("fylker.csv") == PACKAGED / "reference" / "fylker.csv"
    assert paths.notebook_file("scenario_report") == PACKAGED / "notebooks" / "scenario_report.ipynb"
    assert paths.template_file("index.html.j2") == PACKAGED / "templates" / "index.html.j2"
    assert paths.sources_file() == PACKAGED / "sources.yaml"
    for f in (paths.param_file("geo"), paths.notebook_file("workshop.ipynb"), paths.sources_file()):
        assert f.is_file(), f


def test_a_project_file_overrides_the_packaged_one(project):
    own = {
        paths.param_file: project / "data" / "params" / "criteria.yaml",
        paths.scenario_file: project / "data" / "scenarios" / "criteria.yaml",
        paths.notebook_file: project / "notebooks" / "criteria.yaml.ipynb",
    }
    for f in own.values():
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("x")
    assert paths.param_file("criteria") == own[paths.param_file].resolve()
    assert paths.param_file("geo") == PACKAGED / "params" / "geo.yaml"      # per file: the rest stays packaged
    assert paths.scenario_file("criteria.yaml") == own[paths.scenario_file].resolve()
    assert paths.notebook_file("criteria.yaml") == own[paths.notebook_file].resolve()
    (project / "data" / "sources.yaml").write_text("datasets: {}")
    assert paths.sources_file() == (project / "data" / "sources.yaml").resolve()


@pytest.mark.parametrize("bad", ["", "..", "../geo", "params/geo", "/etc/passwd"])
def test_names_not_paths(bad):
    with pytest.raises(ValueError, match="give a file name"):
        paths.param_file(bad)


def test_catalogue_reads_the_project_override(project):
    (project / "data").mkdir()
    (project / "data" / "sources.yaml").write_text("datasets:\n  x: {title: t}\n", encoding="utf-8")
    with pytest.raises(DataError, match="sources.yaml: incomplete catalogue") as err:
        catalogue()
    assert str(project) in str(err.value) and "lacks 'publisher'" in str(err.value)


def test_the_scenario_validator_reads_the_projects_cooperation_parameters(project):
    """A service a project adds in its own data/params/cooperation.yaml is known to the scenario format too."""
    from reformkit.scenario.cooperation import vocabulary
    assert "kulturskole" not in vocabulary().services
    lines = (paths.RESOURCES_DIR / "params" / "cooperation.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("  barnevern:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    copy = ["  kulturskole:"] + lines[start + 1:end]                     # barnevern's entry under a new name
    (project / "data" / "params").mkdir(parents=True)
    (project / "data" / "params" / "cooperation.yaml").write_text("\n".join(lines[:start] + copy + lines[start:]) + "\n",
                                                                  encoding="utf-8")
    assert "kulturskole" in vocabulary().services
