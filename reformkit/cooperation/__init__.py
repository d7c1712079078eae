"""Track 2 — forpliktende samarbeid: cooperation forms, cost-sharing keys and the legitimacy checklist.

Sources: ../shared/docs/domain.md ("Cooperation (track 2) and governance") for the forms under Kommuneloven
(2018) and the cost-sharing keys seen in practice; the KS FoU report "Styring av og ledelse i kommunale
nettverk/partnerskap" (sources/004: 12 cases in Rogaland and Akershus) for the legitimacy criteria (input,
throughput, output) and the three pitfalls (autonomifellen/understyring, overstyringsfellen,
rådmannsdilemmaet). Data and pure functions only; user-facing text is Norwegian.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import ReformkitError


@dataclass(frozen=True)
class CooperationForm:
    """One legal form of inter-municipal cooperation."""

    key: str
    name: str           # Norwegian
    legal_basis: str    # paragraph / act
    steering: str       # how the member councils steer it (Norwegian)
    binding: str        # "lav", "middels", "høy": how binding the form is for the members
    in_force: bool = True


FORMS: tuple[CooperationForm, ...] = (
    CooperationForm("politisk_rad", "Interkommunalt politisk råd", "Kommuneloven § 18-1",
                    "Representantskap av folkevalgte fra hver kommune; drøfter felles interesser, kan ikke "
                    "ta over lovpålagte oppgaver", "lav"),
    CooperationForm("oppgavefellesskap", "Kommunalt oppgavefellesskap", "Kommuneloven § 19-1",
                    "Representantskap der hver kommune er representert; deltakerne svarer for en andel av "
                    "forpliktelsene", "middels"),
    CooperationForm("vertskommune_administrativ", "Administrativt vertskommunesamarbeid",
                    "Kommuneloven § 20-1 ff. (§ 20-2)",
                    "Vertskommunen utfører oppgaven og kan få delegert myndighet fra deltakerne; "
                    "instruksjon og omgjøring via samarbeidsavtalen", "middels"),
    CooperationForm("vertskommune_nemnd", "Vertskommunesamarbeid med felles folkevalgt nemnd",
                    "Kommuneloven § 20-1 ff. (§ 20-3)",
                    "Felles folkevalgt nemnd med medlemmer fra alle deltakerne tar beslutninger på vegne av dem",
                    "høy"),
    CooperationForm("iks", "Interkommunalt selskap (IKS)", "Lov om interkommunale selskaper",
                    "Eierne styrer gjennom representantskapet og instruerer sine representanter", "høy"),
    CooperationForm("aksjeselskap", "Aksjeselskap (AS)", "Aksjeloven",
                    "Eierne styrer bare gjennom generalforsamlingen", "middels"),
    CooperationForm("avtale", "Avtalebasert samarbeid (kjøp og salg av tjenester)",
                    "Avtalerett / kommuneloven § 17-1",
                    "Styres gjennom avtalen; ingen felles organ", "lav"),
    CooperationForm("samkommune", "Samkommune (opphevet 2020)", "Tidligere kommuneloven kap. 5 B",
                    "Samkommunestyre valgt av deltakernes kommunestyrer; historisk modell for et bindende "
                    "samarbeid med felles råd", "høy", in_force=False),
)


def form(key: str) -> CooperationForm:
    """The cooperation form with ``key`` (ReformkitError listing the keys if unknown)."""
    for f in FORMS:
        if f.key == key:
            return f
    raise ReformkitError(f"unknown cooperation form {key!r}; known: {', '.join(f.key for f in FORMS)}")


def _check_total(total: float) -> None:
    if total < 0:
        raise ReformkitError(f"cost to share must be >= 0, got {total}")


def _shares(total: float, weights: Mapping[str, float], what: str) -> dict[str, float]:
    if not weights:
        raise ReformkitError(f"cost sharing by {what}: no members given")
    if any(w < 0 for w in weights.values()):
        raise ReformkitError(f"cost sharing by {what}: negative value for "
                             f"{', '.join(k for k, w in weights.items() if w < 0)}")
    s = float(sum(weights.values()))
    if s == 0:
        raise ReformkitError(f"cost sharing by {what}: all members have 0")
    return {k: total * float(w) / s for k, w in weights.items()}


def share_per_inhabitant(total: float, inhabitants: Mapping[str, float]) -> dict[str, float]:
    """Split ``total`` (kr) in proportion to inhabitants.

    >>> share_per_inhabitant(1000, {"A": 3000, "B": 1000})
    {'A': 750.0, 'B': 250.0}
    """
    _check_total(total)
    return _shares(total, inhabitants, "inhabitants")


def share_fixed_plus_per_user(total: float, users: Mapping[str, float], fixed_share: float) -> dict[str, float]:
    """A fixed part (``fixed_share`` of ``total``) split equally, the rest by number of users.

    >>> share_fixed_plus_per_user(1000, {"A": 30, "B": 10}, fixed_share=0.2)
    {'A': 700.0, 'B': 300.0}
    """
    _check_total(total)
    if not 0 <= fixed_share <= 1:
        raise ReformkitError(f"fixed share must be between 0 and 1, got {fixed_share}")
    fixed = share_equal(total * fixed_share, list(users))
    variable = _shares(total * (1 - fixed_share), users, "users") if fixed_share < 1 else {k: 0.0 for k in users}
    return {k: fixed[k] + variable[k] for k in users}


def share_equal(total: float, members: list[str]) -> dict[str, float]:
    """Equal shares (50/50 for two members).

    >>> share_equal(1000, ["A", "B"])
    {'A': 500.0, 'B': 500.0}
    """
    _check_total(total)
    if not members:
        raise ReformkitError("cost sharing: no members given")
    return {k: total / len(members) for k in members}


def share_by_use(total: float, use: Mapping[str, float]) -> dict[str, float]:
    """Split ``total`` by measured use (hours, cases, ...) of each member."""
    _check_total(total)
    return _shares(total, use, "use")


COST_KEYS = {
    "per_innbygger": share_per_inhabitant,
    "fast_pluss_per_bruker": share_fixed_plus_per_user,
    "likedeling": share_equal,
    "bruksbasert": share_by_use,
}


#: The legitimacy checklist (source: sources/004, KS FoU): criterion -> questions (Norwegian).
LEGITIMACY_CHECKLIST: dict[str, tuple[str, ...]] = {
    "input": (
        "Er samarbeidet forankret i kommunestyrene i alle deltakerkommunene (vedtak, eierstrategi)?",
        "Har de folkevalgte en fast arena og et fast tidspunkt for å drøfte samarbeidet?",
        "Finnes det en «sponsor» i hver kommunes basisorganisasjon som sikrer kontinuerlig forankring?",
    ),
    "throughput": (
        "Er informasjonen om samarbeidet åpen og sortert slik at politikerne kan forholde seg til den?",
        "Er ansvar, myndighet og risiko mellom deltakerne og samarbeidet gjort eksplisitt i avtalen?",
        "Er kostnadsfordelingsnøkkelen kjent og akseptert av alle?",
        "Er samarbeidet synlig for innbyggerne, mediene og kontrollorganene?",
    ),
    "output": (
        "Leverer samarbeidet de tjenestene og resultatene som var målet?",
        "Gir samarbeidet merverdi for alle deltakerne, ikke bare for vertskommunen?",
        "Måles og rapporteres resultatene jevnlig til kommunestyrene?",
    ),
}

#: The three pitfalls (sources/004): key -> (name, question whose "ja" warns).
PITFALLS: dict[str, tuple[str, str]] = {
    "understyring": ("Autonomifellen (understyring)",
                     "Har de folkevalgte trukket seg tilbake, slik at ledelsen av samarbeidet styrer seg selv?"),
    "overstyring": ("Overstyringsfellen",
                    "Griper politikerne inn i store og små saker slik at ansvaret mellom folkevalgte, styre og "
                    "ledelse pulveriseres?"),
    "radmann_forbigatt": ("Rådmannsdilemmaet",
                          "Blir rådmannens administrasjon spilt ut eller koblet fra tjenesten samarbeidet løser?"),
}


def assess_legitimacy(answers: Mapping[str, bool]) -> dict:
    """Score a cooperation on the checklist. ``answers`` maps ``"<criterion>.<n>"`` (1-based question number,
    e.g. ``"input.1"``) or a pitfall key (``"overstyring"``) to True/False; unanswered questions count as open.

    Returns per criterion the share of "ja" among its questions, the open questions, and the pitfalls
    reported (answered True), plus ``balanced``: all three criteria fully met and no pitfall (the report's
    condition for "balansert styring").

    >>> r = assess_legitimacy({"input.1": True, "overstyring": True})
    >>> r["criteria"]["input"]["share"], r["pitfalls"]
    (0.3333333333333333, ['Overstyringsfellen'])
    """
    known = {f"{c}.{i + 1}" for c, qs in LEGITIMACY_CHECKLIST.items() for i in range(len(qs))} | set(PITFALLS)
    unknown = [k for k in answers if k not in known]
    if unknown:
        raise ReformkitError(f"legitimacy checklist: unknown item(s) {', '.join(unknown)}")
    criteria = {}
    for c, qs in LEGITIMACY_CHECKLIST.items():
        yes = [answers.get(f"{c}.{i + 1}") is True for i in range(len(qs))]
        criteria[c] = {"share": sum(yes) / len(qs),
                       "open": [q for i, q in enumerate(qs) if answers.get(f"{c}.{i + 1}") is None]}
    pitfalls = [PITFALLS[k][0] for k in PITFALLS if answers.get(k) is True]
    balanced = all(v["share"] == 1.0 for v in criteria.values()) and not pitfalls
    return {"criteria": criteria, "pitfalls": pitfalls, "balanced": balanced}
