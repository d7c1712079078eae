"""Real travel times supplied by the user: a CSV ``kommunenummer_from, kommunenummer_to, minutes`` that
overrides the model's pairs (``--travel-matrix``, a scenario's ``assumptions.travel.matrix_csv``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError

MATRIX_COLUMNS = ("kommunenummer_from", "kommunenummer_to", "minutes")


def read_travel_matrix(path: str | Path, codes: list[str]) -> pd.DataFrame:
    """Read a user-supplied travel-time CSV (``kommunenummer_from, kommunenummer_to, minutes``).

    Returns the long table with 4-character kommune numbers. Raises :class:`DataError` listing every problem
    with the file and column at fault (missing file or columns, unknown kommune numbers, bad minutes).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: travel-time matrix not found")
    try:
        df = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc})") from None
    missing = [c for c in MATRIX_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(MATRIX_COLUMNS)}")
    problems = []
    known = set(codes)
    for col in MATRIX_COLUMNS[:2]:
        raw = df[col].fillna("").str.strip()
        ok = raw.str.fullmatch(r"\d{3,4}")
        df[col] = raw.str.zfill(4)  # spreadsheets drop the leading zero of "0301"
        bad = raw[~ok]
        if len(bad):
            problems.append(f"{path}: column {col}: not a kommune number in row(s) "
                            f"{', '.join(str(i + 2) for i in bad.index[:5])} (e.g. {bad.iloc[0]!r})")
        unknown = sorted(set(df.loc[ok, col]) - known)
        if unknown:
            problems.append(f"{path}: column {col}: unknown kommune number(s) {', '.join(unknown[:8])}")
    minutes = pd.to_numeric(df["minutes"], errors="coerce")
    bad = df.index[minutes.isna() | (minutes < 0)]
    if len(bad):
        problems.append(f"{path}: column minutes: not a number >= 0 in row(s) "
                        f"{', '.join(str(i + 2) for i in bad[:5])}")
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
