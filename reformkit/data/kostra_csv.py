"""KOSTRA figures from a file the user fills in: the empty template, and reading it back with every problem named.

When the KOSTRA table has not been fetched (``reformkit data fetch --only kostra`` needs internet), or an
advisor wants the published expenditure-corrected figures of an analysis, the beste-praksis comparison of
the kommune profile reads them from this file (``reformkit kostra template`` writes it empty).

Format: a UTF-8 CSV (comma or semicolon separated, as a spreadsheet saves it), one row per kommune and
service area, with the header

    kommunenummer,kommunenavn,service_area,year,kr_per_inhabitant

* ``kommunenummer``: four digits; a number that lost its leading zero in a spreadsheet (``301``) is read as
  ``0301``.
* ``kommunenavn``: for the person filling in the file; not checked.
* ``service_area``: one of the twelve areas of :data:`reformkit.data.kostra.SERVICE_AREAS` (the beste-praksis
  table of domain.md), written as there (case does not matter).
* ``year``: the KOSTRA year (regnskapsår) of the figure.
* ``kr_per_inhabitant``: expenditure-corrected net operating expenditure per inhabitant in kroner
  (KOSTRA's "utgiftskorrigerte netto driftsutgifter per innbygger"), used as it stands; empty when not known.
  Decimal comma or point; spaces between thousands are allowed.

Other columns are ignored (room for the user's notes). Rows with an empty ``kr_per_inhabitant`` are skipped.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from pathlib import Path

import pandas as pd

from .._io import read_bytes_limited, write_text_atomic
from ..errors import DataError
from .kostra import SERVICE_AREAS

TEMPLATE_COLUMNS = ("kommunenummer", "kommunenavn", "service_area", "year", "kr_per_inhabitant")
REQUIRED_COLUMNS = ("kommunenummer", "service_area", "year", "kr_per_inhabitant")
_AREA_BY_KEY = {area.casefold(): area for area in SERVICE_AREAS}


def kostra_template(kommuner: Sequence[tuple[str, str]], year: int | None = None) -> str:
    """The template as CSV text: a row per kommune (``(kommunenummer, kommunenavn)``) and service area, with
    ``year`` filled in when given and ``kr_per_inhabitant`` empty.

    >>> print(kostra_template([("1837", "Meløy")], 2024).splitlines()[1])
    1837,Meløy,Administrasjon og styring,2024,
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for code, name in kommuner:
        for area in SERVICE_AREAS:
            writer.writerow([code, name, area, "" if year is None else int(year), ""])
    return out.getvalue()


def write_kostra_template(path: str | Path, kommuner: Sequence[tuple[str, str]], year: int | None = None) -> Path:
    """Write :func:`kostra_template` to ``path`` (atomically) and return the path."""
    return write_text_atomic(path, kostra_template(kommuner, year))


MAX_KOSTRA_BYTES = 10_000_000


def _text(path: Path) -> str:
    # 357 kommuner x 12 areas is ~25 000 rows, about 1.5 MB: 10 MB leaves room and still refuses a wrong file
    raw = read_bytes_limited(path, MAX_KOSTRA_BYTES, "KOSTRA file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # a spreadsheet on Windows saves CSV in its code page; æ, ø and å are the same there
        return raw.decode("cp1252", errors="replace")


def _number(text: str) -> float | None:
    """``"9 340"``, ``"9340,5"`` or ``"9340.5"`` -> float; None when it is not a number."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("−", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _kommune(text: str, known: Collection[str] | None) -> tuple[str | None, str | None]:
    code = text.zfill(4) if text.isdigit() and 3 <= len(text) <= 4 else text
    if not (len(code) == 4 and code.isdigit()):
        return None, f"{text!r} is not a kommunenummer (four digits, e.g. 1837)"
    if known is not None and code not in known:
        return None, f"no kommune has number {code} on 2024 borders"
    return code, None


def _row(cells: dict[str, str], known: Collection[str] | None) -> tuple[dict | None, list[tuple[str, str]]]:
    """One data row checked cell by cell: (record or None when the value is empty, [(column, problem)])."""
    problems: list[tuple[str, str]] = []
    code, problem = _kommune(cells["kommunenummer"], known)
    if problem:
        problems.append(("kommunenummer", problem))
    area = _AREA_BY_KEY.get(cells["service_area"].casefold())
    if area is None:
        problems.append(("service_area", f"{cells['service_area']!r} is not a service area; use one of "
                                         f"{', '.join(repr(a) for a in SERVICE_AREAS)}"))
    value_text, year_text = cells["kr_per_inhabitant"], cells["year"]
    value = _number(value_text) if value_text else None
    if value_text and value is None:
        problems.append(("kr_per_inhabitant", f"{value_text!r} is not a number of kroner"))
    year = int(year_text) if year_text.isdigit() else None
    if year_text and (year is None or not 1990 <= year <= 2100):
        problems.append(("year", f"{year_text!r} is not a year (e.g. 2024)"))
    elif value_text and not year_text:
        problems.append(("year", "empty; give the KOSTRA year of the figure"))
    if problems or value is None:
        return None, problems
    return {"kommunenummer": code, "year": year, "service_area": area, "kr_per_inhabitant": value}, problems


def read_kostra_csv(path: str | Path, known: Collection[str] | None = None) -> pd.DataFrame:
    """Read a filled KOSTRA file (format in the module docstring) into the shape of the fetched ``kostra``
    dataset: kommunenummer, year, service_area, kr_per_inhabitant (rows with a value only).

    ``known``: the kommunenummer that exist (2024 borders); others are problems. Every problem of the file
    is collected and raised at once as a :class:`~reformkit.errors.DataError`, one line each naming the file,
    the row (as a spreadsheet numbers it, the header being row 1) and the column.
    """
    path = Path(path)
    text = _text(path)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DataError(f"{path}: not a KOSTRA file", [f"{path}: row 1: missing column(s) {', '.join(missing)} "
                                                       f"(the header is {', '.join(TEMPLATE_COLUMNS)})"])
    position = {c: header.index(c) for c in REQUIRED_COLUMNS}
    records, problems, seen = [], [], {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: (row[i].strip() if i < len(row) else "") for c, i in position.items()}
        record, row_problems = _row(cells, known)
        problems += [f"{path}: row {number}, column {column}: {what}" for column, what in row_problems]
        if record is None:
            continue
        key = (record["kommunenummer"], record["service_area"], record["year"])
        if key in seen:
            problems.append(f"{path}: row {number}: {key[0]} {key[1]} {key[2]} is already given in row {seen[key]}")
        seen.setdefault(key, number)
        records.append(record)
    if problems:
        raise DataError(f"{path}: {len(problems)} problem{'s' if len(problems) > 1 else ''} in the KOSTRA file",
                        problems)
    frame = pd.DataFrame(records, columns=["kommunenummer", "year", "service_area", "kr_per_inhabitant"])
    frame = frame.astype({"kommunenummer": "string", "year": "int16", "service_area": "string",
                          "kr_per_inhabitant": "float64"})
    frame.attrs["source"] = str(path)
    return frame
