"""Check the road travel-time model on the real data: centres, held-out BA error, known trips and timings.

    .venv/bin/python scripts/check_travel.py        (after ``make data``; REFORMKIT_DATA_DIR picks another cache)

Prints how each kommune's centre was found (2024 and 2019 borders), where a few towns' centres land, the held-out
error on the BA-regions' travel times, the model against published driving times (resources/reference/
known-trips.csv) and the time to read the road file, build the graph and build the 357 × 357 matrix.
"""
from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd
from reformkit.geo import centre_points
from _roads_inputs import centres_for, parser, read_inputs

from reformkit.geo import calibration as cal
from reformkit.geo.roads import KINDS, road_graph
from reformkit.geo.routing import attach, travel_matrix

TOWNS = ["1506", "1505", "1804", "5501", "1563", "1833", "1806", "5001"]
ISSUE_TRIPS = [("1563", "1506"), ("1833", "1804"), ("1806", "5503"), ("5001", "1506")]


def _section(title: str) -> None:
    print(f"\n== {title}")


def _centres(inputs: dict) -> dict:
    out = {}
    for borders in (2024, 2019):
        t0 = time.perf_counter()
        kommuner, centres = centres_for(borders, inputs)
        _section(f"Centres, {borders} borders: {len(centres)} kommuner ({time.perf_counter() - t0:.1f} s)")
        print(centres["method"].value_counts().to_string())
        out[borders] = (kommuner, centres)
    kommuner, centres = out[2024]
    ll = centres["centre"].to_crs(4326)
    old = centre_points(kommuner).to_crs(centres.crs)   # the point inside the largest polygon, used before
    table = pd.DataFrame({"kommune": kommuner["kommunenavn"], "centre": centres["centre_name"],
                          "method": centres["method"], "lat": ll.y.round(4), "lon": ll.x.round(4),
                          "moved_from_old_km": (centres["centre"].distance(old) / 1000).round(1)}).loc[TOWNS]
    _section("Where some centres land (2024)")
    print(table.to_string())
    return out


def _timings(inputs: dict, centres: gpd.GeoDataFrame) -> tuple:
    t0 = time.perf_counter()
    graph = road_graph(inputs["roads"], inputs["params"], builtup=inputs["builtup"])
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    matrices = travel_matrix(graph, centres["centre"])
    matrix_s = time.perf_counter() - t0
    _section("Timings")
    print(f"read road file {inputs['read_s']:.2f} s; build graph {build_s:.2f} s "
          f"({graph.n_nodes} nodes, {len(graph.u)} edges); 357 x 357 matrix {matrix_s:.2f} s; "
          f"total {inputs['read_s'] + build_s + matrix_s:.2f} s")
    kinds = pd.Series(graph.kind).map(dict(enumerate(KINDS))).value_counts()
    print("edges by kind:", kinds.to_dict())
    return graph, matrices


def _accuracy(graph, kommuner, centres, inputs: dict) -> None:
    acc = cal.accuracy(graph, centres["centre"], cal.ba_pairs(kommuner), inputs["known"])
    _section("BA-regions: error of model minus observed minutes (calibration half / held-out half)")
    rows = {k: acc[k] for k in ("calibration", "held_out", "held_out_long", "held_out_ferry")}
    print(pd.DataFrame(rows).T.to_string())
    _section("Known trips (published driving times; for checking, never fitted)")
    table = acc["known"].drop(columns="source")
    print(table.to_string(index=False))
    print("summary:", acc["known_summary"])
    worst = table.reindex(table["error_pct"].abs().sort_values(ascending=False).index).head(5)
    print("largest errors:", ", ".join(f"{r.from_name}–{r.to_name} {r.error_pct:+.1f} %" for r in worst.itertuples()))


def _issue_trips(minutes: pd.DataFrame, km: pd.DataFrame, ferries: pd.DataFrame, kommuner) -> None:
    _section("The issue's trips: road model")
    for a, b in ISSUE_TRIPS:
        print(f"{kommuner.at[a, 'kommunenavn']}–{kommuner.at[b, 'kommunenavn']}: {minutes.at[a, b]:.0f} min, "
              f"{km.at[a, b]:.0f} km, {ferries.at[a, b]} ferries")


def _access(graph, centres) -> None:
    xy = np.column_stack([centres["centre"].x, centres["centre"].y])
    km = pd.Series(attach(graph, xy)[2], index=centres.index)
    _section("Access from a centre to the nearest road (km, straight line at the access speed)")
    print(f"median {km.median():.2f} km; longest:", km.sort_values(ascending=False).head(5).round(2).to_dict())


def main() -> None:
    parser(__doc__.splitlines()[0]).parse_args()   # --help
    inputs = read_inputs()
    found = _centres(inputs)
    kommuner, centres = found[2024]
    graph, (minutes, km, ferries) = _timings(inputs, centres)
    _issue_trips(minutes, km, ferries, kommuner)
    _access(graph, centres)
    t0 = time.perf_counter()
    m19 = travel_matrix(graph, found[2019][1]["centre"])[0]
    print(f"\n2019 borders: {m19.shape[0]} x {m19.shape[1]} matrix in {time.perf_counter() - t0:.2f} s, "
          f"all finite: {bool(np.isfinite(m19.to_numpy()).all())}")
    _accuracy(graph, kommuner, centres, inputs)


if __name__ == "__main__":
    main()
