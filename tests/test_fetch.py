"""Online fetch on recorded-shape responses (tests/fixtures/recorded, constructed — see its README).

A fake session serves the responses by URL pattern and cuts the PxWebApi cube to each POSTed selection, so
chunking, recoding and the hand-over to the shared core builder are tested without any network.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests

from reformkit.cli import main
from reformkit.data import cache, fetch
from reformkit.data.jsonstat import (jsonstat_dimensions, jsonstat_to_frame, pxweb_v2_selection,
                                     pxweb_v2_url)
from reformkit.data.mirror import COLUMNS, FILES
from reformkit.data.online import geonorge, http, klass, pxweb
from reformkit.data.online import population as onpop
from reformkit.errors import DataError

DUMPS = json.dumps  # FakeSession.request takes requests' `json=` keyword, which shadows the module there
REC = Path(__file__).resolve().parent / "fixtures" / "recorded"
MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"
YEARS = range(2019, 2025)
VALID_PAIRS = {  # (code, year) valid in the recorded KLASS register
    **{(c, y): True for c in ("1101", "1103") for y in YEARS},
    **{(c, 2019): True for c in ("1141", "1504", "1534")},
    **{("1507", y): True for y in range(2020, 2024)},
    **{(c, 2024): True for c in ("1508", "1580")},
}


def load(name: str):
    return json.loads((REC / name).read_text(encoding="utf-8"))


# ---- a fake SSB / Kartverket ---------------------------------------------------------------------------------
class FakeResponse:
    def __init__(self, status: int, content: bytes, headers: dict | None = None):
        self.status_code = status
        self.content = content
        self.headers = {"Content-Length": str(len(content)), **(headers or {})}

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.content)


def subset(doc: dict, body: dict) -> dict:
    """The JSON-stat2 cube ``doc`` cut to a PxWebApi v2 POST selection (what the server would answer)."""
    sel = {s["variableCode"]: s["valueCodes"] for s in body["selection"]}
    ids, size = doc["id"], doc["size"]
    cube = np.array([np.nan if v is None else v for v in doc["value"]], dtype=float).reshape(size)
    dims = {}
    for axis, var in enumerate(ids):
        index = doc["dimension"][var]["category"]["index"]
        codes = sel.get(var, list(index))
        unknown = [c for c in codes if c not in index]
        if unknown:
            raise KeyError(f"{var}: {unknown}")
        cube = np.take(cube, [index[c] for c in codes], axis=axis)
        labels = doc["dimension"][var]["category"]["label"]
        dims[var] = {"category": {"index": {c: i for i, c in enumerate(codes)}, "label": {c: labels[c] for c in codes}}}
    values = [None if np.isnan(v) else int(v) for v in cube.ravel()]
    return {**doc, "size": list(cube.shape), "dimension": dims, "value": values}


class FakeSession:
    """Serves the recorded responses; ``fail`` raises ConnectionError; ``status`` queues error codes first."""

    def __init__(self, max_cells: int | None = None, fail: bool = False, status: list[int] | None = None):
        self.calls: list[tuple[str, str, dict | None]] = []
        self.fail, self.status = fail, list(status or [])
        self.config = load("ssb-pxwebapi-config.json")
        if max_cells:
            self.config["maxDataCells"] = max_cells
        self.routes = [
            ("GET", r"pxwebapi/v2/config$", lambda b: self.config),
            ("GET", r"tables/07459/metadata", lambda b: load("ssb-07459-metadata.json")),
            ("POST", r"tables/07459/data", lambda b: subset(load("ssb-07459-data-full.json"), b)),
            ("GET", r"tables/14288/metadata", lambda b: load("ssb-14288-metadata.json")),
            ("POST", r"tables/14288/data", lambda b: subset(load("ssb-14288-data-full.json"), b)),
            ("GET", r"classifications/131/codes\.json", lambda b: load("klass-131-codes.json")),
            ("GET", r"classifications/131/changes\.json", lambda b: load("klass-131-changes.json")),
            ("GET", r"classifications/131/codesAt\.json\?date=2024-01-01", lambda b: load("klass-131-codesAt-2024.json")),
            ("GET", r"classifications/104/codesAt\.json\?date=2024-01-01", lambda b: load("klass-104-codesAt-2024.json")),
            ("GET", r"kommuneinfo/v1/kommuner$", lambda b: load("kartverket-kommuneinfo-kommuner.json")),
            ("GET", r"Basisdata/Kommuner/GeoJSON/.*\.zip$", lambda b: (REC / "geonorge-kommuner.zip").read_bytes()),
            ("GET", r"Basisdata/Fylker/GeoJSON/.*\.zip$", lambda b: (REC / "geonorge-fylker.zip").read_bytes()),
        ]

    def request(self, method, url, json=None, timeout=None, stream=False, headers=None):
        assert timeout is not None, "every request needs a timeout"
        assert headers["Accept"] == ("*/*" if url.endswith(".zip") else "application/json")
        self.calls.append((method, url, json))
        if self.fail:
            raise requests.ConnectionError("Failed to establish a new connection: [Errno -3] name resolution")
        if self.status:
            return FakeResponse(self.status.pop(0), b'{"title": "Too Many Requests"}')
        for m, pattern, handler in self.routes:
            if m == method and re.search(pattern, url):
                out = handler(json)
                content = out if isinstance(out, bytes) else DUMPS(out).encode()
                return FakeResponse(200, content)
        return FakeResponse(404, b'{"title": "Not Found"}')


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(http, "BACKOFF_S", 0.0)
    monkeypatch.setattr(pxweb, "RESPECT_RATE_LIMIT", False)


def test_requests_are_paced_by_the_stated_rate_limit(monkeypatch):
    monkeypatch.setattr(pxweb, "RESPECT_RATE_LIMIT", True)
    monkeypatch.setattr(pxweb, "_pace", {"interval": 0.0, "last": 0.0})  # restored after the test
    pxweb.config(FakeSession())  # 30 calls per 60 s
    assert pxweb._pace["interval"] == 2.0
    slept = []
    monkeypatch.setattr(pxweb.time, "sleep", slept.append)
    pxweb._pace["last"] = pxweb.time.monotonic()
    pxweb._wait_turn()
    assert len(slept) == 1 and 1.5 < slept[0] <= 2.0


# ---- JSON-stat2 ----------------------------------------------------------------------------------------------
def test_jsonstat_parser_on_07459():
    doc = load("ssb-07459-data-full.json")
    df = jsonstat_to_frame(doc)
    assert list(df.columns) == ["Region", "Kjonn", "Alder", "ContentsCode", "Tid", "value"]
    assert len(df) == np.prod(doc["size"]) == 8 * 2 * 106 * 1 * 6
    # Row-major order: the flat position of (Region=1101, Kjonn=2, Alder=105+, Tid=2024) in the value array.
    i = (((0 * 2 + 1) * 106 + 105) * 1 + 0) * 6 + 5
    row = df.iloc[i]
    assert (row.Region, row.Kjonn, row.Alder, row.Tid) == ("1101", "2", "105+", "2024")
    assert row.value == doc["value"][i]
    # Codes not valid in a year are null in the answer and NaN in the frame.
    valid = [(r, int(t)) in VALID_PAIRS for r, t in zip(df.Region, df.Tid)]
    assert df.loc[valid, "value"].notna().all() and df.loc[[not v for v in valid], "value"].isna().all()
    assert df.Region.dtype == "string"


def test_jsonstat_forms_and_errors():
    base = {"version": "2.0", "class": "dataset", "id": ["A", "B"], "size": [2, 2],
            "dimension": {"A": {"category": {"index": ["x", "y"], "label": {"x": "X", "y": "Y"}}},
                          "B": {"category": {"index": {"1": 1, "0": 0}}}}}
    dense = jsonstat_to_frame({**base, "value": [1, 2, None, 4]}, labels=True)
    assert dense["value"].tolist()[:2] == [1.0, 2.0] and np.isnan(dense["value"][2])
    assert dense["A_label"].tolist() == ["X", "X", "Y", "Y"] and dense["B"].tolist() == ["0", "1", "0", "1"]
    sparse = jsonstat_to_frame({**base, "value": {"3": 4, "0": 1}})
    assert sparse["value"].fillna(-1).tolist() == [1.0, -1, -1, 4.0]
    with pytest.raises(DataError, match="3 values for 4 cells"):
        jsonstat_to_frame({**base, "value": [1, 2, 3]})
    with pytest.raises(DataError, match="not a dataset"):
        jsonstat_to_frame({"class": "dataset"})
    dims = jsonstat_dimensions(load("ssb-07459-metadata.json"))
    assert list(dims) == ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"]
    assert dims["Alder"]["105+"] == "105 år eller eldre" and len(dims["Alder"]) == 106


def test_pxweb_request_forms():
    url = pxweb_v2_url("07459", {"Region": ["0301", "1103"], "Tid": "from(2020)"}, lang="en",
                       codelists={"Region": "agg_KommSummer"})
    assert url == ("https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=en&outputFormat=json-stat2"
                   "&codelist[Region]=agg_KommSummer&valueCodes[Region]=0301,1103&valueCodes[Tid]=from(2020)")
    body = pxweb_v2_selection({"Region": ["0301"], "Tid": "top(1)"}, {"Region": "agg_KommSummer"})
    assert body == {"selection": [{"variableCode": "Region", "valueCodes": ["0301"], "codelist": "agg_KommSummer"},
                                  {"variableCode": "Tid", "valueCodes": ["top(1)"]}]}


# ---- chunking ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("limit", [800_000, 100_000, 5_000, 212])
def test_plan_chunks_cover_every_cell_once(limit):
    sel = {"Region": [f"{i:04d}" for i in range(357)], "Kjonn": ["1", "2"], "Alder": [str(a) for a in range(106)],
           "ContentsCode": ["Personer1"], "Tid": [str(y) for y in range(2005, 2027)]}
    chunks = pxweb.plan_chunks(sel, limit, ["Tid", "Region"])
    assert all(pxweb.n_cells(c) <= limit for c in chunks)
    assert sum(pxweb.n_cells(c) for c in chunks) == pxweb.n_cells(sel) == 357 * 2 * 106 * 22
    cells = {(r, t) for c in chunks for r in c["Region"] for t in c["Tid"]}
    assert len(cells) == 357 * 22
    if limit == 800_000:  # 357 × 212 = 75 684 cells a year: 10 years per request, 3 requests
        assert [len(c["Tid"]) for c in chunks] == [10, 10, 2]


def test_plan_chunks_refuses_what_cannot_be_split():
    with pytest.raises(DataError, match="exceeds the API's limit"):
        pxweb.plan_chunks({"Alder": ["a"] * 10, "Tid": ["2020"]}, 5, ["Tid"])


def test_chunk_by_year_uses_each_years_codes():
    by_year = {2019: ["1141", "1504", "1534", "1103"], 2020: ["1507", "1103"], 2021: ["1507", "1103"],
               2024: ["1508", "1580", "1103"]}
    groups = pxweb.chunk_by_year(by_year, 212, 212 * 6)
    assert groups == [([2019], ["1103", "1141", "1504", "1534"]), ([2020, 2021], ["1103", "1507"]),
                      ([2024], ["1103", "1508", "1580"])]
    for years, codes in groups:
        assert len(years) * len(codes) * 212 <= 212 * 6
    with pytest.raises(DataError, match="exceed"):
        pxweb.chunk_by_year(by_year, 212, 212 * 3)


# ---- KLASS and recoding --------------------------------------------------------------------------------------
def _klass(session):
    codes = klass.codes_between(session, "131", 2019, 2024)
    chg = klass.changes(session, "131", 2019, 2024)
    return klass.valid_by_year(codes, YEARS), chg


def test_klass_register_by_year():
    valid, chg = _klass(FakeSession())
    assert set(valid[2019]) == {"1101", "1103", "1141", "1504", "1534"}
    assert set(valid[2023]) == {"1101", "1103", "1507"}
    assert set(valid[2024]) == {"1101", "1103", "1508", "1580"}
    assert valid[2024]["1580"] == "Haram"
    assert {(c, y) for y, v in valid.items() for c in v} == set(VALID_PAIRS)
    assert len(chg) == 6 and chg["date"].dt.year.tolist().count(2024) == 2


def test_recoding_weights_to_2024_match_the_mirror_convention():
    valid, chg = _klass(FakeSession())
    w = klass.code_weights(valid, chg, 2024)
    get = {(o, y, t): wt for o, t, y, wt in w.itertuples(index=False)}
    assert get[("1141", 2019, "1103")] == 1.0 and get[("1101", 2021, "1101")] == 1.0
    # Haram and Ålesund merged in 2020 and split in 2024: flat 0.5 to each of the 2024 kommuner.
    assert get[("1534", 2019, "1508")] == get[("1534", 2019, "1580")] == 0.5
    assert get[("1507", 2022, "1508")] == get[("1507", 2022, "1580")] == 0.5
    assert (w.groupby(["kommunenummer_original", "year"])["weight"].sum() == 1.0).all()
    assert set(w["kommunenummer_2024"]) == set(valid[2024])
    if MIRROR.is_dir():  # the offline mirror's table uses the same convention for these codes
        m = pd.read_csv(MIRROR / FILES["codes_til_2024"], dtype={"kommunenummer_original": str,
                                                                "kommunenummer_2024": str})
        m = m[m.year.isin(YEARS) & m.kommunenummer_original.isin(w.kommunenummer_original)]
        # (the mirror also lists 1508/1580 for 2023, a year before they existed; only valid pairs compared)
        mine = w.merge(m, on=["kommunenummer_original", "kommunenummer_2024", "year"], how="left",
                       suffixes=("", "_mirror"))
        assert mine["weight_mirror"].notna().all()
        assert np.allclose(mine["weight"], mine["weight_mirror"])


def test_recoding_backwards_and_to_2019():
    valid, chg = _klass(FakeSession())
    back = klass.code_weights({2020: valid[2020], 2024: valid[2024]}, chg, 2020)
    assert set(back.loc[back.year == 2024, "kommunenummer_2020"]) == {"1101", "1103", "1507"}
    w19 = klass.code_weights({2019: valid[2019]}, chg, 2019)
    assert (w19["kommunenummer_original"] == w19["kommunenummer_2019"]).all()
    with pytest.raises(DataError, match="not a 2024 kommune"):
        klass.code_weights({2019: {"9999": "x"}, 2024: valid[2024]}, chg, 2024)


def test_recode_conserves_counts_exactly():
    raw = pd.DataFrame({"kommunenummer_original": ["1507", "1507", "1101"], "year": [2022, 2022, 2022],
                        "age": [0, 1, 0], "sex": ["male"] * 3, "population": [7.0, 10.0, 5.0]})
    w = pd.DataFrame({"kommunenummer_original": ["1507", "1507", "1101"], "kommunenummer_2024": ["1508", "1580", "1101"],
                      "year": [2022] * 3, "weight": [0.5, 0.5, 1.0]})
    out = onpop.recode(raw, w, "kommunenummer_2024")
    got = {(k, a): p for k, a, p in zip(out.kommunenummer, out.age, out.population)}
    assert got[("1508", 0)] + got[("1580", 0)] == 7 and {got[("1508", 0)], got[("1580", 0)]} == {3, 4}
    assert got[("1508", 1)] == got[("1580", 1)] == 5 and got[("1101", 0)] == 5
    assert out["population"].dtype == "int64"
    with pytest.raises(DataError, match="no target code"):
        onpop.recode(raw.assign(kommunenummer_original="0000"), w, "kommunenummer_2024")


def test_codes_2013_2020_table():
    valid, chg = _klass(FakeSession())
    t = klass.codes_2013_2020(valid, chg)
    assert set(COLUMNS["codes_2013_2020"]) <= set(t.columns)
    row = t.set_index("kommunenummer_2019").loc["1534"]
    assert row.kommunenummer_2020 == "1507" and row.endringsmerknad_19_20 == "slått sammen fra 2019 til 2020"
    assert t.set_index("kommunenummer_2019").loc["1101"].endringsmerknad_19_20 == "uendret fra 2019 til 2020"


# ---- population loaders --------------------------------------------------------------------------------------
def test_fetch_07459_outputs_each_years_codes():
    session = FakeSession()
    valid, _ = _klass(session)
    df = onpop.fetch_07459(session, valid, limit=800_000)
    assert list(df.columns) == ["kommunenummer_original", "year", "age", "sex", "population"]
    assert set(zip(df.kommunenummer_original, df.year)) == set(VALID_PAIRS)
    assert df.age.min() == 0 and df.age.max() == 105 and set(df.sex) == {"male", "female"}
    assert len(df) == len(VALID_PAIRS) * 2 * 106
    full = jsonstat_to_frame(load("ssb-07459-data-full.json")).dropna()
    assert df.population.sum() == full.value.sum()
    posts = [c for c in session.calls if c[0] == "POST"]
    assert len(posts) == 1 and "lang=no&outputFormat=json-stat2" in posts[0][1]


def test_fetch_07459_chunked_gives_the_same_frame():
    big, small = FakeSession(), FakeSession(max_cells=212 * 5)
    valid, _ = _klass(big)
    a = onpop.fetch_07459(big, valid, limit=800_000)
    limit = pxweb.max_cells(pxweb.config(small))
    b = onpop.fetch_07459(small, valid, limit=limit)
    posts = [c for c in small.calls if c[0] == "POST"]
    assert len(posts) > 2
    for _, _, body in posts:
        assert pxweb.n_cells({s["variableCode"]: s["valueCodes"] for s in body["selection"]}) <= limit
    key = ["kommunenummer_original", "year", "sex", "age"]
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True))


def test_fetch_projection_finds_the_alternatives(tmp_path):
    session = FakeSession()
    result = fetch.fetch_all(progress=False, only=["ssb-projection"], session=session, root=tmp_path)
    assert result["core"] is None and "ssb_projection: 72 rader" in result["notes"][0]
    df = cache.read_extra("ssb_projection", root=tmp_path)
    assert list(df.columns) == ["kommunenummer", "year", "age", "sex", "alternative", "population"]
    assert set(df.alternative) == {"MMMM", "LLML", "HHMH"} and set(df.kommunenummer) == {"1101", "1103"}
    assert set(df.age) == {0, 1, 105} and set(df.year) == {2025, 2050}
    main_ = df[(df.alternative == "MMMM") & (df.year == 2025)].population.sum()
    assert df[(df.alternative == "HHMH") & (df.year == 2025)].population.sum() > main_
    manifest = cache.read_extra_manifest(tmp_path)["ssb_projection"]
    assert manifest["table"] == "14288" and manifest["rows"] == 72 and "SSB" in manifest["attribution"]


# ---- boundaries and names -----------------------------------------------------------------------------------
def test_geonorge_boundaries_and_names():
    session = FakeSession()
    k = geonorge.fetch_kommuner(session)
    assert sorted(k.kommunenummer) == ["1101", "1103", "1508", "1580"]
    assert k.crs.to_epsg() == 25833 and k.geometry.is_valid.all() and (k.geometry.area > 1e6).all()
    f = geonorge.fetch_fylker(session)
    assert sorted(f.fylkesnummer) == ["11", "15"] and set(f.fylkesnavn) == {"Rogaland", "Møre og Romsdal"}
    names = geonorge.fetch_names(session)
    assert names.set_index("kommunenummer").loc["1580", "kommunenavn_norsk"] == "Haram"
    with pytest.raises(DataError, match="no layer 'Fylke'"):
        geonorge.read_layer((REC / "geonorge-kommuner.zip").read_bytes(), "Fylke", "kommuner.zip")


# ---- fetch_all end to end ----------------------------------------------------------------------------------
@pytest.mark.skipif(not MIRROR.is_dir(), reason="needs the offline mirror for the 2019 polygons")
def test_core_raw_tables_have_the_mirror_shape():
    raw, where = fetch.fetch_core_raw(FakeSession(), progress=False, mirror=MIRROR, first_year=2019, last_year=2024)
    assert set(raw) == set(FILES) | {"expenditure_index"}
    for key, cols in COLUMNS.items():
        assert set(cols) <= set(raw[key].columns), key
    p24, p19 = raw["population_2024"], raw["population_2019"]
    assert set(p24.kommunenummer) == {"1101", "1103", "1508", "1580"} and set(p24.year) == set(YEARS)
    assert set(p19.kommunenummer) == {"1101", "1103", "1141", "1504", "1534"} and set(p19.year) == {2019}
    full = jsonstat_to_frame(load("ssb-07459-data-full.json")).dropna()
    for year in YEARS:  # recoding keeps every year's total exactly
        assert p24[p24.year == year].population.sum() == full[full.Tid == str(year)].value.sum()
    assert p19.population.sum() == full[full.Tid == "2019"].value.sum()
    reg = raw["register_2024"].set_index("kommunenummer")
    assert reg.loc["1508", "fylkesnavn"] == "Møre og Romsdal" and reg.administrasjonssenter.isna().all()
    assert (reg.areal_km2 > 0).all()
    assert raw["codes_til_2024"].columns.tolist() == COLUMNS["codes_til_2024"]
    assert where["kommuner_2019_geo"].endswith(FILES["kommuner_2019_geo"])


@pytest.mark.skipif(not MIRROR.is_dir(), reason="needs the offline mirror for the 2019 polygons")
def test_fetch_all_rejects_the_tiny_set_and_keeps_the_cache(tmp_path):
    root = tmp_path / "cache"
    (root / "core").mkdir(parents=True)
    (root / "core" / "manifest.json").write_text('{"method": "import"}')
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(DataError) as err:
        fetch.fetch_all(progress=False, session=FakeSession(), root=root, mirror=MIRROR,
                        first_year=2019, last_year=2024)
    text = "\n".join(err.value.problems)
    assert "nothing was changed" in err.value.message and "expected 357" in text
    # problems name the online source, not a mirror file
    assert f"{geonorge.KOMMUNER_URL}: 4 kommuner, expected 357" in text
    assert "tables/07459/data (2024-grenser): 4 kommuner, expected 357" in text
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert after == before and not list(root.glob(".core-*"))


def test_missing_2019_polygons_stop_before_any_request(tmp_path):
    session = FakeSession()
    with pytest.raises(DataError, match="2019 kommune boundaries"):
        fetch.fetch_all(progress=False, session=session, root=tmp_path / "empty")
    assert session.calls == []


def test_unknown_dataset_name():
    with pytest.raises(DataError, match="unknown dataset"):
        fetch.fetch_all(progress=False, only=["befolkning"], session=FakeSession())


# ---- network failures ---------------------------------------------------------------------------------------
# Retries belong to the real session's transport (urllib3 Retry via HTTPAdapter; tests/test_http.py tests them
# against a local server): a fake session answers each request once.
def test_network_failure_is_a_clear_data_error():
    session = FakeSession(fail=True)
    with pytest.raises(DataError, match="no network / SSB unreachable: use `reformkit data import DIR`"):
        pxweb.config(session)
    assert len(session.calls) == 1


def test_http_errors_are_reported_with_the_service_message():
    with pytest.raises(DataError, match="HTTP 500") as err:
        pxweb.config(FakeSession(status=[500]))
    assert "Too Many Requests" in err.value.problems[0]       # the fake's canned answer text
    with pytest.raises(DataError, match="too many cells"):
        pxweb.config(FakeSession(status=[403]))
    with pytest.raises(DataError, match="HTTP 404"):
        klass.codes_at(FakeSession(), "999", "2024-01-01")


def test_cli_fetch_without_network_exits_2_without_traceback(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(http, "make_session", lambda: FakeSession(fail=True))
    code = main(["data", "fetch", "-q", "--only", "ssb-projection"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no network / SSB unreachable: use `reformkit data import DIR` with an offline mirror" in err
    assert "Traceback" not in err


@pytest.mark.slow
@pytest.mark.skipif(not MIRROR.is_dir(), reason="needs the offline mirror")
def test_fetch_shaped_register_and_empty_ba_build_a_valid_atlas(tmp_path):
    """At full scale: the register as the fetch builds it and BA columns left empty pass the shared core
    builder, and the cache written from it loads as an Atlas (the mirror stands in for the downloads)."""
    from reformkit.data import read_atlas
    from reformkit.data.mirror import read_mirror
    raw = read_mirror(MIRROR)
    reg = raw["register_2024"]
    valid24 = dict(zip(reg.kommunenummer, raw["kommuner_2024_geo"].set_index("kommunenummer")
                       .loc[reg.kommunenummer, "kommunenavn"]))
    fylker = reg[["fylkesnummer", "fylkesnavn"]].drop_duplicates().rename(
        columns={"fylkesnummer": "code", "fylkesnavn": "name"})
    names = reg[["kommunenummer", "kommunenavn_norsk"]]
    raw["register_2024"] = fetch.register_2024(valid24, fylker, names, raw["kommuner_2024_geo"])
    raw["ba_regions"] = fetch.empty_ba(reg.kommunenummer)
    core = fetch.build_core(raw)
    cache.write_core(core, origin="test", method="fetch", datasets=fetch.CORE_DATASETS, root=tmp_path)
    atlas = read_atlas(2024, root=tmp_path)
    k = core[2024]["kommuner"]
    assert len(k) == 357 and k["ba_nr"].isna().all() and k["administrasjonssenter"].isna().all()
    assert k.loc["5540", "kommunenavn_kort"] == "Kåfjord" and k.loc["5540", "kommunenavn"].startswith("Gáivuotna")
    assert (k["areal_km2"] > 0).all()
    assert len(atlas.kommuner) == 357 and atlas.kommuner["ba_region"].isna().all()
    manifest = cache.read_manifest(tmp_path)
    assert manifest["method"] == "fetch" and "ssb-projection" not in manifest["datasets"]


def test_kostra_extras_dispatch_to_the_kostra_fetchers(monkeypatch, tmp_path):
    from reformkit.data import kostra
    seen = {}

    def fake(name):
        def fetcher(session=None, progress=True, store=True, root=None):
            seen[name] = (session, store, root)
            df = pd.DataFrame({"kommunenummer": ["1101"], "year": [2024]})
            cache.write_extra(name, df, {"attribution": "own info"}, root=root)
            return df
        return fetcher

    monkeypatch.setattr(kostra, "fetch_kostra", fake("kostra"))
    monkeypatch.setattr(kostra, "fetch_finance", fake("finance"))
    session = FakeSession()
    assert fetch.fetch_extra("kostra", session, progress=False, root=tmp_path) == "kostra: 1 rader"
    assert fetch.fetch_extra("finance", session, progress=False, root=tmp_path) == "finance: 1 rader"
    assert seen["kostra"] == (session, True, tmp_path) and seen["finance"][0] is session
    assert cache.read_extra_manifest(tmp_path)["finance"]["attribution"] == "own info"  # stored once, by kostra
    assert "ikke hentet" in fetch.fetch_extra("robek", session, progress=False, root=tmp_path)  # no online source yet


@pytest.mark.skipif(not MIRROR.is_dir(), reason="needs the offline mirror")
def test_chained_recoding_reproduces_the_mirror_at_national_scale():
    """KLASS-style changes rebuilt from the mirror's 2013–2020 code table, chained to 2020 and composed with
    the mirror's 2020 → 2024 step, give the mirror's own 2013–2019 → 2024 weights for every kommune —
    except Snillfjord (split three ways in 2020), where the mirror has 0.35/0.35/0.30 and we use flat 1/3."""
    c = pd.read_csv(MIRROR / FILES["codes_2013_2020"], sep=";", dtype=str)
    years = [2013, 2017, 2018, 2019, 2020]
    chg = pd.DataFrame(
        [(o.zfill(4), None, n.zfill(4), None, pd.Timestamp(year=b, month=1, day=1))
         for a, b in zip(years, years[1:]) for o, n in zip(c[f"kommunenummer_{a}"], c[f"kommunenummer_{b}"])],
        columns=["old_code", "old_name", "new_code", "new_name", "date"]).drop_duplicates()
    valid = {y: {k.zfill(4): n for k, n in zip(c[f"kommunenummer_{y}"], c[f"kommunenavn_{y}"])} for y in years}
    w = klass.code_weights(valid, chg, 2020)
    m = pd.read_csv(MIRROR / FILES["codes_til_2024"], dtype={"kommunenummer_original": str, "kommunenummer_2024": str})
    step = m[m.year == 2020].rename(columns={"kommunenummer_original": "kommunenummer_2020", "weight": "w2"})
    composed = (w[w.year < 2020].merge(step[["kommunenummer_2020", "kommunenummer_2024", "w2"]], on="kommunenummer_2020")
                .assign(weight=lambda d: d.weight * d.w2)
                .groupby(["kommunenummer_original", "year", "kommunenummer_2024"], as_index=False)["weight"].sum())
    both = composed.merge(m[m.year.isin(years[:-1])], on=["kommunenummer_original", "year", "kommunenummer_2024"],
                          how="outer", suffixes=("", "_mirror"))
    differ = both[~np.isclose(both.weight.fillna(-1), both.weight_mirror.fillna(-1))]
    assert len(both) > 1700
    assert set(differ.kommunenummer_original) == {"1613", "5012"}  # Snillfjord before and after 2018
