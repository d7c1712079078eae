"""Economy: parameter files and overrides, merger instruments, demographic expenditure need, block economy."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from reformkit.narrative import notice_text

from reformkit.economy import (apply_assumptions, block_economy, demography_dance, engangstilskudd,
                               expenditure_need, inndelingstilskudd_factor, load_economy_params, lost_basis,
                               merger_schedule, present_value, reformstotte, regional_loss, regionsenter,
                               waterfall_table)
from reformkit.economy.merger import COMPONENTS, admin_savings
from reformkit.errors import ParameterError

BASIS = 19_860_180



# ---- parameter files --------------------------------------------------------------------------------------------


def test_every_value_has_a_source(params):
    assert params.get("cost_key.basis.unit_amount") == BASIS
    assert params.get("cost_key.age.90+.unit_amount") == 284_188
    assert all(src.strip() for src in params.sources.values())
    assert params.is_unknown("smakommunetilskudd.amount_per_kommune")


@pytest.mark.parametrize("file, old, new, key, problem", [
    ("grants-2021.yaml", "{value: 70,", "{value: null,", "regionsenter.per_inhabitant", "missing"),
    ("economy-2023.yaml", "{value: 17813,", "{value: -17813,", "cost_key.age.0-1.unit_amount", "below the lowest allowed value 0"),
])
def test_missing_or_negative_value_is_rejected_naming_file_and_key(param_copy, file, old, new, key, problem):
    f = param_copy / file
    f.write_text(f.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ParameterError) as exc:
        load_economy_params(param_copy)
    assert any(file in p and key in p and problem in p for p in exc.value.problems)


def test_removed_parameter_is_rejected(param_copy):
    folder = param_copy
    f = folder / "grants-2019.yaml"
    text = "\n".join(line for line in f.read_text(encoding="utf-8").splitlines() if "phase_down_years" not in line)
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError) as exc:
        load_economy_params(folder)
    assert any("inndelingstilskudd.phase_down_years" in p for p in exc.value.problems)


def test_assumption_overrides_by_leaf_name_path_and_mapping(params):
    p = apply_assumptions(params, {"economy": {"realisation_share": 0.5, "discount_rate": 0.03,
                                              "admin_savings.phase_in_years": 6,
                                              "regionsenter": {"per_inhabitant": 75}}}, "x.yaml")
    assert p.get("admin_savings.realisation_share") == 0.5
    assert p.get("discount_rate") == 0.03
    assert p.get("admin_savings.phase_in_years") == 6
    assert p.get("regionsenter.per_inhabitant") == 75
    assert "assumptions" in p.sources["discount_rate"]
    assert params.get("admin_savings.realisation_share") == 0.35  # the original is untouched


@pytest.mark.parametrize("assumptions, fragment", [
    ({"economy": {"realisaton_share": 0.5}}, "realisaton_share: unknown parameter name"),
    ({"economy": {"per_inhabitant": 75}}, "ambiguous"),
    ({"economy": {"discount_rate": -0.01}}, "below the lowest allowed value 0"),
    ({"economy": {"realisation_share": 1.5}}, "share"),
    ({"economy": {"discount_rate": "fire"}}, "is not a number"),
    ({"economy": {"regionsenter": 5}}, "group of parameters"),
])
def test_bad_assumptions_are_rejected_with_the_scenario_named(params, assumptions, fragment):
    with pytest.raises(ParameterError) as exc:
        apply_assumptions(params, assumptions, "data/scenarios/x.yaml")
    assert any("data/scenarios/x.yaml" in p and fragment in p for p in exc.value.problems), exc.value.problems


# ---- merger instruments --------------------------------------------------------------------------------------------

def test_inndelingstilskudd_schedule():
    factors = [inndelingstilskudd_factor(y) for y in range(1, 26)]
    assert factors[:15] == [1.0] * 15                                  # years 1–15 full
    steps = factors[14:20]                                              # year 15 .. year 20
    assert all(a > b for a, b in zip(steps, steps[1:]))                 # 16–20 stepping down
    assert {round(a - b, 10) for a, b in zip(steps, steps[1:])} == {0.2}  # in equal steps
    assert factors[19:] == [0.0] * 6                                    # 0 from year 20 on


def test_inndelingstilskudd_in_schedule_follows_formula(params):
    regional = regional_loss({"a": 2000.0, "b": 9000.0}, {"a": None, "b": None},
                             apply_assumptions(params, {"economy": {"smakommunetilskudd.amount_per_kommune": 5e6,
                                                                    "distriktstilskudd.amount_per_kommune": 0}}))
    assert regional.amount == 5e6 and not regional.not_computed
    sched = merger_schedule(2, {2025: 11000.0}, 2025, params, regional)
    assert sched.loc[2025, "inndelingstilskudd"] == BASIS + 5e6           # Σ basis_old − basis_new + regional
    assert sched.loc[2025 + 15, "inndelingstilskudd"] == pytest.approx(0.8 * (BASIS + 5e6))
    assert sched.loc[2025 + 20, "inndelingstilskudd"] == 0
    assert (sched["net"] == sched[list(COMPONENTS)].sum(axis=1)).all()
    assert len(sched) >= 20


@pytest.mark.parametrize("inhabitants, million", [(14_999, 5), (15_000, 20), (29_999, 20), (30_000, 25),
                                                   (49_999, 25), (50_000, 30)])
def test_reformstotte_band_edges(params, inhabitants, million):
    assert reformstotte(inhabitants, params) == million * 1_000_000


def test_two_kommuner_lose_one_basis_amount(params):
    assert lost_basis(2, params) == BASIS
    assert lost_basis(4, params) == 3 * BASIS
    assert lost_basis(1, params) == 0
    sched = merger_schedule(2, {2025: 20000.0}, 2025, params)
    assert (sched["lost_basis"] == -BASIS).all()


def test_engangstilskudd_points_and_extrapolation(params):
    assert engangstilskudd(1, params) == 0
    assert engangstilskudd(2, params) == 25e6
    assert engangstilskudd(3, params) == 35e6
    assert engangstilskudd(5, params) == 55e6      # documented assumption: +10 mill. per kommune beyond three


def test_regionsenter_threshold(params):
    assert regionsenter(7999, 2, params) == 0
    assert regionsenter(8000, 2, params) == 3_344_000 + 70 * 8000
    assert regionsenter(20000, 1, params) == 0     # only merged kommuner


def test_admin_savings_phase_in_and_share(params):
    full = 2 * BASIS * 0.35
    assert admin_savings(1, 3, params) == pytest.approx(full / 4)
    assert admin_savings(4, 3, params) == pytest.approx(full)
    assert admin_savings(9, 3, params) == pytest.approx(full)
    p = apply_assumptions(params, {"economy": {"realisation_share": 0.5, "phase_in_years": 2}})
    assert admin_savings(1, 3, p) == pytest.approx(2 * BASIS * 0.5 / 2)


def test_regional_loss_reports_what_it_cannot_compute(params):
    loss = regional_loss({"a": 2500.0, "b": 900.0, "c": 12000.0}, {"a": None, "b": None, "c": None}, params)
    assert loss.amount == 0
    texts = [notice_text(n) for n in loss.not_computed]
    assert any("Småkommunetilskudd: 2 kommune(r)" in t and "ikke beregnet" in t for t in texts)
    assert any("Distriktstilskudd" in t for t in texts)
    # all small and still under the threshold: the new kommune keeps one småkommunetilskudd
    p = apply_assumptions(params, {"economy": {"smakommunetilskudd.amount_per_kommune": 4e6}})
    assert regional_loss({"a": 1000.0, "b": 1100.0}, {"a": None, "b": None}, p).items["smakommunetilskudd"] == 4e6
    # Nord-Norge: same zone loses nothing, different zones are not computed
    same = regional_loss({"a": 5000.0, "b": 5000.0}, {"a": "finnmark", "b": "finnmark"}, params)
    assert same.items["nord_norge"] == 0
    cross = regional_loss({"a": 5000.0, "b": 5000.0}, {"a": "finnmark", "b": "troms"}, params)
    assert any("Nord-Norge" in notice_text(t) for t in cross.not_computed)


def test_present_value():
    s = pd.Series([100.0, 100.0], index=[2025, 2026])
    assert present_value(s, 2024, 0.0) == 200.0
    assert present_value(s, 2024, 0.04) == pytest.approx(100 / 1.04 + 100 / 1.04 ** 2)


# ---- demographic expenditure need -------------------------------------------------------------------------------

def _age_table(rows):
    groups = ["0-1", "2-5", "6-15", "16-22", "23-66", "67-79", "80-89", "90+"]
    idx = pd.MultiIndex.from_tuples([(u, y) for u, y, _ in rows], names=["unit", "year"])
    return pd.DataFrame([dict(zip(groups, v)) for _, _, v in rows], index=idx)


def test_expenditure_need_values_and_split(params):
    t = _age_table([("A", 2024, [10, 20, 100, 50, 500, 80, 40, 5]),
                    ("A", 2040, [10, 20, 90, 50, 480, 100, 60, 10])])
    need = expenditure_need(t, params).set_index("year")
    assert need.at[2024, "barnehage"] == 10 * 17813 + 20 * 204259
    assert need.at[2024, "pleie_omsorg"] == 80 * 30421 + 40 * 133544 + 5 * 284188
    assert need.at[2024, "total"] == need.loc[2024, ["barnehage", "grunnskole", "pleie_omsorg", "other"]].sum()
    assert need.at[2040, "change_grunnskole"] == -10 * 141037
    assert need.at[2040, "change_pleie_omsorg"] == 20 * 30421 + 20 * 133544 + 5 * 284188
    assert need.at[2024, "change_total"] == 0
    assert need.at[2024, "per_inhabitant"] == pytest.approx(need.at[2024, "total"] / 805)
    dance = demography_dance(need.reset_index(), "A", 2024, 2040)
    assert dance.iloc[-2]["change"] == pytest.approx(need.at[2040, "change_total"])


def test_expenditure_need_from_long_population(small_atlas, params):
    need = expenditure_need(small_atlas.population, params, base_year=2015)
    assert set(need["unit"]) == set(small_atlas.codes)
    assert (need.loc[need["year"] == 2015, "change_total"] == 0).all()
    assert (need["total"] > 0).all()


# ---- block economy ------------------------------------------------------------------------------------------------

def _scenario(atlas, assumptions=None):
    codes = list(atlas.codes)
    block = SimpleNamespace(name="A", centre=codes[0],
                            members={codes[0]: "merge", codes[1]: "merge", codes[2]: "cooperate"})
    return SimpleNamespace(name="t", base_year=2020, horizon=2024, assumptions=assumptions or {}, blocks=[block],
                           source="t.yaml"), block


def test_block_economy_document(small_atlas):
    sc, block = _scenario(small_atlas)
    e = block_economy(sc, small_atlas.kommuner, small_atlas.population, block)
    assert set(e["expenditure_need_change"]) == {str(y) for y in range(2020, 2025)}
    assert e["expenditure_need_change"]["2020"] == 0
    assert len(e["merger"]) >= 20 and min(e["merger"]) == "2021"
    first = e["merger"]["2021"]
    assert set(first) == {*COMPONENTS, "net"}
    assert first["lost_basis"] == -BASIS and first["inndelingstilskudd"] == BASIS
    assert "cooperation" not in e   # the cooperation track is blocks[].cooperation (reformkit.cooperation)
    assert e["parameters"]["discount_rate"]["value"] == 0.04 and e["parameters"]["discount_rate"]["source"]
    wf = waterfall_table(e)
    assert list(wf.columns[:2]) == ["step", "amount"]
    assert wf["amount"].iloc[:-1].sum() == pytest.approx(wf["amount"].iloc[-1], abs=10)


def test_block_economy_follows_assumptions(small_atlas):
    sc, block = _scenario(small_atlas)
    base = block_economy(sc, small_atlas.kommuner, small_atlas.population, block)
    sc2, _ = _scenario(small_atlas, {"economy": {"realisation_share": 0.7}})
    other = block_economy(sc2, small_atlas.kommuner, small_atlas.population, block)
    assert other["merger"]["2030"]["admin_savings"] == pytest.approx(2 * base["merger"]["2030"]["admin_savings"], 1)
    assert other["present_value"] > base["present_value"]
    sc3, _ = _scenario(small_atlas, {"economy": {"no_such_thing": 1}})
    with pytest.raises(ParameterError, match="t.yaml"):
        block_economy(sc3, small_atlas.kommuner, small_atlas.population, block)


def test_block_without_merger_has_empty_merger(small_atlas):
    codes = list(small_atlas.codes)
    block = SimpleNamespace(name="B", centre=codes[3], members={codes[3]: "merge", codes[4]: "cooperate"})
    sc = SimpleNamespace(name="t", base_year=2020, horizon=2024, assumptions={}, blocks=[block])
    e = block_economy(sc, small_atlas.kommuner, small_atlas.population, block)
    assert e["merger"] == {} and e["present_value"] == 0
    assert waterfall_table(e).empty
