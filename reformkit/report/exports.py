"""A report's exports, beside its page: an Excel workbook of its tables and each map and chart as SVG and PNG
(for slides).

The workbook holds real numbers: a table cell formatted by :mod:`reformkit.fmt` remembers its number and an
Excel number format (thousands grouped, decimals, per cent, "min", "mill. kr"), which Excel shows in the
reader's own locale — in Norwegian Excel as ``12 345,6``. Text stays text; "–" (missing) is an empty cell.
The figures are drawn by vl-convert from the same Vega-Lite specs as the page, with the Norwegian number
locale. Every file is built in memory and written atomically; the same inputs give the same bytes (the
workbook's dates and zip times are fixed).
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from .._io import write_bytes_atomic, write_text_atomic

#: The fixed date a workbook carries (its content, not the time of the run, decides its bytes).
FIXED_DATE = datetime(2000, 1, 1)
#: Sheet names: at most 31 characters, none of these.
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
PNG_SCALE = 2   # slides want sharp images: twice the report's pixel size


def workbook_name(stem: str) -> str:
    return f"{stem}.xlsx"


def figures_dir(stem: str) -> str:
    return f"{stem}-figurer"


def links(stem: str, tables: list[dict], charts: list[dict]) -> list[tuple[str, str]]:
    """(href, text) links from a report page to its exports."""
    out = []
    if tables:
        out.append((workbook_name(stem), "tabellene som Excel-arbeidsbok"))
    if charts:
        out.append((figures_dir(stem) + "/", "kart og figurer som SVG og PNG"))
    return out


def _sheet_names(tables: list[dict]) -> list[str]:
    used: set[str] = set()
    names = []
    for i, t in enumerate(tables, start=1):
        base = _SHEET_BAD.sub("-", str(t.get("name") or f"Tabell {i}")).strip("'") or f"Tabell {i}"
        name, n = base[:31], 2
        while name.casefold() in used:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        used.add(name.casefold())
        names.append(name)
    return names


def _write_sheet(ws, table: dict) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = table["columns"]
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    widths = [len(str(c)) for c in columns]
    for r, row in enumerate(table["rows"], start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, dict):
                cell.value, cell.number_format = value["v"], value["f"]
                shown = 12
            else:
                cell.value = value
                shown = len(str(value)) if value is not None else 0
            widths[c - 1] = max(widths[c - 1], shown)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, w + 2))
    ws.freeze_panes = "A2"


def workbook_bytes(tables: list[dict], title: str) -> bytes:
    """An .xlsx of ``tables`` (one sheet each, in report order), deterministic."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, table in zip(_sheet_names(tables), tables):
        _write_sheet(wb.create_sheet(name), table)
    wb.properties.title = title
    wb.properties.creator = "reformkit"
    wb.properties.created = wb.properties.modified = FIXED_DATE
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times and the saving time in docProps/core.xml replaced by
    :data:`FIXED_DATE` (openpyxl stamps both with the clock)."""
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _title_text(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title or "")


def _slug(text: str) -> str:
    """A figure's file-name part from its title (at most 60 characters)."""
    from .plan import slug
    return slug(text)[:60].strip("-") if text.strip() else ""


def figure_files(charts: list[dict]) -> dict[str, bytes]:
    """{file name: bytes}: each chart as ``NN-title.svg`` and ``NN-title.png``, numbered in report order."""
    import vl_convert as vlc

    from ..charts.embed import FORMAT_LOCALE, TIME_FORMAT_LOCALE, vl_version
    out: dict[str, bytes] = {}
    for i, spec in enumerate(charts, start=1):
        name = f"{i:02d}-{_slug(_title_text(spec)) or 'figur'}"
        opts = {"vl_version": vl_version(), "format_locale": FORMAT_LOCALE, "time_format_locale": TIME_FORMAT_LOCALE}
        svg = vlc.vegalite_to_svg(spec, **opts)
        out[f"{name}.svg"] = svg.encode("utf-8")
        out[f"{name}.png"] = vlc.svg_to_png(svg, scale=PNG_SCALE)   # from the SVG: Vega runs once per chart
    return out


def write_exports(out_dir: Path, stem: str, title: str, tables: list[dict], charts: list[dict],
                  figures: dict[str, bytes] | None = None) -> list[str]:
    """Write the workbook and the figures of one report into ``out_dir``; the written paths relative to it.

    A figures folder left from an earlier render loses the files this render no longer makes."""
    written = []
    if tables:
        write_bytes_atomic(out_dir / workbook_name(stem), workbook_bytes(tables, title))
        written.append(workbook_name(stem))
    folder = out_dir / figures_dir(stem)
    figures = figure_files(charts) if figures is None else figures
    if folder.is_dir():
        for old in folder.iterdir():
            if old.is_file() and old.name not in figures:
                old.unlink()
    for name, data in figures.items():
        write_bytes_atomic(folder / name, data)
        written.append(f"{figures_dir(stem)}/{name}")
    return written


def write_report(out: Path, html: str, title: str, tables: list[dict], charts: list[dict]) -> list[str]:
    """Write a report's exports, then its page ``out`` (last, so a page on disk always has its exports); the
    exports' paths relative to the page's folder."""
    exports = write_exports(out.parent, out.stem, title, tables, charts)
    write_text_atomic(out, html)
    return exports


__all__ = ["links", "workbook_bytes", "figure_files", "write_exports", "write_report", "workbook_name",
           "figures_dir"]
