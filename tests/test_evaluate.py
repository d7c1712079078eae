"""evaluate(): population by block and new kommune, invariants, memoisation, the result document and the CLI."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import reformkit as rk
from reformkit.narrative import notice_text
from reformkit.narrative.labels import UNIT_KIND
from reformkit.cli import main
from reformkit.population import AGE_GROUPS
from reformkit.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"
series_module = sys.modules["reformkit.evaluate.series"]


def small_scenario(atlas, **over) -> Scenario:
    d = {"name": "Test", "base_year": 2015, "horizon": 2024,
         "blocks": [{"name": "Nord", "centre": "9901", "members": {"9901": "merge", "9902": "merge", "9905": "cooperate"}},
                    {"name": "Sør", "centre": "9912", "members": {"9912": "merge", "9911": "merge", "9908": "merge",
                                                                  "9904": "cooperate"}}]}
    d.update(over)
    return Scenario.from_dict(d, atlas=atlas)


def raw_totals(atlas, codes, years) -> pd.DataFrame:
    """Population per kommune and year straight from the Atlas (independent of evaluate)."""
    p = atlas.population
    p = p[p["kommunenummer"].isin(codes) & p["year"].isin(years)]
    return p.groupby(["kommunenummer", "year"], observed=True)["population"].sum().unstack("year")


# ---- invariants ---------------------------------------------------------------------------------------------------
def test_units_blocks_and_kommuner_add_up_every_year_and_age_group(small_atlas):
    res = rk.evaluate(small_scenario(small_atlas), small_atlas)
    cols = [*AGE_GROUPS, "total"]
    by_k = res.population_by_kommune[cols]
    scope_total = by_k.groupby(level="year").sum()
    assert np.allclose(res.population_by_unit[cols].groupby(level="year").sum(), scope_total)
    raw = raw_totals(small_atlas, small_atlas.codes, res.years).sum()
    assert np.allclose(scope_total["total"].to_numpy(), raw.to_numpy())
    for name, row in res.blocks.iterrows():
        members = by_k.loc[row["merging"] + row["cooperating"]].groupby(level="year").sum()
        assert np.allclose(res.population_by_block.loc[name, cols], members)
        merged = by_k.loc[row["merging"]].groupby(level="year").sum()
        assert np.allclose(res.population_by_unit.loc[name, cols], merged)      # merged = sum of members
    for code in res.blocks.loc["Nord", "cooperating"]:
        assert np.allclose(res.population_by_unit.loc[code, cols], by_k.loc[code])


def test_counts_kinds_and_labels(small_atlas):
    res = rk.evaluate(small_scenario(small_atlas), small_atlas)
    assert res.kommuner_before == 12
    assert res.kommuner_after == 12 - (2 - 1) - (3 - 1)
    assert res.units.loc["Nord", "kind"] == "regionkommune" and res.units.loc["9905", "kind"] == "cooperating"
    assert res.units.loc["9903", "kind"] == "outside" and UNIT_KIND[res.units.loc["9903", "kind"]] == "utenfor blokk"
    assert res.kommuner.loc["9902", "unit"] == "Nord" and res.kommuner.loc["9905", "track"] == "cooperate"
    assert res.kommuner["is_centre"].sum() == 2
    assert res.units.loc["Nord", "areal_km2"] == pytest.approx(800.0)   # two 20 km × 20 km cells


def test_ratios_flags_and_travel(small_atlas):
    res = rk.evaluate(small_scenario(small_atlas), small_atlas)
    pu = res.population_by_unit
    row = pu.loc[("Sør", 2024)]
    assert row["old_age_support_ratio"] == pytest.approx((row["16-22"] + row["23-66"]) /
                                                         (row["67-79"] + row["80-89"] + row["90+"]))
    assert row["share_80_plus"] == pytest.approx((row["80-89"] + row["90+"]) / row["total"])
    for uid, u in res.units.iterrows():
        for n in res.thresholds:
            assert u[f"under_{n}_base"] == (pu.loc[(uid, 2015), "total"] < n)
            assert u[f"under_{n}_horizon"] == (pu.loc[(uid, 2024), "total"] < n)
    k = res.kommuner
    assert (k.loc[k["is_centre"], "travel_minutes_to_centre"] == 0).all()
    assert k.loc[k["block"].isna(), "travel_minutes_to_centre"].isna().all()
    assert (res.blocks["max_travel_minutes_to_centre"] >= res.blocks["mean_travel_minutes_to_centre"]).all()
    assert res.blocks.loc["Sør", "max_travel_minutes_to_centre"] == k.loc[
        ["9912", "9911", "9908", "9904"], "travel_minutes_to_centre"].max()


def test_moving_a_kommune_conserves_the_total_and_changes_two_blocks(small_atlas):
    sc = small_scenario(small_atlas)
    before = rk.evaluate(sc, small_atlas)
    after = rk.evaluate(sc.moved("9902", to_block="Sør", track="cooperate"), small_atlas)
    tot = lambda r: r.population_by_unit["total"].groupby(level="year").sum()  # noqa: E731
    assert np.allclose(tot(before), tot(after))
    moved = before.population_by_kommune.loc["9902", "total"]
    assert np.allclose(after.population_by_block.loc["Sør", "total"],
                       before.population_by_block.loc["Sør", "total"] + moved)
    assert np.allclose(after.population_by_block.loc["Nord", "total"],
                       before.population_by_block.loc["Nord", "total"] - moved)
    assert after.kommuner_after == before.kommuner_after + 1     # 9902 now stays a kommune of its own


def test_non_contiguous_regionkommune_is_a_warning(small_atlas):
    sc = small_scenario(small_atlas).moved("9908", to_block="Nord", track="merge")   # 9908 is far from 9901
    res = rk.evaluate(sc, small_atlas)
    assert any("henger ikke sammen" in w and "Nord" in w for w in map(notice_text, res.warnings))
    assert not any(w.code == "not_contiguous" for w in rk.evaluate(small_scenario(small_atlas), small_atlas).warnings)


# ---- memoisation and the projection ---------------------------------------------------------------------------------
def test_edited_scenarios_reuse_the_memoised_population(small_atlas, monkeypatch):
    sc = small_scenario(small_atlas, base_year=2016)
    rk.evaluate(sc, small_atlas)
    calls = []
    original = series_module._compute
    monkeypatch.setattr(series_module, "_compute", lambda *a: calls.append(a) or original(*a))
    rk.evaluate(sc.moved("9902", to_block="Sør"), small_atlas)
    rk.evaluate(sc.moved("9905", track="merge").with_centre("Nord", "9905"), small_atlas)
    assert calls == []
    rk.evaluate(sc.replaced(horizon=2023), small_atlas)          # new years: computed once
    assert len(calls) == 1


def test_years_after_the_data_come_from_the_projection(small_atlas):
    res = rk.evaluate(small_scenario(small_atlas, horizon=2030), small_atlas)
    assert res.years == list(range(2015, 2031)) and res.observed_years == list(range(2015, 2025))
    assert res.projected_years == list(range(2025, 2031))
    assert res.population_by_unit.loc[("Nord", 2030), "total"] > 0
    assert not any("framskriving" in notice_text(w).lower() for w in res.warnings)


def test_scenario_on_other_borders_is_rejected(small_atlas):
    sc = Scenario.from_dict({"name": "x", "borders": 2019, "base_year": 2015, "horizon": 2020,
                             "blocks": [{"name": "B", "centre": "9901", "members": {"9901": "merge"}}]})
    with pytest.raises(rk.ScenarioError, match="2019 borders"):
        rk.evaluate(sc, small_atlas)


# ---- the result document -------------------------------------------------------------------------------------------
def test_result_document_shape(small_atlas):
    res = rk.evaluate(small_scenario(small_atlas), small_atlas)
    doc = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert doc["scenario"] == {"name": "Test", "borders": 2024, "base_year": 2015, "horizon": 2024,
                               "projection": "main", "area": None, "source": None}
    assert doc["kommuner_before"] == 12 and doc["kommuner_after"] == res.kommuner_after
    years = [str(y) for y in range(2015, 2025)]
    for b in doc["blocks"]:
        assert list(b["population"]) == years and list(b["old_age_support_ratio"]) == years
        assert list(b["regionkommune"]["population"]) == years
        assert "economy" in b and isinstance(b["economy"], dict)
        assert {m["track"] for m in b["members"]} <= {"merge", "cooperate"}
        assert b["centre"] in b["regionkommune"]["kommunenummer"]
        assert set(b["population_by_age"]) == set(AGE_GROUPS)
        assert isinstance(b["max_travel_minutes_to_centre"], float)
    nord = doc["blocks"][0]
    assert nord["population"]["2015"] == round(res.population_by_block.loc[("Nord", 2015), "total"])
    assert sum(u["population"]["2024"] for u in doc["units"]) == sum(k["population"]["2024"] for k in doc["kommuner"])


# ---- real data: Møre og Romsdal ------------------------------------------------------------------------------------
@pytest.mark.integration
def test_more_og_romsdal_units_sum_to_the_fylke_every_year(atlas):
    sc = rk.load_scenario(SCENARIOS / "more-og-romsdal-4.yaml", atlas=atlas)
    res = rk.evaluate(sc, atlas)
    assert res.kommuner_before == 27 and res.kommuner_after == 4 + 14
    assert res.years == list(range(2024, 2041))
    units = res.population_by_unit["total"].groupby(level="year").sum()
    fylke = res.population_by_kommune["total"].groupby(level="year").sum()
    assert np.allclose(units, fylke)
    observed = [y for y in res.years if y in atlas.years]
    raw = raw_totals(atlas, atlas.in_fylke("15"), observed).sum()
    assert np.allclose(units.loc[observed].to_numpy(), raw.to_numpy())   # exact against the raw data
    moved = rk.evaluate(sc.moved("Gjemnes", to_block="Nordmøre", track="merge"), atlas)
    assert np.allclose(moved.population_by_unit["total"].groupby(level="year").sum(), units)
    assert res.blocks["max_travel_minutes_to_centre"].notna().all()


@pytest.mark.integration
@pytest.mark.parametrize("base_year, horizon", [(2014, 2040), (2005, 2026)])
def test_kommune_series_equals_the_long_table_route(atlas, base_year, horizon):
    """The array route (cube -> age groups) gives what grouping the long population table gives."""
    from reformkit.population import age_group_table, population_series
    series = series_module._compute(atlas, base_year, horizon, "main", rk.load_parameters().projection)
    table = age_group_table(population_series(atlas, base_year, horizon))
    expected = table.reindex(pd.MultiIndex.from_product([atlas.codes, series.years]), fill_value=0)
    assert series.years == list(range(base_year, horizon + 1)) and list(series.codes) == atlas.codes
    np.testing.assert_allclose(series.values.reshape(-1, len(series_module.COLUMNS)),
                               expected[series_module.COLUMNS].to_numpy(dtype=float), rtol=1e-12, atol=1e-6)
    # kommuner founded after 2005 have no rows that year: said, not silently counted
    missing = [w for w in series.warnings if "Mangler befolkningstall" in notice_text(w)]
    assert bool(missing) == (base_year == 2005)


@pytest.mark.integration
def test_cli_prints_a_norwegian_summary_and_writes_json(tmp_path, capsys):
    out = tmp_path / "res.json"
    assert main(["evaluate", str(SCENARIOS / "more-og-romsdal-7.yaml"), "--json", str(out)]) == 0
    text = capsys.readouterr().out
    for word in ("Blokker", "Kommuner før: 27", "Alderbæreevne", "Maks reisetid", "Indre Sunnmøre", "samarbeidskommune"):
        assert word in text
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["kommuner_before"] == 27 and len(doc["blocks"]) == 7
    assert main(["evaluate", str(SCENARIOS / "more-og-romsdal-2.yaml"), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["kommuner_after"] == 2 + 10 + 8   # regionkommuner + cooperating
