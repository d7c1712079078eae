"""Small synthetic Atlases for fast unit tests (the real data is for integration tests).

>>> from reformkit.testing import synthetic_atlas
>>> atlas = synthetic_atlas(nx=4, ny=3)
>>> len(atlas.kommuner)
12
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, box

from .data.atlas import Atlas
from .data.crs import METRIC_CRS

AGES = np.arange(0, 106)


def _age_profile(rng: np.random.Generator, size: int) -> np.ndarray:
    """A plausible age distribution: flat to 60, then tapering to 105."""
    w = np.where(AGES < 60, 1.0, np.exp(-(AGES - 60) / 12.0)) * rng.uniform(0.8, 1.2, len(AGES))
    return rng.multinomial(size, w / w.sum())


def _population(codes: list[str], sizes: list[int], years: range, rng: np.random.Generator) -> pd.DataFrame:
    """Population that grows by 1 % a year and ages cohort by cohort, in the Atlas's long format."""
    frames = []
    for code, size in zip(codes, sizes):
        for sex in ("female", "male"):
            counts = _age_profile(rng, max(size // 2, 10)).astype(float)
            for year in years:
                frames.append(pd.DataFrame({"kommunenummer": code, "year": year, "age": AGES, "sex": sex,
                                            "population": counts.round().astype(int)}))
                births = counts[20:45].sum() * 0.06
                counts = np.r_[births, counts[:-2], counts[-2] + counts[-1]] * 1.01
    population = pd.concat(frames, ignore_index=True).astype(
        {"year": "int16", "age": "int16", "population": "int32"})
    population["sex"] = pd.Categorical(population["sex"])
    return population


def _n1000(kommuner: gpd.GeoDataFrame, island: bool) -> dict[str, gpd.GeoDataFrame]:
    """N1000-like layers for the grid: a place name and a built-up square at each kommune's middle, and a
    riksveg between the middles of every two land neighbours (an island gets a car ferry to its neighbour)."""
    mids = kommuner.geometry.representative_point()
    names = kommuner["administrasjonssenter"]
    places = gpd.GeoDataFrame({"navn": names, "fulltekst": names, "navneobjekttype": "tettsted",
                               "navneobjektgruppe": "bebyggelsesområder", "stedsnummer": range(len(kommuner))},
                              geometry=list(mids), crs=kommuner.crs)
    builtup = gpd.GeoDataFrame(geometry=[m.buffer(1000, cap_style="square") for m in mids], crs=kommuner.crs)
    codes, lines, kinds = list(kommuner.index), [], []
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            gap = kommuner.geometry[a].distance(kommuner.geometry[b])
            if gap < 1.0 or (island and gap < 5000 and b == codes[-1]):
                lines.append(LineString([mids[a], mids[b]]))
                kinds.append("bilferje" if gap >= 1.0 else "enkelBilveg")
    roads = gpd.GeoDataFrame({"type_veg": kinds, "vegkategori": ["R"] * len(lines), "vegnummer": 1,
                              "vegfase": "V", "motorvegtype": "IkkeMotorveg", "medium": "T"},
                             geometry=lines, crs=kommuner.crs)
    return {"roads": roads, "places": places, "builtup": builtup}


def synthetic_atlas(nx: int = 4, ny: int = 3, years: range = range(2010, 2025), seed: int = 0,
                    fylker: int = 1, cell_km: float = 20.0, sizes: list[int] | None = None,
                    island: bool = False) -> Atlas:
    """A grid of ``nx × ny`` square kommuner (``cell_km`` wide) with random but reproducible populations.

    Kommune numbers run "9901", "9902", ... row by row; the grid is split into ``fylker`` vertical bands
    with fylkesnummer "91", "92", .... Population grows by a fixed 1 % a year and ages cohort by cohort.
    ``island=True`` adds one kommune 3 km off the grid's east edge (joined by a sea link and a car ferry). Its
    N1000 layers are a riksveg between the middles of neighbouring kommuner, with a place name and a
    built-up square at each middle, so centres and travel times work as on the real data.
    """
    rng = np.random.default_rng(seed)
    x0, y0, cell = 300_000.0, 6_800_000.0, cell_km * 1000.0
    rows = []
    for r in range(ny):
        for c in range(nx):
            rows.append((r, c, box(x0 + c * cell, y0 + r * cell, x0 + (c + 1) * cell, y0 + (r + 1) * cell)))
    if island:
        rows.append((0, nx, box(x0 + nx * cell + 3000, y0, x0 + nx * cell + 3000 + cell / 4, y0 + cell / 4)))
    n = len(rows)
    codes = [f"99{i + 1:02d}" for i in range(n)]
    band = [min(fylker - 1, int(c * fylker / max(nx, 1))) for _, c, _ in rows]
    fylkesnr = [f"9{b + 1}" for b in band]
    sizes = list(sizes) if sizes is not None else [int(s) for s in rng.lognormal(8.5, 1.0, n).round()]
    kommuner = gpd.GeoDataFrame({
        "kommunenummer": codes,
        "kommunenavn": [f"Testkommune {i + 1}" for i in range(n)],
        "kommunenavn_kort": [f"Testkommune {i + 1}" for i in range(n)],
        "administrasjonssenter": [f"Sentrum {i + 1}" for i in range(n)],
        "fylkesnummer": fylkesnr,
        "fylkesnavn": [f"Testfylke {f}" for f in fylkesnr],
        "ba_nr": [f"{900 + i // 3}" for i in range(n)],
        "ba_region": [f"BA {i // 3}" for i in range(n)],
        "ba_reisetid_min": rng.uniform(0, 60, n).round(1),
        "utpendling_pct": rng.uniform(0, 40, n).round(1),
        "innpendling_pct": rng.uniform(0, 40, n).round(1),
    }, geometry=[g for *_, g in rows], crs=METRIC_CRS)
    kommuner["areal_km2"] = (kommuner.geometry.area / 1e6).round(2)
    kommuner["area_km2_geom"] = kommuner["areal_km2"]
    kommuner.index = pd.Index(codes)

    population = _population(codes, sizes, years, rng)
    fyl = kommuner.dissolve(by="fylkesnummer", as_index=False)[["fylkesnummer", "fylkesnavn", "geometry"]]
    return Atlas(
        borders=2024,
        kommuner=kommuner,
        population=population,
        fylker=fyl,
        tables={"codes_til_2024": pd.DataFrame(columns=["kommunenummer_original", "kommunenummer_2024", "year", "weight"]),
                "expenditure_index": pd.DataFrame(columns=["kommunenummer", "year", "index"])},
        manifest={"method": "synthetic", "datasets": {}},
        n1000=_n1000(kommuner, island),
    )
