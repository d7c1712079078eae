"""Build and validate the core tables of both border years from raw tables (mirror import or online fetch).

The core is what an :class:`~reformkit.data.atlas.Atlas` loads: per border year a kommune GeoDataFrame
(EPSG:25833), fylker and the population table; plus the code-change tables, BA-regions and the
expenditure-need index. What is computed from these (neighbour graph, centres, travel times) is derived data
(:mod:`reformkit.derived`), built on first use. Every raw table is first checked against its schema
(:data:`reformkit.data.schema.MIRROR`: columns, types, ranges, keys, CRS and envelope); then the tables are
checked against each other and against SSB's figures. Every check that fails is collected and raised at once,
naming the file at fault.
"""
from __future__ import annotations

import io

import geopandas as gpd
import pandas as pd

from .._io import read_bytes_limited
from ..errors import DataError
from ..paths import reference_file
from .crs import METRIC_CRS
from .expected import EXPECTED
from .mirror import FILES, N1000
from .schema import MIRROR
from .validate import check_table, check_totals

SEX_2019 = "total"  # the 2019-border population has both sexes together


def _check_codes(df: pd.DataFrame, name: str, expected: int, problems: list[str], col: str = "kommunenummer") -> None:
    """The number of kommuner (their form and uniqueness are the schema's)."""
    n = df[col].nunique()
    if n != expected:
        problems.append(f"{name}: {n} kommuner, expected {expected}")


def check_raw(raw: dict, problems: list[str]) -> dict:
    """Every raw table against its schema; returns the tables with numbers stored as text read as numbers.
    Problems name the file (``mirror.FILES``) and are added to ``problems``."""
    src = {k: FILES.get(k, k) for k in raw}
    out = {}
    for key, df in raw.items():
        table = MIRROR.get(key)
        if table is None:
            out[key] = df
            continue
        out[key], found = check_table(df, table, src[key], coerce=True)
        problems.extend(found)
    return out


def _population(pop: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "kommunenummer": pop["kommunenummer"].astype(str),
        "year": pop["year"].astype("int16"),
        "age": pop["age"].astype("int16"),
        "sex": pd.Categorical(pop["sex"].astype(str) if "sex" in pop else [SEX_2019] * len(pop)),
        "population": pop["population"].astype("int32"),
    })
    return out.sort_values(["kommunenummer", "year", "sex", "age"], kind="stable").reset_index(drop=True)


def undo_split_inflation(pop: pd.DataFrame, codes_til_2024: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Repair 2019-border counts that the source multiplied by the number of parts of a later split.

    In the mirror's 2019-border population, Tysfjord (split 2020 in two) is doubled in every year and
    Snillfjord (split in three) tripled in 2018–2019: every age count of such a kommune-year is divisible by
    the number of parts ``n`` that ``codes_til_2024`` gives it, which real counts of 106 ages never all are.
    Where a kommune-year has ``n > 1`` parts and all its counts are divisible by ``n``, the counts are divided
    by ``n``. Returns the repaired table and one note per kommune (the manifest and ``data status`` show them).
    """
    if "population" not in pop or codes_til_2024.empty:
        return pop, []
    part = codes_til_2024[codes_til_2024["weight"].astype(float) < 1.0]
    parts = (part.groupby(["kommunenummer_original", "year"])["kommunenummer_2024"].nunique()
             .rename("parts").reset_index().rename(columns={"kommunenummer_original": "kommunenummer"}))
    parts = parts[parts["parts"] > 1]
    key = ["kommunenummer", "year"]
    m = pop[key + ["population"]].merge(parts.astype({"year": pop["year"].dtype}), on=key, how="left")
    n = m["parts"].fillna(1).astype(int).to_numpy()
    divisible = pd.Series(m["population"].to_numpy() % n == 0).groupby([m["kommunenummer"], m["year"]]).transform("all")
    fix = (n > 1) & divisible.to_numpy()
    if not fix.any():
        return pop, []
    out = pop.copy()
    out.loc[fix, "population"] = (pop.loc[fix, "population"].to_numpy() // n[fix]).astype(pop["population"].dtype)
    fixed = m.loc[fix].groupby("kommunenummer").agg(first=("year", "min"), last=("year", "max"), n=("parts", "max"))
    notes = [f"befolkning på 2019-grenser: kommune {code} delt på {int(r.n)} for {int(r.first)}–{int(r.last)} "
             f"(kilden telte den én gang per del av den senere delingen)" for code, r in fixed.iterrows()]
    return out, notes


def _finish_kommuner(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf = gdf.to_crs(METRIC_CRS)
    gdf["area_km2_geom"] = (gdf.geometry.area / 1e6).round(2)
    gdf.index = pd.Index(gdf["kommunenummer"].to_numpy(), name=None)
    return gdf.sort_index()


def _ba_columns(ba: pd.DataFrame) -> pd.DataFrame:
    return ba.rename(columns={"reisetid_min": "ba_reisetid_min"})[
        ["kommunenummer", "ba_nr", "ba_region", "ba_reisetid_min", "utpendling_pct", "innpendling_pct"]]


def build_2024(raw: dict, problems: list[str]) -> dict:
    exp = EXPECTED[2024]
    src = {k: FILES.get(k, k) for k in raw}
    geo_k, reg, ba = raw["kommuner_2024_geo"], raw["register_2024"], raw["ba_regions"]
    _check_codes(geo_k, src["kommuner_2024_geo"], exp["kommuner"], problems)
    _check_codes(reg, src["register_2024"], exp["kommuner"], problems)
    _check_codes(ba, src["ba_regions"], exp["kommuner"], problems)
    fyl = raw["fylker_2024_geo"]
    if fyl["fylkesnummer"].nunique() != exp["fylker"]:
        problems.append(f"{src['fylker_2024_geo']}: {fyl['fylkesnummer'].nunique()} fylker, expected {exp['fylker']}")
    pop = raw["population_2024"]
    _check_codes(pop, src["population_2024"], exp["kommuner"], problems)
    if geo_k.geometry.isna().any() or geo_k.geometry.is_empty.any():
        problems.append(f"{src['kommuner_2024_geo']}: kommuner without geometry")
    for key, df in (("register_2024", reg), ("ba_regions", ba), ("population_2024", pop)):
        missing = sorted(set(geo_k["kommunenummer"]) - set(df["kommunenummer"].unique()))
        if missing:
            problems.append(f"{src[key]}: no rows for kommuner {', '.join(missing[:8])}")
    if problems:
        return {}
    register = reg[["kommunenummer", "kommunenavn_norsk", "administrasjonssenter", "areal_km2",
                    "fylkesnummer", "fylkesnavn"]].rename(columns={"kommunenavn_norsk": "kommunenavn_kort"})
    register = register.assign(areal_km2=pd.to_numeric(register["areal_km2"], errors="coerce"))
    kommuner = (geo_k[["kommunenummer", "kommunenavn", "geometry"]]
                .merge(register, on="kommunenummer", how="left", validate="1:1")
                .merge(_ba_columns(ba), on="kommunenummer", how="left", validate="1:1"))
    kommuner = _finish_kommuner(gpd.GeoDataFrame(kommuner, geometry="geometry", crs=geo_k.crs))
    fylker = gpd.GeoDataFrame(fyl[["fylkesnummer", "fylkesnavn", "geometry"]], crs=fyl.crs).to_crs(METRIC_CRS)
    return {"kommuner": kommuner, "fylker": fylker.sort_values("fylkesnummer").reset_index(drop=True),
            "population": _population(pop)}


def build_2019(raw: dict, problems: list[str], kommuner_2024: gpd.GeoDataFrame | None) -> dict:
    exp = EXPECTED[2019]
    src = {k: FILES.get(k, k) for k in raw}
    geo_k, pop, codes = raw["kommuner_2019_geo"], raw["population_2019"], raw["codes_2013_2020"]
    _check_codes(geo_k, src["kommuner_2019_geo"], exp["kommuner"], problems)
    _check_codes(pop, src["population_2019"], exp["kommuner"], problems)
    names = codes.dropna(subset=["kommunenummer_2019"]).drop_duplicates("kommunenummer_2019")
    missing = sorted(set(geo_k["kommunenummer"]) - set(names["kommunenummer_2019"]))
    if missing:
        problems.append(f"{src['codes_2013_2020']}: no 2019 name for kommuner {', '.join(missing[:8])}")
    if problems:
        return {}
    fylker_csv = reference_file("fylker.csv")
    fylkesnavn = pd.read_csv(io.BytesIO(read_bytes_limited(fylker_csv, 1_000_000, "reference table", DataError)),
                             dtype=str)
    fylkesnavn = fylkesnavn[fylkesnavn.borders == "2019"].set_index("fylkesnummer")["fylkesnavn"]
    kommuner = geo_k[["kommunenummer", "geometry"]].merge(
        names[["kommunenummer_2019", "kommunenavn_2019"]].rename(
            columns={"kommunenummer_2019": "kommunenummer", "kommunenavn_2019": "kommunenavn"}),
        on="kommunenummer", how="left", validate="1:1")
    kommuner["fylkesnummer"] = kommuner["kommunenummer"].str[:2]
    kommuner["fylkesnavn"] = kommuner["fylkesnummer"].map(fylkesnavn)
    # Link each 2019 kommune to the 2024 kommune that took (most of) it, for BA-region and names.
    link = raw["codes_til_2024"]
    link = (link[link["year"] == 2019].sort_values("weight", ascending=False)
            .drop_duplicates("kommunenummer_original")
            .set_index("kommunenummer_original")["kommunenummer_2024"])
    kommuner["kommunenummer_2024"] = kommuner["kommunenummer"].map(link)
    short = {}
    admin = {}
    if kommuner_2024 is not None:
        norsk = set(kommuner_2024["kommunenavn_kort"])
        one_to_one = kommuner["kommunenummer_2024"].map(kommuner["kommunenummer_2024"].value_counts()) == 1
        for code, name, k24, single in zip(kommuner.kommunenummer, kommuner.kommunenavn,
                                           kommuner.kommunenummer_2024, one_to_one):
            parts = [p.strip() for p in str(name).split(" - ")]
            short[code] = next((p for p in parts if p in norsk), parts[0])
            if single and k24 in kommuner_2024.index:
                admin[code] = kommuner_2024.at[k24, "administrasjonssenter"]
        ba = kommuner_2024.set_index("kommunenummer")[["ba_nr", "ba_region"]]
        kommuner = kommuner.join(ba, on="kommunenummer_2024")
    kommuner["kommunenavn_kort"] = kommuner["kommunenummer"].map(short).fillna(kommuner["kommunenavn"])
    kommuner["administrasjonssenter"] = kommuner["kommunenummer"].map(admin)
    kommuner = gpd.GeoDataFrame(kommuner, geometry="geometry", crs=geo_k.crs)
    kommuner = _finish_kommuner(kommuner)
    kommuner["areal_km2"] = kommuner["area_km2_geom"]
    fylker = kommuner.dissolve(by="fylkesnummer", as_index=False)[["fylkesnummer", "geometry"]]
    fylker["fylkesnavn"] = fylker["fylkesnummer"].map(fylkesnavn)
    if fylker["fylkesnummer"].nunique() != exp["fylker"]:
        problems.append(f"{src['kommuner_2019_geo']}: {fylker['fylkesnummer'].nunique()} fylker, expected {exp['fylker']}")
    pop, notes = undo_split_inflation(pop, raw["codes_til_2024"])
    return {"kommuner": kommuner, "fylker": fylker[["fylkesnummer", "fylkesnavn", "geometry"]],
            "population": _population(pop), "notes": notes}


def check_population(tables: dict, borders: int, problems: list[str], name: str) -> None:
    """National totals must equal SSB's published figures."""
    pop = tables["population"]
    for year, expected in EXPECTED[borders]["population"].items():
        total = int(pop.loc[pop["year"] == year, "population"].sum())
        if total != expected:
            problems.append(f"{name}: national population 1 January {year} is {total:,}, SSB reports {expected:,}")


def build_core(raw: dict) -> dict:
    """Validate raw tables and build the core: ``{2024: {...}, 2019: {...}, "tables": {...}}``.

    Raises DataError listing every problem, each naming the file it comes from.
    """
    problems: list[str] = []
    raw = check_raw(raw, problems)
    if problems:   # the steps below assume well-formed tables
        raise DataError("the data is not valid; nothing was changed in the cache", problems)
    core24 = build_2024(raw, problems)
    if core24:
        check_population(core24, 2024, problems, FILES["population_2024"])
        problems.extend(check_totals(raw, {k: FILES.get(k, k) for k in raw}))
    core19 = build_2019(raw, problems, core24.get("kommuner") if core24 else None)
    if problems:
        raise DataError("the data is not valid; nothing was changed in the cache", problems)
    tables = {
        "codes_til_2024": raw["codes_til_2024"].astype({"year": "int16", "weight": "float64"}),
        "codes_2013_2020": raw["codes_2013_2020"],
        "expenditure_index": raw.get("expenditure_index", pd.DataFrame(columns=["kommunenummer", "year", "index"])),
    }
    geo = {key: n1000(raw[key], key, problems) for key in N1000 if key in raw}
    if problems:
        raise DataError("the data is not valid; nothing was changed in the cache", problems)
    return {2024: core24, 2019: core19, "tables": tables, "geo": geo,
            "notes": core24.get("notes", []) + core19.get("notes", [])}


def n1000(gdf: gpd.GeoDataFrame, key: str, problems: list[str]) -> gpd.GeoDataFrame:
    """An N1000 layer in EPSG:25833 with plain columns (no index), or a problem naming the file."""
    if gdf.crs is None:
        problems.append(f"{FILES[key]}: no coordinate reference system (expected EPSG:{METRIC_CRS})")
        return gdf
    if gdf.empty or gdf.geometry.isna().any():
        problems.append(f"{FILES[key]}: empty file or features without geometry")
    return gdf.to_crs(METRIC_CRS).reset_index(drop=True)
