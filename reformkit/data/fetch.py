"""``reformkit data fetch``: fill the cache from the official online sources.

The core (both border years) is fetched, shaped into the same raw tables as an offline mirror
(:func:`reformkit.data.mirror.read_mirror`), validated by :func:`reformkit.data.core.build_core` and written by
:func:`reformkit.data.cache.write_core` — so the checks and the all-or-nothing swap are the ones ``data import``
uses. Sources (see ``reformkit.data.online``):

* population 2005– on 2024 and on 2019 borders: SSB PxWebApi v2, table 07459, recoded with KLASS changes;
* kommune register (names, fylke) and code changes: SSB KLASS 131 and 104; Norwegian short names from
  Kartverket's kommuneinfo API; area from the polygons; administrasjonssenter has no online source (NaN);
* kommune and fylke polygons (current = 2024 borders): Kartverket via Geonorge's download service.

Not online: the 2019 kommune polygons (no stable official address), the BA-regions with their travel times
(TØI's report), and the expenditure-need index (a transcription of Grønt hefte). They are taken from an offline
mirror (``mirror=``) or from the cache being replaced; without either, the fetch stops with a clear message for
the 2019 polygons and leaves the BA columns empty.

Optional extras (``only=["extras"]`` fetches just these): SSB kommune projections (``ssb_projection``) and,
when the module exists, KOSTRA, financial key figures and ROBEK (``reformkit.data.kostra``, functions
``fetch_kostra``, ``fetch_finance``, ``fetch_robek``; a returned DataFrame is stored with ``cache.write_extra``).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..errors import DataError
from ..paths import cache_dir
from . import cache
from .catalogue import catalogue
from .core import build_core
from .importer import DATASETS as MIRROR_DATASETS
from .mirror import FILES, N1000, read_expenditure_index, read_file
from .online import geonorge, http, klass, pxweb
from .online import population as onpop

FIRST_YEAR = 2005
CORE_DATASETS = MIRROR_DATASETS + ["kommuneinfo-navn", "fylker-klass-104"]
EXTRAS = ("ssb-projection", "kostra", "finance", "robek")  # the last three: reformkit.data.kostra
PROJECTION_TABLE = "14288"  # overridden by `table:` of the ssb-projection entry in data/sources.yaml
NO_2019_BOUNDARIES = (
    "2019 kommune boundaries: Kartverket offers no stable online address for the pre-2020 borders; "
    "give an offline mirror (`reformkit data fetch --mirror ../shared/data`) or run "
    "`reformkit data import DIR` once (the fetch then reuses the cached 2019 polygons)")


def _last_year() -> int:
    return dt.date.today().year


def _resolve_only(only) -> tuple[bool, list[str]]:
    """(fetch the core?, extras to fetch) from the ``--only`` names."""
    if not only:
        return True, list(EXTRAS)
    core_names = set(CORE_DATASETS) | {"core"}
    unknown = [n for n in only if n not in core_names and n not in EXTRAS and n != "extras"]
    if unknown:
        raise DataError(f"unknown dataset(s) for --only: {', '.join(unknown)}",
                        [f"unknown dataset {n!r}" for n in unknown]
                        + [f"choose from: core, extras, {', '.join(EXTRAS)}, {', '.join(CORE_DATASETS)}"])
    want_core = any(n in core_names for n in only)
    extras = list(EXTRAS) if "extras" in only else [n for n in EXTRAS if n in only]
    return want_core, extras


# ---- parts that have no online source --------------------------------------------------------------------
def offline_parts(root: Path | None = None, mirror: str | Path | None = None) -> tuple[dict, dict]:
    """The 2019 polygons, BA-regions, expenditure index and N1000 layers from a mirror or the current cache.

    Returns (tables, provenance) with whichever of ``kommuner_2019_geo``, ``ba_regions``,
    ``expenditure_index``, ``roads``, ``places`` and ``builtup`` were found.
    """
    found, where = {}, {}
    if mirror is not None:
        path = Path(mirror).expanduser().resolve()
        if not path.is_dir():
            raise DataError(f"{path}: no such directory (expected an offline mirror laid out like ../shared/data)")
        for key in ("kommuner_2019_geo", "ba_regions", *N1000):
            found[key] = read_file(path, key)
            where[key] = str(path / FILES[key])
        found["expenditure_index"] = read_expenditure_index(path)
        where["expenditure_index"] = str(path)
        return found, where
    core = cache.core_dir(root)
    k19 = core / "borders-2019" / "kommuner.parquet"
    if k19.is_file():
        gdf = gpd.read_parquet(k19, columns=["kommunenummer", "kommunenavn", "geometry"])
        found["kommuner_2019_geo"] = gdf.reset_index(drop=True)
        where["kommuner_2019_geo"] = str(k19)
    k24 = core / "borders-2024" / "kommuner.parquet"
    if k24.is_file():
        cols = ["kommunenummer", "ba_nr", "ba_region", "ba_reisetid_min", "utpendling_pct", "innpendling_pct"]
        ba = pd.read_parquet(k24, columns=cols).rename(columns={"ba_reisetid_min": "reisetid_min"})
        if ba["ba_nr"].notna().any():
            found["ba_regions"] = ba.reset_index(drop=True)
            where["ba_regions"] = str(k24)
    for key in N1000:
        if (core / "geo" / f"{key}.parquet").is_file():
            found[key] = gpd.read_parquet(core / "geo" / f"{key}.parquet")
            where[key] = str(core / "geo" / f"{key}.parquet")
    idx = core / "tables" / "expenditure_index.parquet"
    if idx.is_file():
        found["expenditure_index"] = pd.read_parquet(idx)
        where["expenditure_index"] = str(idx)
    return found, where


def empty_ba(codes) -> pd.DataFrame:
    """BA columns left empty (no online source for the BA-regions and their travel times)."""
    codes = sorted(codes)
    empty = pd.array([pd.NA] * len(codes), dtype="string")
    return pd.DataFrame({"kommunenummer": codes, "ba_nr": empty, "ba_region": empty.copy(),
                         "reisetid_min": np.nan, "utpendling_pct": np.nan, "innpendling_pct": np.nan})


def online_sources(where: dict) -> dict[str, str]:
    """Where each raw table came from in a fetch (to name it in validation messages instead of mirror paths)."""
    px = f"{pxweb.PXWEB_V2}/tables/{onpop.TABLE}/data"
    src = {
        "kommuner_2024_geo": geonorge.KOMMUNER_URL,
        "fylker_2024_geo": geonorge.FYLKER_URL,
        "population_2024": f"{px} (2024-grenser)",
        "population_2019": f"{px} (2019-grenser)",
        "register_2024": f"{klass.url(klass.KOMMUNER, 'codesAt')} + {geonorge.KOMMUNEINFO_URL}",
        "codes_til_2024": klass.url(klass.KOMMUNER, "changes"),
        "codes_2013_2020": klass.url(klass.KOMMUNER, "changes"),
    }
    return {**src, **{k: v or f"{k} (tom)" for k, v in where.items()}}


def _name_sources(exc: DataError, where: dict) -> DataError:
    """The core builder names mirror files; in a fetch, name the online source of each table instead."""
    sources = online_sources(where)
    problems = []
    for p in exc.problems:
        for key, path in FILES.items():
            if p.startswith(path) and key in sources:
                p = sources[key] + p[len(path):]
                break
        problems.append(p)
    return DataError(exc.message, problems)


# ---- the core ---------------------------------------------------------------------------------------------
def register_2024(valid24: dict[str, str], fylker: pd.DataFrame, names: pd.DataFrame,
                  kommuner_geo: gpd.GeoDataFrame) -> pd.DataFrame:
    """The kommune register in the mirror's columns from KLASS names, kommuneinfo short names and polygons."""
    fylkesnavn = dict(zip(fylker["code"], fylker["name"]))
    norsk = dict(zip(names["kommunenummer"], names["kommunenavn_norsk"]))
    area = dict(zip(kommuner_geo["kommunenummer"], (kommuner_geo.to_crs(25833).geometry.area / 1e6).round(2)))
    rows = []
    for code, name in sorted(valid24.items()):
        rows.append({"kommunenummer": code, "kommunenavn": name,
                     # kommuneinfo's Norwegian name; failing that, KLASS' name up to " - " (Sami/Kven forms follow)
                     "kommunenavn_norsk": norsk.get(code) or str(name).split(" - ")[0],
                     "administrasjonssenter": np.nan, "areal_km2": area.get(code, np.nan),
                     "fylkesnummer": code[:2], "fylkesnavn": fylkesnavn.get(code[:2])})
    return pd.DataFrame(rows)


def _boundaries(session, valid24: dict, fylker: pd.DataFrame, progress: bool, steps) -> tuple:
    """Kartverket's kommune and fylke boundaries (checked against SSB KLASS' 2024 kommuner) and names."""
    kommuner_geo = geonorge.fetch_kommuner(session, progress=progress)
    steps.update(1)
    fylker_geo = geonorge.fetch_fylker(session, progress=progress)
    names = geonorge.fetch_names(session)
    steps.update(1)
    codes24, geo_codes = set(valid24), set(kommuner_geo["kommunenummer"])
    extra, lacking = sorted(geo_codes - codes24), sorted(codes24 - geo_codes)
    if extra or lacking:
        raise DataError("Kartverket's current kommune boundaries are not on the 2024 borders of SSB KLASS",
                        [f"{geonorge.KOMMUNER_URL}: kommuner not in KLASS 2024: {', '.join(extra[:10]) or '-'}",
                         f"{geonorge.KOMMUNER_URL}: KLASS 2024 kommuner missing: {', '.join(lacking[:10]) or '-'}"])
    # Official names (with Sami/Kven forms) as in the KLASS register of 2024.
    kommuner_geo["kommunenavn"] = kommuner_geo["kommunenummer"].map(valid24)
    fylkesnavn = dict(zip(fylker["code"], fylker["name"]))
    fylker_geo["fylkesnavn"] = fylker_geo["fylkesnummer"].map(fylkesnavn).fillna(fylker_geo["fylkesnavn"])
    return kommuner_geo, fylker_geo, names


def fetch_core_raw(session, *, progress: bool = True, root: Path | None = None,
                   mirror: str | Path | None = None, first_year: int = FIRST_YEAR,
                   last_year: int | None = None) -> tuple[dict, dict]:
    """Fetch every core dataset and return (raw tables shaped like ``read_mirror``, provenance).

    Population is fetched for ``first_year``..``last_year`` (default 2005..this year; years SSB has not
    published yet are left out).
    """
    offline, where = offline_parts(root, mirror)
    if "kommuner_2019_geo" not in offline:
        raise DataError(NO_2019_BOUNDARIES)
    last = last_year or _last_year()
    steps = tqdm(total=6, desc="Henter data", unit="steg", disable=not progress)
    limit = pxweb.max_cells(pxweb.config(session))
    steps.set_postfix_str("SSB KLASS")
    codes = klass.codes_between(session, klass.KOMMUNER, first_year, last)
    chg = klass.changes(session, klass.KOMMUNER, first_year, last)
    fylker = klass.codes_at(session, klass.FYLKER, "2024-01-01")
    valid = klass.valid_by_year(codes, range(first_year, last + 1))
    if not valid.get(2024):
        raise DataError("SSB KLASS 131: no kommuner valid on 1 January 2024")
    weights24 = klass.code_weights(valid, chg, 2024)
    weights19 = klass.code_weights({y: v for y, v in valid.items() if y <= 2019}, chg, 2019)
    steps.update(1)
    steps.set_postfix_str("SSB 07459")
    raw_pop = onpop.fetch_07459(session, valid, limit=limit, progress=progress)
    pop24 = onpop.recode(raw_pop, weights24, "kommunenummer_2024", keys=("age", "sex"))
    pop19 = onpop.recode(raw_pop[raw_pop["year"] <= 2019], weights19, "kommunenummer_2019", keys=("age",))
    steps.update(1)
    steps.set_postfix_str("Kartverket")
    kommuner_geo, fylker_geo, names = _boundaries(session, valid[2024], fylker, progress, steps)
    steps.set_postfix_str("register")
    register = register_2024(valid[2024], fylker, names, kommuner_geo)
    ba = offline.get("ba_regions")
    if ba is None:
        ba = empty_ba(set(valid[2024]))
        where["ba_regions"] = None  # no source at all: columns left empty
    raw = {
        "kommuner_2024_geo": kommuner_geo,
        "fylker_2024_geo": fylker_geo,
        "kommuner_2019_geo": offline["kommuner_2019_geo"],
        "population_2024": pop24,
        "population_2019": pop19,
        "register_2024": register,
        "ba_regions": ba,
        "codes_til_2024": weights24,
        "codes_2013_2020": klass.codes_2013_2020(valid, chg),
        "expenditure_index": offline.get("expenditure_index",
                                         pd.DataFrame(columns=["kommunenummer", "year", "index"])),
        **{key: offline[key] for key in N1000 if key in offline},
    }
    steps.update(2)
    steps.close()
    return raw, where


def _origin(where: dict) -> str:
    online = ("SSB PxWebApi v2 tabell 07459, SSB KLASS 131/104 (https://data.ssb.no); "
              f"Kartverket ({geonorge.KOMMUNER_URL}, {geonorge.FYLKER_URL}, {geonorge.KOMMUNEINFO_URL})")
    reused = "; ".join(f"{k}: {v or 'tom'}" for k, v in sorted(where.items()))
    return online + (f"; gjenbrukt uten nettkilde: {reused}" if reused else "")


# ---- extras ------------------------------------------------------------------------------------------------
def _info(name: str, **more) -> dict:
    entry = dict(catalogue().get(name, {}))
    return {k: v for k, v in {**entry, **more}.items() if k in
            ("title", "publisher", "url", "licence", "attribution", "table") or k in more}


def fetch_projection(session, *, progress: bool = True, root: Path | None = None) -> int:
    """SSB's kommune projections (main MMMM, low LLML, high HHMH) into ``extra/ssb_projection``; rows written."""
    table = str(catalogue().get("ssb-projection", {}).get("table") or PROJECTION_TABLE)
    limit = pxweb.max_cells(pxweb.config(session))
    kommuner = klass.codes_at(session, klass.KOMMUNER, "2024-01-01")
    codes = [c for c in kommuner["code"] if klass.is_kommune(c)]
    df = onpop.fetch_projection(session, table, codes, limit=limit, progress=progress)
    cache.write_extra("ssb_projection", df, _info("ssb-projection", table=table,
                                                  alternatives=sorted(df["alternative"].unique().tolist())),
                      root=root)
    return len(df)


def fetch_extra(name: str, session, *, progress: bool, root: Path | None) -> str:
    """Fetch one optional dataset; return a one-line Norwegian note of what happened."""
    if name == "ssb-projection":
        rows = fetch_projection(session, progress=progress, root=root)
        return f"ssb_projection: {rows} rader (SSB befolkningsframskrivinger)"
    from . import kostra  # the KOSTRA and finance fetchers store their own datasets
    fetchers = {"kostra": kostra.fetch_kostra, "finance": kostra.fetch_finance}
    if name not in fetchers:
        return f"{name}: ikke hentet (ingen nettkilde er lagt inn for {name} ennå)"
    df = fetchers[name](session=session, progress=progress, root=root, store=True)
    return f"{name}: {len(df)} rader"


# ---- entry point -------------------------------------------------------------------------------------------
def fetch_all(progress: bool = True, only: list[str] | None = None, *, session=None, root: Path | None = None,
              mirror: str | Path | None = None, first_year: int = FIRST_YEAR, last_year: int | None = None) -> dict:
    """Fetch the datasets online and fill the cache; return ``{"core": path|None, "notes": [...]}``.

    ``only`` limits the fetch: ``core`` (or any core dataset name — the core is fetched and validated as a
    whole), ``extras``, or single extras (``ssb-projection``, ``kostra``, ``finance``, ``robek``). Network failures raise
    :class:`~reformkit.errors.DataError` ("no network / SSB unreachable: use `reformkit data import DIR` ...");
    an invalid download leaves the existing cache untouched.

    Example::

        fetch_all(only=["ssb-projection"])     # just the projections, keep the core
    """
    want_core, extras = _resolve_only(only)
    root = root or cache_dir()
    cache.remove_stale(root)   # what an import or fetch killed mid-write left behind
    session = session or http.make_session()
    notes: list[str] = []
    core_path = None
    if want_core:
        raw, where = fetch_core_raw(session, progress=progress, root=root, mirror=mirror,
                                    first_year=first_year, last_year=last_year)
        with tqdm(total=2, desc="Bygger atlas", disable=not progress) as bar:
            try:
                core = build_core(raw)
            except DataError as exc:
                raise _name_sources(exc, where) from None
            bar.update(1)
            core_path = cache.write_core(core, origin=_origin(where), method="fetch", datasets=CORE_DATASETS,
                                         root=root)
            bar.update(1)
        for key, src in sorted(where.items()):
            notes.append(f"{key}: ingen nettkilde; gjenbrukt fra {src}" if src else
                         f"{key}: ingen nettkilde og ikke noe speil eller tidligere buffer; kolonnene står tomme")
        notes.append("BA-regionenes reisetider og pendlingsandeler finnes bare i TØI-rapporten (speilet), ikke på nett")
        notes.append("administrasjonssenter: ingen nettkilde, står tomt; areal_km2 er beregnet fra Kartverkets "
                     "polygoner (som inkluderer sjøareal)")
    problems = []
    for name in extras:
        try:
            notes.append(fetch_extra(name, session, progress=progress, root=root))
        except DataError as exc:
            problems += [f"{name}: {p}" for p in dict.fromkeys([exc.message, *exc.problems])]
    if problems:
        head = "the core was updated, but " if core_path else ""
        raise DataError(f"{head}some optional datasets could not be fetched", problems)
    return {"core": core_path, "notes": notes}
