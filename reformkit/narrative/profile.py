"""The words of the kommune profile (``notebooks/kommune_profile.ipynb``), from a
:class:`reformkit.evaluate.KommuneProfile`.

Functions return Markdown (shown through :func:`html`, which escapes any HTML in names and file paths) or
DataFrames with Norwegian headers and formatted numbers (for :func:`reformkit.narrative.table_html`), and
tidy tables with Norwegian labels for the charts. Every figure comes from the profile; a figure that is not
there is said to be missing, never filled in.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .._html import markdown_html
from ..economy.demography import SERVICES
from ..fmt import nb_float, nb_int, nb_mill, nb_signed_mill, nb_signed_pct
from .common import join_nb
from .labels import ALTERNATIVE, NEED_SERVICE, NEED_SERVICE_SHORT, PROFILE_CHART
from .profile_options import (best_practice_md, best_practice_summary, best_practice_table, method_md, notice_text,
                              options_md, options_summary, options_table)

if TYPE_CHECKING:
    from ..evaluate.profile import KommuneProfile


def html(markdown: str) -> str:
    """Markdown as HTML for a report cell; raw HTML in it (a name, a file path) is shown as text. A per cent
    sign stays on the line of its number."""
    return markdown_html(markdown.replace(" %", "\u00a0%"))


def projection_label(prof: KommuneProfile) -> str:
    """The projection used, in words: SSB's by name, reformkit's own as such."""
    label = ALTERNATIVE.get(prof.alternative, prof.alternative)
    return label if prof.alternative.startswith("ssb-") else f"reformkits egen framskriving ({label})"


def title(prof: KommuneProfile) -> str:
    """The report's heading."""
    return f"Kommuneprofil: {prof.name}"


def _groups(prof: KommuneProfile, year: int) -> dict[str, float]:
    row = prof.series.loc[year]
    return {"0–15 år": row["0-1"] + row["2-5"] + row["6-15"], "16–66 år": row["16-22"] + row["23-66"],
            "67 år og over": row["67-79"] + row["80-89"] + row["90+"], "80 år og over": row["80-89"] + row["90+"]}


def summary_md(prof: KommuneProfile) -> str:
    """Opening paragraphs: inhabitants, support ratio, demographic pressure, options and beste praksis."""
    s, now, hz = prof.series, prof.now, prof.horizon
    change = (s.at[hz, "total"] / s.at[now, "total"] - 1) * 100
    parts = [f"{prof.name} ({prof.fylke_name}) hadde {nb_int(s.at[now, 'total'])} innbyggere 1. januar {now}. "
             f"Etter {projection_label(prof)} blir det {nb_int(s.at[hz, 'total'])} innbyggere i {hz} "
             f"({nb_signed_pct(change)})."]
    ratio = s["old_age_support_ratio"]
    parts.append(f"Alderbæreevnen – personer 16–66 år per person 67 år og over – var {nb_float(ratio[prof.start], 2)} "
                 f"i {prof.start}, er {nb_float(ratio[now], 2)} i {now} og blir {nb_float(ratio[hz], 2)} i {hz}.")
    total = prof.need.set_index("year").at[hz, "change_total"]
    parts.append(f"Det beregnede utgiftsbehovet etter alderskriteriene i inntektssystemet "
                 f"{'øker' if total > 0 else 'synker'} med {nb_mill(abs(total))} fra {now} til {hz} "
                 f"(fordelingen på tjenester står nedenfor).")
    parts.append(options_summary(prof))
    parts.append(best_practice_summary(prof))
    return "\n\n".join(p for p in parts if p)


def notices_md(prof: KommuneProfile) -> str:
    """The profile's notices (what is missing, what was used instead) as a bullet list; "" when none."""
    return "\n".join(f"- {notice_text(n)}" for n in prof.notices)


# ---- population and support ratio -------------------------------------------------------------------------------
def pyramid_md(prof: KommuneProfile) -> str:
    """What the two pyramids show, with the main age groups now and at the horizon."""
    a, b = _groups(prof, prof.now), _groups(prof, prof.horizon)
    changes = "; ".join(f"{g}: {nb_int(a[g])} → {nb_int(b[g])}" for g in a)
    return (f"Pyramidene viser innbyggerne etter alder (femårsgrupper) og kjønn i {prof.now} (registrert) og "
            f"{prof.horizon} (framskrevet), menn til venstre og kvinner til høyre. {changes}.")


def pyramid_title(prof: KommuneProfile) -> str:
    return PROFILE_CHART["pyramid_title"].format(base=prof.now, horizon=prof.horizon)


def _series_label(alternative: str) -> str:
    return ALTERNATIVE.get(alternative, alternative) if alternative.startswith("ssb-") else \
        f"reformkit, {ALTERNATIVE.get(alternative, alternative)}"


def support_long(prof: KommuneProfile) -> pd.DataFrame:
    """The chart's table: series (projection in words), year, ratio."""
    return prof.support.assign(series=prof.support["alternative"].map(_series_label))[["series", "year", "ratio"]]


def support_md(prof: KommuneProfile) -> str:
    """The support ratio: what it is, which projection, and SSB's figures beside it when fetched."""
    sup = prof.support
    own = sup[sup["alternative"] == prof.alternative].set_index("year")["ratio"]
    text = (f"Alderbæreevnen er antall personer i yrkesaktiv alder (16–66 år) per person som er 67 år eller eldre. "
            f"Til og med {prof.now} er tallene registrert; etter {prof.now} er de framskrevet med "
            f"{projection_label(prof)}. Fra {prof.now} til {prof.horizon} går den fra "
            f"{nb_float(own[prof.now], 2)} til {nb_float(own[prof.horizon], 2)}.")
    if prof.compared_with_ssb:
        ssb = sup[sup["alternative"] != prof.alternative].set_index("year")["ratio"]
        text += (f" Med {ALTERNATIVE['ssb-main']} blir den {nb_float(ssb[prof.horizon], 2)} i {prof.horizon}; "
                 f"forskjellen viser hvor mye tallene avhenger av forutsetningene om flytting og fødsler.")
    return text


def support_table(prof: KommuneProfile) -> pd.DataFrame:
    """Selected years: inhabitants 16–66 and 67+, and the support ratio (SSB's beside it when fetched)."""
    years = sorted({prof.start, prof.now, prof.horizon} | {y for y in range(prof.start, prof.horizon) if y % 5 == 0})
    ssb = prof.support[prof.support["alternative"] != prof.alternative].set_index("year")["ratio"]
    own = f"Bæreevne, {_series_label(prof.alternative)}" if prof.compared_with_ssb else "Bæreevne"
    rows = []
    for y in years:
        g = _groups(prof, y)
        row = {"År": str(y), "Grunnlag": "registrert" if y <= prof.now else "framskrevet",
               "16–66 år": nb_int(g["16–66 år"]), "67 år og over": nb_int(g["67 år og over"]),
               own: nb_float(prof.series.at[y, "old_age_support_ratio"], 2)}
        if prof.compared_with_ssb:
            row[f"Bæreevne, {ALTERNATIVE['ssb-main']}"] = nb_float(ssb.get(y), 2) if y >= prof.now else "–"
        rows.append(row)
    return pd.DataFrame(rows)


# ---- demographic expenditure need -------------------------------------------------------------------------------
def need_long(prof: KommuneProfile) -> pd.DataFrame:
    """The chart's table: year, service (label), change (kr from ``now``), and the total as ``total``."""
    need = prof.need[prof.need["year"] > prof.now]
    rows = [{"year": int(r.year), "service": NEED_SERVICE_SHORT[s], "change": float(getattr(r, f"change_{s}")),
             "total": float(r.change_total)} for r in need.itertuples() for s in SERVICES]
    return pd.DataFrame(rows, columns=["year", "service", "change", "total"])


def need_md(prof: KommuneProfile) -> str:
    """The demographic pressure by service from now to the horizon, and what the figures assume."""
    at = prof.need.set_index("year").loc[prof.horizon]
    parts = [f"{NEED_SERVICE_SHORT[s].lower()} {nb_signed_mill(at[f'change_{s}'])}" for s in SERVICES]
    per = at["change_per_inhabitant"]
    return (f"Når aldersgruppene endrer seg, endres kommunens beregnede utgiftsbehov: hver innbygger er verdsatt "
            f"med kostnadsnøkkelens enhetsbeløp for sin aldersgruppe (2023-kroner). Fra {prof.now} til "
            f"{prof.horizon}: {join_nb(parts)}, til sammen {nb_signed_mill(at['change_total'])} "
            f"({'+' if per > 0 else ''}{nb_int(per)} kr per innbygger). Staten kompenserer bare nettoendringen "
            f"gjennom inntektssystemet: mer behov i én tjeneste og mindre i en annen går opp mot hverandre, og det "
            f"forutsettes at kommunen flytter pengene krone for krone mellom tjenestene («dansen med demografien»). "
            f"En kommune med enhetskostnader over landsgjennomsnittet får større press enn tallene viser.")


def need_title(prof: KommuneProfile) -> str:
    return PROFILE_CHART["need_title"].format(base=prof.now)


def need_axis(prof: KommuneProfile) -> str:
    return PROFILE_CHART["need_axis"].format(base=prof.now)


def dance_table(prof: KommuneProfile) -> pd.DataFrame:
    """Need per service now and at the horizon, and the change (mill. kr; "dans med demografien")."""
    need = prof.need.set_index("year")
    rows = []
    for s in (*SERVICES, "total"):
        a, b = need.at[prof.now, s], need.at[prof.horizon, s]
        rows.append({"Tjeneste": NEED_SERVICE[s], str(prof.now): nb_mill(a), str(prof.horizon): nb_mill(b),
                     "Endring": nb_signed_mill(b - a), "Endring (%)": nb_signed_pct((b - a) / a * 100 if a else None)})
    return pd.DataFrame(rows)


__all__ = ["html", "title", "summary_md", "notices_md", "pyramid_md", "pyramid_title", "support_long",
           "support_md", "support_table", "need_long", "need_md", "need_title", "need_axis", "dance_table", "options_md",
           "options_summary", "options_table", "best_practice_md", "best_practice_summary", "best_practice_table",
           "method_md", "projection_label", "notice_text"]
