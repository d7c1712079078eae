"""Report text and tables: numbers come from the data, economy shows "ikke beregnet" when empty (real data)."""
from __future__ import annotations

import dataclasses
import re

import pytest

import reformkit as rk
from reformkit import narrative as nar
from reformkit.fmt import nb_int, nb_mill
from reformkit.narrative import compare as C, economy as E, method as M, scenario as S

pytestmark = pytest.mark.integration

MR4 = "data/scenarios/more-og-romsdal-4.yaml"


@pytest.fixture(scope="module")
def res(atlas):
    return rk.evaluate(rk.load_scenario(MR4), atlas)


def test_table_html_is_plain_and_marks_numbers():
    import pandas as pd
    html = nar.table_html(pd.DataFrame({"Kommune": ["Ålesund", "<b>"], "Innbyggere": ["59 663", "2 141"]}))
    assert html.startswith('<table class="rk-table">')
    assert "&lt;b&gt;" in html                     # escaped
    assert '<td class="num">59 663</td>' in html and "<td>Ålesund</td>" in html


def test_county_summary_numbers_match_the_atlas(atlas):
    text = nar.county_summary(atlas, "15")
    first, last = nar.county_years(atlas, "15")
    pop = atlas.population
    total = pop[pop.kommunenummer.isin(atlas.in_fylke("15")) & (pop.year == last)]["population"].sum()
    assert f"{len(atlas.in_fylke('15'))} kommuner og {nb_int(total)} innbyggere" in text
    assert f"1. januar {last}" in text
    assert "Møre og Romsdal" in text


def test_county_years_skip_years_with_missing_kommuner(atlas):
    codes = atlas.in_fylke("15")
    years = nar.complete_years(atlas, codes)
    counts = atlas.population[atlas.population.kommunenummer.isin(codes)].groupby("year")["kommunenummer"].nunique()
    assert all(counts[y] == len(codes) for y in years)


def test_county_tables_and_ba_regions(atlas):
    t = nar.county_kommune_table(atlas, "15")
    assert len(t) == len(atlas.in_fylke("15"))
    text, ba = nar.ba_regions(atlas, "15")
    assert "BA-regioner" in text
    assert set(ba["BA-region"]) == set(atlas.kommuner.loc[atlas.in_fylke("15"), "ba_region"])


def test_scenario_summary_is_computed(res):
    text = S.summary(res)
    assert f"fra {res.kommuner_before} til {res.kommuner_after}" in text
    smallest = res.units[res.units.kind != "outside"].sort_values("population_horizon").iloc[0]
    assert f"{smallest['name']}" in text and nb_int(smallest["population_horizon"]) in text
    assert "Nordmøre" in text


def test_scenario_tables(res):
    b = S.block_table(res)
    assert list(b["Blokk"]) == list(res.blocks.index)
    u = S.unit_table(res)
    assert len(u) == len(res.units)
    members, centres, context = S.map_table(res)
    assert set(members["kommunenummer"]) | set(context) == set(res.kommuner.index)
    assert centres == list(res.blocks["centre"])
    pl = S.population_long(res, "block")
    assert set(pl["year"]) == set(res.years)
    # the lines sum to the blocks' totals
    assert pl[pl.year == res.years[-1]]["population"].sum() == pytest.approx(res.blocks["population_horizon"].sum())


def test_empty_economy_says_not_computed(res):
    empty = dataclasses.replace(res, economy={})
    text, table = E.economy_overview(empty)
    assert "ikke beregnet" in text and table is None
    block = empty.blocks.index[0]
    assert "ikke beregnet" in E.block_economy_md(empty, block)
    assert E.waterfall(empty, block) is None
    assert not re.search(r"\d+,\d mill\. kr", E.block_economy_md(empty, block))
    assert "ikke beregnet" in C.compare_table([empty])["Netto nåverdi sammenslåing"].iloc[0]


def test_filled_economy_is_shown(res):
    block = next(b for b in res.blocks.index if (res.economy.get(b) or {}).get("merger"))
    md = E.block_economy_md(res, block)
    assert nb_mill(res.economy[block]["present_value"]) in md
    wf = E.waterfall(res, block)
    assert wf is not None and wf["kind"].iloc[-1] == "total"


def test_cooperation_section(res):
    from reformkit.narrative import cooperation as K
    block = next(b for b in res.blocks.index if res.blocks.at[b, "n_cooperate"] > 0)
    md = K.block_md(res, block)
    names = [res.kommuner.at[c, "kommunenavn_kort"] for c in res.blocks.at[block, "cooperating"]]
    assert all(n in md for n in names)


def test_method_notes(res):
    assert "Hamilton–Perry" in M.projection_md(res)
    assert "Reisetid" in M.travel_md(res)


def test_compare(res, atlas):
    other = rk.evaluate(rk.load_scenario("data/scenarios/more-og-romsdal-2.yaml"), atlas)
    t = C.compare_table([res, other])
    assert list(t["Kommuner etter"]) == [res.kommuner_after, other.kommuner_after]
    text = C.compare_summary([res, other])
    fewest = min((res, other), key=lambda r: r.kommuner_after)
    assert f"«{fewest.scenario.name}»" in text


def test_apportioned_history_is_not_reported_as_change(atlas):
    """Before 2024 the source splits Ålesund's population 50/50 with Haram; change counts from 2024 for both."""
    shared = nar.apportioned_until(atlas, atlas.in_fylke("15"))
    assert shared == {"1508": 2024, "1580": 2024}
    t = nar.county_kommune_table(atlas, "15").set_index("Nr.")
    assert t.loc["1580", "Endring"].endswith("(fra 2024)") and t.loc["1508", "Endring"].endswith("(fra 2024)")
    pop = atlas.population
    haram = pop[pop.kommunenummer == "1580"].groupby("year")["population"].sum()
    expected = nar.change_text(haram[2024], haram[atlas.years[-1]])
    assert t.loc["1580", "Endring"] == f"{expected} (fra 2024)"
    assert "Ålesund og Haram" in nar.county_summary(atlas, "15")
