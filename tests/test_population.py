"""Unit tests of reformkit.population on synthetic data: age groups, projection invariants, SSB alternatives."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reformkit as rk
from reformkit.data import cache
from reformkit.errors import CacheMissingError, DataError, ParameterError
from reformkit.population import (AGE_GROUPS, ProjectionParams, age_group_table, old_age_support_ratio,
                                  population_cube, population_series, project, project_cube, project_units,
                                  sum_age_groups)
from reformkit.population.projection import MAX_AGE, estimate_rates, project_array
from reformkit.testing import synthetic_atlas

AGES = np.arange(MAX_AGE + 1)


# ---- age groups ---------------------------------------------------------------------------------------------
def test_age_groups_cover_every_age_once():
    covered = np.concatenate([np.arange(lo, hi + 1) for lo, hi in AGE_GROUPS.values()])
    assert list(covered) == list(AGES)
    assert list(AGE_GROUPS) == ["0-1", "2-5", "6-15", "16-22", "23-66", "67-79", "80-89", "90+"]


def test_age_group_table_sums_and_support_ratio():
    pop = pd.DataFrame({"unit": ["A"] * 4 + ["B"] * 2, "year": [2020] * 4 + [2021] * 2,
                        "age": [0, 16, 66, 90, 67, 105], "sex": "total", "population": [3, 10, 20, 5, 4, 1]})
    table = age_group_table(pop)
    assert list(table.columns) == list(AGE_GROUPS) + ["total"]
    assert table.loc[("A", 2020), "0-1"] == 3 and table.loc[("A", 2020), "90+"] == 5
    assert table.loc[("A", 2020), "total"] == 38 and table.loc[("B", 2021), "total"] == 5
    assert ("A", 2021) not in table.index                      # no invented unit-year rows
    ratio = old_age_support_ratio(pop)
    assert ratio.loc[("A", 2020)] == pytest.approx(30 / 5)
    assert ratio.loc[("B", 2021)] == 0.0
    assert old_age_support_ratio(table).equals(ratio)


def test_age_group_table_rejects_bad_input():
    with pytest.raises(DataError, match="kommunenummer"):
        age_group_table(pd.DataFrame({"year": [2020], "age": [1], "population": [1]}))
    with pytest.raises(DataError, match="ages"):
        age_group_table(pd.DataFrame({"kommunenummer": ["0301"], "year": [2020], "age": [106], "population": [1]}))


def test_age_group_table_matches_groupby(small_atlas):
    pop = small_atlas.population
    table = age_group_table(pop)
    expected = pop[(pop["age"] >= 67) & (pop["age"] <= 79)].groupby(["kommunenummer", "year"])["population"].sum()
    assert (table["67-79"] == expected).all()
    assert table["total"].sum() == pop["population"].sum()


def test_sum_age_groups_matches_age_group_table(small_atlas):
    cube = population_cube(small_atlas)
    groups = sum_age_groups(cube.data.sum(axis=1), axis=1)            # [kommune, group, year]
    table = age_group_table(small_atlas.population)
    for g, label in enumerate(AGE_GROUPS):
        expected = table[label].unstack("year").reindex(index=cube.codes, columns=cube.years)
        np.testing.assert_allclose(groups[:, g, :], expected.to_numpy(dtype=float))
    with pytest.raises(DataError, match="ages"):
        sum_age_groups(np.ones((2, 90)), axis=1)


# ---- synthetic closed population: cohorts must age exactly ---------------------------------------------------
def _closed_atlas(seed: int = 1, years=range(2010, 2021)):
    """Synthetic atlas whose population ages exactly one year per year (no deaths, no migration)."""
    atlas = synthetic_atlas(nx=3, ny=2, years=years, seed=seed, fylker=2)
    rng = np.random.default_rng(seed)
    rows = []
    for code in atlas.codes:
        for sex in ("female", "male"):
            counts = rng.integers(0, 300, MAX_AGE + 1).astype(float)
            for year in years:
                rows.append(pd.DataFrame({"kommunenummer": code, "year": year, "age": AGES, "sex": sex,
                                          "population": counts.astype(int)}))
                top = counts[-1] + counts[-2]
                counts = np.r_[rng.integers(50, 150), counts[:-2], top]
    pop = pd.concat(rows, ignore_index=True).astype({"year": "int16", "age": "int16", "population": "int32"})
    pop["sex"] = pd.Categorical(pop["sex"])
    return dataclasses.replace(atlas, population=pop)


@pytest.mark.parametrize("alternative", ["main", "zero-migration", "low", "high"])
def test_closed_population_ages_cohorts_exactly(alternative):
    atlas = _closed_atlas()
    cube = population_cube(atlas)
    jump = cube.data[..., -1]
    arr, years = project_cube(atlas, 2035, alternative)
    assert list(years) == list(range(2021, 2036))
    for h in range(1, len(years) + 1):
        got = arr[..., h - 1]
        np.testing.assert_allclose(got[:, :, h:MAX_AGE], jump[:, :, : MAX_AGE - h], rtol=1e-12)
        np.testing.assert_allclose(got[:, :, MAX_AGE], jump[:, :, MAX_AGE - h:].sum(axis=-1), rtol=1e-12)


def _gompertz_atlas(alpha: float = -10.0, beta: float = 0.09, years=range(2010, 2021)):
    """Closed synthetic population (no migration) whose deaths follow a known Gompertz law, births constant."""
    atlas = synthetic_atlas(nx=2, ny=2, years=years, seed=4, fylker=2)
    survival = np.exp(-np.exp(alpha + beta * AGES))          # survival to age a (reached), a = 1..105
    rng = np.random.default_rng(4)
    rows = []
    for code in atlas.codes:
        for sex in ("female", "male"):
            counts = rng.uniform(50, 400, MAX_AGE + 1)
            for year in years:
                rows.append(pd.DataFrame({"kommunenummer": code, "year": year, "age": AGES, "sex": sex,
                                          "population": counts}))
                top = survival[MAX_AGE] * (counts[-1] + counts[-2])
                counts = np.r_[200.0, survival[1:MAX_AGE] * counts[:-2], top]
    pop = pd.concat(rows, ignore_index=True).astype({"year": "int16", "age": "int16"})
    pop["sex"] = pd.Categorical(pop["sex"])
    return dataclasses.replace(atlas, population=pop), survival


@pytest.mark.parametrize("alternative", ["zero-migration", "main"])
def test_closed_population_with_deaths_is_continued_exactly(alternative):
    atlas, survival = _gompertz_atlas()
    cube = population_cube(atlas)
    arr, years = project_cube(atlas, 2030, alternative)
    current = cube.data[..., -1]
    for h in range(len(years)):
        expected = np.empty_like(current)
        expected[:, :, 1:] = survival[None, None, 1:] * current[:, :, :-1]
        expected[:, :, MAX_AGE] += survival[MAX_AGE] * current[:, :, MAX_AGE]
        np.testing.assert_allclose(arr[:, :, 1:, h], expected[:, :, 1:], rtol=1e-9)
        current = arr[..., h]


def test_zero_migration_uses_only_survival():
    atlas = synthetic_atlas(nx=3, ny=2, fylker=2, seed=3)
    cube = population_cube(atlas)
    p = ProjectionParams.for_alternative("zero-migration")
    rates = estimate_rates(cube.data, cube.sexes, cube.fylke, p)
    arr = project_array(cube.data[..., -1], rates, p, 1, cube.sexes)[..., 0]
    expected = rates.survival_at(0)[None, :, 1:MAX_AGE] * cube.data[:, :, : MAX_AGE - 1, -1]
    np.testing.assert_allclose(arr[:, :, 1:MAX_AGE], expected)
    assert (rates.survival <= 1).all() and (rates.survival > 0).all()


# ---- invariants on random populations -------------------------------------------------------------------------
def _random_stock(seed: int, k: int, s: int, t: int, zero_share: float) -> np.ndarray:
    """Random non-negative stocks (skewed, with a share of empty cells), unrelated from year to year."""
    rng = np.random.default_rng(seed)
    stock = rng.gamma(0.5, 400.0, (k, s, MAX_AGE + 1, t))
    stock[rng.random(stock.shape) < zero_share] = 0.0
    return np.where(rng.random(stock.shape) < 0.5, np.round(stock), stock)   # counts and projected floats


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), s=st.integers(1, 2), t=st.integers(2, 7),
       zero_share=st.sampled_from([0.0, 0.3, 0.9, 1.0]), scale=st.floats(0, 3), fertility=st.floats(0, 2),
       bound=st.floats(0, 2), weight=st.floats(0, 500), improvement=st.sampled_from([None, 0.0, 0.05]))
def test_random_stocks_never_project_negative(seed, k, s, t, zero_share, scale, fertility, bound, weight,
                                              improvement):
    stock = _random_stock(seed, k, s, t, zero_share)
    sexes = ["female", "male"] if s == 2 else ["total"]
    fylke = np.arange(k) % 2
    p = ProjectionParams.for_alternative("main", migration_scale=scale, fertility_scale=fertility,
                                         migration_min=-bound, migration_max=bound, cohort_weight=weight,
                                         mortality_improvement=improvement)
    rates = estimate_rates(stock, sexes, fylke, p)
    out = project_array(stock[..., -1], rates, p, 30, sexes)
    assert np.isfinite(out).all()
    assert (out >= 0).all()


@settings(max_examples=25, deadline=None)
@given(assignment=st.lists(st.integers(0, 3), min_size=6, max_size=6))
def test_units_are_sums_of_members_and_conserve_totals(assignment):
    atlas = _SMALL
    mapping = {code: f"U{u}" for code, u in zip(atlas.codes, assignment)}
    units = project_units(atlas, mapping, 2040)
    kommuner = project(atlas, 2040)
    kommuner["unit"] = kommuner["kommunenummer"].map(mapping)
    expected = kommuner.groupby(["unit", "year", "age", "sex"], observed=True)["population"].sum()
    got = units.set_index(["unit", "year", "age", "sex"])["population"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_exact=False, rtol=1e-12)
    assert units["population"].sum() == pytest.approx(kommuner["population"].sum(), rel=1e-12)


_SMALL = synthetic_atlas(nx=3, ny=2, fylker=2, seed=5)


def test_project_units_with_observed_years_and_errors():
    atlas = _SMALL
    mapping = {atlas.codes[0]: "A", atlas.codes[1]: "A", atlas.codes[2]: "B"}
    units = project_units(atlas, mapping, 2030, base_year=2020)
    assert sorted(units["year"].unique()) == list(range(2020, 2031))
    obs = atlas.population[atlas.population["kommunenummer"].isin(atlas.codes[:2])
                           & (atlas.population["year"] == 2022)]["population"].sum()
    assert units[(units["unit"] == "A") & (units["year"] == 2022)]["population"].sum() == obs
    with pytest.raises(DataError, match="not on 2024 borders"):
        project_units(atlas, {"0301": "Oslo"}, 2030)


# ---- API contract ---------------------------------------------------------------------------------------------
def test_project_contract_and_launch_year(small_atlas):
    proj = rk.project(small_atlas, horizon=2030)
    assert list(proj.columns) == ["kommunenummer", "year", "age", "sex", "population"]
    assert sorted(proj["year"].unique()) == list(range(2025, 2031))
    assert proj["population"].dtype == np.float64 and (proj["population"] >= 0).all()
    assert set(proj["sex"].astype(str)) == {"female", "male"}
    assert len(proj) == 12 * 6 * 2 * (MAX_AGE + 1)
    # launch_year: data after it is not used -> changing later data does not change the projection
    early = project(small_atlas, 2022, launch_year=2018)
    assert sorted(early["year"].unique()) == [2019, 2020, 2021, 2022]
    pop = small_atlas.population.copy()
    pop.loc[pop["year"] > 2018, "population"] = 0
    changed = dataclasses.replace(small_atlas, population=pop)
    pd.testing.assert_frame_equal(project(changed, 2022, launch_year=2018), early)


def test_alternatives_order_and_user_parameters(small_atlas):
    total = {alt: project(small_atlas, 2040, alt).query("year == 2040")["population"].sum()
             for alt in ("low", "main", "high")}
    assert total["low"] < total["main"] < total["high"]
    more_births = project(small_atlas, 2040, fertility_scale=1.2).query("year == 2040 and age == 0")
    base = project(small_atlas, 2040).query("year == 2040 and age == 0")
    assert more_births["population"].sum() > base["population"].sum()


@pytest.mark.parametrize("kwargs, match", [
    ({"alternative": "medium"}, "unknown"),
    ({"horizon": 2024}, "after the launch year"),
    ({"launch_year": 1990}, "no observed population"),
    ({"nonsense": 1}, "unknown"),
    ({"migration_scale": -1}, "migration_scale"),
    ({"migration_min": 0.1}, "migration_min"),
])
def test_bad_arguments_raise_clear_errors(small_atlas, kwargs, match):
    args = {"horizon": 2040, **kwargs}
    with pytest.raises(ParameterError) as exc:
        project(small_atlas, **args)
    assert match in str(exc.value) + " ".join(exc.value.problems)


def test_population_series_observed_then_projected_and_memoised(small_atlas):
    series = population_series(small_atlas, 2020, 2030)
    assert sorted(series["year"].unique()) == list(range(2020, 2031))
    obs = small_atlas.population.query("year == 2024")["population"].sum()
    assert series.query("year == 2024")["population"].sum() == obs
    proj = project(small_atlas, 2030)
    assert series.query("year == 2030")["population"].sum() == pytest.approx(
        proj.query("year == 2030")["population"].sum())
    again = population_series(small_atlas, 2020, 2030)
    assert again is not series and np.shares_memory(again["population"].to_numpy(), series["population"].to_numpy())
    with pytest.raises(ParameterError, match="base_year"):
        population_series(small_atlas, 1999, 2030)
    with pytest.raises(ParameterError, match="before base_year"):
        population_series(small_atlas, 2022, 2021)
    observed_only = population_series(small_atlas, 2015, 2020)
    assert sorted(observed_only["year"].unique()) == list(range(2015, 2021))


def test_params_file_has_sources_for_every_value():
    from reformkit.params import read_param_file
    from reformkit.paths import PARAMS_DIR
    values, _raw = read_param_file(PARAMS_DIR / "projection.yaml")    # raises if a source is missing
    assert set(values["alternatives"]) == {"main", "low", "high", "zero-migration"}
    assert values["alternatives"]["zero-migration"]["migration_scale"] == 0


# ---- SSB's official projection from the cache extra --------------------------------------------------------------
def _ssb_frame(codes, years, alternatives=("MMMM", "LLML", "HHMH")):
    """Shaped like the fetched extra: population = 10·alternative + kommune position + years after 2024 + age/1000."""
    grid = pd.MultiIndex.from_product([list(alternatives), list(codes), list(years), ["female", "male"], AGES],
                                      names=["alternative", "kommunenummer", "year", "sex", "age"]).to_frame(index=False)
    alt_i = grid["alternative"].map({a: i for i, a in enumerate(alternatives)})
    code_i = grid["kommunenummer"].map({c: i for i, c in enumerate(codes)})
    grid["population"] = 10 * alt_i + code_i + (grid["year"] - 2024) + grid["age"] / 1000
    return grid


def test_ssb_alternative_missing_names_the_fetch_command(small_atlas, monkeypatch, tmp_path):
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(tmp_path))
    small_atlas = dataclasses.replace(small_atlas, cache_path=tmp_path)
    with pytest.raises(CacheMissingError, match="reformkit data fetch"):
        project(small_atlas, 2030, "ssb-main")


def test_ssb_alternatives_read_from_cache_extra(small_atlas, monkeypatch, tmp_path):
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(tmp_path))
    cache.write_extra("ssb_projection", _ssb_frame(small_atlas.codes, range(2025, 2051)), {"attribution": "test"})
    small_atlas = dataclasses.replace(small_atlas, cache_path=tmp_path)
    main = project(small_atlas, 2030, "ssb-main")
    high = project(small_atlas, 2030, "ssb-high")
    assert sorted(main["year"].unique()) == list(range(2025, 2031))
    row = main[(main["kommunenummer"] == small_atlas.codes[1]) & (main["year"] == 2030) & (main["age"] == 7)
               & (main["sex"] == "male")]
    assert row["population"].item() == pytest.approx(1 + 6 + 0.007)
    assert (high["population"] - main["population"]).round(9).unique().tolist() == [20.0]
    series = population_series(small_atlas, 2023, 2026, "ssb-low")
    assert series.query("year == 2026")["population"].sum() == pytest.approx(
        project(small_atlas, 2026, "ssb-low").query("year == 2026")["population"].sum())
    with pytest.raises(ParameterError, match="no parameters"):
        project(small_atlas, 2030, "ssb-main", migration_scale=2)


def test_ssb_extra_incomplete_is_a_clear_error(small_atlas, monkeypatch, tmp_path):
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(tmp_path))
    cache.write_extra("ssb_projection", _ssb_frame(small_atlas.codes[:-1], range(2025, 2031)), {})
    small_atlas = dataclasses.replace(small_atlas, cache_path=tmp_path)
    with pytest.raises(DataError) as exc:
        project(small_atlas, 2035, "ssb-main")
    text = " ".join(exc.value.problems)
    assert "2031–2035" in text and small_atlas.codes[-1] in text


def test_method_note_in_norwegian_reflects_parameters():
    from reformkit.narrative import method_note
    text = method_note("low")
    assert "lavt alternativ" in text and "skalert med 0,5" in text and "mellom -6 % og +6 %" in text
    assert "SSBs hovedalternativ (MMMM)" in method_note("ssb-main")
