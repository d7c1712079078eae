"""Road graph, routing and calibration (reformkit.geo.roads / routing / calibration).

Unit tests run on small synthetic road networks (metres, EPSG:25833). Tests marked ``integration`` read the
offline mirror (``../shared/data``) and skip when it is absent.
"""
from __future__ import annotations

import copy
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from reformkit.errors import DataError
from reformkit.geo import calibration as cal
from reformkit.geo.roads import CONNECTOR, FERRY, PASSENGER, ROAD, SEA, road_graph
from reformkit.geo.routing import route, travel_matrix
from reformkit.params import load_params

CRS = 25833
PARAMS = load_params("roads")
MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"


def links(rows: list[dict]) -> gpd.GeoDataFrame:
    """Road links from dicts with ``coords`` and optional N1000 attributes (defaults: an existing F road)."""
    base = {"type_veg": "enkelBilveg", "vegkategori": "F", "vegnummer": None, "vegfase": "V",
            "motorvegtype": None, "medium": "T"}
    recs = [{**base, **{k: v for k, v in r.items() if k != "coords"}} for r in rows]
    return gpd.GeoDataFrame(recs, geometry=[LineString(r["coords"]) for r in rows], crs=CRS)


def road_minutes(km: float, cls: str = "F", params: dict = PARAMS) -> float:
    group = "main" if cls in ("E", "R", "motorveg", "motortrafikkveg") else "local"
    return km / (params["speeds_kmh"][cls] * params["factors"][group]) * 60


def trip(graph, a, b) -> dict:
    return route(graph, a, b)


def test_snapping_joins_ends_20_m_apart_but_not_500_m():
    near = road_graph(links([{"coords": [(0, 0), (10_000, 0)]}, {"coords": [(10_020, 0), (20_000, 0)]}]), PARAMS)
    assert set(near.kind) == {ROAD}
    assert trip(near, (0, 0), (20_000, 0))["minutes"] == pytest.approx(road_minutes(19.98), rel=1e-3)
    far = road_graph(links([{"coords": [(0, 0), (10_000, 0)]}, {"coords": [(10_500, 0), (20_000, 0)]}]), PARAMS)
    assert SEA in set(far.kind)  # not snapped: the island rule links the two parts across the 500 m gap
    isl = PARAMS["islands"]
    gap = isl["boat_wait_min"] + 0.5 / isl["boat_speed_kmh"] * 60
    assert trip(far, (0, 0), (20_000, 0))["minutes"] == pytest.approx(road_minutes(19.5) + gap, rel=1e-6)


def test_a_dead_end_on_the_middle_of_another_road_is_a_junction():
    g = road_graph(links([{"coords": [(0, 0), (20_000, 0)]}, {"coords": [(10_000, 5), (10_000, 8_000)]}]), PARAMS)
    r = trip(g, (0, 0), (10_000, 8_000))
    assert r["ferries"] == 0 and SEA not in set(g.kind)
    assert r["km"] == pytest.approx(18.0, abs=0.01)


def _ferry_crossing() -> gpd.GeoDataFrame:
    return links([{"coords": [(0, 0), (10_000, 0)]},
                  {"coords": [(10_000, 0), (16_000, 0)], "type_veg": "bilferje", "vegfase": None, "medium": None},
                  {"coords": [(16_000, 0), (26_000, 0)]}])


def test_a_ferry_adds_its_waiting_and_crossing_time():
    f = PARAMS["ferry"]
    g = road_graph(_ferry_crossing(), PARAMS)
    assert FERRY in set(g.kind)
    r = trip(g, (0, 0), (26_000, 0))
    expected = road_minutes(20.0) + f["car_wait_min"] + 6.0 / f["car_speed_kmh"] * 60
    assert r["minutes"] == pytest.approx(expected, rel=1e-6)
    assert r["ferries"] == 1 and r["km"] == pytest.approx(26.0)
    slower = copy.deepcopy(PARAMS)
    slower["ferry"]["car_wait_min"] += 10
    assert trip(road_graph(_ferry_crossing(), slower), (0, 0), (26_000, 0))["minutes"] == pytest.approx(expected + 10)


def test_a_ferry_landing_short_of_the_road_is_joined_to_it():
    g = road_graph(links([
        {"coords": [(0, 0), (10_000, 0)]},
        {"coords": [(10_400, 0), (16_000, 0)], "type_veg": "bilferje", "vegfase": None, "medium": None},
        {"coords": [(16_000, 0), (26_000, 0)]}]), PARAMS)
    assert CONNECTOR in set(g.kind) and SEA not in set(g.kind)
    assert trip(g, (0, 0), (26_000, 0))["ferries"] == 1


def test_a_planned_road_is_not_used():
    rows = [{"coords": [(0, 0), (10_000, 0)], "vegfase": "P"},            # planned short cut
            {"coords": [(0, 0), (5_000, 5_000), (10_000, 0)]}]             # existing detour
    g = road_graph(links(rows), PARAMS)
    detour = 2 * np.hypot(5_000, 5_000) / 1000
    assert trip(g, (0, 0), (10_000, 0))["km"] == pytest.approx(detour)
    assert len(g.u) == 1


def test_the_island_rule_gives_a_finite_documented_time():
    rows = [{"coords": [(0, 0), (10_000, 0)]}, {"coords": [(14_000, 0), (20_000, 0)]}]  # island 4 km off
    g = road_graph(links(rows), PARAMS)
    isl = PARAMS["islands"]
    r = trip(g, (0, 0), (20_000, 0))
    assert np.isfinite(r["minutes"]) and r["ferries"] == 1
    assert r["minutes"] == pytest.approx(road_minutes(16) + isl["boat_wait_min"] + 4 / isl["boat_speed_kmh"] * 60)


def test_passenger_ferries_serve_only_islands_without_a_car_link():
    rows = [{"coords": [(0, 0), (10_000, 0)]},
            {"coords": [(10_000, 0), (30_000, 0)]},                     # the road round the fjord
            {"coords": [(0, 0), (30_000, 0)], "type_veg": "passasjerferje", "vegfase": None,
             "vegkategori": None, "medium": None},                     # a boat straight across: not for cars
            {"coords": [(30_000, 0), (30_000, 9_000)], "type_veg": "passasjerferje", "vegfase": None,
             "vegkategori": None, "medium": None},                     # the only link of an island
            {"coords": [(30_000, 9_000), (35_000, 9_000)]}]
    g = road_graph(links(rows), PARAMS)
    assert (g.kind == PASSENGER).sum() == 1
    r = trip(g, (0, 0), (35_000, 9_000))
    f = PARAMS["ferry"]
    assert r["minutes"] == pytest.approx(road_minutes(35) + f["passenger_wait_min"] + 9 / f["passenger_speed_kmh"] * 60)


def test_speeds_follow_class_motorway_urban_and_tunnel():
    rows = [{"coords": [(0, 0), (11_000, 0)], "vegkategori": "E", "motorvegtype": "motorveg"},
            {"coords": [(0, 10_000), (8_000, 10_000)], "vegkategori": "E", "motorvegtype": "IkkeMotorveg"},
            {"coords": [(0, 20_000), (8_000, 20_000)], "vegkategori": "E", "medium": "U"},
            {"coords": [(0, 30_000), (8_000, 30_000)], "vegkategori": "K"}]
    towns = gpd.GeoDataFrame(geometry=[Point(4_000, y).buffer(2_000) for y in (0, 10_000, 30_000)], crs=CRS)
    g = road_graph(links(rows), PARAMS, builtup=towns)
    sp, f = PARAMS["speeds_kmh"], PARAMS["factors"]
    motorway = 11 / (sp["motorveg"] * f["main"]) * 60                         # no town limit on motorways
    assert trip(g, (0, 0), (11_000, 0))["minutes"] == pytest.approx(motorway)
    main = 4 / (min(sp["E"], sp["urban_main"]) * f["main"]) * 60 + 4 / (sp["E"] * f["main"]) * 60
    assert trip(g, (0, 10_000), (8_000, 10_000))["minutes"] == pytest.approx(main, rel=1e-3)
    tunnel = 8 / (min(sp["E"], sp["tunnel"]) * f["main"]) * 60
    assert trip(g, (0, 20_000), (8_000, 20_000))["minutes"] == pytest.approx(tunnel)
    local = 4 / (min(sp["K"], sp["urban"]) * f["local"]) * 60 + 4 / (sp["K"] * f["local"]) * 60
    assert trip(g, (0, 30_000), (8_000, 30_000))["minutes"] == pytest.approx(local, rel=1e-3)


def test_access_to_the_network_counts_at_the_access_speed():
    g = road_graph(links([{"coords": [(0, 0), (10_000, 0)]}]), PARAMS)
    r = route(g, (0, 3_000), (10_000, 0))
    assert r["minutes"] == pytest.approx(road_minutes(10) + 3 / PARAMS["access"]["speed_kmh"] * 60)
    assert r["access_km"] == pytest.approx(3.0)


def test_points_beside_a_long_link_join_it_where_they_are_nearest():
    g = road_graph(links([{"coords": [(0, 0), (20_000, 0)]}, {"coords": [(20_000, 0), (20_000, 9_000)]}]), PARAMS)
    access = PARAMS["access"]["speed_kmh"]
    r = route(g, (5_000, 200), (15_000, -300))          # both beside the same link: no detour via its ends
    assert r["km"] == pytest.approx(10.5)
    assert r["minutes"] == pytest.approx(road_minutes(10) + 0.5 / access * 60)
    minutes, km, _ = travel_matrix(g, np.array([[5_000, 200], [15_000, -300], [20_500, 4_000]]))
    assert km.iloc[0, 2] == pytest.approx(0.2 + 15 + 4 + 0.5)
    assert minutes.iloc[0, 1] == pytest.approx(r["minutes"])


def test_bad_road_tables_raise_naming_file_and_column():
    bad = links([{"coords": [(0, 0), (1, 1)]}]).drop(columns="vegfase")
    with pytest.raises(DataError, match="veglenker-n1000.parquet.*vegfase"):
        road_graph(bad, PARAMS)
    with pytest.raises(DataError, match="type_veg.*hovercraft"):
        road_graph(links([{"coords": [(0, 0), (1, 1)], "type_veg": "hovercraft"}]), PARAMS)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=3, max_size=8, unique=True))
def test_matrix_is_symmetric_with_zero_diagonal_and_obeys_the_triangle_inequality(points):
    grid = [{"coords": [(x * 1_000, y * 1_000), (x * 1_000 + 1_000, y * 1_000)]} for x in range(40) for y in (0, 20)]
    grid += [{"coords": [(0, 0), (0, 20_000)]}, {"coords": [(40_000, 0), (40_000, 20_000)], "vegkategori": "E"}]
    g = road_graph(links(grid), PARAMS)
    xy = np.array(points, float) * 1_000
    minutes, km, ferries = travel_matrix(g, xy)
    m = minutes.to_numpy()
    assert np.array_equal(m, m.T) and np.array_equal(km.to_numpy(), km.to_numpy().T)
    assert (np.diag(m) == 0).all() and (ferries.to_numpy() == 0).all()
    via = (m[:, :, None] + m[None, :, :]).min(axis=1)
    assert (m <= via + 1e-9).all()


# ---- calibration ---------------------------------------------------------------------------------------------------
def _toy_region():
    """Kommuner along a road: two regions, each with a centre and members at known observed times."""
    rows = [{"coords": [(0, 0), (100_000, 0)], "vegkategori": "E"},
            {"coords": [(0, 0), (0, 60_000)], "vegkategori": "F"},
            {"coords": [(100_000, 0), (100_000, 60_000)], "vegkategori": "F"}]
    g = road_graph(links(rows), PARAMS)
    pts = {"0001": (0, 0), "0002": (40_000, 0), "0003": (0, 30_000), "0004": (100_000, 0),
           "0005": (60_000, 0), "0006": (100_000, 50_000), "0007": (0, 60_000), "0008": (100_000, 20_000)}
    centres = gpd.GeoSeries([Point(*v) for v in pts.values()], index=list(pts), crs=CRS)
    kom = pd.DataFrame({"ba_nr": ["01", "1", "1", "2", "2", "2", "1", "02"],
                        "ba_reisetid_min": [5.0, 30.0, 28.0, 6.0, 33.0, 47.0, 60.0, 18.0]}, index=list(pts))
    return g, centres, kom


def test_ba_pairs_normalise_region_numbers_and_split_whole_regions():
    _, _, kom = _toy_region()
    assert cal.ba_centre_flags(kom).to_dict() == {"0001": True, "0002": False, "0003": False, "0004": True,
                                                  "0005": False, "0006": False, "0007": False, "0008": False}
    pairs = cal.ba_pairs(kom)
    assert set(pairs["to"]) == {"0001", "0004"} and len(pairs) == 6
    assert pairs.groupby("ba_nr")["calibration"].nunique().eq(1).all()   # a region lies on one side only
    assert pairs.equals(cal.ba_pairs(kom))


def test_calibration_is_deterministic_and_lowers_the_error():
    g, centres, kom = _toy_region()
    pairs = cal.ba_pairs(kom).assign(calibration=True)
    first = cal.fit(g, centres, pairs)
    again = cal.fit(g, centres, pairs)
    assert first["values"] == again["values"] and first["loss"] == again["loss"]
    before = cal.accuracy(g, centres, pairs)["calibration"]["mae_min"]
    after = cal.accuracy(g, centres, pairs, params=first["params"])["calibration"]["mae_min"]
    assert after <= before


def test_accuracy_reports_held_out_long_and_ferry_trips_and_known_trips():
    g, centres, kom = _toy_region()
    pairs = cal.ba_pairs(kom)
    known = pd.DataFrame({"from": ["0001"], "to": ["0004"], "published_min": [75.0]})
    acc = cal.accuracy(g, centres, pairs, known)
    assert acc["held_out"]["n"] + acc["calibration"]["n"] == pairs["trip"].nunique()
    assert set(acc["held_out"]) >= {"mae_min", "median_abs_min", "share_within_15_min"} or acc["held_out"]["n"] == 0
    row = acc["known"].iloc[0]
    assert row["model_km"] == pytest.approx(100.0)
    assert row["error_pct"] == pytest.approx((row["model_min"] / 75 - 1) * 100, abs=0.1)
    with pytest.raises(DataError, match="known-trips.csv.*9999"):
        cal.known_trip_errors(g, centres, pd.DataFrame({"from": ["9999"], "to": ["0001"], "published_min": [1]}))


# ---- real data -----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real():
    """The real 2024 graph and centres from the offline mirror (skips when the mirror is absent)."""
    if not (MIRROR / "roads" / "veglenker-n1000.parquet").is_file():
        pytest.skip(f"offline mirror not found at {MIRROR}")
    import reformkit as rk
    from reformkit.geo.centres import admin_centres
    from reformkit.paths import REFERENCE_DIR

    t0 = time.perf_counter()
    roads = gpd.read_parquet(MIRROR / "roads" / "veglenker-n1000.parquet")
    built = gpd.read_parquet(MIRROR / "places" / "tettbebyggelse-n1000.parquet")
    graph = road_graph(roads, PARAMS, builtup=built)
    build_s = time.perf_counter() - t0
    places = gpd.read_parquet(MIRROR / "places" / "stedsnavn-n1000.parquet")
    fixes = pd.read_csv(REFERENCE_DIR / "centre-corrections.csv", dtype=str)
    kommuner = rk.load_atlas(borders=2024).kommuner
    centres = admin_centres(kommuner, places, built, fixes, PARAMS)
    return {"graph": graph, "centres": centres, "kommuner": kommuner, "build_s": build_s}


@pytest.mark.integration
def test_real_matrix_is_symmetric_zero_diagonal_triangle_and_fast(real):
    t0 = time.perf_counter()
    minutes, km, ferries = travel_matrix(real["graph"], real["centres"]["centre"])
    assert real["build_s"] + time.perf_counter() - t0 < 10
    m = minutes.to_numpy()
    assert minutes.shape == (357, 357) and np.isfinite(m).all()
    assert np.array_equal(m, m.T) and (np.diag(m) == 0).all()
    assert (m[~np.eye(len(m), dtype=bool)] > 0).all()
    rng = np.random.default_rng(11)
    idx = rng.choice(len(m), 60, replace=False)
    sub = m[np.ix_(idx, idx)]
    assert (sub <= (sub[:, :, None] + sub[None, :, :]).min(axis=1) + 1e-6).all()
    assert (km.to_numpy() >= 0).all() and ferries.to_numpy().max() >= 1


@pytest.mark.integration
def test_real_centres_are_in_their_towns(real):
    c = real["centres"]
    assert c["method"].notna().all() and len(c) == 357
    towns = {"1506": (7.160, 62.737), "1505": (7.728, 63.110), "1804": (14.381, 67.283), "5501": (18.956, 69.649)}
    ref = gpd.GeoSeries([Point(v) for v in towns.values()], index=list(towns), crs=4326).to_crs(CRS)
    assert (c.loc[list(towns), "centre"].distance(ref) < 2_500).all()


@pytest.mark.integration
def test_real_long_trips_are_realistic(real):
    from reformkit.paths import REFERENCE_DIR
    known = pd.read_csv(REFERENCE_DIR / "known-trips.csv", dtype={"from": str, "to": str})
    table = cal.known_trip_errors(real["graph"], real["centres"]["centre"], known)
    assert table["error_pct"].abs().median() < 15
    issue = table[table["from"].isin(["1563", "1833", "1806", "5001"]) & (table["to"].isin(["1506", "1804", "5503"]))]
    assert len(issue) == 4 and (issue["error_pct"].abs() < 25).all()
