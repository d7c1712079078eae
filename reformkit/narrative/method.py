"""Method notes for reports: how population and travel times were computed, with the model's own numbers."""
from __future__ import annotations

from ..fmt import nb_float, nb_pct
from ..params import load_parameters
from .labels import ALTERNATIVE, NOT_COMPUTED


def projection_md(res) -> str:
    """How the population figures were made (observed years, projection method and its limits)."""
    obs, proj = res.observed_years, res.projected_years
    sc = res.scenario
    lines = [f"**Befolkning.** Registrert folkemengde 1. januar (SSB, tabell 07459) for {obs[0]}–{obs[-1]}"
             + ("." if not proj else f"; {proj[0]}–{proj[-1]} er framskrevet ({ALTERNATIVE.get(sc.projection, sc.projection)}).")]
    if proj and not sc.projection.startswith("ssb-"):
        p = (res.parameters or load_parameters()).projection
        years, fert = p.get("base_period.years"), p.get("base_period.fertility_years")
        lines.append(
                "Framskrivingen er reformkits egen kohortmodell (Hamilton–Perry): hver kommunes kohortendringsrater "
                f"per ettårig alder og kjønn fra de siste {years} årene, fødsler fra barn-per-kvinne-forholdet de siste "
                f"{fert} årene, små kommuner støttet av fylkets rater, og nettoflyttingen dempet over tid. "
                "Nye kommuner er summen av medlemmenes framskrivinger. Begrensninger: flyttemønsteret i basisperioden "
                "videreføres, dødeligheten er en nasjonal tilnærming, og usikkerheten er langt større for små "
                "kommuner og smale aldersgrupper enn for totaler. Dette er ikke SSBs offisielle framskriving.")
    elif proj:
        lines.append("Framskrivingen er SSBs offisielle befolkningsframskriving for kommunene.")
    return "\n\n".join(lines)


def travel_md(res, accuracy: dict | None = None) -> str:
    """How travel times were computed, with the model's measured accuracy when given
    (:func:`reformkit.geodata.travel_accuracy`, 2024 borders)."""
    if res.blocks["max_travel_minutes_to_centre"].isna().all():
        return f"**Reisetid.** {NOT_COMPUTED.capitalize()}: reisetidsmodellen er ikke tilgjengelig."
    return travel_method_md(accuracy)


def travel_method_md(accuracy: dict | None = None) -> str:
    """The travel-time model in words, with its measured accuracy when given (any report that shows minutes)."""
    text = ("**Reisetid.** Reisetid med bil mellom kommunesentrene (administrasjonssenteret, funnet i Kartverkets "
            "stedsnavn) er korteste kjøretid i Kartverkets veinett N1000: fartsgrensen for hver veiklasse, "
            "lavere i tettbebyggelse og tunneler, ferjer med ventetid og overfartstid, og en fart for veien fra "
            "sentrum ut til veinettet. Farten er kalibrert mot reisetidene i SSBs BA-regioner. Modellen kjenner "
            "ikke trafikk, kø eller ferjenes rutetider, og veinettet er forenklet (målestokk 1:1 million).")
    if accuracy:
        held, known = accuracy["held_out"], accuracy.get("known_summary") or {}
        text += (f" Mot BA-reisetidene modellen ikke er tilpasset ({held['n']} reiser) er gjennomsnittlig avvik "
                 f"{nb_float(held['mae_min'], 1)} minutter, og {nb_pct(held['share_within_15_min'], 0)} ligger "
                 f"innenfor ±15 minutter")
        text += (f"; mot {known['n']} publiserte kjøretider mellom byer er medianavviket "
                 f"{nb_float(known['median_abs_pct'], 1)} %." if known else ".")
    return text


def economy_method_md() -> str:
    """Where the economy figures come from (its caveats follow, each once: ``economy.economy_caveats_md``)."""
    return ("**Økonomi.** Tilskudd, kostnadsnøkkel og innsparinger er tall fra reformkits parameterfiler, hvert "
            "med kilde og år (data/params).")
