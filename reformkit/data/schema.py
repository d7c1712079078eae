"""Schemas of the data, as tables: what every mirror file and every cache file must hold.

One :class:`Table` per dataset lists its columns (:class:`Column`: kind, range, whether it may be empty or
may be missing), the columns that together identify a row (``key``: no two rows share it), complete groups
(``complete``: every group of rows holds every combination, e.g. all ages and sexes of a kommune-year), and
for geometry the CRS and Norway's envelope. :data:`TOTALS` lists figures that two tables must agree on.

The same checks run on import and fetch (:data:`MIRROR`, by the keys of :data:`reformkit.data.mirror.FILES`,
from :func:`reformkit.data.core.build_core`) and when the cache is loaded (:data:`CACHE`, from
:func:`reformkit.data.atlas.validate_atlas`), so a broken mirror or cache gives one line per fault naming the
file, the column and the rows — never a traceback, never a silently wrong number.

To add a dataset (e.g. ``roads/veglenker-n1000.parquet``), give it a key in ``mirror.FILES`` and a ``Table``
here under the same key, and call :func:`check_table` where it is read::

    MIRROR["roads"] = Table((Column("vegkategori", "text", values=("E", "R", "F", "K", "P")),
                             Column("geometry", "geometry")), geometry=LINES, crs=METRIC_CRS)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import GEOMETRY_TYPES

from .crs import METRIC_CRS, WEB_CRS

#: Geometry types allowed by default and for line and point datasets.
POLYGONS = ("Polygon", "MultiPolygon")
LINES = ("LineString", "MultiLineString")
POINTS = ("Point", "MultiPoint")
#: Mainland Norway with a margin, in lon/lat (EPSG:4326): every kommune lies inside it.
ENVELOPE_LONLAT = (3.0, 57.0, 33.0, 72.0)
#: Text patterns of the code kinds.
PATTERNS = {"code4": r"\d{4}", "code2": r"\d{2}"}


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is ``number``, ``int`` (whole numbers), ``code4`` / ``code2`` (kommune / fylke
    numbers as 4 / 2 digit text), ``text`` or ``geometry``; ``low``/``high`` bound numbers (inclusive);
    ``values`` lists the allowed texts; ``nullable`` allows empty cells; ``required=False`` allows the column
    to be absent (it is checked when present)."""

    name: str
    kind: str = "number"
    low: float | None = None
    high: float | None = None
    nullable: bool = False
    values: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Table:
    """A dataset's schema (see the module docstring). ``crs``: the CRS (EPSG code) the data must declare, or
    None for any declared CRS (an offline mirror's files may come in any; the envelope still applies).
    ``first_row``/``row`` number the rows in messages as the file does (CSV: line 2 is the first record)."""

    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    complete: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    crs: int | None = None
    geometry: tuple[str, ...] = POLYGONS
    first_row: int = 1
    row: str = "row"

    def required(self) -> list[str]:
        """Names of the columns the data must have."""
        return [c.name for c in self.columns if c.required]


@dataclass(frozen=True)
class Total:
    """``column`` of table ``table`` must equal, per ``by``, the sum of ``of_column`` in table ``of``
    over the rows where ``year`` is ``year`` (e.g. the register's population against the population table)."""

    table: str
    column: str
    of: str
    of_column: str
    year: int
    by: str = "kommunenummer"


def _c(name: str, kind: str = "number", low: float | None = None, high: float | None = None, **kw) -> Column:
    return Column(name, kind, low, high, **kw)


CODE, FYLKE, NAME = _c("kommunenummer", "code4"), _c("fylkesnummer", "code2"), _c("kommunenavn", "text")
YEAR, AGE = _c("year", "int", 1900, 2100), _c("age", "int", 0, 105)
COUNT = _c("population", "int", 0, 1_000_000)
MINUTES, PCT = dict(low=0, high=600), dict(low=0, high=100)
CSV = dict(first_row=2, row="line")
BA = (_c("ba_nr", "text", nullable=True), _c("ba_region", "text", nullable=True))

#: The raw tables of an offline mirror or an online fetch, by the keys of ``mirror.FILES``.
MIRROR: dict[str, Table] = {
    "kommuner_2024_geo": Table((CODE, NAME, _c("geometry", "geometry")), key=("kommunenummer",), row="feature"),
    "fylker_2024_geo": Table((FYLKE, _c("fylkesnavn", "text"), _c("geometry", "geometry")), key=("fylkesnummer",),
                             row="feature"),
    "kommuner_2019_geo": Table((CODE, NAME, _c("geometry", "geometry")), key=("kommunenummer",), row="feature"),
    "population_2024": Table((CODE, YEAR, AGE, _c("sex", "text", values=("female", "male")), COUNT),
                             key=("kommunenummer", "year", "age", "sex"),
                             complete=(("kommunenummer", "year"), ("age", "sex"))),
    "population_2019": Table((CODE, YEAR, AGE, COUNT), key=("kommunenummer", "year", "age"),
                             complete=(("kommunenummer", "year"), ("age",))),
    "register_2024": Table((CODE, NAME, _c("kommunenavn_norsk", "text"),
                            _c("administrasjonssenter", "text", nullable=True), _c("areal_km2", low=0.01, high=50_000),
                            FYLKE, _c("fylkesnavn", "text"), _c("population_2024", "int", 0, 2_000_000, required=False)),
                           key=("kommunenummer",), **CSV),
    "ba_regions": Table((CODE, *BA, _c("reisetid_min", nullable=True, **MINUTES),
                         _c("utpendling_pct", nullable=True, **PCT), _c("innpendling_pct", nullable=True, **PCT)),
                        key=("kommunenummer",), **CSV),
    "codes_til_2024": Table((_c("kommunenummer_original", "code4"), _c("kommunenummer_2024", "code4"), YEAR,
                             _c("weight", low=0.0, high=1.0)),
                            key=("kommunenummer_original", "kommunenummer_2024", "year"), **CSV),
    "codes_2013_2020": Table(tuple(c for y in (2013, 2017, 2018, 2019, 2020) for c in (
        _c(f"kommunenummer_{y}", "code4", nullable=True), _c(f"kommunenavn_{y}", "text", nullable=True))), **CSV),
    "expenditure_index": Table((CODE, YEAR, _c("index", low=0.1, high=10.0)), key=("kommunenummer", "year")),
}

_KOMMUNER = (CODE, NAME, _c("kommunenavn_kort", "text"), FYLKE, _c("fylkesnavn", "text"),
             _c("administrasjonssenter", "text", nullable=True), _c("areal_km2", low=0.01, high=50_000),
             *BA, *(Column(c.name, c.kind, c.low, c.high, nullable=True, required=False) for c in (  # not on 2019 borders
                 _c("ba_reisetid_min", **MINUTES), _c("utpendling_pct", **PCT), _c("innpendling_pct", **PCT))),
             _c("area_km2_geom", low=0, high=50_000),
             _c("geometry", "geometry"))

#: The tables of the data cache (both border years), by file stem.
CACHE: dict[str, Table] = {
    "kommuner": Table(_KOMMUNER, key=("kommunenummer",), crs=METRIC_CRS),
    "fylker": Table((FYLKE, _c("fylkesnavn", "text"), _c("geometry", "geometry")), key=("fylkesnummer",),
                    crs=METRIC_CRS),
    "population": Table((CODE, YEAR, AGE, _c("sex", "text", values=("female", "male", "total")), COUNT),
                        key=("kommunenummer", "year", "sex", "age"),   # the order the cache is sorted in
                        complete=(("kommunenummer", "year"), ("age", "sex"))),
    "codes_til_2024": MIRROR["codes_til_2024"],
    "codes_2013_2020": MIRROR["codes_2013_2020"],
    "expenditure_index": MIRROR["expenditure_index"],
}

#: The cache manifest's fields and their JSON types (``required`` ones must be there); one ``BORDERS`` entry per
#: border year under ``borders``.
MANIFEST = {"borders": (dict, True), "datasets": (dict, True), "method": (str, False), "origin": (str, False),
            "created": (str, False), "retrieved": (str, False), "corrections": (list, False)}
BORDERS = {"kommuner": int, "fylker": int, "population_years": list, "population_latest": int}

#: Figures two mirror tables must agree on.
TOTALS = (Total("register_2024", "population_2024", "population_2024", "population", 2024),)


# ---- checks -------------------------------------------------------------------------------------------------------
def _rows(mask: np.ndarray, table: Table) -> str:
    where = np.flatnonzero(mask)
    shown = ", ".join(str(i + table.first_row) for i in where[:5])
    return f"{table.row}(s) {shown}" + (f" and {len(where) - 5} more" if len(where) > 5 else "")


def _example(series: pd.Series, mask: np.ndarray) -> str:
    value = series.iloc[int(np.flatnonzero(mask)[0])]
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return f"{float(value):g}"
    return repr(str(value))


def _is_text(series: pd.Series) -> bool:
    if series.isna().all():
        return True   # an empty column of any type (a fetch leaves some empty); ``nullable`` judges it
    if isinstance(series.dtype, pd.CategoricalDtype):
        return _is_text(pd.Series(series.cat.categories))
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return True
    return pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")


def _number(s: pd.Series, col: Column, table: Table, coerce: bool, out: list[str]) -> pd.Series | None:
    """Check a number column, adding every fault to ``out``; return it read as numbers when it was stored
    as text (import only), else None."""
    if s.empty:
        return None
    coerced = None
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        if not coerce:
            out.append(f"column {col.name} holds {s.dtype} values; expected numbers")
            return None
        text = s.astype("string").str.strip()
        coerced = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = (text.notna() & (text != "")).to_numpy() & coerced.isna().to_numpy()
        if bad.any():
            out.append(f"column {col.name}: not a number in {_rows(bad, table)} (e.g. {_example(s, bad)})")
            return None
    values = (s if coerced is None else coerced).to_numpy(dtype=float, na_value=np.nan)
    whole = col.kind != "int" or pd.api.types.is_integer_dtype(s.dtype)
    if (np.isfinite(values).all() and (col.low is None or values.min() >= col.low)
            and (col.high is None or values.max() <= col.high) and (whole or not (values % 1).any())):
        return coerced   # the common case, checked in one pass per test
    empty = np.isnan(values)
    if empty.any() and not col.nullable:
        out.append(f"column {col.name}: empty (NaN) in {_rows(empty, table)}")
    with np.errstate(invalid="ignore"):
        checks = ((np.isinf(values), "not a finite number"),
                  (np.isfinite(values) & (values % 1 != 0) if col.kind == "int" else None, "not a whole number"),
                  (values < col.low if col.low is not None else None, f"below {col.low:g}"),
                  (values > col.high if col.high is not None else None, f"above {col.high:g}"))
    for mask, what in checks:
        if mask is not None and mask.any():
            out.append(f"column {col.name}: {what} in {_rows(mask, table)} (e.g. {_example(s, mask)})")
    return coerced


def _text(s: pd.Series, col: Column, table: Table, out: list[str]) -> None:
    if not _is_text(s):
        out.append(f"column {col.name} holds {s.dtype} values; expected text")
        return
    empty = s.isna().to_numpy()
    if empty.any() and not col.nullable:
        out.append(f"column {col.name}: empty in {_rows(empty, table)}")
    uniques = pd.Series(pd.unique(s.dropna()), dtype=object).astype(str)
    if col.kind in PATTERNS:
        wrong = uniques[~uniques.str.fullmatch(PATTERNS[col.kind])]
        what = "kommune" if col.kind == "code4" else "fylke"
    else:
        wrong = uniques[~uniques.isin(col.values)] if col.values else uniques.iloc[:0]
        what = None
    if len(wrong):
        bad = s.astype(object).isin(set(wrong)).to_numpy()
        expected = f"a {what} number of {col.kind[-1]} digits" if what else f"one of {', '.join(col.values)}"
        out.append(f"column {col.name}: not {expected} in {_rows(bad, table)} (e.g. {wrong.iloc[0]!r})")


def _duplicates(df: pd.DataFrame, key: tuple[str, ...]) -> np.ndarray:
    """Rows whose key an earlier row has. Fast path: the key as one integer, already strictly increasing."""
    codes, size = np.zeros(len(df), dtype=np.int64), 1
    for name in key:
        col_codes, uniques = pd.factorize(df[name], sort=True)
        size *= len(uniques) + 1
        if size > 2**62:
            return df.duplicated(list(key)).to_numpy()
        codes = codes * (len(uniques) + 1) + col_codes
    if len(codes) < 2 or (np.diff(codes) > 0).all():
        return np.zeros(len(df), dtype=bool)
    return pd.Series(codes).duplicated().to_numpy()


def _incomplete(df: pd.DataFrame, table: Table) -> str | None:
    groups, within = table.complete
    within = [c for c in within if c in df.columns]
    expected = math.prod(df[c].nunique() for c in within)
    sizes = df.groupby(list(groups), observed=True, sort=False).size()
    short = sizes[sizes != expected]
    if short.empty:
        return None
    first = ", ".join(f"{g} {v}" for g, v in zip(groups, np.atleast_1d(short.index[0])))
    return (f"{len(short)} group(s) of {', '.join(groups)} lack some of the {expected} combinations of "
            f"{', '.join(within)} (e.g. {first}: {int(short.iloc[0])} rows)")


def check_table(df: pd.DataFrame, table: Table, source: str, coerce: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Check ``df`` against ``table``; return (the table with numbers coerced, problems naming ``source``).

    ``coerce=True`` (import) reads numbers stored as text and reports what is not a number; ``coerce=False``
    (cache) wants the stored types. Keys, complete groups and geometry are checked once the columns are right.
    """
    missing = [c for c in table.required() if c not in df.columns]
    if missing:
        has = ", ".join(map(str, df.columns))
        return df, [f"{source}: missing column(s) {', '.join(missing)} (has {has})"]
    out: list[str] = []
    numbers = {}
    for col in table.columns:
        if col.name not in df.columns or col.kind == "geometry":
            continue
        if col.kind in ("number", "int"):
            s = _number(df[col.name], col, table, coerce, out)
            if s is not None:
                numbers[col.name] = s
        else:
            _text(df[col.name], col, table, out)
    if not out:
        df = df.assign(**numbers) if numbers else df
        dup = _duplicates(df, table.key) if table.key else np.zeros(0, dtype=bool)
        if dup.any():
            out.append(f"{', '.join(table.key)} repeated in {_rows(dup, table)} (each may appear once)")
        elif table.complete:
            out.append(_incomplete(df, table) or "")
        if any(c.kind == "geometry" for c in table.columns):
            out.extend(check_geometry(df, table))
    return df, [f"{source}: {p}" for p in out if p]


@lru_cache(maxsize=8)
def envelope(epsg: int) -> tuple[float, float, float, float]:
    """Norway's envelope (:data:`ENVELOPE_LONLAT`) in the CRS ``epsg`` (a few km of margin)."""
    if epsg == WEB_CRS:
        return ENVELOPE_LONLAT
    t = pyproj.Transformer.from_crs(WEB_CRS, epsg, always_xy=True)
    x0, y0, x1, y1 = t.transform_bounds(*ENVELOPE_LONLAT, densify_pts=50)
    return x0 - 5_000, y0 - 5_000, x1 + 5_000, y1 + 5_000


def check_geometry(gdf, table: Table) -> list[str]:
    """CRS, missing or wrong-typed geometry, and every geometry finite and inside Norway's envelope."""
    crs = getattr(gdf, "crs", None)
    if crs is None:
        return ["no coordinate reference system (CRS) is declared"]
    epsg = crs.to_epsg()
    if table.crs is not None and epsg != table.crs:
        return [f"the CRS is {crs.name} (EPSG:{epsg}), expected EPSG:{table.crs}"]
    geoms = gdf.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        return [f"no geometry in {_rows(empty, table)}"]
    types = np.asarray(GEOMETRY_TYPES)[shapely.get_type_id(geoms)]
    wrong = ~np.isin(types, table.geometry)
    if wrong.any():
        return [f"geometry of type {types[wrong][0]} in {_rows(wrong, table)}; expected {' or '.join(table.geometry)}"]
    if epsg is None or epsg not in (WEB_CRS, METRIC_CRS):
        bounds = shapely.bounds(gdf.geometry.to_crs(WEB_CRS).to_numpy())
        epsg = WEB_CRS
    else:
        bounds = shapely.bounds(geoms)
    x0, y0, x1, y1 = envelope(epsg)
    with np.errstate(invalid="ignore"):
        outside = (~np.isfinite(bounds).all(axis=1) | (bounds[:, 0] < x0) | (bounds[:, 1] < y0)
                   | (bounds[:, 2] > x1) | (bounds[:, 3] > y1))
    if not outside.any():
        return []
    b = ", ".join(f"{v:.6g}" for v in bounds[int(np.flatnonzero(outside)[0])])
    read_as = f"read as {crs.name} (EPSG:{crs.to_epsg()})"
    if outside.all():
        note = f" ({gdf.attrs['crs_note']})" if gdf.attrs.get("crs_note") else ""
        return [f"every geometry lies outside Norway {read_as} (e.g. bounds {b}); is the CRS right?{note}"]
    return [f"geometry outside Norway {read_as} in {_rows(outside, table)} (bounds {b})"]


def check_manifest(doc: object, border_years: tuple[int, ...]) -> list[str]:
    """What is wrong with a cache manifest (see :data:`MANIFEST`), one line per fault."""
    if not isinstance(doc, dict):
        return [f"the manifest is a JSON {type(doc).__name__}, expected an object"]
    out = [f"field {name!r} is missing" if name not in doc else f"field {name!r} is not a {kind.__name__}"
           for name, (kind, required) in MANIFEST.items()
           if (name in doc or required) and not isinstance(doc.get(name), kind)]
    for year in border_years if isinstance(doc.get("borders"), dict) else ():
        entry = doc["borders"].get(str(year))
        if not isinstance(entry, dict):
            out.append(f"borders.{year} is missing")
            continue
        out += [f"borders.{year}.{name} is not a {kind.__name__}" for name, kind in BORDERS.items()
                if not isinstance(entry.get(name), kind) or isinstance(entry.get(name), bool)]
    if isinstance(doc.get("datasets"), dict):
        out += [f"datasets.{name} has no attribution text" for name, d in doc["datasets"].items()
                if not (isinstance(d, dict) and isinstance(d.get("attribution"), str))]
    return out


def check_totals(tables: dict[str, pd.DataFrame], sources: dict[str, str]) -> list[str]:
    """The :data:`TOTALS` that both tables of which are present."""
    out = []
    for t in TOTALS:
        a, b = tables.get(t.table), tables.get(t.of)
        if a is None or b is None or t.column not in a.columns:
            continue
        given = pd.to_numeric(a.set_index(t.by)[t.column], errors="coerce")
        summed = b.loc[b["year"] == t.year].groupby(t.by, observed=True)[t.of_column].sum()
        diff = given.sub(summed.reindex(given.index).fillna(0)).dropna()
        diff = diff[diff != 0]
        if len(diff):
            code = diff.index[0]
            out.append(f"{sources.get(t.table, t.table)}: column {t.column} differs from the sum of "
                       f"{sources.get(t.of, t.of)} in {t.year} for {len(diff)} kommune(r) (e.g. {t.by} {code}: "
                       f"{given[code]:,.0f} against {summed.get(code, 0):,.0f})")
    return out


__all__ = ["Column", "Table", "Total", "MIRROR", "CACHE", "TOTALS", "check_table", "check_geometry",
           "check_totals", "envelope", "FILES"]
