"""KOSTRA service-area expenditure and financial key figures for every kommune from SSB PxWebApi v2.

Tables (SSB Statistikkbanken, KOSTRA; found via the PxWebApi v2 catalogue and SSB's KOSTRA documentation):

* **12362** "Utgifter til tjenesteområdene, kommunekonsern, etter region, funksjon, art, statistikkvariabel
  og år (K)": variables KOKkommuneregion0000, KOKfunksjon0000 (KOSTRA functions such as 120, 202, 253),
  KOKart0000 (AGD2 = netto driftsutgifter), ContentsCode (KOSbelopinnbygge0000 = kroner per innbygger), Tid.
  Net operating expenditure per inhabitant per function is summed into the twelve service areas of the
  beste-praksis analysis (:data:`SERVICE_AREAS`); the per-inhabitant figures share one denominator (the
  kommune's inhabitants), so the sum is the area's net expenditure per inhabitant.
* **12134** "Utvalgte nøkkeltall for kommuneregnskap, kommunekonsern (K)": netto driftsresultat, fri
  egenkapital drift (disposisjonsfond) and langsiktig gjeld uten pensjonsforpliktelser, each in per cent of
  brutto driftsinntekter.

KOSTRA codes change when reporting changes (SSB: "read the label, do not remember the code"), so both loaders
read the table's metadata first and choose the statistics variable by its label; the known codes are only a
fallback. Region codes are the kommune numbers of each year; they are recoded to 2024 numbers where the
change was a pure renumbering (weight 1), other rows are left out and counted in the dataset info.

The cached datasets (``cache.write_extra``):

* ``kostra``: kommunenummer, year, service_area, kr_per_inhabitant (not expenditure-corrected; see
  :func:`reformkit.economy.expenditure_corrected`)
* ``finance``: kommunenummer, year, netto_driftsresultat_pct, disposisjonsfond_pct, gjeldsgrad_pct
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..errors import DataError
from . import cache
from .jsonstat import PXWEB_V2

KOSTRA_TABLE = "12362"
FINANCE_TABLE = "12134"
REGION = "KOKkommuneregion0000"
FUNCTION = "KOKfunksjon0000"
ART = "KOKart0000"
CONTENTS = "ContentsCode"
TIME = "Tid"

#: Service areas of the beste-praksis analysis (labels as in domain.md's Meløy example) -> KOSTRA functions
#: (kommunal kontoplan, KOSTRA funksjoner for kommuner). Functions absent from a year's table are skipped.
SERVICE_AREAS: dict[str, tuple[str, ...]] = {
    "Administrasjon og styring": ("100", "110", "120", "121", "130", "170", "171", "180"),
    "Pleie og omsorg": ("234", "253", "254", "256", "261"),
    "Helse": ("232", "233", "241"),
    "Sosial": ("242", "243", "273", "275", "276", "281", "283"),
    "Barnevern": ("244", "251", "252"),
    "Grunnskole": ("202", "213", "214", "215", "222", "223"),
    "Barnehage": ("201", "211", "221"),
    "Kultur": ("231", "370", "373", "375", "377", "380", "381", "383", "385", "386"),
    "Kirke": ("390", "392", "393"),
    "Plan, miljø": ("301", "302", "303", "335", "360", "365"),
    "Brann": ("338", "339"),
    "Samferdsel": ("330", "332"),
}

#: finance column -> label patterns (first that matches a ContentsCode label wins) and fallback code.
FINANCE_VARIABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "netto_driftsresultat_pct": ((r"netto drift\w*resultat",), "KOSAGD230000"),
    "disposisjonsfond_pct": ((r"disposisjonsfond", r"fri egenkapital drift"), "KOSKG210000"),
    "gjeldsgrad_pct": ((r"netto lånegjeld", r"langsiktig gjeld uten pensjon"), "KOSKG320000"),
}
KOSTRA_CONTENTS = ((r"kroner per innbygger", r"per innbygger"), "KOSbelopinnbygge0000")
KOSTRA_ART = ((r"^netto driftsutgifter",), "AGD2")

ATTRIBUTION = "Kilde: Statistisk sentralbyrå (SSB), KOSTRA, tabell {table}, NLOD 2.0"


def _pick(codes: Mapping[str, str], patterns: Sequence[str], fallback: str, what: str) -> str:
    """The code whose label matches the first pattern that matches any label; else the fallback code."""
    for pattern in patterns:
        rx = re.compile(pattern, re.IGNORECASE)
        for code, label in codes.items():
            if rx.search(label):
                return code
    if fallback in codes:
        return fallback
    raise DataError(f"SSB table: no {what} found (looked for {', '.join(patterns)}; code {fallback}); "
                    f"SSB may have changed the table")


def _kommune_codes(codes: Mapping[str, str]) -> list[str]:
    return [c for c in codes if len(c) == 4 and c.isdigit()]


def _last_years(codes: Mapping[str, str], n_years: int | None) -> list[str]:
    years = sorted(c for c in codes if c.isdigit())
    return years[-n_years:] if n_years else years


def recode_to_2024(df: pd.DataFrame, codes_til_2024: pd.DataFrame | None) -> tuple[pd.DataFrame, int]:
    """Recode ``kommunenummer`` of each year to 2024 numbers where the change was a renumbering (weight 1,
    one-to-one); rows of kommuner that were split or merged are dropped. Returns (frame, rows dropped)."""
    if codes_til_2024 is None or df.empty:
        return df, 0
    m = codes_til_2024.copy()
    m["year"] = m["year"].astype(int)
    counts = m.groupby(["kommunenummer_original", "year"])["kommunenummer_2024"].transform("size")
    into = m.groupby(["kommunenummer_2024", "year"])["kommunenummer_original"].transform("size")
    clean = m[(counts == 1) & (into == 1) & (m["weight"] == 1)]
    key = dict(zip(zip(clean["kommunenummer_original"].astype(str), clean["year"]),
                   clean["kommunenummer_2024"].astype(str)))
    # KOSTRA reports year Y on the kommune numbers in use in Y, which is how the code table is keyed.
    new = [key.get((k, int(y))) for k, y in zip(df["kommunenummer"], df["year"])]
    out = df.assign(kommunenummer=pd.array(new, dtype="string"))
    dropped = int(out["kommunenummer"].isna().sum())
    return out.dropna(subset=["kommunenummer"]).reset_index(drop=True), dropped


def parse_kostra(frame: pd.DataFrame) -> pd.DataFrame:
    """A long 12362 frame (columns KOKkommuneregion0000, KOKfunksjon0000, Tid, value; any other variable
    fixed to one code) summed into :data:`SERVICE_AREAS` per kommune and year.

    An area is NaN only when none of its functions has a value (SSB's ``..``/``.`` cells); otherwise missing
    functions count as 0, as SSB publishes no row for a function a kommune does not use.
    """
    area_of = {f: area for area, funcs in SERVICE_AREAS.items() for f in funcs}
    df = frame[frame[REGION].str.fullmatch(r"\d{4}") & frame[FUNCTION].isin(area_of)].copy()
    df["service_area"] = df[FUNCTION].map(area_of)
    df["year"] = df[TIME].astype(int)
    out = (df.groupby([REGION, "year", "service_area"], sort=True)["value"].sum(min_count=1)
           .reset_index().rename(columns={REGION: "kommunenummer", "value": "kr_per_inhabitant"}))
    out = out.dropna(subset=["kr_per_inhabitant"])
    out["kommunenummer"] = out["kommunenummer"].astype("string")
    out["service_area"] = out["service_area"].astype("string")
    out["year"] = out["year"].astype("int16")
    return out[["kommunenummer", "year", "service_area", "kr_per_inhabitant"]].reset_index(drop=True)


def parse_finance(frame: pd.DataFrame, codes: Mapping[str, str]) -> pd.DataFrame:
    """A long 12134 frame (KOKkommuneregion0000, ContentsCode, Tid, value) as one row per kommune and year
    with the columns of :data:`FINANCE_VARIABLES` (``codes``: column -> ContentsCode used)."""
    col_of = {code: col for col, code in codes.items()}
    df = frame[frame[REGION].str.fullmatch(r"\d{4}") & frame[CONTENTS].isin(col_of)].copy()
    df["variable"] = df[CONTENTS].map(col_of)
    df["year"] = df[TIME].astype(int)
    wide = df.pivot_table(index=[REGION, "year"], columns="variable", values="value", aggfunc="first",
                          dropna=False).reset_index().rename(columns={REGION: "kommunenummer"})
    for col in FINANCE_VARIABLES:
        if col not in wide.columns:
            wide[col] = float("nan")
    wide = wide.dropna(subset=list(FINANCE_VARIABLES), how="all")
    wide["kommunenummer"] = wide["kommunenummer"].astype("string")
    wide["year"] = wide["year"].astype("int16")
    wide.columns.name = None
    return wide[["kommunenummer", "year", *FINANCE_VARIABLES]].sort_values(["kommunenummer", "year"]) \
        .reset_index(drop=True)


def _catalogue_entry(name: str, table: str) -> dict:
    """Title, publisher, url, licence, attribution of the dataset from data/sources.yaml (with a fallback)."""
    from .catalogue import catalogue
    entry = dict(catalogue().get(name) or {})
    entry.setdefault("publisher", "Statistisk sentralbyrå (SSB)")
    entry.setdefault("url", f"{PXWEB_V2}/tables/{table}/data")
    entry.setdefault("licence", "NLOD 2.0")
    entry.setdefault("attribution", ATTRIBUTION.format(table=table))
    entry["table"] = table
    return {k: v for k, v in entry.items() if k != "mirror"}


def _session(session):
    if session is not None:
        return session
    from .online.http import make_session
    return make_session()


def _fixed(meta: Mapping[str, Mapping[str, str]], chosen: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The full selection: chosen codes, and the first code of any other variable (KOSTRA tables need every
    variable selected)."""
    return {var: list(chosen[var]) if var in chosen else [next(iter(codes))] for var, codes in meta.items()}


def _codes_table(root: Path | None = None) -> pd.DataFrame | None:
    """The code table of the core cache (None without a core: numbers are then kept as SSB reports them)."""
    path = cache.core_dir(root) / "tables" / "codes_til_2024.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def kostra_selection(meta: Mapping[str, Mapping[str, str]], n_years: int | None = 3) -> dict[str, list[str]]:
    """The 12362 selection: every kommune, the functions of :data:`SERVICE_AREAS`, netto driftsutgifter,
    kroner per innbygger, the last ``n_years`` years."""
    for var in (REGION, FUNCTION, ART, CONTENTS, TIME):
        if var not in meta:
            raise DataError(f"SSB table {KOSTRA_TABLE}: variable {var} is missing; SSB may have changed the table")
    wanted = {f for funcs in SERVICE_AREAS.values() for f in funcs}
    return _fixed(meta, {
        REGION: _kommune_codes(meta[REGION]),
        FUNCTION: [f for f in meta[FUNCTION] if f in wanted],
        ART: [_pick(meta[ART], *KOSTRA_ART, "art 'Netto driftsutgifter'")],
        CONTENTS: [_pick(meta[CONTENTS], *KOSTRA_CONTENTS, "'kroner per innbygger' variable")],
        TIME: _last_years(meta[TIME], n_years),
    })


def finance_selection(meta: Mapping[str, Mapping[str, str]], n_years: int | None = 5) -> tuple[dict, dict]:
    """The 12134 selection and the ContentsCode chosen per finance column."""
    for var in (REGION, CONTENTS, TIME):
        if var not in meta:
            raise DataError(f"SSB table {FINANCE_TABLE}: variable {var} is missing; SSB may have changed the table")
    codes = {col: _pick(meta[CONTENTS], pats, fb, col) for col, (pats, fb) in FINANCE_VARIABLES.items()}
    return _fixed(meta, {REGION: _kommune_codes(meta[REGION]), CONTENTS: list(codes.values()),
                         TIME: _last_years(meta[TIME], n_years)}), codes


def _download(session, table: str, selection: dict, progress: bool, split: Sequence[str]) -> pd.DataFrame:
    from .online import pxweb
    limit = pxweb.max_cells(pxweb.config(session))
    chunks = pxweb.plan_chunks(selection, limit, split)
    return pxweb.fetch(session, table, chunks, progress=progress, desc=f"SSB KOSTRA {table}")


def fetch_kostra(session=None, progress: bool = True, n_years: int | None = 3, store: bool = True,
                 codes_til_2024: pd.DataFrame | None = None, root: Path | None = None) -> pd.DataFrame:
    """Download KOSTRA net operating expenditure per inhabitant by service area for every kommune (table
    12362), recode to 2024 numbers and store it as the optional dataset ``kostra``. Returns the frame.

    Raises DataError (network, or SSB changed the table). ``session``: a requests-like session (tests pass
    a fake serving recorded responses).
    """
    from .online import pxweb
    session = _session(session)
    meta = pxweb.metadata(session, KOSTRA_TABLE)
    selection = kostra_selection(meta, n_years)
    frame = _download(session, KOSTRA_TABLE, selection, progress, [TIME, REGION, FUNCTION])
    codes = codes_til_2024 if codes_til_2024 is not None else _codes_table(root)
    df, dropped = recode_to_2024(parse_kostra(frame), codes)
    info = {**_catalogue_entry("kostra", KOSTRA_TABLE),
            "art": selection[ART][0], "contents_code": selection[CONTENTS][0],
            "years": [int(y) for y in selection[TIME]], "functions": selection[FUNCTION],
            "rows_dropped_not_recodable": dropped}
    if store:
        cache.write_extra("kostra", df, info, root=root)
    return df


def fetch_finance(session=None, progress: bool = True, n_years: int | None = 5, store: bool = True,
                  codes_til_2024: pd.DataFrame | None = None, root: Path | None = None) -> pd.DataFrame:
    """Download netto driftsresultat, disposisjonsfond (fri egenkapital drift) and langsiktig gjeld, each in
    per cent of brutto driftsinntekter, for every kommune (table 12134) and store it as ``finance``."""
    from .online import pxweb
    session = _session(session)
    meta = pxweb.metadata(session, FINANCE_TABLE)
    selection, codes = finance_selection(meta, n_years)
    frame = _download(session, FINANCE_TABLE, selection, progress, [TIME, REGION])
    df, dropped = recode_to_2024(parse_finance(frame, codes),
                                 codes_til_2024 if codes_til_2024 is not None else _codes_table(root))
    info = {**_catalogue_entry("finance", FINANCE_TABLE),
            "contents_codes": codes, "labels": {col: meta[CONTENTS][c] for col, c in codes.items()},
            "years": [int(y) for y in selection[TIME]], "rows_dropped_not_recodable": dropped}
    if store:
        cache.write_extra("finance", df, info, root=root)
    return df


def record_responses(dest: str | Path, kommuner: Sequence[str] = ("1820", "1563", "5027"),
                     years: int = 2, session=None) -> list[Path]:
    """Record small real answers (metadata and data for a few kommuner) as test fixtures; needs network.

    Writes ``ssb-<table>-metadata.json`` and ``ssb-<table>-data.json`` for 12362 and 12134 into ``dest``.
    """
    from .online import pxweb
    from .online.http import get_json
    from .jsonstat import pxweb_v2_selection
    session = _session(session)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for table in (KOSTRA_TABLE, FINANCE_TABLE):
        url = f"{PXWEB_V2}/tables/{table}/metadata?lang=no&outputFormat=json-stat2"
        meta_doc = get_json(session, url)
        meta = pxweb.metadata(session, table)
        sel = kostra_selection(meta, years) if table == KOSTRA_TABLE else finance_selection(meta, years)[0]
        sel[REGION] = [k for k in kommuner if k in meta[REGION]]
        doc = get_json(session, f"{PXWEB_V2}/tables/{table}/data?lang=no&outputFormat=json-stat2",
                       body=pxweb_v2_selection(sel))
        for name, content in (("metadata", meta_doc), ("data", doc)):
            path = dest / f"ssb-{table}-{name}.json"
            path.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")
            written.append(path)
    return written
