"""Economy parameters and rules: year counts, storbytilskudd, the derived fixed cost, one phase-in ramp,
the base year of aggregated need, and the shared age-table helper."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from reformkit.narrative import notice_text

from reformkit.economy import (aggregate_need, apply_assumptions, block_economy, expenditure_corrected,
                               expenditure_need, kostra_comparison, load_economy_params, merger_schedule,
                               regionsenter)
from reformkit.economy.demography import AGE_LABELS, as_age_table
from reformkit.economy.merger import _ramp, admin_savings
from reformkit.errors import DataError, ParameterError
from reformkit.paths import PARAMS_DIR
from reformkit.population import AGE_GROUPS, age_group_table

BASIS = 19_860_180
ORIGIN = "data/scenarios/x.yaml"




def _scenario(atlas, assumptions=None, members=None):
    codes = list(atlas.codes)
    block = SimpleNamespace(name="A", centre=codes[0],
                            members=members or {codes[0]: "merge", codes[1]: "merge", codes[2]: "cooperate"})
    return SimpleNamespace(name="t", base_year=2020, horizon=2024, assumptions=assumptions or {}, blocks=[block],
                           source="t.yaml"), block


# ---- 1. year counts are whole numbers >= 1 ---------------------------------------------------------------------

@pytest.mark.parametrize("key, value", [
    ("analysis_years", 0), ("analysis_years", 2.5), ("analysis_years", -3), ("analysis_years", True),
    ("analysis_years", "ti"), ("one_off_in_year", 0), ("one_off_in_year", 1.5), ("phase_in_years", 0),
    ("inndelingstilskudd.full_years", 14.5), ("phase_down_years", 0), ("start_offset_years", 0.5),
])
def test_year_counts_must_be_whole_numbers_of_at_least_one(params, key, value):
    with pytest.raises(ParameterError) as exc:
        apply_assumptions(params, {"economy": {key: value}}, ORIGIN)
    leaf = key.split(".")[-1]
    least = 0 if leaf.endswith("offset_years") else 1
    wanted = ("is not a whole number", "is not a number", f"below the lowest allowed value {least}")
    assert any(ORIGIN in p and leaf in p and any(w in p for w in wanted) for p in exc.value.problems), \
        exc.value.problems


def test_a_merger_may_take_effect_in_the_base_year(params):
    assert apply_assumptions(params, {"economy": {"start_offset_years": 0}}, ORIGIN).get("merger.start_offset_years") == 0


def test_one_off_after_the_last_analysed_year_is_rejected(params):
    with pytest.raises(ParameterError) as exc:
        apply_assumptions(params, {"economy": {"analysis_years": 5, "one_off_in_year": 6}}, ORIGIN)
    assert any(ORIGIN in p and "one_off_in_year" in p and "analysis_years" in p for p in exc.value.problems)
    # 25 analysed years by default: one_off_in_year 26 alone is also out of range
    with pytest.raises(ParameterError, match="invalid economy assumptions"):
        apply_assumptions(params, {"economy": {"one_off_in_year": 26}}, ORIGIN)


def test_year_count_in_a_parameter_file_is_checked_naming_the_file(param_copy):
    folder = param_copy
    f = folder / "economy-model.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("analysis_years: {value: 25,", "analysis_years: {value: 0,"),
                 encoding="utf-8")
    with pytest.raises(ParameterError) as exc:
        load_economy_params(folder)
    assert any("economy-model.yaml" in p and "merger.analysis_years" in p for p in exc.value.problems)


def test_scenario_params_follow_an_edited_parameter_file(param_copy, monkeypatch):
    """A running workbench must see an edit to data/params without a restart (the memo is keyed on mtimes)."""
    import os

    from reformkit.params import load_parameters
    assert load_parameters(param_copy).economy.get("discount_rate") == pytest.approx(0.04)
    f = param_copy / "economy-model.yaml"
    text = f.read_text(encoding="utf-8")
    assert "discount_rate: {value: 0.04," in text
    f.write_text(text.replace("discount_rate: {value: 0.04,", "discount_rate: {value: 0.03,"), encoding="utf-8")
    stat = f.stat()
    os.utime(f, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))   # a new mtime even on a coarse clock
    assert load_parameters(param_copy).economy.get("discount_rate") == pytest.approx(0.03)


def test_valid_year_counts_are_used_in_full(params):
    p = apply_assumptions(params, {"economy": {"analysis_years": 3, "one_off_in_year": 3}}, ORIGIN)
    sched = merger_schedule(2, {2025: 20_000.0}, 2025, p)
    assert list(sched.index) == [2025, 2026, 2027]
    assert sched.loc[2027, "one_off"] == 25e6 + 20e6 and (sched.loc[[2025, 2026], "one_off"] == 0).all()
    # a whole number written as 3.0 is accepted and means 3
    p3 = apply_assumptions(params, {"economy": {"analysis_years": 3.0}}, ORIGIN)
    assert len(merger_schedule(2, {2025: 20_000.0}, 2025, p3)) == 3


def test_block_economy_with_zero_analysis_years_is_a_parameter_error(small_atlas):
    sc, block = _scenario(small_atlas, {"economy": {"analysis_years": 0}})
    with pytest.raises(ParameterError) as exc:
        block_economy(sc, small_atlas.kommuner, small_atlas.population, block)
    assert any("t.yaml" in p and "merger.analysis_years" in p for p in exc.value.problems)


# ---- 3. no regionsentertilskudd together with storbytilskudd ---------------------------------------------------

def test_storbytilskudd_kommuner_have_a_source_and_are_the_four_cities(params, atlas):
    storby = params.get("regionsenter.storbytilskudd_kommuner")
    assert all(isinstance(k, str) and len(k) == 4 for k in storby)
    assert "Grønt hefte" in params.sources["regionsenter.storbytilskudd_kommuner"]
    names = atlas.kommuner["kommunenavn_kort"].astype(str).to_dict()
    in_2024 = sorted(names[k] for k in storby if k in names)
    assert in_2024 == ["Bergen", "Oslo", "Stavanger", "Trondheim"]


def test_no_regionsenter_for_a_merger_with_a_storby_kommune(params):
    assert regionsenter(10_000, 2, params, members=["4601", "4631"]) == 0
    assert regionsenter(10_000, 2, params, members=["4631", "4632"]) == 3_344_000 + 70 * 10_000
    with_city = merger_schedule(2, {2025: 300_000.0}, 2025, params, members=["5001", "5059"])
    without = merger_schedule(2, {2025: 300_000.0}, 2025, params, members=["5059", "5057"])
    assert (with_city["regionsenter"] == 0).all()
    assert (without["regionsenter"] == 3_344_000 + 70 * 300_000).all()
    assert (with_city["net"] == without["net"] - without["regionsenter"]).all()


def test_block_with_a_storby_kommune_gets_no_regionsenter_and_says_why(small_atlas):
    codes = list(small_atlas.codes)
    sc, block = _scenario(small_atlas, {"economy": {"storbytilskudd_kommuner": [codes[1]],
                                                    "regionsenter.threshold_inhabitants": 0}})
    e = block_economy(sc, small_atlas.kommuner, small_atlas.population, block)
    assert all(v["regionsenter"] == 0 for v in e["merger"].values())
    assert any("storbytilskudd" in notice_text(n) and codes[1] in notice_text(n) for n in e["notes"])
    sc0, _ = _scenario(small_atlas, {"economy": {"regionsenter.threshold_inhabitants": 0}})   # every merger qualifies
    assert all(v["regionsenter"] > 0 for v in block_economy(sc0, small_atlas.kommuner, small_atlas.population,
                                                             block)["merger"].values())


def test_storbytilskudd_kommuner_must_be_four_digit_strings(params):
    with pytest.raises(ParameterError) as exc:
        apply_assumptions(params, {"economy": {"storbytilskudd_kommuner": [301]}}, ORIGIN)
    assert any(ORIGIN in p and "storbytilskudd_kommuner" in p for p in exc.value.problems)


# ---- 4. one ramp, one age table, one correction ----------------------------------------------------------------

def test_admin_savings_follow_the_phase_in_ramp(params):
    p = apply_assumptions(params, {"economy": {"phase_in_years": 3}}, ORIGIN)
    sched = merger_schedule(3, {2025: 10_000.0}, 2025, p)
    for year in range(2025, 2031):
        i = year - 2025 + 1
        assert sched.loc[year, "admin_savings"] == pytest.approx(admin_savings(i, 3, p))
        assert sched.loc[year, "admin_savings"] == pytest.approx(2 * BASIS * 0.35 * _ramp(i, 3))
    assert [_ramp(i, 3) for i in (1, 3, 4)] == [pytest.approx(1 / 3), 1.0, 1.0]


def test_age_labels_are_the_population_groups_and_one_helper_reads_both_tables(small_atlas):
    assert AGE_LABELS == tuple(AGE_GROUPS)
    members = list(small_atlas.codes)[:2]
    from_long = as_age_table(small_atlas.population, members)
    from_wide = as_age_table(age_group_table(small_atlas.population), members)
    assert set(from_long.index.get_level_values(0)) == set(members)
    pd.testing.assert_frame_equal(from_long[list(AGE_LABELS)], from_wide[list(AGE_LABELS)], check_names=False)
    with pytest.raises(DataError, match="missing age group"):
        as_age_table(pd.DataFrame({"unit": ["a"], "year": [2020], "0-1": [1]}))


def test_kostra_comparison_uses_the_expenditure_correction():
    kostra = pd.DataFrame({"kommunenummer": ["0001", "0001", "0002"], "year": [2024] * 3,
                           "service_area": ["Barnehage", "Grunnskole", "Barnehage"],
                           "kr_per_inhabitant": [12_000.0, 20_000.0, 9_000.0]})
    index = pd.DataFrame({"kommunenummer": ["0001"], "year": [2023], "index": [1.2]})
    table, status = kostra_comparison(["0001", "0002"], data=kostra, expenditure_index=index)
    expected = expenditure_corrected(kostra.assign(year=2023), index)
    assert table.at["Barnehage", "0001"] == pytest.approx(expected.iloc[0]["kr_per_inhabitant"]) == 10_000
    assert table.at["Grunnskole", "0001"] == pytest.approx(20_000 / 1.2)
    assert table.at["Barnehage", "0002"] == 9_000          # no index: left uncorrected, and said so
    assert list(table.index) == ["Barnehage", "Grunnskole"]
    assert "2023" in notice_text(status) and "ukorrigert" in notice_text(status)


# ---- 5. fixed cost per kommune follows the basis amount ---------------------------------------------------------

def test_fixed_cost_follows_the_basis_amount_unless_set(params):
    text = (PARAMS_DIR / "economy-model.yaml").read_text(encoding="utf-8")
    assert "19860180" not in text                                # no second copy of the basis amount
    assert params.get("admin_savings.fixed_cost_per_kommune") == BASIS
    assert "cost_key.basis.unit_amount" in params.sources["admin_savings.fixed_cost_per_kommune"]
    assert "admin_savings.fixed_cost_per_kommune" in params.used(["admin_savings"])
    basis = apply_assumptions(params, {"economy": {"cost_key.basis.unit_amount": 10_000_000}}, ORIGIN)
    assert basis.get("admin_savings.fixed_cost_per_kommune") == 10_000_000
    assert admin_savings(9, 2, basis) == pytest.approx(10_000_000 * 0.35)
    own = apply_assumptions(params, {"economy": {"fixed_cost_per_kommune": 5_000_000}}, ORIGIN)
    assert own.get("admin_savings.fixed_cost_per_kommune") == 5_000_000
    assert own.get("cost_key.basis.unit_amount") == BASIS
    assert admin_savings(9, 2, own) == pytest.approx(5_000_000 * 0.35)
    assert params.get("admin_savings.fixed_cost_per_kommune") == BASIS   # the original is untouched
    with pytest.raises(ParameterError, match="invalid economy assumptions"):
        apply_assumptions(params, {"economy": {"fixed_cost_per_kommune": -1}}, ORIGIN)


def test_a_fixed_cost_in_the_file_still_wins(param_copy):
    folder = param_copy
    f = folder / "economy-model.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(
        "admin_savings:\n", "admin_savings:\n  fixed_cost_per_kommune: {value: 12000000, source: test}\n"),
        encoding="utf-8")
    assert load_economy_params(folder).get("admin_savings.fixed_cost_per_kommune") == 12_000_000


# ---- 6. aggregated need measured from the base year -------------------------------------------------------------

def test_aggregate_need_measures_change_per_inhabitant_from_the_base_year(params):
    groups = list(AGE_LABELS)
    rows = [("a", 2020, 100), ("a", 2024, 100), ("a", 2030, 100), ("b", 2020, 50), ("b", 2024, 80), ("b", 2030, 90)]
    idx = pd.MultiIndex.from_tuples([(u, y) for u, y, _ in rows], names=["unit", "year"])
    t = pd.DataFrame([{g: (n if g in ("67-79", "80-89") else 100) for g in groups} for *_, n in rows], index=idx)
    need = expenditure_need(t, params, base_year=2024)
    agg = aggregate_need(need, {"a": "AB", "b": "AB"}, base_year=2024).set_index("year")
    assert agg.at[2024, "change_per_inhabitant"] == 0
    assert agg.at[2030, "change_per_inhabitant"] == pytest.approx(agg.at[2030, "per_inhabitant"]
                                                                  - agg.at[2024, "per_inhabitant"])
    assert agg.at[2024, "change_total"] == 0                    # all change columns share the base year
    default = aggregate_need(need, {"a": "AB", "b": "AB"}).set_index("year")
    assert default.at[2020, "change_per_inhabitant"] == 0 and default.at[2024, "change_per_inhabitant"] != 0
    with pytest.raises(DataError, match="base year 2019"):
        aggregate_need(need, {"a": "AB"}, base_year=2019)
