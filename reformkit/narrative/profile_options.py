"""The kommune profile's merger options, beste praksis and method notes in Norwegian (see
:mod:`reformkit.narrative.profile`, which re-exports these functions)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..fmt import nb_float, nb_int, nb_mill, nb_minutes, nb_pct, nb_signed_mill
from ..notices import notice
from .common import join_nb
from .labels import BEST_PRACTICE, NOT_IN_PRESENT_VALUE, OPTION_KIND
from .method import travel_method_md
from .notices import notice_text
from .population import method_note

if TYPE_CHECKING:
    from ..evaluate.profile import KommuneProfile

_KOSTRA_FETCH = "`reformkit data fetch --only kostra` (krever nett)"


def _names(prof: KommuneProfile, codes) -> list[str]:
    return [prof.names.get(c, c) for c in codes]


def _shown(prof: KommuneProfile) -> pd.DataFrame:
    return prof.options.head(int(prof.parameters.tree("profile").get("options.shown")))


# ---- merger options -----------------------------------------------------------------------------------------------
def options_summary(prof: KommuneProfile) -> str:
    """One paragraph for the opening: how many options, and the figures of the one ranked first."""
    if prof.options.empty:
        return "Ingen sammenslåingsalternativer er beregnet."
    top = prof.options.iloc[0]
    return (f"Profilen regner på {len(prof.options)} mulige sammenslåinger med nabokommuner og regionsentre. "
            f"Høyest rangert på de fire målene i tabellen er {top['option']}: {nb_int(top['population_horizon'])} "
            f"innbyggere og bæreevne {nb_float(top['support_ratio_horizon'], 2)} i {prof.horizon}, lengste "
            f"reisetid til senteret {nb_minutes(top['max_travel_minutes'])} og netto nåverdi "
            f"{nb_mill(top['present_value'])}.")


def _what_options_are(prof: KommuneProfile) -> str:
    opts, tree = prof.options, prof.parameters.tree("profile")
    # an option of two kommuner is always with a neighbour, also when that neighbour is a regional centre
    neighbours = [prof.names[m[1]] for m in opts["members"] if len(m) == 2]
    centres = opts[opts["kind"] == "centre"]
    reach = nb_float(tree.get("options.centre_reach_minutes"), 0)
    text = (f"Alternativene er {prof.name} sammen med hver nabokommune ({join_nb(sorted(neighbours)) or 'ingen'}) "
            f"og med regionsentre – senterkommunen i en BA-region med flere kommuner, større enn {prof.name} – innen "
            f"{reach} minutter med bil. Kommuner som ligger mellom, blir med, slik at den nye kommunen henger "
            f"sammen.")
    if centres.empty:
        near = prof.nearest_centre
        text += (f" Ingen større regionsentre ligger innen {reach} minutter; det nærmeste er "
                 f"{prof.names[near[0]]} ({nb_minutes(near[1])})." if near else
                 f" Ingen regionsentre er større enn {prof.name}.")
    return text


def options_md(prof: KommuneProfile) -> str:
    """How the options were formed and ranked, what the figures include and leave out, and the thresholds."""
    if prof.options.empty:
        return "Ingen sammenslåingsalternativer er beregnet."
    shown = _shown(prof)
    rate = prof.parameters.economy.get("discount_rate")
    parts = [_what_options_are(prof),
             f"Hvert alternativ er regnet som et scenario der alle kommunene slår seg sammen fra {prof.now + 1}. "
             f"Netto nåverdi er summen av tapt basistilskudd, inndelingstilskudd, regionsentertilskudd, "
             f"engangsstøtte og reformstøtte og administrativ innsparing over "
             f"{prof.parameters.economy.get('merger.analysis_years')} år, neddiskontert til "
             f"{prof.now} med {nb_pct(rate, 0)} rente. Reisetidene er med bil fra kommunesenteret i {prof.name} "
             f"(og, for den lengste, i hver medlemskommune) til senteret i den nye kommunen. Rangeringen er gjennomsnittet av plasseringen på fire mål med "
             f"like vekt – flest innbyggere i {prof.horizon}, høyest bæreevne i {prof.horizon}, kortest lengste "
             f"reisetid til senteret og høyest netto nåverdi. Den sier hvordan alternativene står seg på disse "
             f"målene, ikke hva kommunen bør velge."]
    left_out = sorted({c for codes in prof.options["not_computed"] for c in codes})
    if left_out:
        parts.append("Netto nåverdi omfatter ikke " + join_nb([NOT_IN_PRESENT_VALUE.get(c, c) for c in left_out])
                     + ", fordi beløpene ikke finnes i dataene (ikke beregnet).")
    threshold = min(prof.parameters.criteria.min_inhabitants)
    large = shown[shown["population_horizon"] >= threshold]["option"].tolist()
    parts.append(f"{len(large)} av de {len(shown)} viste alternativene har minst {nb_int(threshold)} innbyggere i "
                 f"{prof.horizon}" + (f": {join_nb(large)}." if large else "."))
    if len(prof.options) > len(shown):
        parts.append(f"Tabellen viser de {len(shown)} høyest rangerte av {len(prof.options)} alternativer.")
    return "\n\n".join(parts)


def options_table(prof: KommuneProfile) -> pd.DataFrame:
    """The kommune alone, then the shown options, best ranked first (the rank leads the option's name), with
    Norwegian headers."""
    now, hz = prof.now, prof.horizon
    rows = []
    for r in pd.concat([prof.alone, _shown(prof)], ignore_index=True).itertuples():
        alone = r.kind == "alone"
        centre = prof.names[r.centre] + (f" ({OPTION_KIND[r.kind]})" if r.kind == "centre" else "")
        rows.append({"Alternativ (rangert)": f"{r.option} alene" if alone else f"{int(r.rank)}. {r.option}",
                     "Senter": centre,
                     f"Innbyggere {now}": nb_int(r.population_base), f"Innbyggere {hz}": nb_int(r.population_horizon),
                     f"Bæreevne {hz}": nb_float(r.support_ratio_horizon, 2),
                     f"Reisetid fra {prof.name}": "–" if alone else nb_minutes(r.travel_minutes),
                     "Lengste reisetid": nb_minutes(r.max_travel_minutes),
                     "Netto nåverdi": nb_mill(r.present_value)})
    return pd.DataFrame(rows)


# ---- beste praksis -------------------------------------------------------------------------------------------------
def _template_command(prof: KommuneProfile) -> str:
    refs = " ".join(prof.best_practice.suggested)
    return (f"`reformkit kostra template --kommune {prof.kommune}" + (f" --references {refs}" if refs else "")
            + " -o kostra.csv`")


def best_practice_summary(prof: KommuneProfile) -> str:
    """One sentence for the opening."""
    bp = prof.best_practice
    if not bp.computed:
        return "Beste praksis er ikke beregnet, fordi KOSTRA-tall mangler (se avsnittet om beste praksis)."
    return (f"Mot {join_nb(_names(prof, bp.references))} i KOSTRA-året {bp.year} er beste praksis-potensialet "
            f"{nb_signed_mill(bp.table.attrs['total'])} per år.")


def _missing_md(prof: KommuneProfile) -> str:
    bp = prof.best_practice
    why = (f"KOSTRA-tall for {prof.name} finnes ikke i " + ("filen" if bp.source == "csv" else "de hentede tallene")
           if bp.source else "KOSTRA-tall er verken hentet eller lagt inn")
    refs = join_nb(_names(prof, bp.suggested))
    return (f"**Beste praksis er ikke beregnet:** {why}. Slik kan tallene legges inn:\n\n"
            f"1. Hent KOSTRA fra SSB med {_KOSTRA_FETCH}, eller\n"
            f"2. skriv en tom mal med {_template_command(prof)}, fyll inn utgiftskorrigerte netto driftsutgifter per "
            f"innbygger for hvert tjenesteområde (fra SSBs KOSTRA-tall eller en analyse), og lag profilen på nytt med "
            f"filen: `reformkit render --kommune {prof.kommune} --kostra kostra.csv`. `reformkit kostra check "
            f"kostra.csv` sjekker filen først.\n\n"
            + (f"Referansekommunene i kommandoen er valgt slik rapporten ellers ville valgt dem ({refs}: de som "
               f"ligner mest på {prof.name} i innbyggertall og utgiftsbehovsindeks); bytt dem gjerne ut."
               if bp.suggested else ""))


def best_practice_md(prof: KommuneProfile) -> str:
    """The comparison in words: source, references and how they were chosen, the total and what it means."""
    bp = prof.best_practice
    notes = [f"- {notice_text(n)}" for n in bp.notices if n.code not in ("kostra_not_available", "kostra_own_missing")]
    if not bp.computed:
        return _missing_md(prof) + ("\n\n" + "\n".join(notes) if notes else "")
    chosen = ("valgt automatisk som de kommunene som ligner mest på " + prof.name + " i innbyggertall og "
              "utgiftsbehovsindeks" if bp.automatic else "fra filen" if bp.source == "csv" and not bp.references
              else "valgt av brukeren")
    source = (f"filen {Path(bp.path).name} (utgiftskorrigerte tall, brukt som de står)" if bp.source == "csv" else
              f"SSBs KOSTRA (tabell 12362), netto driftsutgifter per innbygger korrigert med samlet "
              f"utgiftsbehovsindeks {bp.index_year} (veiledende)")
    text = (f"Referansekommuner: {join_nb(_names(prof, bp.references))} ({chosen}). Kilde: {source}, KOSTRA-året "
            f"{bp.year}. For hvert tjenesteområde er beste praksis den laveste kostnaden per innbygger blant "
            f"referansekommunene og {prof.name} selv. Potensialet er forskjellen per innbygger ganget med "
            f"{prof.name}s {nb_int(bp.inhabitants)} innbyggere ved utgangen av {bp.year}: til sammen "
            f"{nb_signed_mill(bp.table.attrs['total'])} per år ({nb_int(bp.table.attrs['total'])} kr). Tallet viser "
            f"avstanden til de rimeligste kommunene på hvert område, ikke en innsparing som kan tas ut: kvalitet, "
            f"bosettingsmønster og lokale valg er ikke med i sammenligningen.")
    return text + ("\n\n" + "\n".join(notes) if notes else "")


def best_practice_table(prof: KommuneProfile) -> pd.DataFrame | None:
    """The comparison per service area with a sum row, as in the published analyses; None when not computed."""
    bp = prof.best_practice
    if not bp.computed:
        return None
    rows = [{BEST_PRACTICE["service_area"]: r.service_area, BEST_PRACTICE["best_kommune"]: prof.names[r.best_kommune],
             BEST_PRACTICE["best"]: nb_int(r.best), BEST_PRACTICE["own"].format(name=prof.name): nb_int(r.own),
             BEST_PRACTICE["gap"]: nb_int(r.gap), BEST_PRACTICE["potential"]: nb_int(r.potential)}
            for r in bp.table.itertuples()]
    t = bp.table
    rows.append({BEST_PRACTICE["service_area"]: "Sum", BEST_PRACTICE["best_kommune"]: "",
                 BEST_PRACTICE["best"]: nb_int(t["best"].sum()), BEST_PRACTICE["own"].format(name=prof.name):
                 nb_int(t["own"].sum()), BEST_PRACTICE["gap"]: nb_int(t["gap"].sum()),
                 BEST_PRACTICE["potential"]: nb_int(t.attrs["total"])})
    return pd.DataFrame(rows)


# ---- method -----------------------------------------------------------------------------------------------------
def method_md(prof: KommuneProfile, accuracy: dict | None = None) -> str:
    """How the profile's figures were made: projection, expenditure need, options, travel times."""
    tree = prof.parameters.tree("profile")
    return "\n\n".join([
        f"**Befolkning.** Registrert folkemengde 1. januar (SSB) til og med {prof.now}. "
        + method_note(prof.alternative, prof.parameters.projection),
        "**Utgiftsbehov.** " + notice_text(notice("need_from_age_criteria")) + " Tjenestene får aldersgruppene "
        "sine slik: barnehage 0–5 år, grunnskole 6–15 år, pleie og omsorg 67 år og over, andre tjenester 16–66 år.",
        f"**Sammenslåingsalternativer.** Naboer etter nabografen (grenser som møtes, eller under 5 km over sjø). "
        f"Regionsentre: senterkommunen i en BA-region med to eller flere kommuner, med flere innbyggere enn "
        f"{prof.name}, innen {nb_float(tree.get('options.centre_reach_minutes'), 0)} minutter med bil; høyst "
        f"{tree.get('options.max_centres')} (de nærmeste). Valgene står i data/params/profile.yaml.",
        "**Referansekommuner for beste praksis.** Uten oppgitte kommuner velges de "
        f"{tree.get('references.count')} kommunene med KOSTRA-tall som ligner mest i innbyggertall (en faktor "
        f"{nb_float(tree.get('references.population_factor'), 1)} teller som ett steg) og utgiftsbehovsindeks "
        f"({nb_float(tree.get('references.index_step'), 2)} teller som ett steg).",
        travel_method_md(accuracy),
    ])
