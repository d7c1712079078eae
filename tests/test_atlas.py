"""The real Atlas: counts, totals, registers, geometry and the neighbour graph (integration)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

import reformkit as rk
from reformkit import geodata
from reformkit.geo import adjacency_lists

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_2024_counts_and_national_total(atlas):
    assert len(atlas.kommuner) == 357
    assert atlas.fylker["fylkesnummer"].nunique() == 15
    assert atlas.years == list(range(2005, 2027))
    total_2024 = atlas.population.loc[atlas.population.year == 2024, "population"].sum()
    assert total_2024 == 5_550_203


def test_every_kommune_has_geometry_register_and_population(atlas):
    k = atlas.kommuner
    assert k.geometry.notna().all() and not k.geometry.is_empty.any()
    assert k["fylkesnavn"].notna().all() and k["administrasjonssenter"].notna().all()
    assert k["ba_region"].notna().all()
    per_kommune = atlas.population[atlas.population.year == 2024].groupby("kommunenummer").population.sum()
    assert set(per_kommune.index) == set(k.index) and (per_kommune > 0).all()


def test_kommune_numbers_are_four_character_strings(atlas, atlas2019):
    for a in (atlas, atlas2019):
        assert all(isinstance(c, str) and len(c) == 4 and c.isdigit() for c in a.kommuner.index)
        assert a.population["kommunenummer"].str.len().eq(4).all()


def test_names_keep_sami_forms_and_short_norwegian_name(atlas):
    row = atlas.kommuner.loc["5540"]
    assert "Kåfjord" in row["kommunenavn"] and "Gáivuotna" in row["kommunenavn"]
    assert row["kommunenavn_kort"] == "Kåfjord"


def test_2019_atlas(atlas2019):
    assert len(atlas2019.kommuner) == 422
    assert atlas2019.fylker["fylkesnummer"].nunique() == 18
    assert atlas2019.years == list(range(2005, 2020))
    assert set(atlas2019.population["sex"].unique()) == {"total"}
    # Names come from SSB's code table, not the truncated names of the 2019 polygon file.
    assert atlas2019.kommuner.loc["0542", "kommunenavn"] == "Nord-Aurdal"


def _components(atlas) -> tuple[int, np.ndarray]:
    idx = {c: i for i, c in enumerate(atlas.kommuner.index)}
    e = geodata.neighbours(atlas)
    n = len(idx)
    adj = coo_matrix((np.ones(len(e)), ([idx[a] for a in e.a], [idx[b] for b in e.b])), shape=(n, n))
    return connected_components(adj, directed=False)


@pytest.mark.parametrize("fixture", ["atlas", "atlas2019"])
def test_neighbour_graph_connects_every_kommune(fixture, request):
    atlas = request.getfixturevalue(fixture)
    ncomp, _ = _components(atlas)
    assert ncomp == 1
    nb = adjacency_lists(geodata.neighbours(atlas), atlas.codes)
    isolated = [c for c, v in nb.items() if not v]
    assert isolated == []


def test_islands_link_to_nearest_neighbours(atlas):
    nb = adjacency_lists(geodata.neighbours(atlas), atlas.codes)
    name = dict(zip(atlas.kommuner.kommunenavn_kort, atlas.kommuner.index))
    expect = {"Røst": "Værøy", "Værøy": "Moskenes", "Træna": "Lurøy", "Utsira": "Karmøy", "Kvitsøy": "Stavanger"}
    for island, neighbour in expect.items():
        assert name[neighbour] in nb[name[island]], island
    edges = geodata.neighbours(atlas)
    assert set(edges.kind) <= {"land", "sea", "joined"}
    assert (edges.a < edges.b).all() and not edges.duplicated(["a", "b"]).any()
    # Sea links are bounded by the rule (5 km) unless they were needed to join the graph.
    assert edges.loc[edges.kind == "sea", "gap_km"].max() <= 5.0


def test_load_is_memoised(atlas):
    assert rk.load_atlas(2024) is rk.load_atlas(2024)


@pytest.mark.parametrize("borders", [2024, 2019])
@pytest.mark.parametrize("name", ["kommuner", "fylker"])
def test_cache_geoparquet_reads_as_geopandas_does(borders, name):
    """The Atlas reader (CRS looked up by EPSG code) gives the frame and CRS that gpd.read_parquet gives."""
    import geopandas as gpd
    from reformkit.data import cache
    from reformkit.data.atlas import _read_geoparquet
    from reformkit.paths import cache_dir
    path = cache.core_dir(cache_dir()) / f"borders-{borders}" / f"{name}.parquet"
    ours, theirs = _read_geoparquet(path), gpd.read_parquet(path)
    assert isinstance(ours, gpd.GeoDataFrame) and ours.geometry.name == theirs.geometry.name
    assert ours.crs == theirs.crs and ours.crs.to_epsg() == 25833
    pd.testing.assert_frame_equal(pd.DataFrame(ours), pd.DataFrame(theirs))


def test_unknown_border_year_is_a_user_error():
    with pytest.raises(rk.DataError, match="border year"):
        rk.load_atlas(borders=2020)


def test_2019_split_inflation_is_repaired(atlas2019):
    """The mirror counts Tysfjord twice (all years) and Snillfjord three times (2018-2019) on 2019 borders."""
    pop = atlas2019.population.groupby(["kommunenummer", "year"]).population.sum()
    assert pop[("1850", 2018)] == 1953 and pop[("1850", 2005)] == 2150
    assert pop[("5012", 2019)] == 999 and 900 < pop[("5012", 2017)] < 1100
    # Kommuner later split without inflation (the parts of Ålesund) are left as they are.
    raw = pd.read_parquet(MIRROR / "population" / "population-2019-borders.parquet")
    raw_total = raw[(raw.kommunenummer == "1534") & (raw.year == 2019)].population.sum()
    assert pop[("1534", 2019)] == raw_total
    notes = atlas2019.manifest["corrections"]
    assert len(notes) == 2 and any("1850" in n for n in notes) and any("5012" in n for n in notes)


def test_an_optional_dataset_is_read_once_and_again_after_a_new_fetch(cache_root, monkeypatch):
    import os
    from reformkit.data import cache, read_atlas
    atlas = read_atlas(2024, cache_root)
    assert atlas.extra("kostra") is None and atlas.extra_stamp("kostra") is None
    path = cache.write_extra("kostra", pd.DataFrame({"value": [1]}), {"attribution": "test"}, root=cache_root)
    reads = []
    real = cache.read_extra
    monkeypatch.setattr(cache, "read_extra", lambda *a, **k: reads.append(a) or real(*a, **k))
    assert atlas.extra("kostra")["value"].tolist() == [1] and atlas.extra("kostra")["value"].tolist() == [1]
    assert len(reads) == 1
    cache.write_extra("kostra", pd.DataFrame({"value": [2]}), {"attribution": "test"}, root=cache_root)
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)   # a new stamp even within the clock's resolution
    assert atlas.extra("kostra")["value"].tolist() == [2] and len(reads) == 2
