"""Charts of the kommune profile: the support ratio year by year, and the change in expenditure need by service.

The population pyramids are :func:`reformkit.charts.age_pyramid`. Tables come from
:mod:`reformkit.narrative.profile` (``support_long``, ``need_long``), labels from the narrative's label table.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..fmt import nb_float, nb_mill
from ..narrative.labels import CHART as L
from ..narrative.labels import NEED_SERVICE_SHORT, PROFILE_CHART as P
from .plots import DEC1, _observed_then_projected, _title
from .style import PALETTE

#: The services in stacking order, and the colour of the total line.
SERVICE_ORDER = [NEED_SERVICE_SHORT[s] for s in ("barnehage", "grunnskole", "pleie_omsorg", "other")]
TOTAL_COLOUR = "#333333"


def support_ratio_profile(df: pd.DataFrame, *, observed_until: int, horizon: int, title: str = P["support_title"],
                          width: int = 560, height: int = 300) -> alt.LayerChart:
    """The support ratio per year, one line per projection (``series``), solid while observed and dashed
    after ``observed_until``, with the value written at ``observed_until`` and at ``horizon``.

    ``df`` columns: series (the projection in words), year, ratio.
    """
    d = df[["series", "year", "ratio"]].copy()
    d["year"] = d["year"].astype(int)
    d[L["support"]] = d["ratio"].map(lambda v: nb_float(v, 2))
    domain = list(dict.fromkeys(d["series"].astype(str)))
    scale = alt.Scale(domain=domain, range=PALETTE[:len(domain)])
    colour = alt.Color("series:N", title=P["projection"], scale=scale,
                       legend=alt.Legend(orient="bottom", direction="vertical"))
    enc = dict(x=alt.X("year:Q", title=L["year"], axis=alt.Axis(format="d", tickMinStep=1)),
               y=alt.Y("ratio:Q", title=L["support_axis"], axis=alt.Axis(format=DEC1), scale=alt.Scale(zero=False)),
               color=colour,
               tooltip=[alt.Tooltip("series:N", title=P["projection"]), alt.Tooltip("year:Q", title=L["year"]),
                        alt.Tooltip(f"{L['support']}:N")])
    lines = _observed_then_projected(d, enc, observed_until)
    marked = d[d["year"].isin([observed_until, horizon])].drop_duplicates(["year", L["support"]])
    labels = alt.Chart(marked).mark_text(align="left", dx=6, dy=-8, fontSize=12, fontWeight="bold").encode(
        x="year:Q", y="ratio:Q", text=f"{L['support']}:N", color=colour)
    return alt.layer(lines, labels).properties(title=_title(title, observed_until), width=width, height=height)


def need_change_chart(df: pd.DataFrame, *, title: str, axis_title: str, width: int = 560,
                      height: int = 300) -> alt.LayerChart:
    """The change in expenditure need from the base year, per year: a bar per year stacked by service
    (increases above zero, decreases below), and the total of all services as a line.

    ``df`` columns (``narrative.profile.need_long``): year, service (label), change (kr), total (kr).
    """
    d = df.copy()
    d["year"] = d["year"].astype(int)
    d["mill"] = d["change"] / 1e6
    d[L["change"]] = d["change"].map(nb_mill)
    total = d.drop_duplicates("year")[["year", "total"]].assign(service=P["need_total"])
    total["mill"] = total["total"] / 1e6
    total[L["change"]] = total["total"].map(nb_mill)
    domain = [s for s in SERVICE_ORDER if s in set(d["service"])] + [P["need_total"]]
    colour = alt.Color("service:N", title=L["service"],
                       scale=alt.Scale(domain=domain, range=PALETTE[:len(domain) - 1] + [TOTAL_COLOUR]),
                       legend=alt.Legend(orient="bottom", columns=3))
    x = alt.X("year:O", title=L["year"], axis=alt.Axis(labelAngle=0))
    tip = [alt.Tooltip("year:O", title=L["year"]), alt.Tooltip("service:N", title=L["service"]),
           alt.Tooltip(f"{L['change']}:N")]
    bars = alt.Chart(d).mark_bar().encode(
        x=x, y=alt.Y("mill:Q", title=axis_title, stack="zero", axis=alt.Axis(format=DEC1)), color=colour,
        order=alt.Order("order:Q"), tooltip=tip).transform_calculate(
        order=f"indexof({domain!r}, datum.service)")
    line = alt.Chart(total).mark_line(point=True, strokeWidth=2).encode(x=x, y="mill:Q", color=colour, tooltip=tip)
    rule = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#555").encode(y="y:Q")
    return alt.layer(bars, rule, line).properties(title=title, width=width, height=height)
