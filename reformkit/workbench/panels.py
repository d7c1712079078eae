"""HTML pieces of the workshop: messages, the block summary with changes, the legend, the comparison table and
download links. Every text from a scenario, a block or the data goes through :func:`reformkit._html.escape`."""
from __future__ import annotations

import base64

import pandas as pd

from .._html import escape, markdown_html
from ..evaluate import ScenarioResult
from ..narrative import cooperation as coop
from ..narrative import workshop as words
from ..narrative.labels import WORKSHOP
from .map import block_colour
from .state import Message

CSS = """<style>
.rkw-msg{margin:2px 0;padding:3px 6px;border-radius:3px;font-size:13px}
.rkw-info{background:#eef4fa;color:#1d3557}
.rkw-warning{background:#fff4e0;color:#7a4500;border-left:4px solid #e08a00}
.rkw-error{background:#fdecec;color:#8a1010;border-left:4px solid #c00}
.rkw-table{border-collapse:collapse;font-size:12px;width:100%}
.rkw-table th{background:#f2f2f2;text-align:left;padding:3px 5px;border-bottom:1px solid #bbb;vertical-align:bottom}
.rkw-table td{padding:3px 5px;border-bottom:1px solid #e3e3e3;vertical-align:top;white-space:nowrap}
.rkw-table td.num,.rkw-table th.num{text-align:right}
.rkw-chg{display:block;font-size:11px;color:#555}
.rkw-chg.up{color:#1a6e1a}.rkw-chg.down{color:#a11}
.rkw-sw{display:inline-block;width:11px;height:11px;margin-right:5px;border:1px solid #666;vertical-align:-1px}
.rkw-legend{font-size:12px;line-height:1.6}
.rkw-h{font-weight:bold;font-size:14px;margin:6px 0 3px}
</style>"""

_SYMBOL = {"info": "", "warning": "⚠ ", "error": "✖ "}


def messages_html(messages: list[Message]) -> str:
    """The messages of the last edit, one line each, warnings and refusals marked by a symbol as well as colour."""
    return "".join(f'<div class="rkw-msg rkw-{m.level}">{_SYMBOL.get(m.level, "")}{escape(m.text)}</div>'
                   for m in messages)


def _cell(value: str, change: str, numeric: bool) -> str:
    cls = ' class="num"' if numeric else ""
    direction = "up" if change.startswith("+") else "down" if change.startswith("-") else ""
    chg = f'<span class="rkw-chg {direction}">({escape(change)})</span>' if change else ""
    return f"<td{cls}>{escape(value)}{chg}</td>"


def summary_html(res: ScenarioResult, start: ScenarioResult) -> str:
    """The block summary: each figure with its change against the starting point in brackets below it."""
    values, changes = words.summary(res, start)
    text_cols = {"Blokk", "Senter", "Kriterier"}
    head = "".join(f'<th{"" if c in text_cols else " class=num"}>{escape(c)}</th>' for c in values.columns)
    rows = []
    for i in range(len(values)):
        cells = []
        for c in values.columns:
            v, ch = str(values.iloc[i][c]), str(changes.iloc[i][c])
            if c == "Blokk":
                sw = f'<span class="rkw-sw" style="background:{block_colour(i)}"></span>'
                chg = f'<span class="rkw-chg">({escape(ch)})</span>' if ch else ""
                cells.append(f"<td>{sw}<b>{escape(v)}</b>{chg}</td>")
            else:
                cells.append(_cell(v, ch, c not in text_cols))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="rkw-h">{escape(WORKSHOP["summary_heading"])}</div>'
            f'<div style="overflow-x:auto"><table class="rkw-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def legend_html(res: ScenarioResult) -> str:
    """What the map shows: each block's colour and name, and how merge, cooperation and centres are drawn."""
    blocks = "".join(f'<div><span class="rkw-sw" style="background:{block_colour(i)}"></span>{escape(name)}</div>'
                     for i, name in enumerate(res.blocks.index))
    keys = "".join(f"<div>{escape(WORKSHOP[k])}</div>" for k in ("legend_merge", "legend_cooperate", "legend_centre"))
    return f'<div class="rkw-legend">{blocks}<hr style="margin:4px 0">{keys}<div><i>{escape(WORKSHOP["map_hint"])}</i></div></div>'


def comparison_html(a: ScenarioResult, b: ScenarioResult) -> str:
    """Key figures of the pinned option A and the current option B."""
    return f'<div class="rkw-h">{escape(WORKSHOP["compare_heading"])}</div>' + _table_html(words.comparison(a, b))


def _table_html(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False))
    return f'<table class="rkw-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def cooperation_html(res: ScenarioResult, block: str | None) -> str:
    """A block's binding cooperation: form, services and seats in a sentence, then each member's share and
    kroner (the report's cooperation section in short); empty when ``block`` is not a block of ``res``."""
    if block not in res.blocks.index:
        return ""
    heading = f'<div class="rkw-h">{escape(words.text("cooperation_heading", block=block))}</div>'
    if not res.cooperation.get(block):
        return heading + markdown_html(coop.cooperation_without_section_md(res, block))
    return (heading + markdown_html(coop.cooperation_summary_md(res, block))
            + f'<div style="overflow-x:auto">{_table_html(coop.share_table(res, block))}</div>')


def download_link(file_name: str, data: bytes, mime: str) -> str:
    """A link that saves ``data`` as ``file_name`` in the browser (a data: URL: nothing leaves the machine)."""
    b64 = base64.b64encode(data).decode("ascii")
    label = words.text("download_link", file=file_name)
    return (f'<a class="rkw-download" download="{escape(file_name)}" href="data:{mime};base64,{b64}" '
            f'style="font-weight:bold">⬇ {escape(label)}</a>')


def heading_html(res: ScenarioResult) -> str:
    """The scenario's name and the count of kommuner before and after."""
    counts = words.text("kommuner_count", before=res.kommuner_before, after=res.kommuner_after)
    return (f'<div style="font-size:17px;font-weight:bold">{escape(res.scenario.name)}</div>'
            f'<div style="font-size:12.5px;color:#444">{escape(counts)}</div>')
