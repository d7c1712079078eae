"""The neighbour graph and the road travel-time model on the real data (reformkit.geo, reformkit.geodata).

Unit tests of the road graph and the centre matching on small synthetic data are in test_geo_roads.py and
test_geo_centres.py."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reformkit import geo, geodata
from reformkit.errors import DataError, ParameterError, ReformkitError
from reformkit.params import load_parameters

MIRROR_BA = Path(__file__).resolve().parents[2] / "shared" / "data" / "kommuner" / "ba-regioner.csv"


def test_travel_matrix_is_symmetric_with_zero_diagonal_and_keeps_the_triangle(atlas):
    t = geodata.travel_minutes(atlas)
    assert t.shape == (357, 357)
    assert list(t.index) == list(t.columns) == list(atlas.kommuner.index)
    m = t.to_numpy()
    assert np.isfinite(m).all()
    assert np.array_equal(m, m.T)
    assert (np.diag(m) == 0).all()
    assert (m[~np.eye(len(m), dtype=bool)] > 0).all()
    rng = np.random.default_rng(0)
    for a, b, c in rng.integers(0, len(m), size=(2000, 3)):   # a shortest path is never beaten by a detour
        assert m[a, b] <= m[a, c] + m[c, b] + 1e-6
    assert geodata.travel_minutes(atlas).equals(t)           # kept by the Atlas's store


def test_parameter_overrides_change_the_matrix_and_are_validated(atlas):
    base = geodata.travel_minutes(atlas)
    params = load_parameters()
    slow = geodata.travel_minutes(atlas, params.with_assumptions({"travel": {"factors": {"main": 0.6}}}))
    assert (slow.to_numpy() >= base.to_numpy() - 1e-9).all() and slow.to_numpy().sum() > base.to_numpy().sum()
    with pytest.raises(ParameterError, match="unknown parameter"):
        params.with_assumptions({"travel": {"speed": 80}})
    with pytest.raises(ParameterError):
        params.with_assumptions({"travel": {"car_wait_min": -1}})


def test_long_trips_between_towns_are_realistic(atlas):
    """Issue 11: trips of 100–250 km come within about 15 % of published driving times (known-trips.csv)."""
    acc = geodata.travel_accuracy(atlas)
    known = acc["known_summary"]
    assert known["n_100_250_km"] >= 10 and known["median_abs_pct_100_250_km"] <= 15
    assert acc["held_out"]["mae_min"] < 10 and acc["held_out"]["share_within_15_min"] > 0.8
    t = geodata.travel_minutes(atlas)
    for a, b, published in (("1563", "1506", 85), ("1833", "1804", 180), ("1806", "5503", 110), ("5001", "1506", 225)):
        assert abs(t.loc[a, b] / published - 1) < 0.25, (a, b, t.loc[a, b])


def test_centres_lie_in_the_towns(atlas):
    c = geodata.centre_table(atlas).to_crs(4326)
    for code, lat, lon in (("1506", 62.737, 7.160), ("1505", 63.111, 7.728), ("1804", 67.283, 14.380)):
        pt = c.geometry[code]
        assert abs(pt.y - lat) < 0.03 and abs(pt.x - lon) < 0.06, (code, pt)
    fallback = c["method"].isin(["largest_builtup", "polygon_point"])
    assert fallback.sum() <= 20   # nearly every centre is found by its name (data status lists the methods)


def test_travel_command_prints_a_trip_and_writes_the_matrix(tmp_path, capsys):
    from reformkit.cli import main
    assert main(["travel", "--from", "Molde", "--to", "Sunndal"]) == 0
    assert "Sunndalsøra" in capsys.readouterr().out
    out = tmp_path / "m.csv"
    assert main(["travel", "--matrix", str(out)]) == 0
    read = geo.read_travel_matrix(out, [f"{c}" for c in pd.read_csv(out, dtype=str)["kommunenummer_from"].unique()])
    assert len(read) == 357 * 356
    assert main(["travel", "--from", "Molde"]) == 2


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


def test_data_status_prints_centres_and_accuracy(capsys):
    from reformkit.cli import main
    assert main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "Kommunesentre (2024): place_name" in out
    assert "holdt utenfor kalibreringen, over 45 min" in out and "med ferje" in out


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
        geodata.travel_accuracy(atlas2019)




def test_matrix_csv_as_a_parameter(atlas, tmp_path):
    f = tmp_path / "times.csv"
    f.write_text("kommunenummer_from,kommunenummer_to,minutes\n1505,1506,80\n")
    t = geodata.travel_minutes(atlas, load_parameters().with_assumptions({"travel": {"matrix_csv": str(f)}}))
    assert t.loc["1506", "1505"] == 80.0


def test_evaluate_sees_an_edited_matrix_csv(atlas, tmp_path):
    """The times evaluate uses follow the CSV when it is edited between two evaluations in one session."""
    import os
    import reformkit as rk
    f = tmp_path / "times.csv"
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: Test\nborders: 2024\nbase_year: 2024\nhorizon: 2030\nassumptions:\n"
                        "  travel: {matrix_csv: times.csv}\nblocks:\n  - name: Nordmøre\n    centre: Kristiansund\n"
                        "    members: {Kristiansund: merge, Averøy: merge}\n", encoding="utf-8")
    for minutes in (11, 99):
        f.write_text(f"kommunenummer_from,kommunenummer_to,minutes\n1554,1505,{minutes}\n")
        os.utime(f, ns=(minutes * 10**9, minutes * 10**9))     # a new stamp even within the clock's resolution
        res = rk.evaluate(rk.load_scenario(scenario, atlas), atlas=atlas)
        assert res.kommuner.at["1554", "travel_minutes_to_centre"] == minutes
