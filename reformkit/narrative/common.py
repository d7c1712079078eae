"""Shared pieces of the report text: thresholds, HTML tables and notes, name lists, sources."""
from __future__ import annotations

import re
from typing import Sequence

import pandas as pd

from .._html import render
from ..fmt import nb_pct
from ..params import Criteria, load_parameters
from ..evaluate.county import names
from .labels import NOT_COMPUTED



def thresholds(criteria: Criteria | None = None) -> dict[str, int]:
    """The lower and upper population thresholds the reports flag against (``params/criteria.yaml``, or the
    ``criteria`` given)."""
    c = criteria or load_parameters().criteria
    return {"min": c.lower, "target": c.target}


_NUMERIC = re.compile(r"^[+\-−]?[\d\u00a0 ,.]+( %| min| mill\. kr)?$|^–$")


def _looks_numeric(value) -> bool:
    return isinstance(value, (int, float)) or bool(_NUMERIC.match(str(value)))


def table_html(df: pd.DataFrame) -> str:
    """A plain HTML table (class ``rk-table``) of already formatted values; stable bytes for stable input.

    Rendered from the template ``table.html.j2``; a column whose every value looks like a number is
    right-aligned (``class="num"``).
    """
    numeric = [all(_looks_numeric(v) for v in df[c]) for c in df.columns]
    rows = [list(zip(row, numeric)) for row in df.itertuples(index=False)]
    return render("table.html.j2", header=list(zip(df.columns, numeric)), rows=rows)


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
    return ("+" if d > 0 else "") + nb_pct(d)


def sources_md(atlas) -> str:
    """Data sources and attribution as a Markdown list (from the Atlas manifest)."""
    lines = [f"- {a}" for a in atlas.attribution()]
    retrieved = atlas.manifest.get("retrieved")
    tail = f"\n\nData hentet {retrieved}." if retrieved else ""
    return "**Datakilder**\n\n" + "\n".join(lines) + tail
