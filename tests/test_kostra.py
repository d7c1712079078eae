"""KOSTRA and financial key figures: SSB PxWebApi v2 loaders on recorded answers, report tables and status."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from reformkit.data import cache
from reformkit.data import kostra
from reformkit.economy import kostra_comparison, sustainability_indicators
from reformkit.errors import DataError, ParameterError
from reformkit.narrative import notice_text
from reformkit.params import load_group

RECORDED = Path(__file__).parent / "fixtures" / "recorded"


class FakeResponse:
    def __init__(self, doc, status=200):
        self.status_code = status
        self._doc = doc
        self.text = json.dumps(doc)
        self.headers = {}

    def json(self):
        return self._doc


class FakeSession:
    """Serves the recorded answers by URL; records the requests made."""

    def __init__(self, routes):
        self.routes = routes
        self.calls = []

    def request(self, method, url, json=None, **kwargs):
        self.calls.append((method, url, json))
        for fragment, doc in self.routes.items():
            if fragment in url:
                return FakeResponse(doc)
        return FakeResponse({"title": "Not found"}, status=404)


def _load(name):
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


@pytest.fixture()
def session():
    return FakeSession({
        "/config": _load("ssb-pxwebapi-config.json"),
        "tables/12362/metadata": _load("ssb-12362-metadata.json"),
        "tables/12362/data": _load("ssb-12362-data.json"),
        "tables/12134/metadata": _load("ssb-12134-metadata.json"),
        "tables/12134/data": _load("ssb-12134-data.json"),
    })


CODES = pd.DataFrame({"kommunenummer_original": ["1820", "1563", "5027", "4601"] * 3,
                      "kommunenummer_2024": ["1820", "1563", "5027", "4601"] * 3,
                      "year": [2023] * 4 + [2024] * 4 + [2025] * 4, "weight": [1.0] * 12})


def test_kostra_selection_reads_codes_from_metadata(session):
    from reformkit.data.online import pxweb
    meta = pxweb.metadata(session, "12362")
    sel = kostra.kostra_selection(meta, n_years=1)
    assert sel["KOKkommuneregion0000"] == ["1820", "1563", "5027"]        # aggregates (EAK, EKG04) left out
    assert sel["KOKfunksjon0000"] == ["120", "201", "202", "253", "254"]  # FGK groups are not functions
    assert sel["KOKart0000"] == ["AGD2"] and sel["ContentsCode"] == ["KOSbelopinnbygge0000"]
    assert sel["Tid"] == ["2024"]


def test_fetch_kostra_sums_functions_into_service_areas(session):
    df = kostra.fetch_kostra(session=session, progress=False, store=False, codes_til_2024=CODES)
    assert list(df.columns) == ["kommunenummer", "year", "service_area", "kr_per_inhabitant"]
    assert df["kommunenummer"].dtype == "string"
    post = [c for c in session.calls if c[0] == "POST"]
    assert len(post) == 1 and "tables/12362/data" in post[0][1]
    got = df.set_index(["kommunenummer", "year", "service_area"])["kr_per_inhabitant"]
    # placeholder values of the fixture: (kommune+1)*1000 + (function+1)*100 + year*10
    assert got[("1563", 2023, "Administrasjon og styring")] == 2100
    assert got[("1563", 2024, "Barnehage")] == 2210
    # pleie og omsorg = 253 + 254; Meløy's 254 for 2024 is suppressed ("..") and counts as missing
    assert got[("1563", 2023, "Pleie og omsorg")] == 2400 + 2500
    assert got[("1820", 2024, "Pleie og omsorg")] == 1410


def test_fetch_finance_real_bergen_figures_and_cache(session, tmp_path, monkeypatch):
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(tmp_path))
    df = kostra.fetch_finance(session=session, progress=False, codes_til_2024=CODES)
    assert df["kommunenummer"].tolist() == ["4601"] * 3                    # EKG12/EAKUO are not kommuner
    assert df["netto_driftsresultat_pct"].tolist() == [0.7, -2.4, 1.0]     # SSB, 2023–2025
    assert df["disposisjonsfond_pct"].isna().all()                          # not in the recorded answer
    body = [c[2] for c in session.calls if c[0] == "POST"][0]
    asked = {s["variableCode"]: s["valueCodes"] for s in body["selection"]}
    assert asked["ContentsCode"] == ["KOSAGD230000", "KOSKG210000", "KOSKG320000"]
    stored = cache.read_extra("finance")
    assert stored is not None and len(stored) == 3
    assert cache.read_extra_manifest()["finance"]["table"] == "12134"
    table, status = sustainability_indicators(["4601"], data=stored)
    status = notice_text(status)
    row = table.iloc[0]
    assert row["year"] == 2025 and not row["underskudd"] and row["under_anbefalt_nivaa"]
    assert pd.isna(row["lavt_disposisjonsfond"]) and "ikke satt" in status and "ROBEK" in status
    table24, _ = sustainability_indicators(["4601"], year=2024, data=stored)
    assert bool(table24.iloc[0]["underskudd"])


def test_changed_table_is_a_clear_error(session):
    meta = _load("ssb-12362-metadata.json")
    meta["dimension"]["ContentsCode"]["category"] = {"index": {"KOSx": 0}, "label": {"KOSx": "Antall"}}
    meta["size"][3] = 1
    session.routes["tables/12362/metadata"] = meta
    with pytest.raises(DataError, match="kroner per innbygger"):
        kostra.fetch_kostra(session=session, progress=False, store=False, codes_til_2024=CODES)


def test_recode_drops_split_kommuner():
    df = pd.DataFrame({"kommunenummer": ["5401", "1507"], "year": [2023, 2023], "v": [1.0, 2.0]})
    codes = pd.DataFrame({"kommunenummer_original": ["5401", "1507", "1507"],
                          "kommunenummer_2024": ["5501", "1508", "1580"], "year": [2023] * 3,
                          "weight": [1.0, 0.5, 0.5]})
    out, dropped = kostra.recode_to_2024(df, codes)
    assert out["kommunenummer"].tolist() == ["5501"] and dropped == 1


def test_reports_say_plainly_when_data_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(tmp_path))
    table, status = kostra_comparison(["1820"], data=None)
    assert table.empty and "ikke hentet" in notice_text(status) and "reformkit data fetch" in notice_text(status)
    table, status = sustainability_indicators(["1820"], data=None)
    assert table.empty and "ikke hentet" in notice_text(status)


def test_kostra_comparison_with_correction(session):
    df = kostra.fetch_kostra(session=session, progress=False, store=False, codes_til_2024=CODES)
    index = pd.DataFrame({"kommunenummer": ["1820"], "year": [2025], "index": [1.25]})
    table, status = kostra_comparison(["1820", "1563", "9999"], data=df, expenditure_index=index)
    assert list(table.columns) == ["1820", "1563"]
    assert table.at["Administrasjon og styring", "1820"] == pytest.approx(1110 / 1.25)
    assert table.at["Administrasjon og styring", "1563"] == 2110
    status = notice_text(status)
    assert "2024" in status and "utgiftskorrigert" in status and "9999" in status


def test_thresholds_file_is_validated(tmp_path):
    bad = tmp_path / "economy-sustainability.yaml"
    bad.write_text("netto_driftsresultat:\n  deficit_below_pct: {value: -1, source: x}\n", encoding="utf-8")
    with pytest.raises(ParameterError) as exc:
        load_group("sustainability", tmp_path)
    assert any("below the lowest allowed value 0" in p for p in exc.value.problems)
    assert any("recommended_min_pct" in p and "missing" in p for p in exc.value.problems)
