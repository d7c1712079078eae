"""Real travel times supplied by the user: a CSV ``kommunenummer_from, kommunenummer_to, minutes`` that
overrides the model's pairs (``--travel-matrix``, a scenario's ``assumptions.travel.matrix_csv``)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from .._io import read_text_limited
from ..errors import DataError

MATRIX_COLUMNS = ("kommunenummer_from", "kommunenummer_to", "minutes")
#: A full 422 × 422 matrix is about 4 MB of CSV; a file many times that is not a travel-time matrix.
MAX_MATRIX_BYTES = 64_000_000
#: No trip between two kommuner takes a week; a larger value is a mistake (or an overflow such as 1e400).
MAX_MINUTES = 7 * 24 * 60


def _rows(path: Path) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, data rows and problems of the CSV's shape (duplicate column names, rows of the wrong width)."""
    text = read_text_limited(path, MAX_MATRIX_BYTES, "travel-time matrix", DataError)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), skipinitialspace=True))
    except csv.Error as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc})") from None
    rows = [r for r in rows if any(field.strip() for field in r)]   # blank lines carry nothing
    if not rows:
        raise DataError(f"{path}: the travel-time matrix is empty; expected the columns {', '.join(MATRIX_COLUMNS)}")
    header, data = [h.strip() for h in rows[0]], rows[1:]
    problems = [f"{path}: column {name} appears {header.count(name)} times; give each column once"
                for name in dict.fromkeys(header) if header.count(name) > 1]
    wrong = [i + 2 for i, r in enumerate(data) if len(r) != len(header)]
    if wrong:
        problems.append(f"{path}: row(s) {', '.join(map(str, wrong[:5]))} have "
                        f"{len(data[wrong[0] - 2])} fields, the header {len(header)}")
    return header, data, problems


def _check_codes(df: pd.DataFrame, path: Path, known: set[str], problems: list[str]) -> None:
    for col in MATRIX_COLUMNS[:2]:
        raw = df[col].str.strip()
        ok = raw.str.fullmatch(r"\d{3,4}")
        df[col] = raw.str.zfill(4)  # spreadsheets drop the leading zero of "0301"
        bad = raw[~ok]
        if len(bad):
            problems.append(f"{path}: column {col}: not a kommune number in row(s) "
                            f"{', '.join(str(i + 2) for i in bad.index[:5])} (e.g. {bad.iloc[0]!r})")
        unknown = sorted(set(df.loc[ok, col]) - known)
        if unknown:
            problems.append(f"{path}: column {col}: unknown kommune number(s) {', '.join(unknown[:8])}")


def read_travel_matrix(path: str | Path, codes: list[str]) -> pd.DataFrame:
    """Read a user-supplied travel-time CSV (``kommunenummer_from, kommunenummer_to, minutes``).

    Returns the long table with 4-character kommune numbers. Raises :class:`DataError` listing every problem
    with the file and column at fault: a missing, non-regular or oversized file, missing or repeated columns,
    rows of the wrong width, unknown kommune numbers, minutes that are not finite numbers in 0–10 080, a pair
    given twice in the same direction.
    """
    path = Path(path)
    header, data, problems = _rows(path)
    missing = [c for c in MATRIX_COLUMNS if c not in header]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(MATRIX_COLUMNS)}")
    if problems:
        raise DataError(f"{path}: invalid travel-time matrix", problems)
    pos = [header.index(c) for c in MATRIX_COLUMNS]
    df = pd.DataFrame([[r[i] for i in pos] for r in data], columns=list(MATRIX_COLUMNS), dtype=str)
    _check_codes(df, path, set(codes), problems)
    minutes = pd.to_numeric(df["minutes"].str.strip(), errors="coerce")
    bad = df.index[~np.isfinite(minutes.to_numpy(dtype=float)) | (minutes < 0) | (minutes > MAX_MINUTES)]
    if len(bad):
        problems.append(f"{path}: column minutes: not a number from 0 to {MAX_MINUTES} in row(s) "
                        f"{', '.join(str(i + 2) for i in bad[:5])} (e.g. {df.at[bad[0], 'minutes']!r})")
    twice = df.index[df.duplicated(list(MATRIX_COLUMNS[:2]))]
    if len(twice) and not problems:
        problems.append(f"{path}: the pair in row(s) {', '.join(str(i + 2) for i in twice[:5])} is given "
                        f"before in the same direction; give each pair once")
    if problems:
        raise DataError(f"{path}: invalid travel-time matrix", problems)
    df["minutes"] = minutes.astype(float)
    return df[list(MATRIX_COLUMNS)]


def apply_matrix(model: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Overlay supplied minutes on the model: a pair given both ways takes the mean, one way counts both ways."""
    pos = {c: i for i, c in enumerate(model.index)}
    i = table["kommunenummer_from"].map(pos).to_numpy(int)
    j = table["kommunenummer_to"].map(pos).to_numpy(int)
    n = len(pos)
    total = np.zeros((n, n))
    count = np.zeros((n, n))
    np.add.at(total, (i, j), table["minutes"].to_numpy())
    np.add.at(count, (i, j), 1.0)
    total, count = total + total.T, count + count.T
    values = model.to_numpy().copy()
    given = count > 0
    values[given] = total[given] / count[given]
    np.fill_diagonal(values, 0.0)
    return pd.DataFrame(values, index=model.index, columns=model.columns)
