"""Read an offline mirror laid out like ``../shared/data`` into raw tables (see its README).

Each reader checks that its file exists, is a regular file of reasonable size (read through
:func:`reformkit._io.read_bytes_limited`) and has the columns its schema (:data:`reformkit.data.schema.MIRROR`)
requires, and names the file when it does not. Normalisation here is only of form (kommune numbers to
4-character strings, CRS recorded); the content is checked against the schema by
:func:`reformkit.data.core.build_core`.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from .._io import read_bytes_limited
from ..errors import DataError
from .schema import MIRROR

FILES = {
    "kommuner_2024_geo": "boundaries/kommuner-2024.geojson",
    "fylker_2024_geo": "boundaries/fylker-2024.geojson",
    "kommuner_2019_geo": "boundaries/kommuner-2019.geojson",
    "population_2024": "population/population-2024-borders.parquet",
    "population_2019": "population/population-2019-borders.parquet",
    "register_2024": "kommuner/kommuner-2024.csv",
    "ba_regions": "kommuner/ba-regioner.csv",
    "codes_til_2024": "kommuner/kommunenummer-til-2024.csv",
    "codes_2013_2020": "kommuner/kommunenummer-2013-2020.csv",
    "roads": "roads/veglenker-n1000.parquet",
    "places": "places/stedsnavn-n1000.parquet",
    "builtup": "places/tettbebyggelse-n1000.parquet",
}
#: Kartverket N1000 layers (GeoParquet, EPSG:25833) shared by both border years: the road network, place names
#: and built-up areas that kommune centres and travel times are derived from (reformkit.geodata).
N1000 = ("roads", "places", "builtup")
INDEX_FILES = "inntektssystem/utgiftsbehovsindeks-*.json"  # optional

#: The columns each file must have (from its schema).
COLUMNS = {key: MIRROR[key].required() for key in FILES}
#: The largest mirror file is a few MB; a file of this size is not one of them.
MAX_FILE_BYTES = 256_000_000
#: Why the coordinates of a GeoJSON without a ``crs`` member are read as lon/lat.
NO_CRS_NOTE = "the file declares no crs, so WGS84 lon/lat was assumed (RFC 7946); give its crs member"
CODE_COLUMNS = ("kommunenummer", "kommunenummer_original", "kommunenummer_2024", "kommunenummer_2013",
                "kommunenummer_2017", "kommunenummer_2018", "kommunenummer_2019", "kommunenummer_2020")


def _code(series: pd.Series, width: int = 4) -> pd.Series:
    """Kommune/fylke numbers as zero-padded strings whatever the file stored (int, float or str)."""
    s = series.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    return s.str.zfill(width).where(series.notna())


def _read_geojson(data: bytes) -> gpd.GeoDataFrame:
    df = gpd.read_file(io.BytesIO(data))
    doc = json.loads(data)
    if not (isinstance(doc, dict) and doc.get("crs")):
        df = df.set_crs(4326, allow_override=True)
        df.attrs["crs_note"] = NO_CRS_NOTE
    return df


def _read_one(key: str, path: Path) -> pd.DataFrame:
    data = read_bytes_limited(path, MAX_FILE_BYTES, "mirror file", DataError)
    suffix = path.suffix
    if suffix == ".geojson":
        return _read_geojson(data)
    if suffix == ".parquet":
        meta = pq.ParquetFile(io.BytesIO(data)).schema_arrow.metadata or {}
        # GeoParquet (roads, places) keeps its geometry and CRS; a plain table is read as one
        return gpd.read_parquet(io.BytesIO(data)) if b"geo" in meta else pd.read_parquet(io.BytesIO(data))
    if key == "codes_2013_2020":
        return pd.read_csv(io.BytesIO(data), sep=";", dtype=str)
    return pd.read_csv(io.BytesIO(data), dtype={c: str for c in CODE_COLUMNS + ("fylkesnummer", "ba_nr")})


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:199] + "…"


def read_file(root: Path, key: str) -> pd.DataFrame:
    """Read one mirror file by key; raise DataError naming the file if missing, unreadable or short of columns."""
    path = root / FILES[key]
    if not path.exists():
        raise DataError(f"{path}: file missing from the mirror (expected {FILES[key]})")
    try:
        df = _read_one(key, path)
    except DataError:
        raise
    except Exception as exc:  # any reader failure is a malformed file, reported with its name
        raise DataError(f"{path}: cannot read ({type(exc).__name__}: {_one_line(exc)})") from None
    missing = [c for c in COLUMNS[key] if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing columns {', '.join(missing)} (has {', '.join(map(str, df.columns))})")
    for col in CODE_COLUMNS:
        if col in df.columns:
            df[col] = _code(df[col])
    if "fylkesnummer" in df.columns:
        df["fylkesnummer"] = _code(df["fylkesnummer"], 2)
    return df


def read_expenditure_index(root: Path) -> pd.DataFrame:
    """The optional expenditure-need index files as ``kommunenummer, year, index`` (empty if none)."""
    rows = []
    for path in sorted(root.glob(INDEX_FILES)):
        try:
            doc = json.loads(read_bytes_limited(path, MAX_FILE_BYTES, "mirror file", DataError))
            year = int(doc["år"])
            for code, value in doc["kommuner"].items():
                # A few entries are per-sector objects; the total index is then under "samlet" when present.
                v = value.get("samlet") if isinstance(value, dict) else value
                if v is not None:
                    rows.append((str(code).zfill(4), year, float(v)))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataError(f"{path}: malformed expenditure-need index file ({type(exc).__name__}: {exc})") from None
    return pd.DataFrame(rows, columns=["kommunenummer", "year", "index"])


def read_mirror(root: str | Path) -> dict[str, pd.DataFrame]:
    """Read every file of an offline mirror at ``root`` into raw tables keyed as in :data:`FILES`."""
    root = Path(root).expanduser().resolve()
    if not root.is_dir():
        raise DataError(f"{root}: no such directory (expected an offline mirror laid out like ../shared/data)")
    raw = {key: read_file(root, key) for key in FILES}
    raw["expenditure_index"] = read_expenditure_index(root)
    return raw
