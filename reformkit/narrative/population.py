"""Norwegian description of the projection method and its limits, and of its back-test.

The English description with formulas is the docstring of :mod:`reformkit.population.projection`.
"""
from __future__ import annotations

import pandas as pd

from ..fmt import nb_float, nb_pct
from ..params import ParamTree
from ..population import SSB_ALTERNATIVES, ProjectionParams
from .labels import ALTERNATIVE, BACKTEST_GROUP, BACKTEST_METHOD


def method_note(alternative: str = "main", params: ParamTree | None = None) -> str:
    """A short paragraph in Norwegian on how the projection was made and what it cannot do (``params``: the
    ``projection`` parameter group used, the shipped one when None).

    >>> print(method_note("zero-migration"))        # doctest: +SKIP
    """
    label = ALTERNATIVE.get(alternative, alternative)
    if alternative in SSB_ALTERNATIVES:
        return (f"Befolkningen etter siste observerte år er SSBs offisielle regionale befolkningsframskriving, "
                f"{label}, hentet fra SSBs statistikkbank. Sammenslåtte enheter er summen av kommunene.")
    p = ProjectionParams.for_alternative(alternative, params)
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


def format_backtest(table: pd.DataFrame) -> str:
    """The back-test table of :func:`reformkit.population.backtest` as Norwegian plain text."""
    head = (f"Tilbaketest: framskrevet fra {table.attrs.get('launch_year')} til {table.attrs.get('target_year')}"
            f", sammenlignet med observert folkemengde ({table.attrs.get('borders')}-grenser)")
    lines = [head, f"{'Gruppe':<20}{'Metode':<34}{'Gj.snitt abs. feil':>20}{'Median abs. feil':>18}"]
    alternative = table.attrs.get("alternative", "main")
    for r in table.itertuples():
        method = BACKTEST_METHOD[r.method] + (f" ({alternative})" if r.method == "projection" else "")
        lines.append(f"{BACKTEST_GROUP[r.group]:<20}{method:<34}{nb_float(r.mean_ape, 1) + ' %':>20}"
                     f"{nb_float(r.median_ape, 1) + ' %':>18}")
    return "\n".join(lines)
