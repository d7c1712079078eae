"""``index.html``: every report of the output folder by kind, with its exports; failures with their error."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from markupsafe import Markup

from .._html import render
from .._io import write_text_atomic
from .batch import Outcome
from .plan import INDEX_FILE
from .render import generated_line

INDEX_TEMPLATE = "index.html.j2"
SECTIONS = {"scenario": "Scenarioer", "compare": "Sammenligning", "county": "Fylkesoversikter",
            "kommune": "Kommuneprofiler"}


def _exports(exports: list[str]) -> list[tuple[str, str]]:
    """(href, text) for a report's workbook and its figures folder."""
    out = []
    if any(e.endswith(".xlsx") for e in exports):
        out.append((next(e for e in exports if e.endswith(".xlsx")), "Excel"))
    folders = sorted({e.split("/")[0] + "/" for e in exports if "/" in e})
    out += [(f, "figurer") for f in folders]
    return out


def write_index(out_dir: str | Path, outcomes: Iterable[Outcome], generated: str | None = None) -> Path:
    """Write ``index.html`` linking every rendered report; failed ones are listed with their error."""
    outcomes = list(outcomes)
    sections = []
    for kind, heading in SECTIONS.items():
        items = [{"name": o.task.title or o.task.label, "href": o.task.out.name if o.ok else None,
                  "source": Path(o.task.label).name, "error": o.error or "", "exports": _exports(o.exports)}
                 for o in outcomes if o.task.kind == kind]
        if items:
            sections.append((heading, items))
    text = render(INDEX_TEMPLATE, sections=sections, generated=Markup(generated or generated_line()))
    return write_text_atomic(Path(out_dir) / INDEX_FILE, text)
