"""The checks behind :mod:`reformkit.data.schema`: a table, its geometry, the totals and the cache manifest.

Each check returns one line per fault, naming the column and the rows (``line`` numbers for CSV files,
``feature`` numbers for GeoJSON) with an example value; the caller prefixes the file. Common cases stay
fast (one pass per test over a column, a key that is already sorted is unique without hashing), since the
cache is checked on every load.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import GEOMETRY_TYPES

from .crs import METRIC_CRS, WEB_CRS
from .schema import BORDERS, ENVELOPE_LONLAT, MANIFEST, PATTERNS, TOTALS, Column, Table


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


__all__ = ["check_table", "check_geometry", "check_manifest", "check_totals", "envelope"]
