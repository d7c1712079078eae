"""The Atlas: the validated in-memory dataset for one border year, loaded from the cache."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyproj

from ..errors import CacheMissingError, DataError
from ..paths import cache_dir
from . import cache
from .expected import EXPECTED
from .schema import CACHE
from .validate import check_table
from .store import DerivedStore

BORDER_YEARS = cache.BORDER_YEARS
#: The supporting tables every core holds (``core/tables/<name>.parquet``).
TABLES = ("codes_til_2024", "codes_2013_2020", "expenditure_index")


@dataclass(eq=False)
class Atlas:
    """Validated data for one border year. Treat the tables as read-only: the Atlas may be shared.

    Attributes
    ----------
    borders : int
        Border year (2024 or 2019) the kommune numbers refer to.
    kommuner : GeoDataFrame
        One row per kommune, indexed by kommunenummer (also a column), EPSG:25833: kommunenummer,
        kommunenavn (official, incl. Sami/Kven forms), kommunenavn_kort (Norwegian short form), fylkesnummer,
        fylkesnavn, administrasjonssenter, areal_km2, ba_nr, ba_region, ba_reisetid_min, geometry.
    population : DataFrame
        Population 1 January, long format: kommunenummer, year, age (0–105, 105 = 105+), sex
        (female/male; "total" for 2019 borders), population.
    fylker : GeoDataFrame
        fylkesnummer, fylkesnavn, geometry (EPSG:25833).
    tables : dict
        Supporting tables: codes_til_2024, codes_2013_2020, expenditure_index.
    manifest : dict
        Where the data came from (sources, retrieval date).
    n1000 : dict
        Kartverket N1000 layers shared by both border years (``roads``, ``places``, ``builtup``), read from the
        cache on first use by :meth:`geo_table`.
    store : DerivedStore
        The derived datasets of this Atlas (neighbour graph, centres, travel times, population cube …), built
        on first use by :mod:`reformkit.derived` and kept in memory and in the cache.

    Examples
    --------
    >>> import reformkit as rk
    >>> atlas = rk.load_atlas(borders=2024)
    >>> len(atlas.kommuner)
    357
    """

    borders: int
    kommuner: gpd.GeoDataFrame
    population: pd.DataFrame
    fylker: gpd.GeoDataFrame
    tables: dict[str, pd.DataFrame]
    manifest: dict
    cache_path: Path | None = None
    n1000: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, repr=False)
    store: DerivedStore = field(init=False, repr=False)
    _extras: dict[str, tuple[int | None, pd.DataFrame | None]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        # A new store for every Atlas, also one made by dataclasses.replace (its tables differ, so must its
        # derived data); only an Atlas read from a cache keeps derived data on disk.
        self.store = DerivedStore(self.cache_path if self.generation else None)

    def __repr__(self) -> str:
        years = self.years
        return (f"<Atlas borders={self.borders}: {len(self.kommuner)} kommuner, {len(self.fylker)} fylker, "
                f"population {years[0]}–{years[-1]}>")

    @cached_property
    def years(self) -> list[int]:
        """Years with observed population (1 January)."""
        return sorted(int(y) for y in self.population["year"].unique())

    @property
    def generation(self) -> str | None:
        """When the cache this Atlas was read from was built (None for a hand-built Atlas): part of every
        derived dataset's key, so a new import never reuses derived data of the old one."""
        return self.manifest.get("created")

    @property
    def codes(self) -> list[str]:
        """All kommune numbers, sorted."""
        return self.kommuner.index.tolist()   # list(index) iterates an Arrow string index ten times slower

    def in_fylke(self, fylkesnummer: str | list[str]) -> list[str]:
        """Kommune numbers of one or more fylker."""
        wanted = [fylkesnummer] if isinstance(fylkesnummer, str) else list(fylkesnummer)
        return self.kommuner.index[self.kommuner["fylkesnummer"].isin(wanted)].tolist()

    def extra(self, name: str) -> pd.DataFrame | None:
        """An optional online dataset of this Atlas's cache (e.g. "kostra", "ssb_projection"), or None when it
        has not been fetched (or the Atlas was built by hand). Read once, and again after a new fetch."""
        stamp = self.extra_stamp(name)
        if name not in self._extras or self._extras[name][0] != stamp:
            self._extras[name] = (stamp, cache.read_extra(name, self.cache_path) if stamp is not None else None)
        return self._extras[name][1]

    def extra_stamp(self, name: str) -> int | None:
        """When the optional dataset ``name`` was last written (nanoseconds), or None when it is not there: a key
        for what is computed from it."""
        if self.cache_path is None:
            return None
        path = cache.extra_dir(self.cache_path) / f"{name}.parquet"
        return path.stat().st_mtime_ns if path.is_file() else None

    def geo_table(self, name: str) -> gpd.GeoDataFrame:
        """An N1000 layer of the cache, read on first use (``roads``, ``places`` or ``builtup``; EPSG:25833).

        Shared by both border years; CacheMissingError naming the fix when the cache predates them.
        """
        if name not in self.n1000:
            if self.cache_path is None:
                raise CacheMissingError(f"this Atlas has no {name!r} layer (a hand-built Atlas passes n1000=...)")
            path = cache.core_dir(self.cache_path) / "geo" / f"{name}.parquet"
            table, problems = check_table(_read(path, geo=True), CACHE[name], str(path))
            if problems:
                raise CacheMissingError(f"the cached {name} layer is not valid; {cache.FIX_HINT}", problems)
            self.n1000[name] = table
        return self.n1000[name]

    def attribution(self) -> list[str]:
        """Attribution lines for the datasets this Atlas was built from."""
        return list(dict.fromkeys(d["attribution"] for d in self.manifest.get("datasets", {}).values()))


@functools.lru_cache(maxsize=8)
def _crs(projjson: str) -> pyproj.CRS:
    """The CRS of a GeoParquet column. Built from its EPSG code when it has one: pyproj takes ~60 ms to parse
    a PROJJSON definition but ~2 ms to look up the same CRS by code (the two compare equal)."""
    crs = json.loads(projjson)
    ident = crs.get("id") if isinstance(crs, dict) else None
    if isinstance(ident, dict) and str(ident.get("authority")).upper() == "EPSG":
        return pyproj.CRS.from_epsg(int(ident["code"]))
    return pyproj.CRS.from_user_input(crs)


def _read_geoparquet(path: Path) -> gpd.GeoDataFrame:
    """``gpd.read_parquet`` for the cache's own files (WKB geometry), with the CRS memoised (see :func:`_crs`)."""
    meta = json.loads(pq.read_schema(path).metadata[b"geo"])
    column = meta["primary_column"]
    info = meta["columns"][column]
    if str(info.get("encoding", "WKB")).upper() != "WKB":
        return gpd.read_parquet(path)
    df = pd.read_parquet(path)
    crs = _crs(json.dumps(info["crs"], sort_keys=True)) if info.get("crs") else None
    df[column] = gpd.GeoSeries.from_wkb(df[column].to_numpy(), index=df.index, crs=crs)
    return gpd.GeoDataFrame(df, geometry=column, crs=crs)


def _read(path: Path, geo: bool = False):
    if not path.is_file():
        raise CacheMissingError(f"{path}: missing from the data cache; {cache.FIX_HINT}")
    try:
        return _read_geoparquet(path) if geo else pd.read_parquet(path)
    except Exception as exc:
        raise CacheMissingError(f"{path}: corrupt cache file ({type(exc).__name__}); {cache.FIX_HINT}") from None


def read_atlas(borders: int = 2024, root: str | Path | None = None) -> Atlas:
    """Read an Atlas from the cache without memoisation (see :func:`load_atlas`)."""
    if borders not in BORDER_YEARS:
        raise DataError(f"borders={borders!r}: no such border year; choose one of {', '.join(map(str, BORDER_YEARS))}")
    root = Path(root) if root else cache_dir()
    manifest = cache.read_manifest(root)
    folder = cache.core_dir(root) / f"borders-{borders}"
    kommuner = _read(folder / "kommuner.parquet", geo=True)
    kommuner = kommuner.drop(columns=["centre"], errors="ignore")   # caches built before centres were derived
    atlas = Atlas(
        borders=borders,
        kommuner=kommuner,
        population=_read(folder / "population.parquet"),
        fylker=_read(folder / "fylker.parquet", geo=True),
        tables={p.stem: _read(p) for p in sorted((cache.core_dir(root) / "tables").glob("*.parquet"))},
        manifest=manifest,
        cache_path=root,
    )
    validate_atlas(atlas)
    return atlas


def _schema_problems(atlas: Atlas) -> list[str]:
    """Every core table of ``atlas`` against its schema (:data:`reformkit.data.schema.CACHE`)."""
    core = cache.core_dir(atlas.cache_path) if atlas.cache_path is not None else Path("core")
    folder = core / f"borders-{atlas.borders}"
    problems = [p for name, df in (("kommuner", atlas.kommuner), ("fylker", atlas.fylker),
                                   ("population", atlas.population))
                for p in check_table(df, CACHE[name], str(folder / f"{name}.parquet"))[1]]
    problems += [f"{core / 'tables' / name}.parquet: missing from the cache" for name in TABLES
                 if name not in atlas.tables]
    problems += [p for name, df in atlas.tables.items() if name in CACHE
                 for p in check_table(df, CACHE[name], str(core / "tables" / f"{name}.parquet"))[1]]
    return problems


def validate_atlas(atlas: Atlas) -> None:
    """Checks run on every load: each table against its schema (columns, types, ranges, keys, CRS, Norway's
    envelope), then counts and coverage; raise CacheMissingError listing the faults, each naming its file."""
    exp = EXPECTED[atlas.borders]
    problems = _schema_problems(atlas)
    if not problems:
        if len(atlas.kommuner) != exp["kommuner"]:
            problems.append(f"{len(atlas.kommuner)} kommuner, expected {exp['kommuner']}")
        if atlas.fylker["fylkesnummer"].nunique() != exp["fylker"]:
            problems.append(f"{atlas.fylker['fylkesnummer'].nunique()} fylker, expected {exp['fylker']}")
        if list(atlas.kommuner.index) != list(atlas.kommuner["kommunenummer"]):
            problems.append("the kommune table's index is not its kommunenummer column")
        if set(atlas.population["kommunenummer"].unique()) != set(atlas.kommuner.index):
            problems.append("population and kommune tables cover different kommuner")
    if problems:
        raise CacheMissingError(f"the cached {atlas.borders} atlas is not valid; {cache.FIX_HINT}", problems)


_MEMO: dict[tuple, Atlas] = {}


def load_atlas(borders: int = 2024, root: str | Path | None = None) -> Atlas:
    """Load the Atlas for a border year (2024 or 2019) from the data cache.

    The result is memoised per process (keyed on the cache's manifest), so notebooks and the workbench can
    call this freely. Raises :class:`~reformkit.errors.CacheMissingError` naming the command to run when the
    cache is empty.

    >>> atlas = load_atlas(2024)
    >>> atlas.kommuner.loc["1505", "kommunenavn"]
    'Kristiansund'
    """
    root_path = Path(root) if root else cache_dir()
    manifest_path = cache.core_dir(root_path) / cache.MANIFEST
    stamp = manifest_path.stat().st_mtime_ns if manifest_path.exists() else None
    key = (borders, str(root_path), stamp)
    if key not in _MEMO:
        _MEMO[key] = read_atlas(borders, root_path)
    return _MEMO[key]
