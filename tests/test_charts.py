"""Charts: web geometry, maps, line/bar/pyramid/waterfall specs, the offline renderer (fast, synthetic data)."""
from __future__ import annotations

import json
import re

import altair as alt
import numpy as np
import pandas as pd
import pytest
import shapely

from reformkit import charts, geodata
from reformkit.charts import embed


def _spec(chart) -> dict:
    return chart.to_dict()


def _datasets(spec: dict) -> list[list[dict]]:
    """All inline data of a spec: top-level datasets and layer ``data.values``."""
    out = [json.loads(v) if isinstance(v, str) else v for v in spec.get("datasets", {}).values()]

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("data"), dict) and "values" in node["data"]:
                values = node["data"]["values"]
                # maps inline their features as one JSON string (format json), parsed by the browser
                out.append(json.loads(values) if isinstance(values, str) else values)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(spec)
    return out


def _members(atlas):
    codes = atlas.codes
    return pd.DataFrame({"kommunenummer": codes, "block": ["Vest" if i % 4 < 2 else "Øst" for i in range(len(codes))],
                         "track": ["merge" if i % 3 else "cooperate" for i in range(len(codes))],
                         "population": [12345 + i for i in range(len(codes))]})


def test_web_geometry_is_lonlat_rounded_and_clockwise(small_atlas):
    g = geodata.web_geometry(small_atlas)
    assert g.crs.to_epsg() == 4326
    assert list(g.index) == small_atlas.codes
    xy = shapely.get_coordinates(g.values)
    assert np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90)
    assert np.allclose(xy, np.round(xy, 4))
    # d3-geo needs clockwise exterior rings; counter-clockwise would fill the whole globe
    for geom in g.values:
        for poly in getattr(geom, "geoms", [geom]):
            assert not shapely.is_ccw(poly.exterior)
    assert geodata.web_geometry(small_atlas).equals(g)  # kept by the atlas's store


def test_web_geometry_simplifies_real_boundaries(atlas):
    g = geodata.web_geometry(atlas)
    before = shapely.get_num_coordinates(atlas.kommuner.geometry.values).sum()
    after = shapely.get_num_coordinates(g.values).sum()
    assert after < before
    assert g.is_valid.all()


def test_block_map_layers_tooltips_and_norwegian_numbers(small_atlas):
    m = _members(small_atlas).iloc[:8]
    chart = charts.block_map(geodata.map_layers(small_atlas), m, centres=["9901", "9903"], context_codes=small_atlas.codes)
    spec = _spec(chart)
    # transverse Mercator about the area's middle meridian (UTM's projection), not Web Mercator
    assert spec["projection"]["type"] == "transverseMercator" and spec["projection"]["rotate"][0] < 0
    layers = spec["layer"]
    # context, blocks, main roads (the synthetic grid has no ferry), kommune names (halo + text), centre
    # points, centre names (halo + text)
    assert len(layers) == 8
    assert layers[2]["mark"]["filled"] is False and layers[2]["mark"]["stroke"] == "#6b6b6b"
    names = [d for d in _datasets(spec) if d and "navn" in d[0] and "lat" in d[0]]
    assert {n["navn"] for n in names[0]} == set(small_atlas.kommuner.loc[m.kommunenummer, "kommunenavn_kort"]) - {
        small_atlas.kommuner.at[c, "kommunenavn_kort"] for c in ("9901", "9903")}
    data = _datasets(spec)
    features = [d for d in data if d and d[0].get("type") == "Feature" and "kind" not in d[0]]
    blocks = next(f for f in features if "Blokk" in f[0])
    assert len(blocks) == 8
    assert {f["Spor"] for f in blocks} == {"Sammenslåing", "Forpliktende samarbeid"}
    assert blocks[0]["Innbyggere"] == "12\u00a0345"
    context = next(f for f in features if "Blokk" not in f[0])
    assert len(context) == len(small_atlas.codes) - 8
    centres = [d for d in data if d and "lat" in d[0]][2]
    assert [c["kommunenummer"] for c in centres] == ["9901", "9903"]
    enc = layers[1]["encoding"]
    assert enc["color"]["field"] == "Blokk"
    assert enc["opacity"]["field"] == "Spor"
    assert [t["title"] for t in enc["tooltip"]] == ["Kommune", "Blokk", "Spor", "Innbyggere"]


def test_block_map_draws_with_vega(small_atlas):
    import vl_convert as vlc
    chart = charts.block_map(geodata.map_layers(small_atlas), _members(small_atlas), centres=["9901"])
    svg = vlc.vegalite_to_svg(chart.to_dict(), vl_version=embed.vl_version())
    # twelve kommune polygons (plus the diamond), each a path
    assert svg.count("<path") >= 12


def test_population_lines_dash_projected_years():
    df = pd.DataFrame({"name": ["A"] * 6, "year": range(2022, 2028), "population": [1000, 1010, 1020, 1030, 1040, 1050]})
    spec = _spec(charts.population_lines(df, observed_until=2024))
    solid, dashed = spec["layer"]
    assert "strokeDash" not in solid["mark"] and dashed["mark"]["strokeDash"] == [5, 3]
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ",d"
    values = [v for d in _datasets(spec) for v in d]
    years_solid = sorted({v["year"] for v in spec["datasets"][solid["data"]["name"]]})
    years_dashed = sorted({v["year"] for v in spec["datasets"][dashed["data"]["name"]]})
    assert years_solid == [2022, 2023, 2024] and years_dashed == [2024, 2025, 2026, 2027]
    assert {v["Innbyggere"] for v in values} >= {"1\u00a0000", "1\u00a0050"}


def test_age_pyramid_men_left_women_right(small_atlas):
    pop = small_atlas.population
    spec = _spec(charts.age_pyramid(pop, years=[2010, 2024]))
    assert len(spec["hconcat"]) == 2
    rows = [v for d in _datasets(spec) for v in d]
    men = [r for r in rows if r["Kjønn"] == "Menn"]
    women = [r for r in rows if r["Kjønn"] == "Kvinner"]
    assert men and women and all(r["value"] <= 0 for r in men) and all(r["value"] >= 0 for r in women)
    total = pop[pop.year == 2024]["population"].sum()
    assert sum(abs(r["value"]) for r in rows if r["year"] == 2024) == pytest.approx(total)


def test_support_ratio_and_travel_and_bars():
    df = pd.DataFrame({"name": ["A", "A", "B", "B"], "year": [2024, 2040] * 2, "ratio": [3.1, 2.2, 4.0, 3.5]})
    spec = _spec(charts.support_ratio_lines(df))
    assert {v["Bæreevne"] for v in _datasets(spec)[0]} == {"3,10", "2,20", "4,00", "3,50"}
    t = pd.DataFrame({"kommune": ["X", "Y"], "block": ["A", "B"], "minutes": [12.4, 61.0], "track": ["merge", "samarbeid"]})
    spec = _spec(charts.travel_time_chart(t, colours={"B": "#111111", "A": "#222222"}))
    assert spec["facet"]["row"]["field"] == "block" and spec["facet"]["row"]["sort"] == ["B", "A"]  # block order
    bars, labels = spec["spec"]["layer"]
    assert bars["encoding"]["x"]["field"] == "minutes" and bars["encoding"]["y"]["field"] == "kommune"
    assert bars["encoding"]["color"]["scale"] == {"domain": ["B", "A"], "range": ["#111111", "#222222"]}
    assert labels["encoding"]["text"]["field"] == "tekst"
    assert {r["tekst"] for r in spec["datasets"][spec["data"]["name"]]} == {"12 min", "61 min"}
    bars = charts.bar_chart(pd.DataFrame({"k": ["a", "b"], "v": [1, 2]}), "k", "v", title="T", value_title="V")
    assert _spec(bars)["mark"]["type"] == "bar"


def test_sweep_chart_takes_the_propose_columns():
    df = pd.DataFrame({"k": [2, 3, 4], "min_block_population": [40000, 25000, 12000],
                       "max_travel_minutes": [120.0, 95.0, 70.0], "mean_weighted_travel_minutes": [40.0, 30.0, 22.0],
                       "blocks_under_15000": [0, 0, 1], "blocks_under_20000": [0, 0, 1], "objective": [1.0, 0.8, 0.6],
                       "gap": [0.0, 0.0, 0.0]})
    spec = _spec(charts.sweep_chart(df))
    pop, travel = spec["vconcat"]
    assert pop["encoding"]["y"]["field"] == "min_block_population"
    series = {v["mål"] for v in spec["datasets"][travel["data"]["name"]]}
    assert series == {"Lengste reisetid", "Befolkningsvektet snitt"}


def test_economy_waterfall_running_totals():
    df = pd.DataFrame({"step": ["Tap", "Tilskudd", "Innsparing"], "amount": [-30e6, 20e6, 5e6]})
    spec = _spec(charts.economy_waterfall(df))
    rows = spec["datasets"][spec["layer"][0]["data"]["name"]]
    assert [(r["step"], r["start"], r["end"]) for r in rows] == [
        ("Tap", 0.0, -30.0), ("Tilskudd", -30.0, -10.0), ("Innsparing", -10.0, -5.0), ("Sum", 0.0, -5.0)]
    assert rows[-1]["Beløp"] == "-5,0 mill. kr"
    # a table from reformkit.economy.waterfall_table ends with its own total row
    df2 = pd.concat([df.assign(kind="delta"), pd.DataFrame({"step": ["Netto nåverdi"], "amount": [-5e6],
                                                             "kind": ["total"]})])
    rows2 = (s := _spec(charts.economy_waterfall(df2)))["datasets"][s["layer"][0]["data"]["name"]]
    assert [r["step"] for r in rows2] == ["Tap", "Tilskudd", "Innsparing", "Netto nåverdi"]


def test_age_group_bars():
    df = pd.DataFrame({"name": ["A"] * 4, "year": [2024, 2024, 2040, 2040], "group": ["0-1", "90+"] * 2,
                       "share": [0.01, 0.02, 0.01, 0.04], "population": [10, 20, 10, 40]})
    spec = _spec(charts.age_group_bars(df))
    assert spec["facet"]["field"] == "name"


def test_offline_renderer_is_deterministic_and_numbered(small_atlas):
    def render() -> list[str]:
        charts.setup(offline=True)
        c1 = charts.block_map(geodata.map_layers(small_atlas), _members(small_atlas), centres=["9901"])
        c2 = charts.population_lines(pd.DataFrame({"name": ["A", "A"], "year": [2020, 2021], "population": [1, 2]}))
        out = []
        for c in (c1, c2):
            bundle = c._repr_mimebundle_()
            out.append((bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"])
        return out
    try:
        first, second = render(), render()
    finally:
        charts.setup(offline=False)
    assert first == second
    assert 'id="rk-chart-1"' in first[0] and 'id="rk-chart-2"' in first[1]
    assert "vegaEmbed(\"#rk-chart-1\"" in first[0]
    assert '"formatLocale"' in first[0] and '"thousands":"\u00a0"' in first[0]
    assert "<script src" not in first[0]


def test_embed_html_escapes_script_end():
    html = charts.embed_html({"title": "</script><b>x</b>"}, "rk-chart-9")
    assert html.count("</script>") == 1
    assert "<\\/script>" in html
    spec_text = html.split("var spec=")[1].split(";var opt=")[0]
    assert json.loads(spec_text.replace("<\\/", "</"))["title"] == "</script><b>x</b>"


def test_live_setup_sets_norwegian_locale():
    charts.setup(offline=False)
    assert alt.renderers.active == "jupyter"
    assert alt.renderers.options["embed_options"]["formatLocale"]["decimal"] == ","


def test_live_charts_are_widgets_that_need_no_network():
    """JupyterLab and Voilà draw live charts with JupyterChart offline: the widget's module carries Vega itself
    (altair's default imports it from a CDN, which a council hall may not reach)."""
    charts.setup(offline=False)
    chart = charts.population_lines(pd.DataFrame({"name": ["A", "A"], "year": [2020, 2021], "population": [1, 2]}))
    bundle = alt.renderers.get()(chart.to_dict(), **alt.renderers.options)
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in bundle
    esm = alt.JupyterChart._esm
    assert len(esm) > 100_000                                  # Vega itself is inside
    assert not re.search(r"""(from|import\()\s*["']https?://""", esm) and "esm.sh" not in esm


def test_vega_bundle_is_self_contained(tmp_path, monkeypatch):
    text = charts.vega_bundle()
    assert "window.vegaEmbed" in text
    assert "</script" not in text
    assert not any(line.lstrip().startswith(("import ", "export ")) for line in text.splitlines())


def test_block_colours_are_keyed_by_name_and_shared():
    from reformkit.charts.style import PALETTE, block_colours
    colours = block_colours(["Nordmøre", "Romsdal", "Sunnmøre"])
    assert colours == {"Nordmøre": PALETTE[0], "Romsdal": PALETTE[1], "Sunnmøre": PALETTE[2]}
    df = pd.DataFrame({"name": ["Sunnmøre", "Nordmøre"] * 2, "year": [2024, 2024, 2040, 2040],
                       "population": [1, 2, 3, 4]})
    enc = _spec(charts.population_lines(df, colours=colours, observed_until=2024))["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(enc["domain"], enc["range"])) == {"Sunnmøre": PALETTE[2], "Nordmøre": PALETTE[0]}


def test_many_blocks_never_share_a_colour_with_a_neighbour():
    from reformkit.charts.style import PALETTE, block_colours
    names = [f"B{i}" for i in range(45)]
    ring = [(names[i], names[(i + 1) % 45]) for i in range(45)] + [(names[i], names[(i + 7) % 45]) for i in range(45)]
    colours = block_colours(names, ring)
    assert set(colours.values()) <= set(PALETTE) and len(set(colours.values())) == len(PALETTE)
    assert all(colours[a] != colours[b] for a, b in ring)


def test_many_lines_become_small_multiples():
    df = pd.DataFrame({"name": [f"K{i}" for i in range(18) for _ in range(3)], "year": [2024, 2030, 2040] * 18,
                       "population": range(54)})
    spec = _spec(charts.population_lines(df, observed_until=2026))
    # one panel per kommune, all on one scale of per cent change since the first year
    assert spec["facet"]["field"] == "name" and "resolve" not in spec
    assert spec["spec"]["layer"][0]["encoding"]["y"]["field"] == "endring"
    few = _spec(charts.population_lines(df[df.name.isin(["K1", "K2"])], observed_until=2026))
    assert "facet" not in few and few["layer"][0]["encoding"]["x"]["axis"]["values"] == [2024, 2030, 2040]
