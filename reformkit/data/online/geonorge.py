"""Kartverket boundaries (Geonorge download) and kommune names (Kartverket's kommuneinfo API).

* Boundaries: the national files of the datasets "Administrative enheter kommuner" and "... fylker",
  GeoJSON in EPSG:25833, at their direct download addresses on nedlasting.geonorge.no. The zip holds one
  ``.geojson`` whose top level maps layer names to FeatureCollections (``{"Kommune": {...},
  "Kommunegrense": {...}}``); the area layer ("Kommune" / "Fylke") is read. These are the *current*
  boundaries, and Kartverket's areas extend into the sea (to the territorial limit), unlike the
  coastline-clipped polygons of the offline mirror: area and land/sea neighbours differ accordingly.
* Names: ``https://api.kartverket.no/kommuneinfo/v1/kommuner`` → ``[{"kommunenummer", "kommunenavn",
  "kommunenavnNorsk"}]``, the source of the Norwegian short name (``kommunenavn_norsk``).

Historic (2019) boundaries have no stable official download address; they come from the offline mirror.
"""
from __future__ import annotations

import io
import json
import re
import zipfile

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import shape

from ...errors import DataError
from .http import get_bytes, get_json

NEDLASTING = "https://nedlasting.geonorge.no/geonorge/Basisdata"
KOMMUNER_URL = f"{NEDLASTING}/Kommuner/GeoJSON/Basisdata_0000_Norge_25833_Kommuner_GeoJSON.zip"
FYLKER_URL = f"{NEDLASTING}/Fylker/GeoJSON/Basisdata_0000_Norge_25833_Fylker_GeoJSON.zip"
KOMMUNEINFO_URL = "https://api.kartverket.no/kommuneinfo/v1/kommuner"
# Generalisation of the detailed national polygons for the cache: shared borders are simplified once
# (coverage simplification), so neighbours stay neighbours. 50 m is invisible at kommune map scale.
SIMPLIFY_M = 50.0
#: The national kommune GeoJSON is a few hundred MB unzipped; beyond this a download is refused (JSON parsing
#: takes several times the text's size in memory).
MAX_UNZIPPED_BYTES = 1_000_000_000
#: GeoJSON coordinates pack 3–10-fold; a member that claims far more is a zip bomb, refused before reading.
MAX_RATIO = 50


def _crs(collection: dict, default: int = 25833) -> int:
    name = str(((collection.get("crs") or {}).get("properties") or {}).get("name", ""))
    m = re.search(r"(\d{4,5})\s*$", name)
    return int(m.group(1)) if m else default


def _name(props: dict, key: str):
    value = props.get(key)
    if isinstance(value, list):  # a list of {"navn": ..., "sprak": ...} objects in some deliveries
        texts = [v.get("navn") if isinstance(v, dict) else v for v in value]
        return " - ".join(str(t) for t in texts if t)
    return value


def _polygonal(geom):
    """The polygon parts of a geometry (repairs can leave stray lines or points in a collection)."""
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _unzip(data: bytes, source: str, limit: int) -> bytes:
    """The GeoJSON file in a zip, refusing more than ``limit`` bytes once uncompressed (a zip bomb of a few MB
    would otherwise unpack to gigabytes): the size the zip declares is checked first, then counted while reading."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if i.filename.lower().endswith((".geojson", ".json"))]
        if not infos:
            raise DataError(f"{source}: the zip holds no GeoJSON file ({', '.join(zf.namelist())})")
        size, packed = infos[0].file_size, max(infos[0].compress_size, 1)
        if size > limit:
            raise _too_large_unzipped(source, limit)
        if size > 10_000_000 and size > MAX_RATIO * packed:
            raise DataError(f"{source}: the GeoJSON in the zip would unpack {size / packed:,.0f}-fold "
                            f"({packed:,} bytes to {size:,}); real GeoJSON packs less than {MAX_RATIO}-fold, so this "
                            f"is not read (a zip bomb?)")
        with zf.open(infos[0]) as member:
            body = member.read(limit + 1)
    if len(body) > limit:
        raise _too_large_unzipped(source, limit)
    return body


def _too_large_unzipped(source: str, limit: int) -> DataError:
    return DataError(f"{source}: the GeoJSON in the zip is larger than {limit:,} bytes uncompressed (the limit); "
                     f"raise reformkit.data.online.geonorge.MAX_UNZIPPED_BYTES if the file really is that large")


def read_layer(data: bytes, layer: str, source: str, max_unzipped: int | None = None) -> gpd.GeoDataFrame:
    """The FeatureCollection ``layer`` of a Geonorge GeoJSON zip (or a plain GeoJSON) as a GeoDataFrame.

    The unzipped GeoJSON may be at most ``max_unzipped`` bytes (default :data:`MAX_UNZIPPED_BYTES`)."""
    try:
        if data[:2] == b"PK":
            doc = json.loads(_unzip(data, source, MAX_UNZIPPED_BYTES if max_unzipped is None else max_unzipped))
        else:
            doc = json.loads(data)
    except (zipfile.BadZipFile, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{source}: not a readable GeoJSON zip ({type(exc).__name__}: {exc})") from None
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        collection = doc
    else:
        layers = {k.lower(): v for k, v in (doc or {}).items() if isinstance(v, dict)}
        collection = layers.get(layer.lower())
        if collection is None:
            raise DataError(f"{source}: no layer {layer!r} (has {', '.join(doc or {})})")
    features = collection.get("features") or []
    if not features:
        raise DataError(f"{source}: layer {layer!r} has no features")
    props = [dict(f.get("properties") or {}) for f in features]
    geoms = [shape(f["geometry"]) if f.get("geometry") else None for f in features]
    gdf = gpd.GeoDataFrame(pd.DataFrame(props), geometry=geoms, crs=_crs(collection))
    return gdf


def boundaries(data: bytes, layer: str, key: str, name_key: str, source: str,
               simplify_m: float = SIMPLIFY_M) -> gpd.GeoDataFrame:
    """One row per unit (``key``, ``name_key``, geometry), parts dissolved, coverage-simplified, EPSG:25833."""
    gdf = read_layer(data, layer, source)
    missing = [c for c in (key, name_key) if c not in gdf.columns]
    if missing:
        raise DataError(f"{source}: layer {layer!r} lacks {', '.join(missing)} (has {', '.join(map(str, gdf.columns))})")
    gdf[name_key] = [_name({name_key: v}, name_key) for v in gdf[name_key]]
    gdf[key] = gdf[key].astype(str).str.strip().str.zfill(4 if "kommune" in key else 2)
    gdf = gdf[[key, name_key, "geometry"]].to_crs(25833)
    gdf["geometry"] = [_polygonal(g) for g in shapely.make_valid(gdf.geometry.values)]
    gdf = gdf.dissolve(by=key, aggfunc="first", as_index=False)
    if simplify_m > 0:
        try:
            gdf["geometry"] = shapely.coverage_simplify(gdf.geometry.values, simplify_m)
        except Exception:  # not a clean coverage: simplify each unit on its own
            gdf["geometry"] = gdf.geometry.simplify(simplify_m, preserve_topology=True)
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=25833)


def fetch_kommuner(session, progress: bool = False, url: str = KOMMUNER_URL) -> gpd.GeoDataFrame:
    """Current kommune polygons from Geonorge: ``kommunenummer, kommunenavn, geometry`` (EPSG:25833)."""
    data = get_bytes(session, url, progress=progress, desc="Kommunegrenser (Kartverket)")
    return boundaries(data, "Kommune", "kommunenummer", "kommunenavn", url)


def fetch_fylker(session, progress: bool = False, url: str = FYLKER_URL) -> gpd.GeoDataFrame:
    """Current fylke polygons from Geonorge: ``fylkesnummer, fylkesnavn, geometry`` (EPSG:25833)."""
    data = get_bytes(session, url, progress=progress, desc="Fylkesgrenser (Kartverket)")
    return boundaries(data, "Fylke", "fylkesnummer", "fylkesnavn", url)


def fetch_names(session, url: str = KOMMUNEINFO_URL) -> pd.DataFrame:
    """``kommunenummer, kommunenavn, kommunenavn_norsk`` of the current kommuner (Kartverket kommuneinfo)."""
    doc = get_json(session, url)
    if not isinstance(doc, list):
        raise DataError(f"{url}: expected a list of kommuner")
    rows = [{"kommunenummer": str(k.get("kommunenummer", "")).zfill(4), "kommunenavn": k.get("kommunenavn"),
             "kommunenavn_norsk": k.get("kommunenavnNorsk") or k.get("kommunenavn")} for k in doc]
    return pd.DataFrame(rows, columns=["kommunenummer", "kommunenavn", "kommunenavn_norsk"])
