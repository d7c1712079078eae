"""Shared pieces of the report text: thresholds, HTML tables and notes, name lists, sources."""
from __future__ import annotations

import html
import re
from typing import Sequence

import pandas as pd

from ..fmt import nb_pct
from ..params import Criteria, load_parameters
from ..evaluate.county import names
from .labels import NOT_COMPUTED



def thresholds(criteria: Criteria | None = None) -> dict[str, int]:
    """The lower and upper population thresholds the reports flag against (``params/criteria.yaml``, or the
    ``criteria`` given)."""
    c = criteria or load_parameters().criteria
    return {"min": c.lower, "target": c.target}


_NUM = ' class="num"'
_NUMERIC = re.compile(r"^[+\-−]?[\d\u00a0 ,.]+( %| min| mill\. kr)?$|^–$")


def _looks_numeric(value) -> bool:
    return isinstance(value, (int, float)) or bool(_NUMERIC.match(str(value)))


def table_html(df: pd.DataFrame) -> str:
    """A plain HTML table (class ``rk-table``) of already formatted values; stable bytes for stable input."""
    numeric = [all(_looks_numeric(v) for v in df[c]) for c in df.columns]
    head = "".join(f'<th{_NUM if n else ""}>{html.escape(str(c))}</th>' for c, n in zip(df.columns, numeric))
    rows = "".join("<tr>" + "".join(f'<td{_NUM if n else ""}>{html.escape(str(v))}</td>' for v, n in zip(row, numeric))
                   + "</tr>" for row in df.itertuples(index=False))
    return f'<table class="rk-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def note_html(text: str) -> str:
    """A highlighted note (e.g. a section that is not computed yet)."""
    return f'<div class="rk-note">{html.escape(text)}</div>'


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
