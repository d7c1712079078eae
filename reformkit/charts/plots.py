"""Line, bar, pyramid, strip and waterfall charts on tidy tables (Norwegian labels)."""
from __future__ import annotations

from typing import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..fmt import nb_float, nb_int, nb_minutes
from ..narrative.labels import CHART as L
from .style import LINES_MAX, PALETTE, PRINT_WIDTH, colour_scale

INT = ",d"      # d3 format: thousands grouped with the locale's separator (no-break space)
DEC1 = ",.1f"


def _colour(field: str, title: str, domain: Sequence[str] | None = None,
            colours: Mapping[str, str] | None = None) -> alt.Color:
    if colours or (domain and len(domain) <= len(PALETTE)):
        return alt.Color(f"{field}:N", title=title, scale=alt.Scale(**colour_scale(list(domain or colours), colours)))
    return alt.Color(f"{field}:N", title=title, scale=alt.Scale(range=PALETTE))


def _year_axis(years: Sequence[int]) -> alt.X:
    """Whole years only: a short span gets every year as a tick (a quantitative axis would print 2018 twice
    for 2017.5 and 2018.5); a long one every second or fifth."""
    years = sorted({int(y) for y in years})
    step = 1 if len(years) <= 12 else 2 if len(years) <= 24 else 5
    ticks = [y for y in years if (y - years[0]) % step == 0] if years else []
    return alt.X("year:Q", title=L["year"], scale=alt.Scale(nice=False, domain=[years[0], years[-1]]) if years else
                 alt.Undefined, axis=alt.Axis(format="d", values=ticks, labelAngle=0, labelOverlap=True))


def _series_lines(d: pd.DataFrame, series: str, value: str, y_title: str, y_format: str, tooltip: list, *,
                  observed_until: int | None, title, series_title: str, colours: Mapping[str, str] | None,
                  width: int, height: int, relative: bool = False):
    """One line per series, solid while observed and dashed when projected. Up to :data:`LINES_MAX` lines
    share one chart with a legend; more become small multiples, one panel per series named above it, all on
    one scale so the panels compare. With ``relative`` the panels show the change in per cent since the first
    year (population: a kommune of 2 000 and one of 200 000 on one scale); the tooltip keeps the numbers."""
    domain = list(dict.fromkeys(d[series].astype(str)))
    x = _year_axis(d["year"])
    if len(domain) <= LINES_MAX:
        y = alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=y_format), scale=alt.Scale(zero=False))
        enc = dict(x=x, y=y, color=_colour(series, series_title, domain, colours), tooltip=tooltip)
        return _observed_then_projected(d, enc, observed_until).properties(title=title, width=width, height=height)
    if relative:
        first = d.sort_values("year").groupby(series)[value].transform("first")
        d = d.assign(endring=(d[value] / first - 1) * 100)
        value, y_format = "endring", DEC1
        title = _relative_title(title, int(d["year"].min()))
    colour = alt.Color(f"{series}:N", legend=None, scale=alt.Scale(**colour_scale(domain, colours)))
    y = alt.Y(f"{value}:Q", title=None, axis=alt.Axis(format=y_format, tickCount=4), scale=alt.Scale(zero=relative))
    enc = dict(x=x.axis(format="d", values=_sparse(d["year"]), labelAngle=0, title=None), y=y, color=colour,
               tooltip=tooltip)
    obs = observed_until if observed_until is not None and int(d["year"].max()) > observed_until else None
    lines = [alt.Chart().mark_line(point=False).encode(**enc).transform_filter(
        alt.datum.year <= obs if obs is not None else alt.datum.year > -1)]
    if obs is not None:
        lines.append(alt.Chart().mark_line(strokeDash=[5, 3]).encode(**enc).transform_filter(alt.datum.year >= obs))
    if relative:
        lines.append(alt.Chart().mark_rule(color="#888", strokeWidth=0.8).encode(y=alt.datum(0)))
    columns = 4 if width >= 500 else 3
    panel = max(110, (min(width, PRINT_WIDTH - 40) - 30 * columns) // columns)
    return alt.layer(*lines, data=d).properties(width=panel, height=70).facet(
        facet=alt.Facet(f"{series}:N", title=None, sort=domain, header=alt.Header(labelFontSize=11, labelLimit=panel)),
        columns=columns).properties(title=title)


def _relative_title(title, base: int):
    """The title of relative small multiples: what the panels show, then (if any) the solid/dashed note."""
    text = title.text if isinstance(title, alt.TitleParams) else title
    sub = [L["change_since"].format(year=base)]
    if isinstance(title, alt.TitleParams) and title.subtitle is not alt.Undefined:
        sub.append(title.subtitle)
    return alt.TitleParams(text, subtitle=sub)


def _sparse(years) -> list[int]:
    """First, middle and last year: what a small panel has room for."""
    ys = sorted({int(y) for y in years})
    return sorted({ys[0], ys[len(ys) // 2], ys[-1]}) if ys else []


def population_lines(df: pd.DataFrame, *, series: str = "name", value: str = "population",
                     observed_until: int | None = None, title: str = L["population_title"], y_title: str = L["population"],
                     series_title: str = L["unit"], width: int = 560, height: int = 300,
                     colours: Mapping[str, str] | None = None) -> alt.LayerChart | alt.FacetChart:
    """Population per year, one line per ``series``; years after ``observed_until`` dashed (projection).

    ``df`` columns: ``series``, year, ``value``. ``colours`` gives each series its colour (by name, e.g. the
    blocks' colours, or each kommune its block's). Many series become small multiples (:data:`LINES_MAX`).
    """
    d = df[[series, "year", value]].copy()
    d["year"] = d["year"].astype(int)
    d[L["population"]] = d[value].map(nb_int)
    tip = [alt.Tooltip(f"{series}:N", title=series_title), alt.Tooltip("year:Q", title=L["year"]),
           alt.Tooltip(f"{L['population']}:N")]
    return _series_lines(d, series, value, y_title, INT, tip, observed_until=observed_until, colours=colours,
                         title=_title(title, observed_until, d), series_title=series_title, width=width, height=height,
                         relative=True)


def _observed_then_projected(d: pd.DataFrame, enc: dict, observed_until: int | None) -> alt.Chart | alt.LayerChart:
    """Lines solid up to the last observed year and dashed after it (both include that year, so they join)."""
    if observed_until is None:
        return alt.Chart(d).mark_line(point=True).encode(**enc)
    return alt.layer(alt.Chart(d[d.year <= observed_until]).mark_line(point=True).encode(**enc),
                     alt.Chart(d[d.year >= observed_until]).mark_line(point=True, strokeDash=[5, 3]).encode(**enc))


def _title(title: str, observed_until: int | None, d: pd.DataFrame | None = None):
    """The title, with a subtitle on solid and dashed lines only when some years are projected."""
    if observed_until is None or (d is not None and int(d["year"].max()) <= observed_until):
        return title
    return alt.TitleParams(title, subtitle=L["observed_projected"].format(year=observed_until))


def support_ratio_lines(df: pd.DataFrame, *, series: str = "name", observed_until: int | None = None,
                        title: str = L["support_title"], series_title: str = L["unit"],
                        width: int = 560, height: int = 280,
                        colours: Mapping[str, str] | None = None) -> alt.LayerChart | alt.FacetChart:
    """Old-age support ratio per year, one line per ``series``. ``df`` columns: ``series``, year, ratio."""
    d = df[[series, "year", "ratio"]].copy()
    d["year"] = d["year"].astype(int)
    d[L["support"]] = d["ratio"].map(lambda v: nb_float(v, 2))
    tip = [alt.Tooltip(f"{series}:N", title=series_title), alt.Tooltip("year:Q", title=L["year"]),
           alt.Tooltip(f"{L['support']}:N")]
    return _series_lines(d, series, "ratio", L["support_axis"], DEC1, tip, observed_until=observed_until, colours=colours,
                         title=_title(title, observed_until, d), series_title=series_title, width=width, height=height)


def _age_band(age: np.ndarray, width: int = 5, top: int = 90) -> np.ndarray:
    lo = np.minimum(age // width * width, top)
    return np.where(lo >= top, f"{top}+", [f"{a}–{a + width - 1}" for a in lo])


def age_pyramid(pop: pd.DataFrame, *, years: Sequence[int], title: str = L["age_structure"],
                width: int = 280, height: int = 300) -> alt.HConcatChart:
    """Age pyramids (5-year bands, men left, women right) side by side for ``years``.

    ``pop`` is long: year, age, sex, population (summed over whatever units it holds). Tables with sex
    "total" only (2019 borders) draw one-sided bars.
    """
    d = pop[pop["year"].isin(list(years))]
    d = d.assign(band=_age_band(d["age"].to_numpy().astype(int)), sex=d["sex"].astype(str))
    g = d.groupby(["year", "band", "sex"], observed=True)["population"].sum().reset_index()
    g[L["sex"]] = g["sex"].map({"male": L["men"], "female": L["women"], "total": L["all"]})
    g["value"] = np.where(g["sex"] == "male", -g["population"], g["population"]).astype(float).round(1)
    g[L["population"]] = g["population"].map(nb_int)
    order = [f"{a}–{a + 4}" for a in range(0, 90, 5)][::-1] + ["90+"]
    order = ["90+"] + order[:-1]
    vmax = float(g["population"].max() or 1.0)
    sexes = [s for s in (L["men"], L["women"], L["all"]) if s in set(g[L["sex"]])]
    colours = {L["men"]: "#4e79a7", L["women"]: "#e15759", L["all"]: "#59a14f"}
    charts = []
    for y in years:
        part = g[g["year"] == y]
        charts.append(alt.Chart(part).mark_bar().encode(
            y=alt.Y("band:N", sort=order, title=L["age"]),
            x=alt.X("value:Q", title=L["pyramid_axis"],
                    scale=alt.Scale(domain=[-vmax * 1.05, vmax * 1.05]),
                    axis=alt.Axis(format=INT, tickCount=4, labelExpr="replace(datum.label, '−', '')")),
            color=alt.Color(f"{L['sex']}:N", scale=alt.Scale(domain=sexes, range=[colours[s] for s in sexes]),
                            title=L["sex"]),
            tooltip=[alt.Tooltip("band:N", title=L["age"]), alt.Tooltip(f"{L['sex']}:N"), alt.Tooltip(f"{L['population']}:N")],
        ).properties(title=str(int(y)), width=width, height=height))
    return alt.hconcat(*charts).properties(title=title)


def travel_time_chart(df: pd.DataFrame, *, title: str = L["travel_title"], width: int = 420,
                      colours: Mapping[str, str] | None = None) -> alt.FacetChart:
    """Travel minutes from each kommune to its block centre: a labelled bar per kommune (its name on the
    axis, the minutes at the bar's end), one group per block headed by the block's name, in the block's colour.

    ``df`` columns: kommune, block, minutes (and optionally track).
    """
    d = df.copy()
    d[L["minutes"]] = d["minutes"].map(lambda v: nb_float(v, 0))
    d["tekst"] = d["minutes"].map(nb_minutes)
    present = list(dict.fromkeys(d["block"].astype(str)))
    domain = [b for b in (colours or {}) if b in set(present)] + [b for b in present if b not in (colours or {})]
    tip = [alt.Tooltip("kommune:N", title=L["kommune"]), alt.Tooltip("block:N", title=L["block"]),
           alt.Tooltip(f"{L['minutes']}:N", title=L["travel_minutes"])]
    if "track" in d.columns:
        tip.append(alt.Tooltip("track:N", title=L["track"]))
    top = float(d["minutes"].max()) if d["minutes"].notna().any() else 1.0
    x = alt.X("minutes:Q", title=L["travel_axis"], axis=alt.Axis(format="d"), scale=alt.Scale(domain=[0, top * 1.15]))
    y = alt.Y("kommune:N", title=None, sort="-x")
    bars = alt.Chart().mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        x=x, y=y, color=alt.Color("block:N", legend=None, scale=alt.Scale(**colour_scale(domain, colours))),
        tooltip=tip)
    text = alt.Chart().mark_text(align="left", dx=3, fontSize=10, color="#333").encode(x=x, y=y, text="tekst:N")
    return alt.layer(bars, text, data=d).properties(width=width, height=alt.Step(15)).facet(
        row=alt.Row("block:N", title=None, sort=domain, header=alt.Header(labelAngle=0, labelAlign="left",
                                                                          labelFontWeight="bold", labelFontSize=11)),
        spacing=6).resolve_scale(y="independent").properties(title=title)


def bar_chart(df: pd.DataFrame, category: str, value: str, *, title: str, value_title: str,
              fmt: str = INT, text: str | None = None, colour: str | None = None, width: int = 480) -> alt.Chart:
    """Horizontal bars of ``value`` per ``category`` (sorted descending); ``text`` is a preformatted label."""
    d = df.copy()
    tip = [alt.Tooltip(f"{category}:N", title=category)]
    if text:
        tip.append(alt.Tooltip(f"{text}:N", title=value_title))
    enc = dict(y=alt.Y(f"{category}:N", sort="-x", title=None),
               x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=fmt)), tooltip=tip)
    if colour:
        enc["color"] = _colour(colour, colour, list(dict.fromkeys(d[colour].astype(str))))
    return alt.Chart(d).mark_bar().encode(**enc).properties(title=title, width=width,
                                                            height=max(60, 18 * len(d)))


def sweep_chart(df: pd.DataFrame, *, title: str = L["sweep_title"]) -> alt.VConcatChart:
    """The propose k-sweep: smallest block population and travel times against the number of blocks.

    ``df`` columns (reformkit.propose.sweep): k, min_block_population, max_travel_minutes,
    mean_weighted_travel_minutes, blocks_under_15000, blocks_under_20000, objective, gap.
    """
    d = df.copy()
    d["k"] = d["k"].astype(int)
    d[L["smallest_block"]] = d["min_block_population"].map(nb_int)
    x = alt.X("k:Q", title=L["k_axis"], axis=alt.Axis(format="d", tickMinStep=1))
    pop = alt.Chart(d).mark_line(point=True).encode(
        x=x, y=alt.Y("min_block_population:Q", title=L["smallest_block_axis"], axis=alt.Axis(format=INT)),
        tooltip=[alt.Tooltip("k:Q", title="k"), alt.Tooltip(f"{L['smallest_block']}:N")],
    ).properties(width=480, height=200)
    t = d.melt(id_vars=["k"], value_vars=["max_travel_minutes", "mean_weighted_travel_minutes"],
               var_name="mål", value_name="minutter")
    t["mål"] = t["mål"].map({"max_travel_minutes": L["longest_trip"],
                             "mean_weighted_travel_minutes": L["weighted_mean"]})
    t[L["minutes"]] = t["minutter"].map(lambda v: nb_float(v, 0))
    travel = alt.Chart(t).mark_line(point=True).encode(
        x=x, y=alt.Y("minutter:Q", title=L["travel_to_centre_axis"]),
        color=alt.Color("mål:N", title=None, scale=alt.Scale(range=PALETTE[:2])),
        tooltip=[alt.Tooltip("k:Q", title="k"), alt.Tooltip("mål:N", title=L["measure"]), alt.Tooltip(f"{L['minutes']}:N")],
    ).properties(width=480, height=200)
    return alt.vconcat(pop, travel).properties(title=title)


def economy_waterfall(df: pd.DataFrame, *, title: str = L["economy_title"],
                      unit: float = 1e6, unit_label: str = L["mill_kr"], total_label: str = L["sum"]) -> alt.LayerChart:
    """A waterfall of effects: one bar per step (green up, red down), then the total bar.

    ``df`` columns: step (label), amount (kr; positive = better for the kommune economy), and optionally
    kind ("delta"/"total", as :func:`reformkit.economy.waterfall_table` returns): a last row of kind "total"
    is drawn as the total bar with its own label; otherwise a total named ``total_label`` is added.
    """
    d = df.copy().reset_index(drop=True)
    total_row = None
    if "kind" in d.columns and len(d) and d["kind"].iloc[-1] == "total":
        total_row = d.iloc[-1]
        d = d.iloc[:-1]
    d = d[["step", "amount"]].copy()
    d["amount"] = d["amount"].astype(float) / unit
    end = d["amount"].cumsum()
    d["start"] = end - d["amount"]
    d["end"] = end
    d["kind"] = np.where(d["amount"] >= 0, L["increase"], L["decrease"])
    net = float(end.iloc[-1]) if len(end) else 0.0
    label = total_label
    if total_row is not None:
        label, net = str(total_row["step"]), float(total_row["amount"]) / unit
    total = pd.DataFrame({"step": [label], "amount": [net], "start": [0.0], "end": [net], "kind": [L["sum"]]})
    d = pd.concat([d, total], ignore_index=True)
    d[L["amount"]] = d["amount"].map(lambda v: f"{nb_float(v, 1)} {unit_label}")
    order = list(d["step"])
    base = alt.Chart(d).encode(x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=180)))
    bars = base.mark_bar(size=28).encode(
        y=alt.Y("start:Q", title=unit_label, axis=alt.Axis(format=DEC1)), y2=alt.Y2("end:Q"),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=[L["increase"], L["decrease"], L["sum"]],
                                                              range=["#59a14f", "#e15759", "#4e79a7"])),
        tooltip=[alt.Tooltip("step:N", title=L["item"]), alt.Tooltip(f"{L['amount']}:N")])
    rule = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#555").encode(y=alt.Y("y:Q"))
    return alt.layer(bars, rule).properties(title=title, width=max(300, 70 * len(d)), height=280)


def age_group_bars(df: pd.DataFrame, *, title: str = L["age_groups_title"],
                   width: int = 150) -> alt.FacetChart:
    """Share of each cost-key age group, base year against horizon, one small panel per block.

    ``df`` columns: name, year, group, share (0..1), population.
    """
    from ..population import AGE_GROUPS
    d = df.copy()
    d["year"] = d["year"].astype(int).astype(str)
    d[L["share"]] = d["share"].map(lambda v: nb_float(v * 100, 1) + " %")
    d[L["population"]] = d["population"].map(nb_int)
    years = sorted(d["year"].unique())
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("group:N", sort=list(AGE_GROUPS), title=L["age_group"]),
        yOffset=alt.YOffset("year:N", sort=years),
        x=alt.X("share:Q", title=L["share"], axis=alt.Axis(format=".0%")),
        color=alt.Color("year:N", title=L["year"], scale=alt.Scale(domain=years, range=["#bab0ac", "#4e79a7"][:len(years)])),
        tooltip=[alt.Tooltip("name:N", title=L["block"]), alt.Tooltip("year:N", title=L["year"]),
                 alt.Tooltip("group:N", title=L["age_group"]), alt.Tooltip(f"{L['share']}:N"), alt.Tooltip(f"{L['population']}:N")],
    ).properties(width=width, height=200).facet(
        facet=alt.Facet("name:N", title=None, sort=list(dict.fromkeys(d["name"]))), columns=4).properties(title=title)


def exit_chart(df: pd.DataFrame, *, title: str | None = None, width: int = 420) -> alt.Chart:
    """If one member leaves a cooperation: the others' change in cost per service, one panel row per leaver.

    ``df`` columns (``reformkit.narrative.cooperation.exit_long``): leaver, member, service, change_pct.
    """
    d = df.copy()
    d["Endring"] = d["change_pct"].map(lambda v: f"{nb_float(v, 1)} %")
    services = list(dict.fromkeys(d["service"].astype(str)))
    return alt.Chart(d).mark_bar().encode(
        x=alt.X("change_pct:Q", title=L["exit_axis"], axis=alt.Axis(format=DEC1)),
        y=alt.Y("member:N", title=None),
        color=_colour("service", L["service"], services),
        row=alt.Row("leaver:N", title=L["exit_leaver"], header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=[alt.Tooltip("leaver:N", title=L["exit_leaver"]), alt.Tooltip("member:N", title=L["member"]),
                 alt.Tooltip("service:N", title=L["service"]), alt.Tooltip("Endring:N", title=L["change"])],
    ).properties(title=title or L["exit_title"], width=width)
