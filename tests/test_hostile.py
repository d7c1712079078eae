"""Hostile input (issue 16): every case a review found, each rejected with exit status 2 and one clear line
naming the file or option and the fault — never a traceback, a hang, a runaway read or a silently wrong
number — and nothing good overwritten. Data cases run on copies of the mirror and the cache (conftest's
``mirror`` and ``cache_root``); a few run in a subprocess to show what a user sees.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from reformkit._io import read_bytes_limited
from reformkit.cli import main
from reformkit.cli.common import emit_json
from reformkit.data import atlas as atlas_module
from reformkit.data import cache
from reformkit.errors import DataError, ReformkitError
from reformkit.paths import cache_dir

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"
PROJECT = Path(__file__).resolve().parents[1]
SOURCE_CACHE = cache_dir()   # the session's cache, before a test points REFORMKIT_DATA_DIR at a copy
SCENARIO = """\
name: Prøve
borders: 2024
base_year: 2024
horizon: 2030
area: ["1505", "1506"]
blocks:
  - name: Nordmøre
    centre: "1505"
    members: {"1505": merge, "1506": cooperate}
"""


def run(capsys, *argv) -> tuple[int, str, str]:
    """``reformkit ARGV`` in this process: (exit status, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_bad_option(capsys, *argv) -> str:
    """A command line argparse refuses: exit status 2, and its one-line reason."""
    assert main([str(a) for a in argv]) == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def one_fault(err: str, *needles: str) -> None:
    """stderr names every needle (file, column, fault) and holds no traceback."""
    assert "Traceback" not in err, err
    for needle in needles:
        assert needle in err, (needle, err)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def cli_subprocess(*argv, env: dict | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(PROJECT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "reformkit.cli", *map(str, argv)], capture_output=True, text=True,
                          env=environment, timeout=timeout, **kw)


@pytest.fixture
def scenario(tmp_path) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


@pytest.fixture
def cache_with_derived(cache_root) -> Path:
    """``cache_root`` with the real cache's derived data too (the same generation, so it is used as is)."""
    if (SOURCE_CACHE / "derived").is_dir():
        shutil.copytree(SOURCE_CACHE / "derived", cache_root / "derived")
    return cache_root


@pytest.fixture
def fresh_atlases(monkeypatch):
    """Atlases read anew (the per-process memo would hide a cache changed on disk)."""
    monkeypatch.setattr(atlas_module, "_MEMO", {})


# ---- 8: unbounded reads -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("special,kind", [("/dev/zero", "a character device"), ("/dev/null", "a character device"),
                                          ("fifo", "a named pipe (FIFO)"), ("folder", "a folder")])
def test_scenario_that_is_not_a_regular_file(special, kind, tmp_path, capsys):
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
    elif special == "folder":
        path = tmp_path
    code, _, err = run(capsys, "evaluate", path, "--json", tmp_path / "out.json")
    assert code == 2
    one_fault(err, str(path), kind, "not a regular file")
    assert not (tmp_path / "out.json").exists()


def test_dev_zero_and_fifo_in_a_subprocess_neither_grow_nor_hang(tmp_path):
    import resource
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)

    def limit_memory():   # a read of /dev/zero into memory would hit this and die, not pass
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
    for path in ("/dev/zero", fifo):
        done = cli_subprocess("evaluate", path, timeout=60, preexec_fn=limit_memory)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "not a regular file" in done.stderr, done.stderr


def test_reads_stop_at_the_limit_whatever_st_size_says(tmp_path):
    # /proc files report st_size 0 however much they hold: the limit is counted while reading
    assert Path("/proc/self/maps").stat().st_size == 0
    with pytest.raises(ReformkitError, match="more than 100 bytes"):
        read_bytes_limited("/proc/self/maps", 100, "test file")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# padding\n" * 200_000)
    with pytest.raises(ReformkitError, match="at most 1 MB"):
        main(["--debug", "evaluate", str(big)])


def test_fifo_as_travel_matrix(tmp_path, capsys):
    fifo = tmp_path / "times.csv"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "propose", "--area", "Molde", "Aukra", "--centres", "1", "--travel-matrix", fifo,
                       "-o", tmp_path / "p.yaml")
    assert code == 2 and not (tmp_path / "p.yaml").exists()
    one_fault(err, str(fifo), "named pipe")


def test_fifo_as_mirror_file(mirror, cache_root, capsys):
    population = mirror / "population" / "population-2019-borders.parquet"
    population.unlink()
    os.mkfifo(population)
    before = snapshot(cache_root)
    code, _, err = run(capsys, "data", "import", mirror, "--quiet")
    assert code == 2 and snapshot(cache_root) == before
    one_fault(err, str(population), "named pipe")


def test_fifo_as_project_parameter_file(tmp_path, monkeypatch):
    from reformkit.params import ParameterError, load_parameters
    project = tmp_path / "project"
    (project / "data" / "params").mkdir(parents=True)
    os.mkfifo(project / "data" / "params" / "criteria.yaml")
    (project / "data" / "params" / "roads.yaml").write_bytes(b"network: &a {x: *a}\n")
    monkeypatch.setenv("REFORMKIT_PROJECT_DIR", str(project))
    with pytest.raises(ParameterError) as err:
        load_parameters()
    assert "criteria.yaml: is a named pipe (FIFO), not a regular file" in str(err.value)
    assert "roads.yaml: YAML anchors and aliases" in str(err.value)


def _zip(member: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("kommuner.geojson", member)
    return buf.getvalue()


def test_geonorge_zip_bomb_is_refused_before_it_is_unpacked():
    import tracemalloc
    from reformkit.data.online.geonorge import read_layer
    bomb = _zip(b" " * 160_000_000)            # 160 MB of blanks pack into ~150 kB
    assert len(bomb) < 500_000
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="unpack .*-fold"):
            read_layer(bomb, "Kommune", "https://nedlasting.geonorge.no/bomb.zip")
        with pytest.raises(DataError, match="larger than 50,000,000 bytes uncompressed"):
            read_layer(bomb, "Kommune", "https://nedlasting.geonorge.no/bomb.zip", max_unzipped=50_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000
    small = _zip(json.dumps({"Kommune": {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kommunenummer": "1505"},
         "geometry": {"type": "Point", "coordinates": [100000, 7000000]}}]}}).encode())
    assert len(read_layer(small, "Kommune", "test")) == 1


# ---- 7: parameters ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("assumptions,fault", [
    ("economy: {discount_rate: .nan}", "discount_rate: nan is not a finite number"),
    ("economy: {discount_rate: true}", "discount_rate: True is not a number"),
    ("travel: {factors: {main: .nan}}", "factors.main: nan is not a finite number"),
    ("travel: {factors: {main: .inf}}", "factors.main: inf is not a finite number"),
    ("travel: {1: 2, factors: {main: 1}}", "parameter names are text, got 1"),
    ("travel: {matrix_csv: 5}", "matrix_csv: 5 is not a file name"),
    ("travel: {matrix_csv: nowhere.csv}", "matrix_csv: "),
    ("economy: {discount_rate: -1.0e+309}", "discount_rate: -inf is not a finite number"),
    ("economy: {discount_rate: 1.0e+309}", "discount_rate: inf is not a finite number"),
])
def test_bad_assumptions_fail_when_the_file_loads(assumptions, fault, scenario, capsys):
    scenario.write_text(SCENARIO + f"assumptions:\n  {assumptions}\n", encoding="utf-8")
    out = scenario.parent / "out.json"
    code, stdout, err = run(capsys, "evaluate", scenario, "--json", out)
    assert code == 2 and not stdout
    one_fault(err, str(scenario), "assumptions.", fault)
    assert not out.exists()


def test_json_output_refuses_nan_and_infinity(tmp_path, capsys, scenario, monkeypatch):
    target = tmp_path / "result.json"
    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ReformkitError, match=r"result.json: the result holds a number that is not finite "
                                                 r"\(\$\.blocks\[0\]\.share = "):
            emit_json({"blocks": [{"share": bad}]}, str(target))
        assert not target.exists()
    from reformkit import narrative
    real = narrative.document
    monkeypatch.setattr(narrative, "document", lambda res: {**real(res), "bad": float("nan")})
    code, _, err = run(capsys, "evaluate", scenario, "--json", "-")
    assert code == 2
    one_fault(err, "standard output", "not finite ($.bad = nan)")


# ---- 9: travel matrix, names, options --------------------------------------------------------------------------
HEADER = "kommunenummer_from,kommunenummer_to,minutes"


@pytest.mark.parametrize("text,fault", [
    (f"{HEADER}\n1506,1547,inf\n", "column minutes: not a number from 0 to 10080 in row(s) 2 (e.g. 'inf')"),
    (f"{HEADER}\n1506,1547,1e400\n", "(e.g. '1e400')"),
    (f"{HEADER}\n1506,1547,-3\n", "column minutes: not a number from 0"),
    (f"{HEADER}\n1506,1547,30,5\n", "row(s) 2 have 4 fields, the header 3"),
    (f"{HEADER},minutes\n1506,1547,30,5\n", "column minutes appears 2 times"),
    (f"{HEADER}\n1506,1547,30\n1506,1547,40\n", "given before in the same direction"),
    ("", "is empty"),
    (b"\xff\xfe\x00garbage", "not a UTF-8 text file"),
])
def test_bad_travel_matrix(text, fault, tmp_path, capsys):
    path = tmp_path / "times.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    out = tmp_path / "p.yaml"
    code, _, err = run(capsys, "propose", "--area", "Molde", "Aukra", "Hustadvika", "--centres", "1",
                       "--travel-matrix", path, "-o", out)
    assert code == 2 and not out.exists()
    one_fault(err, str(path), fault)


def test_matrix_csv_of_a_scenario_is_read_beside_the_scenario(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "times.csv").write_text(f"{HEADER}\n1505,1506,77\n", encoding="utf-8")
    path = folder / "s.yaml"
    path.write_text(SCENARIO + "assumptions:\n  travel: {matrix_csv: times.csv}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)           # another folder: a path relative to it would not be found
    code, out, err = run(capsys, "evaluate", path, "--json", "-")
    assert code == 0, err
    assert json.loads(out)["blocks"][0]["max_travel_minutes_to_centre"] == 77


def test_terminal_escape_codes_in_names_are_not_printed(scenario, cache_with_derived, fresh_atlases, capsys):
    evil = "\x1b[2J\x1b]0;pwned\x07Nord\x9b31m\u202emøre\x1b[0m"
    scenario.write_text(SCENARIO.replace("name: Nordmøre", f"name: \"{evil.encode('unicode_escape').decode()}\""),
                        encoding="utf-8")
    path = cache_with_derived / "core" / "borders-2024" / "kommuner.parquet"
    table = pq.read_table(path)
    names = table.column("kommunenavn_kort").to_pylist()
    names[table.column("kommunenummer").to_pylist().index("1506")] = "Mol\x1b[31mde\x07"
    table = table.set_column(table.schema.get_field_index("kommunenavn_kort"), "kommunenavn_kort", [names])
    pq.write_table(table, path)
    code, out, err = run(capsys, "evaluate", scenario)
    assert code == 0, err
    assert "Nordmøre" in out and "Molde" in out
    assert not any(c in out + err for c in "\x1b\x07\x9b\u202e")
    code, out, _ = run(capsys, "evaluate", scenario, "--json", "-")
    doc = json.loads(out)
    assert doc["blocks"][0]["name"] == evil   # the document keeps the data, escaped as JSON
    assert not any(c in out for c in "\x1b\x07\x9b\u202e")


def test_bad_option_in_a_subprocess():
    done = cli_subprocess("workshop", "--port", "-1")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == ("reformkit workshop: error: argument --port: '-1' is not a port number "
                                            "from 1 to 65535")


@pytest.mark.parametrize("argv,fault", [
    (["workshop", "--port", "-1"], "argument --port: '-1' is not a port number from 1 to 65535"),
    (["workshop", "--port", "99999"], "argument --port: '99999' is not a port"),
    (["workshop", "--port", "0"], "argument --port: '0' is not a port"),
    (["workshop", "--port", "http"], "argument --port: 'http' is not a port"),
    (["render", "x.yaml", "--jobs", "0"], "argument --jobs: '0' is not a whole number of at least 1"),
    (["propose", "--area", "15", "--centres", "2", "-o", "x.yaml", "--time-limit", "nan"],
     "argument --time-limit: 'nan' is not a finite number above 0"),
    (["propose", "--area", "15", "--centres", "2", "-o", "x.yaml", "--time-limit", "inf"], "'inf' is not a finite"),
    (["propose", "--area", "15", "--centres", "0", "-o", "x.yaml"], "argument --centres: '0' is not a whole"),
    (["propose", "--area", "15", "--centres", "2", "-o", "x.yaml", "--max-travel-minutes", "nan"],
     "argument --max-travel-minutes: 'nan'"),
    (["project", "--horizon", "-5", "--out", "x.csv"], "argument --horizon: '-5'"),
])
def test_bad_option_values(argv, fault, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert fault in run_bad_option(capsys, *argv)
    assert not list(tmp_path.iterdir())


# ---- 6: a broken mirror -----------------------------------------------------------------------------------------
def _rewrite(mirror: Path, rel: str, edit) -> None:
    """Replace the mirror's link ``rel`` by a file written by ``edit(original data, target path)``."""
    target = mirror / rel
    target.unlink()
    src = MIRROR / rel
    if src.suffix == ".parquet":
        edit(pd.read_parquet(src), target)
    elif src.suffix == ".csv":
        edit(pd.read_csv(src, dtype=str), target)
    else:
        edit(json.loads(src.read_text(encoding="utf-8")), target)


def _pop24(change):
    return lambda m: _rewrite(m, "population/population-2024-borders.parquet", lambda df, t: change(df).to_parquet(t))


def _csv(rel, row, column, value):
    def edit(df, target):
        df.loc[row, column] = value
        df.to_csv(target, index=False)
    return lambda m: _rewrite(m, rel, edit)


def _geojson(rel, change):
    def edit(doc, target):
        change(doc)
        target.write_text(json.dumps(doc), encoding="utf-8")
    return lambda m: _rewrite(m, rel, edit)


def _feature(index, geometry):
    return lambda doc: doc["features"][index].update(geometry=geometry)


UTM33 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}
FAR = [[[1e300, 1e300], [1e300, 2e300], [2e300, 2e300], [1e300, 1e300]]]
BAD_MIRRORS = {
    "population rows repeated (Oslo 2005 would read 801 227)": (
        _pop24(lambda df: pd.concat([df, df[(df.kommunenummer == "0301") & (df.year == 2005)]])),
        "population-2024-borders.parquet: kommunenummer, year, age, sex repeated in row(s) 1664625"),
    "population NaN": (_pop24(lambda df: df.assign(population=df.population.astype(float).where(df.index != 100))),
                       "population-2024-borders.parquet: column population: empty (NaN) in row(s) 101"),
    "population negative": (_pop24(lambda df: df.assign(population=df.population.where(df.index != 9, -40))),
                            "column population: below 0 in row(s) 10 (e.g. -40)"),
    "population of an age missing": (_pop24(lambda df: df.drop(index=5)),
                                     "group(s) of kommunenummer, year lack some of the 212 combinations"),
    "register population differs from the population table": (
        _csv("kommuner/kommuner-2024.csv", 3, "population_2024", "1"),
        "kommuner-2024.csv: column population_2024 differs from the sum of population/population-2024-borders"),
    "BA travel time -1e9": (_csv("kommuner/ba-regioner.csv", 5, "reisetid_min", "-1e9"),
                            "ba-regioner.csv: column reisetid_min: below 0 in line(s) 7 (e.g. -1e+09)"),
    "weight abc": (_csv("kommuner/kommunenummer-til-2024.csv", 15, "weight", "abc"),
                   "kommunenummer-til-2024.csv: column weight: not a number in line(s) 17 (e.g. 'abc')"),
    "kommune number malformed": (_csv("kommuner/kommuner-2024.csv", 0, "kommunenummer", "3x01"),
                                 "kommuner-2024.csv: column kommunenummer: not a kommune number"),
    "fylke geometry Point(1e300, 1e300)": (
        _geojson("boundaries/fylker-2024.geojson", _feature(3, {"type": "Point", "coordinates": [1e300, 1e300]})),
        "fylker-2024.geojson: geometry of type Point in feature(s) 4; expected Polygon or MultiPolygon"),
    "fylke polygon at 1e300": (_geojson("boundaries/fylker-2024.geojson", _feature(2, {"type": "Polygon",
                                                                                       "coordinates": FAR})),
                               "fylker-2024.geojson: geometry outside Norway read as WGS 84 (EPSG:4326) in "
                               "feature(s) 3"),
    "2019 GeoJSON without its crs member": (_geojson("boundaries/kommuner-2019.geojson", lambda d: d.pop("crs")),
                                            "kommuner-2019.geojson: every geometry lies outside Norway read as WGS 84"),
    "2024 GeoJSON relabelled as UTM 33": (_geojson("boundaries/kommuner-2024.geojson", lambda d: d.update(crs=UTM33)),
                                          "kommuner-2024.geojson: every geometry lies outside Norway read as ETRS89"),
    "expenditure index NaN": (_geojson("inntektssystem/utgiftsbehovsindeks-2025.json",
                                       lambda d: d["kommuner"].update({"1505": float("nan")})),
                              "expenditure_index: column index: empty (NaN)"),
}


@pytest.mark.parametrize("case", list(BAD_MIRRORS))
def test_broken_mirror_is_refused_naming_file_and_fault(case, mirror, cache_root, capsys):
    edit, fault = BAD_MIRRORS[case]
    edit(mirror)
    before = snapshot(cache_root)
    code, _, err = run(capsys, "data", "import", mirror, "--quiet")
    assert code == 2
    one_fault(err, "nothing was changed in the cache", fault)
    assert snapshot(cache_root) == before
    assert not list(cache_root.glob(".core-*"))


def test_broken_mirror_in_a_subprocess(mirror, cache_root):
    BAD_MIRRORS["weight abc"][0](mirror)
    BAD_MIRRORS["2019 GeoJSON without its crs member"][0](mirror)
    done = cli_subprocess("data", "import", mirror, "--quiet", env={"REFORMKIT_DATA_DIR": str(cache_root)})
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[0] == "reformkit: the data is not valid; nothing was changed in the cache"
    assert len(done.stderr.splitlines()) == 3    # the headline and one line per fault


# ---- 6: a corrupted cache ---------------------------------------------------------------------------------------
def _table(root: Path, name: str, change) -> None:
    path = root / "core" / "borders-2024" / f"{name}.parquet"
    change(path)


def _frame(change):
    def edit(path):
        df = pd.read_parquet(path)
        change(df).to_parquet(path, index=False)
    return edit


def _geo(change):
    def edit(path):
        import geopandas as gpd
        change(gpd.read_parquet(path)).to_parquet(path)
    return edit


def _crs_label(epsg: int):
    def edit(path):
        import pyproj
        table = pq.read_table(path)
        meta = dict(table.schema.metadata)
        geo = json.loads(meta[b"geo"])
        geo["columns"][geo["primary_column"]]["crs"] = json.loads(pyproj.CRS.from_epsg(epsg).to_json())
        meta[b"geo"] = json.dumps(geo).encode()
        pq.write_table(table.replace_schema_metadata(meta), path)
    return edit


def _manifest(change):
    def edit(root):
        path = root / "core" / "manifest.json"
        path.write_text(json.dumps(change(json.loads(path.read_text()))), encoding="utf-8")
    return edit


BAD_CACHES = {
    "population column renamed": (lambda r: _table(r, "population", _frame(lambda d: d.rename(
        columns={"population": "folk"}))), "population.parquet: missing column(s) population"),
    "population stored as text": (lambda r: _table(r, "population", _frame(lambda d: d.assign(
        population=d.population.astype(str)))), "population.parquet: column population holds str values"),
    "population NaN": (lambda r: _table(r, "population", _frame(lambda d: d.assign(
        population=d.population.astype(float).where(d.index != 7)))), "column population: empty (NaN) in row(s) 8"),
    "population negative": (lambda r: _table(r, "population", _frame(lambda d: d.assign(
        population=d.population.where(d.index != 7, -5)))), "column population: below 0 in row(s) 8 (e.g. -5)"),
    "population rows repeated": (lambda r: _table(r, "population", _frame(lambda d: pd.concat([d, d.iloc[:10]]))),
                                 "kommunenummer, year, sex, age repeated"),
    "kommune numbers as integers": (lambda r: _table(r, "population", _frame(lambda d: d.assign(
        kommunenummer=d.kommunenummer.astype(int)))), "population.parquet: column kommunenummer holds int64 values"),
    "a fylke moved out of Norway": (lambda r: _table(r, "fylker", _geo(lambda g: g.set_geometry(
        g.geometry.translate(xoff=5e6).where(g.index == 2, g.geometry)))),
        "fylker.parquet: geometry outside Norway read as ETRS89 / UTM zone 33N (EPSG:25833) in row(s) 3"),
    "CRS relabelled": (lambda r: _table(r, "kommuner", _crs_label(4326)),
                       "kommuner.parquet: the CRS is WGS 84 (EPSG:4326), expected EPSG:25833"),
    "manifest is a list": (_manifest(lambda d: [d]),
                           "manifest.json: corrupt cache manifest (the manifest is a JSON list"),
    "manifest without borders": (_manifest(lambda d: {k: v for k, v in d.items() if k != "borders"}),
                                 "corrupt cache manifest (field 'borders' is missing)"),
    "manifest with a bad borders entry": (_manifest(lambda d: {**d, "borders": {"2024": 1}}),
                                          "borders.2024 is missing"),
    "support table missing": (lambda r: (r / "core" / "tables" / "codes_til_2024.parquet").unlink(),
                              "codes_til_2024.parquet: missing from the cache"),
    "road layer moved out of Norway": (lambda r: _geo(lambda g: g.set_geometry(g.geometry.translate(xoff=5e6)))(
        r / "core" / "geo" / "roads.parquet"), "roads.parquet: every geometry lies outside Norway"),
}


@pytest.mark.parametrize("case", list(BAD_CACHES))
def test_corrupted_cache_is_refused_on_load(case, cache_root, scenario, fresh_atlases, capsys):
    edit, fault = BAD_CACHES[case]
    edit(cache_root)
    code, out, err = run(capsys, "evaluate", scenario, "--json", scenario.parent / "out.json")
    assert code == 2 and not out
    one_fault(err, fault, "reformkit data import")
    assert "neighbour graph" not in err and not (scenario.parent / "out.json").exists()


def test_damaged_optional_dataset_names_the_file_and_the_fetch(cache_root):
    (cache_root / "extra").mkdir()
    (cache_root / "extra" / "ssb_projection.parquet").write_bytes(b"PAR1 not really")
    (cache_root / "extra" / "manifest.json").write_text("[1, 2]")     # a list: treated as no optional data
    assert cache.read_extra_manifest(cache_root) == {}
    with pytest.raises(DataError, match=r"ssb_projection.parquet: corrupt cache file .*--only ssb-projection"):
        atlas_module.read_atlas(2024, cache_root).extra("ssb_projection")


def test_relabelled_cache_crs_is_not_blamed_on_the_scenario(cache_root, scenario, fresh_atlases):
    BAD_CACHES["CRS relabelled"][0](cache_root)
    scenario.write_text(SCENARIO + "assumptions:\n  travel: {factors: {main: 1}}\n", encoding="utf-8")
    done = cli_subprocess("evaluate", scenario, env={"REFORMKIT_DATA_DIR": str(cache_root)})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "expected EPSG:25833" in done.stderr and "assumptions.travel" not in done.stderr


# ---- 4: files planted in derived/ -------------------------------------------------------------------------------
class Payload:
    """Creates ``marker`` when unpickled: proof that a file was executed."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _manifest_of(derived: Path, name: str) -> tuple[Path, dict]:
    for path in sorted(derived.glob(f"{name}-*.manifest.json")):
        doc = json.loads(path.read_text())
        if '"borders":2024' in doc["key"]:
            return path, doc
    raise AssertionError(f"no 2024 {name} in {derived}")


def _data_file(manifest: Path) -> Path:
    stem = manifest.name.removesuffix(".manifest.json")
    return next(p for p in manifest.parent.glob(f"{stem}.*") if not p.name.endswith(".manifest.json"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_planted_derived_files_are_never_executed(cache_root, scenario, fresh_atlases, tmp_path, capsys):
    marker = tmp_path / "EXECUTED"
    payload = pickle.dumps(Payload(marker))
    pickle.loads(payload)                       # the payload is live: unpickling it creates the marker
    assert marker.exists()
    marker.unlink()
    assert run(capsys, "evaluate", scenario)[0] == 0        # builds the derived data of this cache
    derived = cache_root / "derived"
    (derived / "neighbours-v1-0000.pkl").write_bytes(payload)                   # the old pickle cache's form
    (derived / "travel_matrix.pkl").write_bytes(payload)
    nb_manifest, _ = _manifest_of(derived, "neighbours")
    tampered = _data_file(nb_manifest)                                          # 1: bytes changed, checksum kept
    pd.read_parquet(tampered).iloc[:5].to_parquet(tampered)
    tm_manifest, tm_doc = _manifest_of(derived, "travel_matrix")               # 2: manifest with a wrong checksum
    tm_manifest.write_text(json.dumps({**tm_doc, "sha256": "0" * 64}))
    cube_manifest, cube_doc = _manifest_of(derived, "population_cube")          # 3: object array, checksum matching
    cube = _data_file(cube_manifest)
    with np.load(cube) as real:                 # the real arrays plus one that runs code when unpickled
        arrays = {k: real[k] for k in real.files}
    buf = io.BytesIO()
    np.savez(buf, **arrays, extra=np.array([Payload(marker)], dtype=object))
    cube.write_bytes(buf.getvalue())
    cube_manifest.write_text(json.dumps({**cube_doc, "sha256": _sha(cube)}))
    centres_manifest, _ = _manifest_of(derived, "centres")                      # 4: a FIFO where a file was
    centres = _data_file(centres_manifest)
    centres.unlink()
    os.mkfifo(centres)
    atlas_module._MEMO.clear()
    code, out, err = run(capsys, "evaluate", scenario, "--json", tmp_path / "out.json")
    assert code == 0, err
    assert not marker.exists(), "a planted file was executed"
    assert json.loads((tmp_path / "out.json").read_text())["blocks"][0]["name"] == "Nordmøre"
    for manifest in (nb_manifest, tm_manifest, cube_manifest, centres_manifest):   # each rebuilt and rewritten
        data = _data_file(manifest)
        assert data.is_file() and json.loads(manifest.read_text())["sha256"] == _sha(data), manifest.name
    assert not marker.exists()


# ---- 5: an import killed while it writes ------------------------------------------------------------------------
def _import_until_staging(cache_root: Path, sig: int) -> subprocess.CompletedProcess:
    """Start ``data import`` of the real mirror, send ``sig`` once it writes its staging folder."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "REFORMKIT_DATA_DIR": str(cache_root)}
    proc = subprocess.Popen([sys.executable, "-m", "reformkit.cli", "data", "import", str(MIRROR), "--quiet"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(cache_root.glob(".core-staging-*/borders-2024")):
        assert proc.poll() is None and time.monotonic() < deadline, "the import ended before it wrote"
        time.sleep(0.005)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.slow
def test_interrupted_import_cleans_up_and_the_next_removes_leftovers(cache_root):
    from reformkit.data.importer import import_mirror
    before = snapshot(cache_root)
    for sig, status, how in ((signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "Ctrl+C")):
        done = _import_until_staging(cache_root, sig)
        assert done.returncode == status, done.stderr
        assert done.stderr.splitlines() == [f"reformkit: avbrutt ({how}); det som ble skrevet halvveis, er fjernet"]
        assert not list(cache_root.glob(".core-*")), "the staging folder was removed"
        assert snapshot(cache_root) == before, "the cache that was there is untouched"
    killed = _import_until_staging(cache_root, signal.SIGKILL)      # no chance to clean up
    assert killed.returncode == -signal.SIGKILL
    leftovers = list(cache_root.glob(".core-staging-*"))
    assert leftovers
    legacy = cache_root / ".core-staging-abcdef"                      # an older release's name (no pid)
    legacy.mkdir()
    os.utime(legacy, (time.time() - 3600, time.time() - 3600))
    live = cache_root / f".core-staging-{os.getppid()}-xyz"           # a running process's: kept
    live.mkdir()
    assert rk_read_ok(cache_root)
    import_mirror(MIRROR, root=cache_root, progress=False)
    assert sorted(cache_root.glob(".core-*")) == [live]
    assert rk_read_ok(cache_root)


def rk_read_ok(root: Path) -> bool:
    return len(atlas_module.read_atlas(2024, root).kommuner) == 357 and cache.read_manifest(root)["method"] == "import"
