"""Norwegian description of the projection method and its limits, for reports and notebooks.

The English description with formulas is the docstring of :mod:`reformkit.population.projection`.
"""
from __future__ import annotations

from ..fmt import nb_float, nb_pct
from .projection import SSB_ALTERNATIVES, ProjectionParams

ALTERNATIVE_LABELS_NB = {
    "main": "hovedalternativ",
    "low": "lavt alternativ",
    "high": "høyt alternativ",
    "zero-migration": "uten flytting (ren aldring)",
    "ssb-main": "SSBs hovedalternativ (MMMM)",
    "ssb-low": "SSBs lave alternativ (LLML)",
    "ssb-high": "SSBs høye alternativ (HHMH)",
}


def method_note(alternative: str = "main") -> str:
    """A short paragraph in Norwegian on how the projection was made and what it cannot do.

    >>> print(method_note("zero-migration"))        # doctest: +SKIP
    """
    label = ALTERNATIVE_LABELS_NB.get(alternative, alternative)
    if alternative in SSB_ALTERNATIVES:
        return (f"Befolkningen etter siste observerte år er SSBs offisielle regionale befolkningsframskriving, "
                f"{label}, hentet fra SSBs statistikkbank. Sammenslåtte enheter er summen av kommunene.")
    p = ProjectionParams.for_alternative(alternative)
    return (
        f"Befolkningen er framskrevet per kommune etter ettårig alder og kjønn med kohortendringsrater "
        f"(Hamilton–Perry-metoden), {label}. Ratene er beregnet fra folketallet de siste {p.base_years} årene "
        f"før framskrivingen starter, og små kommuners rater er trukket mot fylkets. Fødsler beregnes med "
        f"antall 0-åringer per kvinne 15–49 år de siste {p.fertility_years} årene. Datagrunnlaget har ikke "
        f"fødte, døde eller flyttinger; overlevelse anslås fra nasjonale kohortendringer i høy alder, med "
        f"fallende dødelighet etter trenden i dataene. Nettoflytting er skalert med "
        f"{nb_float(p.migration_scale, 1)}, begrenset til mellom {nb_pct(p.migration_min, 0)} og +{nb_pct(p.migration_max, 0)} "
        f"per kohort og år og "
        f"dempes over tid; fruktbarheten er skalert med {nb_float(p.fertility_scale, 1)}. Regionkommuner og "
        f"blokker er summen av medlemskommunenes framskrivinger. Framskrivingen viderefører flyttemønsteret "
        f"fra basisperioden og bygger ikke på SSBs forutsetninger; tallene for små kommuner og smale "
        f"aldersgrupper er usikre. En tilbaketest (framskriving fra 2014 sammenlignet med faktisk folketall i "
        f"2024) viser feilnivået."
    )
