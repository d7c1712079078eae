"""Line, bar, pyramid, strip and waterfall charts on tidy tables (Norwegian labels)."""
from __future__ import annotations

from typing import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..fmt import nb_float, nb_int
from .style import PALETTE

INT = ",d"      # d3 format: thousands grouped with the locale's separator (no-break space)
DEC1 = ",.1f"


def _colour(field: str, title: str, domain: Sequence[str] | None = None) -> alt.Color:
    scale = alt.Scale(domain=list(domain), range=PALETTE[:len(domain)]) if domain and len(domain) <= len(PALETTE) \
        else alt.Scale(range=PALETTE)
    return alt.Color(f"{field}:N", title=title, scale=scale)


def population_lines(df: pd.DataFrame, *, series: str = "name", value: str = "population",
                     observed_until: int | None = None, title: str = "Befolkning", y_title: str = "Innbyggere",
                     series_title: str = "Enhet", width: int = 560, height: int = 300) -> alt.LayerChart:
    """Population per year, one line per ``series``; years after ``observed_until`` dashed (projection).

    ``df`` columns: ``series``, year, ``value``.
    """
    d = df[[series, "year", value]].copy()
    d["year"] = d["year"].astype(int)
    d["Innbyggere"] = d[value].map(nb_int)
    domain = list(dict.fromkeys(d[series].astype(str)))
    enc = dict(x=alt.X("year:Q", title="År", axis=alt.Axis(format="d", tickMinStep=1)),
               y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=INT), scale=alt.Scale(zero=False)),
               color=_colour(series, series_title, domain),
               tooltip=[alt.Tooltip(f"{series}:N", title=series_title), alt.Tooltip("year:Q", title="År"),
                        alt.Tooltip("Innbyggere:N")])
    return _observed_then_projected(d, enc, observed_until).properties(
        title=_title(title, observed_until), width=width, height=height)


def _observed_then_projected(d: pd.DataFrame, enc: dict, observed_until: int | None) -> alt.Chart | alt.LayerChart:
    """Lines solid up to the last observed year and dashed after it (both include that year, so they join)."""
    if observed_until is None:
        return alt.Chart(d).mark_line(point=True).encode(**enc)
    return alt.layer(alt.Chart(d[d.year <= observed_until]).mark_line(point=True).encode(**enc),
                     alt.Chart(d[d.year >= observed_until]).mark_line(point=True, strokeDash=[5, 3]).encode(**enc))


def _title(title: str, observed_until: int | None):
    if observed_until is None:
        return title
    return alt.TitleParams(title, subtitle=f"Heltrukket: registrert t.o.m. {observed_until}. Stiplet: framskrevet.")


def support_ratio_lines(df: pd.DataFrame, *, series: str = "name", observed_until: int | None = None,
                        title: str = "Alderbæreevne (personer 16–66 år per person 67+)", series_title: str = "Enhet",
                        width: int = 560, height: int = 280) -> alt.LayerChart:
    """Old-age support ratio per year, one line per ``series``. ``df`` columns: ``series``, year, ratio."""
    d = df[[series, "year", "ratio"]].copy()
    d["year"] = d["year"].astype(int)
    d["Bæreevne"] = d["ratio"].map(lambda v: nb_float(v, 2))
    domain = list(dict.fromkeys(d[series].astype(str)))
    enc = dict(x=alt.X("year:Q", title="År", axis=alt.Axis(format="d", tickMinStep=1)),
               y=alt.Y("ratio:Q", title="16–66 år per 67+", axis=alt.Axis(format=DEC1), scale=alt.Scale(zero=False)),
               color=_colour(series, series_title, domain),
               tooltip=[alt.Tooltip(f"{series}:N", title=series_title), alt.Tooltip("year:Q", title="År"),
                        alt.Tooltip("Bæreevne:N")])
    chart = _observed_then_projected(d, enc, observed_until)
    return chart.properties(title=_title(title, observed_until), width=width, height=height)


def _age_band(age: np.ndarray, width: int = 5, top: int = 90) -> np.ndarray:
    lo = np.minimum(age // width * width, top)
    return np.where(lo >= top, f"{top}+", [f"{a}–{a + width - 1}" for a in lo])


def age_pyramid(pop: pd.DataFrame, *, years: Sequence[int], title: str = "Alderssammensetning",
                width: int = 280, height: int = 300) -> alt.HConcatChart:
    """Age pyramids (5-year bands, men left, women right) side by side for ``years``.

    ``pop`` is long: year, age, sex, population (summed over whatever units it holds). Tables with sex
    "total" only (2019 borders) draw one-sided bars.
    """
    d = pop[pop["year"].isin(list(years))]
    d = d.assign(band=_age_band(d["age"].to_numpy().astype(int)), sex=d["sex"].astype(str))
    g = d.groupby(["year", "band", "sex"], observed=True)["population"].sum().reset_index()
    g["Kjønn"] = g["sex"].map({"male": "Menn", "female": "Kvinner", "total": "Alle"})
    g["value"] = np.where(g["sex"] == "male", -g["population"], g["population"]).astype(float).round(1)
    g["Innbyggere"] = g["population"].map(nb_int)
    order = [f"{a}–{a + 4}" for a in range(0, 90, 5)][::-1] + ["90+"]
    order = ["90+"] + order[:-1]
    vmax = float(g["population"].max() or 1.0)
    sexes = [s for s in ("Menn", "Kvinner", "Alle") if s in set(g["Kjønn"])]
    colours = {"Menn": "#4e79a7", "Kvinner": "#e15759", "Alle": "#59a14f"}
    charts = []
    for y in years:
        part = g[g["year"] == y]
        charts.append(alt.Chart(part).mark_bar().encode(
            y=alt.Y("band:N", sort=order, title="Alder"),
            x=alt.X("value:Q", title="Menn ← innbyggere → Kvinner",
                    scale=alt.Scale(domain=[-vmax * 1.05, vmax * 1.05]),
                    axis=alt.Axis(format=INT, tickCount=4, labelExpr="replace(datum.label, '−', '')")),
            color=alt.Color("Kjønn:N", scale=alt.Scale(domain=sexes, range=[colours[s] for s in sexes]),
                            title="Kjønn"),
            tooltip=[alt.Tooltip("band:N", title="Alder"), alt.Tooltip("Kjønn:N"), alt.Tooltip("Innbyggere:N")],
        ).properties(title=str(int(y)), width=width, height=height))
    return alt.hconcat(*charts).properties(title=title)


def travel_time_chart(df: pd.DataFrame, *, title: str = "Reisetid til senteret", width: int = 520) -> alt.Chart:
    """Travel minutes from each kommune to its block centre: one row per block, a dot per kommune.

    ``df`` columns: kommune, block, minutes (and optionally track).
    """
    d = df.copy()
    d["Minutter"] = d["minutes"].map(lambda v: nb_float(v, 0))
    domain = list(dict.fromkeys(d["block"].astype(str)))
    tip = [alt.Tooltip("kommune:N", title="Kommune"), alt.Tooltip("block:N", title="Blokk"),
           alt.Tooltip("Minutter:N", title="Reisetid (min)")]
    if "track" in d.columns:
        tip.append(alt.Tooltip("track:N", title="Spor"))
    return alt.Chart(d).mark_circle(size=80, opacity=0.85).encode(
        x=alt.X("minutes:Q", title="Reisetid med bil til senteret (minutter)", axis=alt.Axis(format="d")),
        y=alt.Y("block:N", title=None, sort=domain),
        color=_colour("block", "Blokk", domain).legend(None),
        tooltip=tip,
    ).properties(title=title, width=width, height=max(60, 32 * len(domain)))


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


def sweep_chart(df: pd.DataFrame, *, title: str = "Antall tyngdepunkter (k): hva endrer seg?") -> alt.VConcatChart:
    """The propose k-sweep: smallest block population and travel times against the number of blocks.

    ``df`` columns (reformkit.propose.sweep): k, min_block_population, max_travel_minutes,
    mean_weighted_travel_minutes, blocks_under_15000, blocks_under_20000, objective, gap.
    """
    d = df.copy()
    d["k"] = d["k"].astype(int)
    d["Minste blokk"] = d["min_block_population"].map(nb_int)
    x = alt.X("k:Q", title="Antall blokker (k)", axis=alt.Axis(format="d", tickMinStep=1))
    pop = alt.Chart(d).mark_line(point=True).encode(
        x=x, y=alt.Y("min_block_population:Q", title="Minste blokk (innbyggere)", axis=alt.Axis(format=INT)),
        tooltip=[alt.Tooltip("k:Q", title="k"), alt.Tooltip("Minste blokk:N")],
    ).properties(width=480, height=200)
    t = d.melt(id_vars=["k"], value_vars=["max_travel_minutes", "mean_weighted_travel_minutes"],
               var_name="mål", value_name="minutter")
    t["mål"] = t["mål"].map({"max_travel_minutes": "Lengste reisetid",
                             "mean_weighted_travel_minutes": "Befolkningsvektet snitt"})
    t["Minutter"] = t["minutter"].map(lambda v: nb_float(v, 0))
    travel = alt.Chart(t).mark_line(point=True).encode(
        x=x, y=alt.Y("minutter:Q", title="Reisetid til senter (min)"),
        color=alt.Color("mål:N", title=None, scale=alt.Scale(range=PALETTE[:2])),
        tooltip=[alt.Tooltip("k:Q", title="k"), alt.Tooltip("mål:N", title="Mål"), alt.Tooltip("Minutter:N")],
    ).properties(width=480, height=200)
    return alt.vconcat(pop, travel).properties(title=title)


def economy_waterfall(df: pd.DataFrame, *, title: str = "Økonomi: fra i dag til etter reform",
                      unit: float = 1e6, unit_label: str = "mill. kr", total_label: str = "Sum") -> alt.LayerChart:
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
    d["kind"] = np.where(d["amount"] >= 0, "Økning", "Reduksjon")
    net = float(end.iloc[-1]) if len(end) else 0.0
    label = total_label
    if total_row is not None:
        label, net = str(total_row["step"]), float(total_row["amount"]) / unit
    total = pd.DataFrame({"step": [label], "amount": [net], "start": [0.0], "end": [net], "kind": ["Sum"]})
    d = pd.concat([d, total], ignore_index=True)
    d["Beløp"] = d["amount"].map(lambda v: f"{nb_float(v, 1)} {unit_label}")
    order = list(d["step"])
    base = alt.Chart(d).encode(x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=180)))
    bars = base.mark_bar(size=28).encode(
        y=alt.Y("start:Q", title=unit_label, axis=alt.Axis(format=DEC1)), y2=alt.Y2("end:Q"),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["Økning", "Reduksjon", "Sum"],
                                                              range=["#59a14f", "#e15759", "#4e79a7"])),
        tooltip=[alt.Tooltip("step:N", title="Post"), alt.Tooltip("Beløp:N")])
    rule = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#555").encode(y=alt.Y("y:Q"))
    return alt.layer(bars, rule).properties(title=title, width=max(300, 70 * len(d)), height=280)


def age_group_bars(df: pd.DataFrame, *, title: str = "Aldersgrupper (andel av befolkningen)",
                   width: int = 150) -> alt.FacetChart:
    """Share of each cost-key age group, base year against horizon, one small panel per block.

    ``df`` columns: name, year, group, share (0..1), population.
    """
    from ..population import AGE_GROUPS
    d = df.copy()
    d["year"] = d["year"].astype(int).astype(str)
    d["Andel"] = d["share"].map(lambda v: nb_float(v * 100, 1) + " %")
    d["Innbyggere"] = d["population"].map(nb_int)
    years = sorted(d["year"].unique())
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("group:N", sort=list(AGE_GROUPS), title="Aldersgruppe"),
        yOffset=alt.YOffset("year:N", sort=years),
        x=alt.X("share:Q", title="Andel", axis=alt.Axis(format=".0%")),
        color=alt.Color("year:N", title="År", scale=alt.Scale(domain=years, range=["#bab0ac", "#4e79a7"][:len(years)])),
        tooltip=[alt.Tooltip("name:N", title="Blokk"), alt.Tooltip("year:N", title="År"),
                 alt.Tooltip("group:N", title="Aldersgruppe"), alt.Tooltip("Andel:N"), alt.Tooltip("Innbyggere:N")],
    ).properties(width=width, height=200).facet(
        facet=alt.Facet("name:N", title=None, sort=list(dict.fromkeys(d["name"]))), columns=4).properties(title=title)
