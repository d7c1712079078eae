"""Offline import: a bad mirror is rejected with the file named and the existing cache left untouched."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import reformkit as rk
from reformkit.cli import main

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _replace(mirror: Path, rel: str, writer) -> None:
    path = mirror / rel
    path.unlink()
    writer(path)


def _drop_column(rel, column):
    def edit(mirror):
        df = pd.read_csv(MIRROR / rel, dtype=str)
        _replace(mirror, rel, lambda p: df.drop(columns=[column]).to_csv(p, index=False))
    return edit


def _drop_rows(rel, n):
    def edit(mirror):
        df = pd.read_csv(MIRROR / rel, dtype=str)
        _replace(mirror, rel, lambda p: df.iloc[n:].to_csv(p, index=False))
    return edit


def _drop_kommune_from_population(mirror):
    rel = "population/population-2024-borders.parquet"
    df = pd.read_parquet(MIRROR / rel)
    _replace(mirror, rel, lambda p: df[df.kommunenummer != "1505"].to_parquet(p))


def _garbage(rel):
    return lambda mirror: _replace(mirror, rel, lambda p: p.write_bytes(b"not a parquet file"))


def _remove(rel):
    return lambda mirror: (mirror / rel).unlink()


BAD_MIRRORS = {
    "missing population file": (_remove("population/population-2024-borders.parquet"),
                                "population-2024-borders.parquet"),
    "missing boundaries": (_remove("boundaries/kommuner-2024.geojson"), "kommuner-2024.geojson"),
    "register lacks a column": (_drop_column("kommuner/kommuner-2024.csv", "fylkesnavn"),
                                "missing columns fylkesnavn"),
    "BA table lacks a column": (_drop_column("kommuner/ba-regioner.csv", "ba_region"), "ba-regioner.csv"),
    "register has 350 kommuner": (_drop_rows("kommuner/kommuner-2024.csv", 7), "350 kommuner, expected 357"),
    "population lacks a kommune": (_drop_kommune_from_population, "356 kommuner, expected 357"),
    "corrupt parquet": (_garbage("population/population-2019-borders.parquet"), "cannot read"),
}


@pytest.mark.parametrize("case", list(BAD_MIRRORS))
def test_bad_mirror_is_rejected_and_cache_untouched(case, mirror, cache_root, capsys):
    edit, message = BAD_MIRRORS[case]
    edit(mirror)
    before = _snapshot(cache_root)
    code = main(["data", "import", str(mirror), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert _snapshot(cache_root) == before


def test_good_mirror_imports_and_replaces_cache(mirror, cache_root, capsys):
    manifest = cache_root / "core" / "manifest.json"
    old = json.loads(manifest.read_text())
    assert main(["data", "import", str(mirror), "--quiet"]) == 0
    new = json.loads(manifest.read_text())
    assert new["created"] >= old["created"] and new["method"] == "import"
    assert rk.data.read_atlas(2024, cache_root).kommuner.shape[0] == 357
    assert not list(cache_root.glob(".core-*")), "staging folders are cleaned up"


def test_missing_cache_names_the_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(tmp_path / "empty"))
    with pytest.raises(rk.DataError, match="reformkit data import"):
        rk.data.read_atlas(2024)
    assert main(["data", "status"]) == 2
    err = capsys.readouterr().err
    assert "reformkit data import" in err and "Traceback" not in err


def test_corrupt_cache_names_the_command(cache_root):
    (cache_root / "core" / "borders-2024" / "population.parquet").write_bytes(b"garbage")
    with pytest.raises(rk.DataError, match="corrupt cache file.*reformkit data import"):
        rk.data.read_atlas(2024, cache_root)


def test_status_json(capsys):
    assert main(["data", "status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["kommuner"] == 357 and st["fylker"] == 15
    assert st["population_years"] == [2005, 2026]
    assert st["borders"]["2019"]["kommuner"] == 422
    assert "population-2024" in st["sources"]
    for source in st["sources"].values():
        assert source["url"].startswith("https://") and source["licence"] and source["attribution"]


def test_derived_data_persists_across_processes_and_generations(cache_root):
    from reformkit.data.store import Dataset
    calls = []
    spec = Dataset("answer", version=1, format="json")

    def build():
        calls.append(1)
        return {"answer": 42}

    first = rk.data.read_atlas(2024, cache_root)
    assert first.store.get(spec, {"generation": first.generation, "p": 1}, build) == {"answer": 42}
    second = rk.data.read_atlas(2024, cache_root)            # a fresh object, as in a new process
    assert second.store.get(spec, {"generation": second.generation, "p": 1}, build) == {"answer": 42}
    assert len(calls) == 1
    second.store.get(spec, {"generation": second.generation, "p": 2}, build)   # another key builds again
    assert len(calls) == 2
    old = set((cache_root / "derived").glob("answer-*"))
    assert old
    assert main(["data", "import", str(MIRROR), "--quiet"]) == 0
    assert not (cache_root / "derived").exists() or not old & set((cache_root / "derived").iterdir())
