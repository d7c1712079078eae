"""Population from SSB: table 07459 (1 January, by kommune, sex and single-year age) and kommune projections.

Table 07459 reports every year on *that year's* kommune codes (Region codes of merged kommuner stop, new
codes start). :func:`fetch_07459` asks, per group of years, for exactly the codes KLASS says were valid,
and :func:`recode` moves the counts to a target border year with the KLASS-derived weights of
:func:`reformkit.data.online.klass.code_weights`, keeping every total an exact integer.

(SSB also offers the codelist ``agg_KommSummer`` on 07459, which aggregates old codes to the *current*
kommuner on the server; it is not used because "current" moves with every reform while the atlas needs
2024 and 2019 borders, and because splits need explicit weights.)
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import DataError
from . import pxweb

TABLE = "07459"
CONTENTS = "Personer1"
SEX = {"1": "male", "2": "female"}
ALTERNATIVE_RE = re.compile(r"\b([LMHK0]{4})\b")


def age_of(code: str) -> int | None:
    """Single-year age from an SSB age code ("000" → 0, "105+" → 105); None for groups and totals."""
    m = re.fullmatch(r"(\d{1,3})\+?", str(code).strip())
    return int(m.group(1)) if m else None


def region_codes(codes: Sequence[str]) -> dict[str, str]:
    """Kommune number -> the table's own Region code (tables use "0301" or, in aggregations, "K-0301")."""
    out = {}
    for c in codes:
        plain = str(c)[2:] if str(c).startswith("K-") else str(c)
        if len(plain) == 4 and plain.isdigit():
            out.setdefault(plain, str(c))
    return out


def _need(meta: Mapping[str, Mapping], table: str, variables: Sequence[str]) -> None:
    missing = [v for v in variables if v not in meta]
    if missing:
        raise DataError(f"SSB table {table}: variables {', '.join(missing)} missing "
                        f"(has {', '.join(meta)}); the table layout changed")


def fetch_07459(session, valid: Mapping[int, Mapping[str, str]], *, limit: int,
                progress: bool = False) -> pd.DataFrame:
    """Population by each year's kommune codes: ``kommunenummer_original, year, age, sex, population``.

    ``valid`` is ``{year: {code: name}}`` from KLASS; years the table does not (yet) have are left out.
    Raises DataError if a kommune valid in a year has no counts.
    """
    meta = pxweb.metadata(session, TABLE)
    _need(meta, TABLE, ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"])
    if CONTENTS not in meta["ContentsCode"]:
        raise DataError(f"SSB table {TABLE}: statistic {CONTENTS} missing (has {', '.join(meta['ContentsCode'])})")
    regions = region_codes(list(meta["Region"]))
    ages = [c for c in meta["Alder"] if age_of(c) is not None]
    years = sorted(y for y in valid if str(y) in meta["Tid"])
    if not years:
        raise DataError(f"SSB table {TABLE}: none of the years {min(valid)}–{max(valid)} are published")
    missing = sorted({f"{c} ({y})" for y in years for c in valid[y] if c not in regions})
    if missing:
        raise DataError(f"SSB table {TABLE} lacks kommune codes KLASS lists as valid", missing[:20])
    codes_by_year = {y: [regions[c] for c in valid[y]] for y in years}
    groups = pxweb.chunk_by_year(codes_by_year, len(ages) * len(SEX), limit)
    chunks = [{"Region": codes, "Kjonn": list(SEX), "Alder": ages, "ContentsCode": [CONTENTS],
               "Tid": [str(y) for y in ys]} for ys, codes in groups]
    df = pxweb.fetch(session, TABLE, chunks, progress=progress, desc="Befolkning (SSB 07459)")
    if df.empty:
        raise DataError(f"SSB table {TABLE}: empty answer")
    out = pd.DataFrame({
        "kommunenummer_original": df["Region"].str.replace(r"^K-", "", regex=True),
        "year": pd.to_numeric(df["Tid"], errors="coerce").astype("Int64"),
        "age": df["Alder"].map(age_of).astype("Int64"),
        "sex": df["Kjonn"].map(SEX),
        "population": df["value"],
    }).dropna()
    valid_pairs = {(c, y) for y in years for c in valid[y]}
    keep = [(c, y) in valid_pairs for c, y in zip(out["kommunenummer_original"], out["year"])]
    out = out[keep].astype({"year": "int64", "age": "int64"}).reset_index(drop=True)
    have = set(zip(out["kommunenummer_original"], out["year"]))
    lacking = sorted(f"{c} ({y})" for c, y in valid_pairs - have)
    if lacking:
        raise DataError(f"SSB table {TABLE}: no counts for kommuner valid that year", lacking[:20])
    return out


def recode(raw: pd.DataFrame, weights: pd.DataFrame, target_col: str,
           keys: Sequence[str] = ("age", "sex")) -> pd.DataFrame:
    """Move counts on original codes to target codes with weights, conserving every count exactly.

    Each original row is split as ``floor(count × weight)`` per target and the rounding remainder goes to
    the target with the largest weight, so national totals (and each original kommune's total) are exact
    integers. Returns ``kommunenummer, year, *keys, population`` (int64), summed over the originals.
    """
    keys = [k for k in keys if k in raw.columns]
    base = raw.reset_index(drop=True).assign(_row=lambda d: np.arange(len(d)))
    m = base.merge(weights, on=["kommunenummer_original", "year"], how="left", validate="m:m")
    lost = m[m[target_col].isna()]
    if len(lost):
        pairs = sorted({f"{c} ({y})" for c, y in zip(lost["kommunenummer_original"], lost["year"])})
        raise DataError("no target code for some kommune codes", pairs[:20])
    m["part"] = np.floor(m["population"].to_numpy(float) * m["weight"].to_numpy(float) + 1e-9)
    residual = base["population"].to_numpy(float) - m.groupby("_row")["part"].sum().reindex(base["_row"]).to_numpy()
    first = m.sort_values(["_row", "weight", target_col], ascending=[True, False, True]).drop_duplicates("_row")
    m.loc[first.index, "part"] += residual[first["_row"].to_numpy()]
    out = (m.groupby([target_col, "year", *keys], observed=True, sort=True)["part"].sum()
           .round().astype("int64").rename("population").reset_index()
           .rename(columns={target_col: "kommunenummer"}))
    return out


def _alternative(code: str, label: str) -> str | None:
    for text in (code, label):
        m = ALTERNATIVE_RE.search(str(text))
        if m:
            return m.group(1)
    return None


def fetch_projection(session, table: str, kommuner: Sequence[str], *, limit: int, progress: bool = False,
                     alternatives: Sequence[str] = ("MMMM", "LLML", "HHMH")) -> pd.DataFrame:
    """SSB's kommune projections: ``kommunenummer, year, age, sex, alternative, population``.

    The alternatives (main MMMM, low LLML, high HHMH) are found in whichever variable carries them
    (codes or labels like "Hovedalternativet (MMMM)"); any other extra variable is set to its first value.
    """
    meta = pxweb.metadata(session, table)
    _need(meta, table, ["Region", "Kjonn", "Alder", "Tid"])
    alt_var, alt_codes = None, {}
    for var, cats in meta.items():
        if var in ("Region", "Kjonn", "Alder", "Tid"):
            continue
        found = {c: _alternative(c, lab) for c, lab in cats.items()}
        found = {c: a for c, a in found.items() if a in alternatives}
        if found:
            alt_var, alt_codes = var, found
            break
    if alt_var is None:
        raise DataError(f"SSB table {table}: no projection alternative among {', '.join(alternatives)} "
                        f"(variables {', '.join(meta)})")
    regions = region_codes(list(meta["Region"]))
    wanted = [regions[k] for k in kommuner if k in regions]
    if not wanted:
        raise DataError(f"SSB table {table}: none of the kommuner are in the table")
    selection = {"Region": wanted, "Kjonn": [c for c in meta["Kjonn"] if c in SEX],
                 "Alder": [c for c in meta["Alder"] if age_of(c) is not None], "Tid": list(meta["Tid"])}
    for var, cats in meta.items():
        if var not in selection:
            selection[var] = list(alt_codes) if var == alt_var else [next(iter(cats))]
    chunks = pxweb.plan_chunks(selection, limit, ["Region", "Tid", "Alder"])
    df = pxweb.fetch(session, table, chunks, progress=progress, desc=f"Framskrivinger (SSB {table})")
    out = pd.DataFrame({
        "kommunenummer": df["Region"].str.replace(r"^K-", "", regex=True),
        "year": pd.to_numeric(df["Tid"], errors="coerce"),
        "age": df["Alder"].map(age_of),
        "sex": df["Kjonn"].map(SEX),
        "alternative": df[alt_var].map(alt_codes),
        "population": df["value"],
    }).dropna()
    return out.astype({"year": "int16", "age": "int16", "population": "float64"}).reset_index(drop=True)
