"""Notices worded in Norwegian, and the result document with its notices worded (``evaluate --json``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..evaluate.result import ScenarioResult
from ..fmt import nb_float, nb_int
from ..notices import Notice
from . import labels
from .common import join_nb

_FETCH_HINT = "kjør `reformkit data fetch` (krever nett)"
_SSB_FETCH = "`reformkit data fetch --only ssb-projection` (krever nett)"


def _ssb_missing(v: dict) -> str:
    label = labels.ALTERNATIVE.get(v["alternative"], v["alternative"])
    if v.get("fallback"):
        return (f"{label} er ikke hentet, så profilen bruker reformkits egen framskriving "
                f"({labels.ALTERNATIVE[v['fallback']]}). Hent SSBs tall med {_SSB_FETCH} og lag profilen på nytt.")
    return (f"SSBs befolkningsframskriving er ikke hentet, så tallene kan ikke sammenlignes med {label} her. "
            f"Hent den med {_SSB_FETCH}.")


def _ssb_incomplete(v: dict) -> str:
    tail = (f"; profilen bruker reformkits egen framskriving ({labels.ALTERNATIVE[v['fallback']]})" if v.get("fallback")
            else "; den er derfor ikke vist")
    return (f"SSBs befolkningsframskriving i databufferen dekker ikke alle år og kommuner fram til {v['horizon']}"
            f"{tail}. Hent den på nytt med {_SSB_FETCH}.")


def _missing_population(v: dict) -> str:
    pairs = v["kommune_years"]
    text = ", ".join(f"{k} ({y})" for k, y in pairs[:6]) + (" …" if len(pairs) > 6 else "")
    return f"Mangler befolkningstall for {v['count']} kommune-år, regnet som 0: {text}."


def _kostra_table(v: dict) -> str:
    text = f"KOSTRA {v['year']}: netto driftsutgifter per innbygger etter tjenesteområde (kr, SSB tabell 12362)"
    if v.get("index_year") is not None:
        text += (f", utgiftskorrigert med samlet utgiftsbehovsindeks {v['index_year']} (veiledende)"
                 + ("; kommuner uten indeks står ukorrigert" if v.get("uncorrected") else ""))
    if v.get("missing"):
        text += f"; mangler tall for {', '.join(v['missing'])}"
    return text + "."


def _finance_table(v: dict) -> str:
    notes = [f"netto driftsresultat under {nb_float(v['recommended_min_pct'])} % (TBUs anbefaling) flagges"]
    notes += [f"terskel for {name} er ikke satt (ikke vurdert)" for name in v.get("thresholds_unset", [])]
    if v.get("robek_missing"):
        notes.append("ROBEK-registeret er ikke hentet")
    return (f"Finansielle nøkkeltall {v['year']} (SSB tabell 12134, % av brutto driftsinntekter): "
            + "; ".join(notes) + ".")


#: code -> sentence (a format string over the notice's values, or a function of them)
TEXTS: dict[str, str | Callable[[dict], str]] = {
    "missing_population": _missing_population,
    "not_contiguous": lambda v: (f"Regionkommunen i blokk «{v['block']}» henger ikke sammen geografisk (heller "
                                 f"ikke over sjø): {', '.join(v['kommuner'])}."),
    "horizon_capped": "Tallene for «horisont» gjelder {last}, ikke {horizon}.",
    "need_from_age_criteria": ("Utgiftsbehovet er alderskriteriene i kostnadsnøkkelen (enhetsbeløp 2023) × "
                               "innbyggere; en kommune med enhetskostnader over landsgjennomsnittet får større "
                               "press enn tallene viser."),
    "nord_norge_partial_zone": ("Nord-Norge-tilskudd i Namdalen: hvilke trønderske kommuner som får det, står "
                                "ikke i dataene (ikke beregnet)"),
    "no_regionsenter_storby": lambda v: ("Ingen regionsentertilskudd: " + ", ".join(f"{n} ({k})" for k, n in v["kommuner"])
                                         + " får storbytilskudd, og de to tilskuddene gis ikke sammen."),
    "population_held_after": "Innbyggertallet etter {year} holdes fast på nivået i {year} (regionsentertilskudd).",
    "basis_ungraded": ("Basistilskuddet er regnet uten gradering etter strukturkriteriet; beløpene står i kroner "
                       "for parameterårene (2021–2023) uten prisjustering."),
    "regional_loss_after": ("Inndelingstilskuddet kompenserer tapte regionale tilskudd i {years} år; tapet som "
                            "ikke er beregnet, kommer derfor først til syne etter år {years}."),
    "no_merger": "Færre enn to kommuner på sammenslåingssporet: ingen sammenslåingsøkonomi.",
    "smakommunetilskudd": lambda v: (f"Småkommunetilskudd: {v['kommuner']} kommune(r) under {nb_int(v['threshold'])} "
                                     "innbyggere mister tilskuddet, men satsen per kommune finnes ikke i dataene "
                                     "(ikke beregnet)"),
    "nord_norge_zones": ("Nord-Norge-tilskudd: kommunene ligger i ulike soner; satsen for den nye kommunen er ikke "
                         "kjent (ikke beregnet)"),
    "nord_norge_same_zone": "Nord-Norge-tilskudd gis per innbygger i samme sone: sammenslåingen endrer det ikke",
    "troms_zone_unknown": ("Troms: om kommunene er i tiltakssonen eller ikke, står ikke i dataene; tapet er 0 bare "
                           "om alle er i samme sone"),
    "distriktstilskudd": "Distriktstilskudd: beløp per kommune finnes ikke i dataene (ikke beregnet)",
    "kostra_missing": f"KOSTRA-tall er ikke hentet, så sammenligningen mangler: {_FETCH_HINT}.",
    "kostra_none_for_kommuner": "KOSTRA-tallene har ingen tall for disse kommunene i {year}.",
    "kostra_table": _kostra_table,
    "finance_missing": (f"Finansielle nøkkeltall (netto driftsresultat, disposisjonsfond, gjeld) er ikke hentet: "
                        f"{_FETCH_HINT}."),
    "finance_none_for_kommuner": "Ingen finansielle nøkkeltall for disse kommunene i {year}.",
    "finance_table": _finance_table,
    # the kommune profile's
    "ssb_not_fetched": _ssb_missing,
    "ssb_incomplete": _ssb_incomplete,
    "population_apportioned": lambda v: (f"Før {v['first_year']} er folketallet i kilden en fast andel av en "
                                         f"tidligere sammenslått kommune; profilen viser derfor tall fra "
                                         f"{v['first_year']}."),
    "kostra_references_missing": lambda v: (f"Ingen KOSTRA-tall for {v['year']} for "
                                            f"{join_nb([f'{n} ({k})' for k, n in v['kommuner']])}, som derfor "
                                            f"ikke er med i sammenligningen."),
    "kostra_no_references": lambda v: (f"Ingen av referansekommunene har KOSTRA-tall for {v['year']}, så beste "
                                       f"praksis er ikke beregnet."),
}


def notice_text(notice: Notice) -> str:
    """The Norwegian sentence of a notice (its code when no text is known, so nothing is hidden)."""
    text = TEXTS.get(notice.code)
    if text is None:
        return notice.code
    return text(notice.values) if callable(text) else text.format(**notice.values)


def worded(value: Any) -> Any:
    """``value`` with every notice inside (dicts, lists) replaced by its sentence."""
    if isinstance(value, Notice):
        return notice_text(value)
    if isinstance(value, dict):
        return {k: worded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [worded(v) for v in value]
    return value


def _unknown_worded(parameters: dict) -> dict:
    return {k: {**v, "value": labels.UNKNOWN_VALUE if v.get("value") is None else v["value"]}
            for k, v in parameters.items()}


def document(res: ScenarioResult) -> dict:
    """The result document of design.md with warnings and economy notes as Norwegian sentences: what
    ``reformkit evaluate --json`` writes (``res.to_dict()`` carries the same notices as codes)."""
    doc = res.to_dict()
    doc["warnings"] = [notice_text(w) for w in res.warnings]
    for block in doc["blocks"]:
        econ = worded(res.economy.get(block["name"], {}))
        if "parameters" in econ:
            econ["parameters"] = _unknown_worded(econ["parameters"])
        block["economy"] = econ
    return doc
