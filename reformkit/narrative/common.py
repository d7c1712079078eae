"""Shared pieces of the report text: thresholds, HTML tables and notes, name lists, sources."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import pandas as pd

from .._html import TABLE_MIME, markdown_html, render
from ..fmt import MISSING, NBSP, nb_pct, signed
from ..params import Criteria, load_parameters
from .labels import hyphenated



def thresholds(criteria: Criteria | None = None) -> dict[str, int]:
    """The lower and upper population thresholds the reports flag against (``params/criteria.yaml``, or the
    ``criteria`` given)."""
    c = criteria or load_parameters().criteria
    return {"min": c.lower, "target": c.target}


_NUMERIC = re.compile(r"^[+\-−]?[\d\u00a0 ,.]+( %| min| mill\. kr)?$|^–$")


def _looks_numeric(value) -> bool:
    return isinstance(value, (int, float)) or bool(_NUMERIC.match(str(value)))


def table_html(df: pd.DataFrame, swatches: Mapping[str, str] | None = None) -> str:
    """A plain HTML table (class ``rk-table``) of already formatted values; stable bytes for stable input.

    Rendered from the template ``table.html.j2``; a column whose every value looks like a number is
    right-aligned (``class="num"``). ``swatches`` (name -> colour, e.g. the blocks' colours) puts a colour
    square before each value of the first column it names, so a table shows the same colour as the map.
    """
    numeric = [all(_looks_numeric(v) for v in df[c]) for c in df.columns]
    rows = [list(zip(row, numeric)) for row in df.itertuples(index=False)]
    colours = None
    if swatches and len(df.columns):
        colours = [_colour(swatches.get(str(v))) for v in df.iloc[:, 0]]
    header = [(hyphenated(c) if isinstance(c, str) else c, n) for c, n in zip(df.columns, numeric)]
    return render("table.html.j2", header=header, rows=rows, swatches=colours)


_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _colour(value: str | None) -> str | None:
    """A colour safe inside a style attribute (``#rrggbb`` only), or None."""
    return value if value and _HEX.match(value) else None


def md(text: str) -> str:
    """Markdown as HTML with every raw tag in it escaped: how report text built from scenario names,
    descriptions and block names reaches a report (``display(HTML(nar.md(...)))``), so none of it can run."""
    return markdown_html(text)


@dataclass
class Text:
    """Report text (Markdown) that a notebook displays as escaped HTML: ``display(nar.text(S.summary(res)))``."""

    markdown: str

    def _repr_html_(self) -> str:
        return md(self.markdown)


def text(markdown: str) -> Text:
    """Markdown built from names and descriptions, shown safely (see :func:`md`)."""
    return Text(markdown)



_NUM = rf"-?\d{{1,3}}(?:{NBSP}\d{{3}})*(?:,(\d+))?"
#: What reformkit.fmt writes, read back for the workbook: (pattern, scale to the stored value, Excel format).
#: A plain "1505" (a kommunenummer) or "2024" matches none of them: fmt groups thousands, so it stays text.
_FORMATS = [
    (re.compile(rf"^({_NUM})$"), 1, "#,##0{dec}"),
    (re.compile(rf"^([+]?{_NUM}) %$"), 0.01, "{sign}0{dec} %"),
    (re.compile(rf"^({_NUM}) min$"), 1, '#,##0{dec}" min"'),
    (re.compile(rf"^([+]?{_NUM}) mill\. kr$"), 1, '{sign}#,##0{dec}" mill. kr"'),
]


def _number(text: str) -> dict | None:
    """A formatted number (``"12 345"``, ``"+1,5 %"``, ``"87 min"``, ``"12,3 mill. kr"``) as {"v": value, "f": Excel
    number format}; None for any other text."""
    for pattern, scale, excel in _FORMATS:
        m = pattern.match(text)
        if m:
            digits = m.group(1)
            decimals = len(m.group(2) or "")
            value = float(digits.replace(NBSP, "").replace(",", ".").lstrip("+")) * scale
            sign = "+" if digits.startswith("+") else ""
            fmt = excel.format(dec="." + "0" * decimals if decimals else "", sign="")
            if sign:   # a signed change: "+" shown on gains, as in the report
                fmt = f"+{fmt};-{fmt};{fmt}"
            return {"v": round(value, decimals + (2 if scale == 0.01 else 0)) if scale != 1 or decimals else int(value),
                    "f": fmt}
    return None


def _cell(value: Any) -> Any:
    """A table cell for the export: the number a formatted value shows (as its number and Excel format), a
    number as itself, else its text ("–", missing, is an empty cell)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        number = float(value)
        return None if number != number else {"v": int(number) if number.is_integer() else number, "f": "General"}
    text = str(value)
    if text == MISSING:
        return None
    return _number(text) or text


@dataclass
class Table:
    """A report table: shown as HTML (:func:`table_html`) and carried with its numbers for the Excel export.

    ``display(nar.table(df, "Blokker"))`` in a notebook shows the table; the rendered report also gets it as
    a sheet named ``name`` of its workbook.
    """

    df: pd.DataFrame
    name: str
    swatches: Mapping[str, str] | None = None

    def html(self) -> str:
        return table_html(self.df, self.swatches)

    def export(self) -> dict:
        """The table for the workbook: sheet name, headers and rows of cells ({"v", "f"} numbers or text)."""
        return {"name": self.name, "columns": [str(c) for c in self.df.columns],
                "rows": [[_cell(v) for v in row] for row in self.df.itertuples(index=False)]}

    def _repr_html_(self) -> str:
        return self.html()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.html(), TABLE_MIME: self.export()}


def table(df: pd.DataFrame, name: str, swatches: Mapping[str, str] | None = None) -> Table:
    """A :class:`Table` to display in a report: ``display(nar.table(S.block_table(res), "Blokker"))``."""
    return Table(df, name, swatches)


def note_html(text: str) -> str:
    """A highlighted note (e.g. a section that is not computed yet), from the template ``note.html.j2``."""
    return render("note.html.j2", text=text)


def join_nb(items: Sequence[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b og c"``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def change_text(a: float, b: float) -> str:
    """Relative change from ``a`` to ``b`` as signed Norwegian percent text (``"+1,5 %"``)."""
    if not a:
        return "–"
    d = (b - a) / a
    return signed(nb_pct(d), d)


def sources_md(atlas) -> str:
    """Data sources and attribution as a Markdown list (from the Atlas manifest)."""
    lines = [f"- {a}" for a in atlas.attribution()]
    retrieved = atlas.manifest.get("retrieved")
    tail = f"\n\nData hentet {retrieved}." if retrieved else ""
    return "**Datakilder**\n\n" + "\n".join(lines) + tail
