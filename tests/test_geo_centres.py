"""Kommune centres at the administrative centre (reformkit.geo.centres), on small synthetic maps."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from reformkit.errors import DataError
from reformkit.geo.centres import admin_centres, normalise_name
from reformkit.params import load_params

CRS = 25833
PARAMS = load_params("roads")


def kommuner(rows: list[dict]) -> gpd.GeoDataFrame:
    """Kommuner from dicts with code, name, admin centre and polygon (metres)."""
    frame = pd.DataFrame(rows).set_index("kommunenummer")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)


def places(rows: list[tuple[str, str, float, float]]) -> gpd.GeoDataFrame:
    """Place names as (name, navneobjekttype, x, y); all in the settlement group."""
    return gpd.GeoDataFrame({"fulltekst": [r[0] for r in rows], "navneobjekttype": [r[1] for r in rows],
                             "navneobjektgruppe": "bebyggelsesområder"},
                            geometry=[Point(r[2], r[3]) for r in rows], crs=CRS)


def builtup(polys: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=polys, crs=CRS)


LAND = box(0, 0, 20_000, 20_000)          # a 20 km square kommune; the sea lies east of x = 20 km


def test_kommune_whose_name_is_its_town_gets_the_label():
    k = kommuner([{"kommunenummer": "1506", "kommunenavn": "Molde", "administrasjonssenter": "Molde",
                   "geometry": LAND}])
    p = places([("Molde", "by", 5_000, 6_000), ("Molde", "tettsted", 300_000, 6_000), ("Årø", "grend", 1, 1)])
    out = admin_centres(k, p, builtup([]), None, PARAMS)
    row = out.loc["1506"]
    assert (row["centre_name"], row["method"], row["distance_km"]) == ("Molde", "place_name", 0.0)
    assert row["centre"].equals(Point(5_000, 6_000))       # the near label, not the namesake 300 km away
    assert out.crs.to_epsg() == CRS and out.geometry.name == "centre"


def test_label_in_the_sea_moves_into_the_built_up_area_of_its_kommune():
    town = box(17_000, 8_000, 20_000, 12_000)       # the town on the coast
    k = kommuner([{"kommunenummer": "1505", "kommunenavn": "Kristiansund", "administrasjonssenter":
                   "Kristiansund", "geometry": LAND}])
    p = places([("Kristiansund", "by", 21_500, 10_000)])  # label 1.5 km out in the sea
    out = admin_centres(k, p, builtup([town]), None, PARAMS).loc["1505"]
    assert out["method"] == "place_name_tettsted_polygon"
    assert town.covers(out["centre"]) and LAND.covers(out["centre"])
    assert out["distance_km"] == pytest.approx(out["centre"].distance(Point(21_500, 10_000)) / 1000, abs=1e-3)


def test_label_in_the_sea_without_a_built_up_area_moves_to_the_shore():
    k = kommuner([{"kommunenummer": "1857", "kommunenavn": "Værøy", "administrasjonssenter": "Sørland",
                   "geometry": LAND}])
    p = places([("Sørland", "tettsted", 20_400, 3_000)])
    out = admin_centres(k, p, builtup([]), None, PARAMS).loc["1857"]
    assert out["method"] == "place_name_shore"
    assert out["centre"].distance(Point(20_000, 3_000)) < 1e-6
    assert out["distance_km"] == pytest.approx(0.4)


def test_fallback_to_the_largest_built_up_area_then_the_old_point():
    small, large = box(1_000, 1_000, 2_000, 2_000), box(10_000, 10_000, 14_000, 13_000)
    k = kommuner([
        {"kommunenummer": "3222", "kommunenavn": "Lørenskog", "administrasjonssenter": "Solheim",
         "geometry": LAND, "centre": Point(3_000, 3_000)},
        {"kommunenummer": "5036", "kommunenavn": "Frosta", "administrasjonssenter": "Frosta",
         "geometry": box(50_000, 0, 60_000, 10_000), "centre": Point(55_000, 5_000)}])
    p = places([("Strømmen", "tettsted", 7_000, 7_000)])
    out = admin_centres(k, p, builtup([small, large]), None, PARAMS)
    assert out.loc["3222", "method"] == "largest_builtup"
    assert large.contains(out.loc["3222", "centre"])
    assert out.loc["5036", "method"] == "polygon_point"
    assert out.loc["5036", "centre"].equals(Point(55_000, 5_000))
    assert out["distance_km"].isna().all()


def test_prefix_and_kommune_name_tiers():
    k = kommuner([
        {"kommunenummer": "1160", "kommunenavn": "Vindafjord", "administrasjonssenter": "Ølensjøen",
         "geometry": LAND},
        {"kommunenummer": "5035", "kommunenavn": "Stjørdal", "administrasjonssenter": "Hegra halsen",
         "geometry": box(50_000, 0, 70_000, 20_000)},
        {"kommunenummer": "0104", "kommunenavn": "Moss", "administrasjonssenter": None,
         "geometry": box(100_000, 0, 120_000, 20_000)}])
    p = places([("Ølen", "tettsted", 4_000, 4_000), ("Stjørdal", "by", 60_000, 5_000),
                ("Moss", "by", 110_000, 10_000)])
    out = admin_centres(k, p, builtup([]), None, PARAMS)
    assert out["method"].to_dict() == {"1160": "place_prefix", "5035": "kommune_name", "0104": "kommune_name"}


def test_corrections_by_name_and_by_lon_lat():
    k = kommuner([
        {"kommunenummer": "1578", "kommunenavn": "Fjord", "administrasjonssenter": "Sylte", "geometry": LAND},
        {"kommunenummer": "4621", "kommunenavn": "Voss", "administrasjonssenter": "Vossevangen",
         "geometry": box(0, 6_700_000, 200_000, 6_800_000)}])
    p = places([("Valldal", "tettsted", 9_000, 9_000), ("Sylte", "grend", 2_000, 2_000)])
    fixes = pd.DataFrame({"kommunenummer": ["1578", "4621", "9999"], "kommunenavn": ["Fjord", "Voss", "X"],
                          "place": ["Valldal", "6.4170 60.6290", "Nowhere"], "reason": ["r1", "r2", "r3"]})
    out = admin_centres(k, p, builtup([]), fixes, PARAMS)
    assert out.loc["1578", "method"] == "correction" and out.loc["1578", "centre_name"] == "Valldal"
    assert out.loc["1578", "centre"].equals(Point(9_000, 9_000))
    voss = gpd.GeoSeries([out.loc["4621", "centre"]], crs=CRS).to_crs(4326).iloc[0]
    assert (round(voss.x, 4), round(voss.y, 4)) == (6.417, 60.629)


def test_a_correction_for_another_kommune_with_the_same_number_is_ignored_and_bad_ones_raise():
    k = kommuner([{"kommunenummer": "1529", "kommunenavn": "Skodje", "administrasjonssenter": "Skodje",
                   "geometry": LAND}])
    p = places([("Skodje", "tettsted", 5_000, 5_000)])
    other = pd.DataFrame({"kommunenummer": ["1529"], "kommunenavn": ["Ålesund"], "place": ["Nowhere"],
                          "reason": ["numbers reused"]})
    assert admin_centres(k, p, builtup([]), other, PARAMS).loc["1529", "method"] == "place_name"
    bad = other.assign(kommunenavn="Skodje")
    with pytest.raises(DataError, match="1529.*Nowhere"):
        admin_centres(k, p, builtup([]), bad, PARAMS)
    with pytest.raises(DataError, match="reason"):
        admin_centres(k, p, builtup([]), bad.drop(columns="reason"), PARAMS)


def test_missing_place_columns_raise_naming_the_file():
    k = kommuner([{"kommunenummer": "1506", "kommunenavn": "Molde", "administrasjonssenter": "Molde",
                   "geometry": LAND}])
    with pytest.raises(DataError, match="stedsnavn.*fulltekst"):
        admin_centres(k, places([]).drop(columns="fulltekst"), builtup([]), None, PARAMS)


@pytest.mark.parametrize("raw, expected", [
    ("Kárášjohka", "karasjohka"), ("Guovdageaidnu", "guovdageaidnu"), ("Kristiansund N", "kristiansund"),
    ("Molde sentrum", "molde"), ("Mo i Rana", "mo i rana"), ("Nord-Odal", "nord odal"), ("  ÅLESUND ", "alesund"),
    ("Øksfjord", "oksfjord"), ("Snåase", "snaase"), ("Hámmerfeasta", "hammerfeasta"), (None, "")])
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


def test_register_names_with_two_languages_match_either():
    k = kommuner([{"kommunenummer": "5628", "kommunenavn": "Deatnu - Tana", "administrasjonssenter":
                   "Deanušaldi - Tana bru", "geometry": LAND}])
    p = places([("Tana bru", "tettsted", 5_000, 5_000)])
    assert admin_centres(k, p, builtup([]), None, PARAMS).loc["5628", "centre_name"] == "Tana bru"
