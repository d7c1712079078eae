"""The neighbour graph and the travel-time model (reformkit.geo)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reformkit import geo, geodata
from reformkit.errors import DataError, ParameterError, ReformkitError
from reformkit.params import TravelParams
from reformkit.params import load_parameters, load_params
from reformkit.testing import synthetic_atlas

MIRROR_BA = Path(__file__).resolve().parents[2] / "shared" / "data" / "kommuner" / "ba-regioner.csv"


def test_travel_matrix_is_symmetric_with_zero_diagonal(atlas):
    t = geodata.travel_minutes(atlas)
    assert t.shape == (357, 357)
    assert list(t.index) == list(t.columns) == list(atlas.kommuner.index)
    m = t.to_numpy()
    assert np.isfinite(m).all()
    assert np.array_equal(m, m.T)
    assert (np.diag(m) == 0).all()
    off = m[~np.eye(len(m), dtype=bool)]
    assert (off >= vars(load_parameters().travel)["access_minutes"]).all()
    assert geodata.travel_minutes(atlas) is t  # memoised on the Atlas


def test_travel_time_increases_with_distance():
    atlas = synthetic_atlas(nx=6, ny=1, years=range(2023, 2025))
    t = geodata.travel_minutes(atlas).to_numpy()
    row = t[0]
    assert np.all(np.diff(row) > 0)  # kommune 1 to 2, 3, ... 6 along the strip
    p = vars(load_parameters().travel)
    # Neighbours 20 km apart: access time + 20 km at the fitted rate.
    assert row[1] == pytest.approx(p["access_minutes"] + 20 * p["minutes_per_km"])


def test_travel_time_bounded_below_by_straight_line_and_rank_correlated(atlas):
    t = geodata.travel_minutes(atlas).to_numpy()
    d = geo.distance_km(geodata.centres(atlas)).to_numpy()
    p = vars(load_parameters().travel)
    off = ~np.eye(len(t), dtype=bool)
    # A route over the neighbour graph is never shorter than the straight line.
    assert (t[off] >= p["access_minutes"] + p["minutes_per_km"] * d[off] - 1e-6).all()
    rho = pd.Series(t[off]).rank().corr(pd.Series(d[off]).rank())
    assert rho > 0.95


def test_sea_links_add_the_ferry_penalty():
    atlas = synthetic_atlas(nx=2, ny=1, years=range(2023, 2025), island=True)
    t = geodata.travel_minutes(atlas)
    d = geo.distance_km(geodata.centres(atlas))
    p = vars(load_parameters().travel)
    edge = geodata.neighbours(atlas)[geodata.neighbours(atlas).kind == "sea"].iloc[0]
    expected = p["access_minutes"] + p["minutes_per_km"] * d.loc[edge.a, edge.b] + p["ferry_minutes"]
    assert t.loc[edge.a, edge.b] == pytest.approx(expected)


def test_parameter_overrides_change_the_matrix_and_are_validated(atlas):
    base = geodata.travel_minutes(atlas)
    params = load_parameters()
    slow = geodata.travel_minutes(atlas, params.with_assumptions({"travel": {"minutes_per_km": 1.0}}))
    assert (slow.to_numpy() >= base.to_numpy() - 1e-9).all() and slow.to_numpy().sum() > base.to_numpy().sum()
    with pytest.raises(ParameterError, match="unknown parameter"):
        params.with_assumptions({"travel": {"speed": 80}})
    with pytest.raises(ParameterError):
        params.with_assumptions({"travel": {"ferry_minutes": -1}})


def test_calibration_report(atlas):
    rep = geodata.travel_calibration(atlas)
    assert set(rep) >= {"mae_minutes", "share_within_15_min", "n", "parameters"}
    assert rep["n"] == 190  # 357 kommuner minus the region centres, minus two regions without a centre
    assert 0 < rep["mae_minutes"] < 15
    assert 0.5 < rep["share_within_15_min"] <= 1
    assert rep["parameters"] == vars(load_parameters().travel)


def test_stored_parameters_are_the_calibration_result(atlas):
    fit = geo.calibrate(atlas.kommuner, geodata.centres(atlas), geodata.neighbours(atlas),
                        np.arange(0.0, 60.1, 2.5), np.arange(0.30, 1.501, 0.005))
    stored = load_params("travel")["travel"]
    for key in geo.TRAVEL_PARAMS:
        assert stored[key] == pytest.approx(fit[key]), key


def test_ba_centres_match_the_register_flags(atlas):
    if not MIRROR_BA.is_file():
        pytest.skip("offline mirror not present")
    raw = pd.read_csv(MIRROR_BA, dtype=str).set_index("kommunenummer")
    flagged = raw["inkluderingsgrunnlag"].str.startswith(("Senterkommune", "Restkommune"))
    ours = geo.ba_centre_flags(atlas.kommuner).reindex(raw.index)
    differ = sorted(raw.index[flagged != ours])
    # Only the two regions where both members tie and the register names no centre.
    assert set(raw.loc[differ, "ba_region"]) <= {"Årdal", "Målselv"}
    assert flagged.sum() == 163


# ---- a user-supplied matrix -------------------------------------------------------------------------------------------
def test_user_matrix_replaces_model_pairs(atlas, tmp_path):
    f = tmp_path / "times.csv"
    f.write_text("kommunenummer_from,kommunenummer_to,minutes\n1505,1506,80\n1506,1505,90\n301,3201,25\n")
    t = geodata.travel_minutes(atlas, matrix_csv=f)
    model = geodata.travel_minutes(atlas)
    assert t.loc["1505", "1506"] == t.loc["1506", "1505"] == 85.0  # both ways given: the mean
    assert t.loc["0301", "3201"] == t.loc["3201", "0301"] == 25.0  # leading zero restored, one way counts both
    assert t.loc["1505", "1508"] == model.loc["1505", "1508"]     # not given: the model
    assert np.array_equal(t.to_numpy(), t.to_numpy().T) and (np.diag(t.to_numpy()) == 0).all()


@pytest.mark.parametrize("text,needle", [
    ("from,to,minutes\n1505,1506,80\n", "missing column(s) kommunenummer_from, kommunenummer_to"),
    ("kommunenummer_from,kommunenummer_to,minutes\n1505,9999,80\n", "column kommunenummer_to: unknown kommune"),
    ("kommunenummer_from,kommunenummer_to,minutes\n1505,1506,fast\n", "column minutes: not a number"),
    ("kommunenummer_from,kommunenummer_to,minutes\nMolde,1506,3\n", "column kommunenummer_from: not a kommune"),
])
def test_user_matrix_errors_name_file_and_column(atlas, tmp_path, text, needle):
    f = tmp_path / "bad.csv"
    f.write_text(text)
    with pytest.raises(DataError) as err:
        geodata.travel_minutes(atlas, matrix_csv=f)
    assert str(f) in str(err.value) and needle in str(err.value)


def test_user_matrix_missing_file(atlas, tmp_path):
    with pytest.raises(DataError, match="not found"):
        geodata.travel_minutes(atlas, matrix_csv=tmp_path / "nope.csv")


def test_data_status_prints_the_calibration(capsys):
    from reformkit.cli import main
    assert main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "Reisetidsmodell: gjennomsnittlig avvik" in out


# ---- neighbour graph ------------------------------------------------------------------------------------------------
def test_neighbour_graph_is_connected_and_well_formed(atlas):
    e = geodata.neighbours(atlas)
    assert (e["a"] < e["b"]).all() and not e.duplicated(["a", "b"]).any()
    assert set(e["kind"]) <= {"land", "sea", "joined"}
    adj = geo.adjacency_lists(e, list(atlas.kommuner.index))
    seen, stack = {"0301"}, ["0301"]
    while stack:
        for u in adj[stack.pop()]:
            if u not in seen:
                seen.add(u)
                stack.append(u)
    assert len(seen) == 357
    assert "1505" in adj["1554"]  # Kristiansund–Averøy


def test_travel_model_on_2019_borders(atlas2019):
    t = geodata.travel_minutes(atlas2019)
    assert t.shape == (422, 422) and np.array_equal(t.to_numpy(), t.to_numpy().T)
    with pytest.raises(ReformkitError, match="2024 borders"):
        geodata.travel_calibration(atlas2019)



@settings(max_examples=25, deadline=None)
@given(mpk=st.floats(0.1, 3.0), ferry=st.floats(0.0, 60.0), access=st.floats(0.0, 30.0))
def test_model_invariants_for_any_parameters(small_island_atlas, mpk, ferry, access):
    params = TravelParams(minutes_per_km=mpk, ferry_minutes=ferry, access_minutes=access)
    t = geo.model_minutes(geodata.centres(small_island_atlas), geodata.neighbours(small_island_atlas), params).to_numpy()
    n = len(t)
    assert np.array_equal(t, t.T) and (np.diag(t) == 0).all()
    off = ~np.eye(n, dtype=bool)
    assert (t[off] >= access - 1e-9).all()
    # Routes are shortest paths: going via a third kommune is never faster (beyond the extra access time).
    for k in range(n):
        assert (t <= t[:, [k]] + t[[k], :] + 1e-6).all()


@pytest.fixture(scope="module")
def small_island_atlas():
    return synthetic_atlas(nx=3, ny=2, years=range(2023, 2025), island=True)


def test_matrix_csv_as_a_parameter(atlas, tmp_path):
    f = tmp_path / "times.csv"
    f.write_text("kommunenummer_from,kommunenummer_to,minutes\n1505,1506,80\n")
    t = geodata.travel_minutes(atlas, load_parameters().with_assumptions({"travel": {"matrix_csv": str(f)}}))
    assert t.loc["1506", "1505"] == 80.0
