"""The kommune profile's numbers (reformkit.evaluate.profile): Meløy on the real data, SSB's projection and
the KOSTRA sources on a synthetic Atlas, and the words for what is missing."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import reformkit as rk
from reformkit.data import cache
from reformkit.economy.demography import SERVICES
from reformkit.errors import DataError, ReformkitError
from reformkit.evaluate import kommune_best_practice, normalise_kommune, rank_options
from reformkit.evaluate.options import RANKED
from reformkit.narrative import profile as P
from reformkit.params import load_parameters
from reformkit.population import old_age_support_ratio, population_series

FIXTURE = Path(__file__).parent / "fixtures" / "kostra_meloy_2022.csv"
MELOY = "1837"


@pytest.fixture(scope="module")
def meloy(atlas):
    return rk.kommune_profile(atlas, int(MELOY), horizon=2040)


# ---- Meløy on the real data --------------------------------------------------------------------------------------
@pytest.mark.integration
def test_support_ratio_every_year_equals_the_population_series(atlas, meloy):
    assert (meloy.kommune, meloy.now, meloy.horizon, meloy.alternative) == (MELOY, atlas.years[-1], 2040, "main")
    own = meloy.support[meloy.support["alternative"] == "main"].set_index("year")["ratio"]
    assert list(own.index) == list(range(meloy.start, 2041))
    series = population_series(atlas, meloy.start, 2040, "main")
    expected = old_age_support_ratio(series[series["kommunenummer"] == MELOY]).droplevel(0)
    pd.testing.assert_series_equal(own, expected, check_names=False, check_index_type=False)
    assert own[2024] == pytest.approx(2.92, abs=0.005)            # observed, 1 January 2024
    assert own[2040] < own[2026] < own[2016]                      # falling, as in the seed analysis


@pytest.mark.integration
def test_need_change_by_service_sums_to_the_total(meloy):
    need = meloy.need
    assert need["year"].tolist() == list(range(meloy.now, 2041))
    parts = need[[f"change_{s}" for s in SERVICES]].sum(axis=1)
    np.testing.assert_allclose(parts, need["change_total"], rtol=0, atol=1e-3)
    assert (need.loc[need["year"] == meloy.now, "change_total"] == 0).all()
    at = need.set_index("year").loc[2040]
    assert at["change_pleie_omsorg"] > 0 > at["change_grunnskole"]  # more elderly, fewer pupils


@pytest.mark.integration
def test_merger_options_cover_every_neighbour_and_the_regional_centre(atlas, meloy):
    opts = meloy.options
    pairs = {m[1] for m in opts["members"] if len(m) == 2}
    assert pairs == {"1833", "1836", "1838", "1839"}            # Rana, Rødøy, Gildeskål, Beiarn
    bodo = opts[opts["centre"] == "1804"].iloc[0]
    assert bodo["members"] == ["1837", "1838", "1804"] and bodo["kind"] == "centre"
    assert meloy.nearest_centre[0] == "1804"
    assert opts["rank"].tolist() == list(range(1, len(opts) + 1))
    pop = atlas.population[atlas.population["year"] == meloy.now].groupby("kommunenummer")["population"].sum()
    for r in opts.itertuples():
        assert r.population_base == pytest.approx(pop[list(r.members)].sum())
        assert np.isfinite(r.present_value) and r.max_travel_minutes > 0
    assert meloy.alone.iloc[0]["population_base"] == pop[MELOY]


@pytest.mark.integration
def test_an_option_has_the_figures_of_the_same_one_block_scenario(atlas, meloy):
    opt = meloy.options.iloc[0]
    sc = rk.Scenario.from_dict({"name": opt["option"], "base_year": meloy.now, "horizon": 2040, "blocks": [
        {"name": opt["option"], "centre": opt["centre"], "members": {m: "merge" for m in opt["members"]}}]}, atlas)
    res = rk.evaluate(sc, atlas)
    assert opt["present_value"] == res.economy[opt["option"]]["present_value"]
    assert opt["support_ratio_horizon"] == res.blocks.iloc[0]["old_age_support_ratio_horizon"]


@pytest.mark.integration
def test_best_practice_from_the_csv_reproduces_the_published_total(atlas):
    tree = load_parameters().tree("profile")
    bp = kommune_best_practice(atlas, MELOY, tree, kostra_csv=FIXTURE)
    assert bp.computed and bp.source == "csv" and bp.year == 2022
    assert bp.inhabitants == 6212                                  # 31 December 2022 = 1 January 2023
    assert bp.table.attrs["total"] == -170_923_180
    assert sorted(bp.references) == ["1840", "5027"] and not bp.automatic   # Sunndal's cells are empty
    given = kommune_best_practice(atlas, MELOY, tree, ["1563", "1840", "5027"], kostra_csv=FIXTURE)
    assert given.table.attrs["total"] == -170_923_180
    assert [n.code for n in given.notices] == ["kostra_references_missing"]
    assert "Ingen KOSTRA-tall for 2022 for Sunndal (1563)" in P.notice_text(given.notices[0])


@pytest.mark.integration
def test_missing_kostra_is_said_plainly_with_the_commands(meloy):
    assert meloy.best_practice.table is None and meloy.best_practice.source is None
    text = P.best_practice_md(meloy)
    assert text.startswith("**Beste praksis er ikke beregnet:** KOSTRA-tall er verken hentet eller lagt inn.")
    assert "`reformkit data fetch --only kostra`" in text
    assert f"reformkit kostra template --kommune {MELOY} --references" in text
    assert P.best_practice_table(meloy) is None
    assert "Beste praksis er ikke beregnet" in P.summary_md(meloy)


@pytest.mark.integration
def test_which_projection_is_said(meloy):
    assert [n.code for n in meloy.notices] == ["ssb_not_fetched"]
    assert "reformkits egen framskriving (hovedalternativ)" in P.summary_md(meloy)
    assert "SSBs befolkningsframskriving er ikke hentet" in P.notices_md(meloy)


@pytest.mark.integration
def test_kommune_numbers_and_names_are_normalised(atlas):
    assert normalise_kommune(atlas, 1837) == normalise_kommune(atlas, "1837") == normalise_kommune(atlas, "Meløy")
    assert normalise_kommune(atlas, 301) == normalise_kommune(atlas, 301.0) == "0301"
    with pytest.raises(ReformkitError, match="9999"):
        normalise_kommune(atlas, 9999)
    with pytest.raises(ReformkitError, match="horizon 2020"):
        rk.kommune_profile(atlas, MELOY, horizon=2020)


# ---- unit: ranking, SSB's projection and fetched KOSTRA on a synthetic Atlas -------------------------------------
def test_rank_puts_a_missing_figure_last_and_orders_by_score():
    t = pd.DataFrame({"population_horizon": [10.0, 30.0, 20.0], "support_ratio_horizon": [2.0, 2.5, 1.5],
                      "max_travel_minutes": [30.0, 90.0, 60.0], "present_value": [np.nan, 5.0, 1.0]})
    ranked = rank_options(t, dict.fromkeys(RANKED, 1.0))
    assert ranked.loc[0, "score"] == ranked.loc[2, "score"] == pytest.approx((3 + 2 + 1 + 3) / 4)
    assert ranked.index.tolist() == [1, 2, 0] and ranked["rank"].tolist() == [1, 2, 3]   # a tie: more inhabitants


def _ssb_frame(codes, years):
    ages = np.arange(106)
    grid = pd.MultiIndex.from_product([["MMMM"], list(codes), list(years), ["female", "male"], ages],
                                      names=["alternative", "kommunenummer", "year", "sex", "age"]).to_frame(index=False)
    grid["population"] = np.where(grid["age"] >= 67, 30.0, 10.0)   # 16–66: 51 ages × 10 per 39 ages × 30
    return grid


@pytest.fixture()
def cached_small(small_atlas, monkeypatch, tmp_path):
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(tmp_path))
    return dataclasses.replace(small_atlas, cache_path=tmp_path)


def test_ssb_main_is_shown_beside_the_engine_when_fetched(cached_small):
    atlas = cached_small
    cache.write_extra("ssb_projection", _ssb_frame(atlas.codes, range(2025, 2036)), {"attribution": "test"})
    prof = rk.kommune_profile(atlas, atlas.codes[5], horizon=2035)
    assert prof.alternative == "main" and prof.compared_with_ssb and not prof.notices
    ssb = prof.support[prof.support["alternative"] == "ssb-main"].set_index("year")["ratio"]
    assert list(ssb.index) == list(range(2024, 2036))                   # from the last observed year
    assert ssb[2030] == pytest.approx(51 * 10 / (39 * 30))
    assert "SSBs hovedalternativ (MMMM)" in P.support_md(prof) and "Bæreevne, SSBs" in P.support_table(prof).columns[-1]
    asked = rk.kommune_profile(atlas, atlas.codes[5], horizon=2035, alternative="ssb-main")
    assert asked.alternative == "ssb-main" and not asked.compared_with_ssb


def test_ssb_asked_for_but_not_fetched_falls_back_and_says_so(cached_small):
    prof = rk.kommune_profile(cached_small, cached_small.codes[0], horizon=2030, alternative="ssb-main")
    assert (prof.requested, prof.alternative) == ("ssb-main", "main")
    assert [n.code for n in prof.notices] == ["ssb_not_fetched"]
    text = P.notices_md(prof)
    assert "SSBs hovedalternativ (MMMM) er ikke hentet, så profilen bruker reformkits egen framskriving" in text
    assert "reformkit data fetch --only ssb-projection" in text


def test_fetched_kostra_is_corrected_and_references_chosen_automatically(cached_small):
    index = pd.DataFrame({"kommunenummer": cached_small.codes, "year": 2026,
                          "index": np.linspace(0.9, 1.2, len(cached_small.codes))})
    atlas = dataclasses.replace(cached_small, tables={**cached_small.tables, "expenditure_index": index})
    rows = [{"kommunenummer": k, "year": 2023, "service_area": a, "kr_per_inhabitant": 1000.0 + 10 * i}
            for i, k in enumerate(atlas.codes[:-1]) for a in ("Helse", "Kirke")]
    cache.write_extra("kostra", pd.DataFrame(rows), {"attribution": "test"})
    tree = load_parameters().tree("profile")
    own = atlas.codes[4]
    bp = kommune_best_practice(atlas, own, tree)
    assert bp.source == "kostra" and bp.automatic and len(bp.references) == tree.get("references.count")
    assert own not in bp.references and bp.year == 2023
    assert bp.table.set_index("service_area").at["Helse", "own"] == pytest.approx(1040.0 / index["index"][4])
    assert bp.index_year == 2026
    missing = kommune_best_practice(atlas, atlas.codes[-1], tree)
    assert [n.code for n in missing.notices] == ["kostra_own_missing"] and missing.suggested


def test_a_bad_kostra_file_stops_the_profile_with_every_problem(cached_small, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("kommunenummer,service_area,year,kr_per_inhabitant\n1,Helse,2022,x\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        rk.kommune_profile(cached_small, cached_small.codes[0], horizon=2030, kostra_csv=path)
    assert len(exc.value.problems) == 2


def test_html_escapes_names_and_keeps_per_cent_with_its_number():
    assert P.html("Fil <script>x</script>: -5,8 %") == "<p>Fil &lt;script&gt;x&lt;/script&gt;: -5,8\u00a0%</p>\n"


@pytest.mark.integration
def test_apportioned_years_are_left_out_and_said(atlas):
    """Before 2024 the source gives Haram a flat share of Ålesund: the profile starts at its own figures."""
    prof = rk.kommune_profile(atlas, "Haram", horizon=2030)
    assert prof.kommune == "1580" and prof.start == 2024
    assert prof.support["year"].min() == 2024
    assert "Før 2024 er folketallet i kilden en fast andel" in P.notices_md(prof)
