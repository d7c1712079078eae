"""Back-test: replaying the 2020 kommune reform on 2019 borders gives SSB's figures for the new kommuner.

The expected numbers are computed here from the raw mirror files (population parquet and SSB's code table),
independently of reformkit's import and evaluate code paths.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reformkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
MIRROR = ROOT.parent / "shared" / "data"
SCENARIO = ROOT / "data" / "scenarios" / "reform-2020.yaml"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def document():
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["evaluate", str(SCENARIO), "--json", "-"]) == 0
    return json.loads(buf.getvalue())


@pytest.fixture(scope="module")
def raw():
    codes = pd.read_csv(MIRROR / "kommuner" / "kommunenummer-2013-2020.csv", sep=";", dtype=str)
    pop = pd.read_parquet(MIRROR / "population" / "population-2019-borders.parquet")
    pop = pop.assign(kommunenummer=pop["kommunenummer"].astype(str))
    totals = pop.groupby(["kommunenummer", "year"])["population"].sum()
    return codes, totals


def whole_mergers(codes: pd.DataFrame) -> dict[str, tuple[str, set[str]]]:
    """New 2020 kommuner formed only of whole 2019 kommuner: {new number: (name, members)}."""
    merged = codes[codes["endringsmerknad_19_20"].str.startswith("slått sammen")]
    split = set(merged.loc[merged["endringsmerknad_19_20"].str.contains("splittet"), "kommunenummer_2019"])
    out = {}
    for new, rows in merged.groupby("kommunenummer_2020"):
        members = set(rows["kommunenummer_2019"])
        if not members & split:
            out[new] = (rows["kommunenavn_2020"].iloc[0], members)
    return out


def test_every_whole_merger_matches_the_sum_of_ssb_figures_for_2017(document, raw):
    codes, totals = raw
    expected = whole_mergers(codes)
    assert len(expected) == 38          # 43 new kommuner from mergers, 5 of them took part of a split kommune
    blocks = {b["name"]: b for b in document["blocks"]}
    for new, (name, members) in expected.items():
        block = blocks[name]
        assert {m["kommunenummer"] for m in block["members"]} == members, name
        assert {m["track"] for m in block["members"]} == {"merge"}
        ssb_2017 = int(sum(totals[(m, 2017)] for m in members))
        assert block["population"]["2017"] == ssb_2017, (name, block["population"]["2017"], ssb_2017)
        assert block["regionkommune"]["population"]["2017"] == ssb_2017
        for year in ("2018", "2019"):
            assert block["population"][year] == int(sum(totals[(m, int(year))] for m in members))


def test_reform_counts_and_national_total(document, raw):
    _, totals = raw
    assert document["scenario"]["borders"] == 2019 and document["scenario"]["base_year"] == 2017
    assert document["kommuner_before"] == 422
    assert document["kommuner_after"] == 356             # SSB: 356 kommuner on 1 January 2020
    assert len(document["blocks"]) == 43
    # The import repairs the mirror's 2019-border counts of Tysfjord (x2, every year) and Snillfjord (x3 in
    # 2018-2019); everything else is the raw data.
    repair = {"2017": 1960, "2018": 1953 + 2 * 987, "2019": 1925 + 2 * 999}
    for year in ("2017", "2018", "2019"):
        units = sum(u["population"][year] for u in document["units"])
        assert units == int(totals.xs(int(year), level="year").sum()) - repair[year]


def test_split_kommuner_go_wholly_to_the_kommune_with_their_administrative_centre(document):
    where = {m["kommunenummer"]: b["name"] for b in document["blocks"] for m in b["members"]}
    assert where["5012"] == "Orkland" and where["1850"] == "Narvik"
    assert sum(1 for b in document["blocks"] for m in b["members"] if m["kommunenummer"] in {"5012", "1850"}) == 2


def test_the_committed_file_is_what_the_generator_writes(atlas2019):
    spec = importlib.util.spec_from_file_location("make_reform_2020", ROOT / "scripts" / "make_reform_2020.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render(atlas2019) == SCENARIO.read_text(encoding="utf-8")


def test_units_sum_to_the_country_in_the_dataframes(atlas2019):
    import reformkit as rk
    res = rk.evaluate(rk.load_scenario(SCENARIO, atlas=atlas2019), atlas2019)
    units = res.population_by_unit["total"].groupby(level="year").sum()
    country = atlas2019.population.groupby("year")["population"].sum().loc[res.years]
    assert np.allclose(units.to_numpy(), country.to_numpy())
