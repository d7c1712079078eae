"""The one label table: every Norwegian label of a code that the computing layers return.

Reports, the workbench, the CLI and the charts all take their labels from here, so one word is changed in
one place. Text built from numbers (sentences, report paragraphs) lives in the other narrative modules.
"""
from __future__ import annotations

#: The two tracks of the to-spors reform: in tables (lower case), as a chart legend and as workbench buttons.
TRACK = {"merge": "sammenslåing", "cooperate": "samarbeid"}
TRACK_LEGEND = {"merge": "Sammenslåing", "cooperate": "Forpliktende samarbeid"}
TRACK_BUTTON = {"merge": "Slå sammen (regionkommune)", "cooperate": "Forpliktende samarbeid"}

#: Kinds of unit after the reform (``ScenarioResult.units["kind"]``).
UNIT_KIND = {"regionkommune": "regionkommune", "cooperating": "samarbeidskommune", "outside": "utenfor blokk"}

#: Projection alternatives.
ALTERNATIVE = {
    "main": "hovedalternativ",
    "low": "lavt alternativ",
    "high": "høyt alternativ",
    "zero-migration": "uten flytting (ren aldring)",
    "ssb-main": "SSBs hovedalternativ (MMMM)",
    "ssb-low": "SSBs lave alternativ (LLML)",
    "ssb-high": "SSBs høye alternativ (HHMH)",
}

#: Groups and methods of the projection back-test.
BACKTEST_GROUP = {"total": "Folkemengde i alt", "67+": "67 år og over", "80+": "80 år og over"}
BACKTEST_METHOD = {"projection": "Kohortframskriving", "constant": "Naiv: uendret", "linear": "Naiv: lineær trend"}

#: Services of the demographic expenditure need: with their age groups (tables) and short (sentences).
NEED_SERVICE = {"barnehage": "Barnehage (0–5 år)", "grunnskole": "Grunnskole (6–15 år)",
                "pleie_omsorg": "Pleie og omsorg (67+ år)", "other": "Andre tjenester (16–66 år)",
                "total": "Sum alderskriterier", "per_inhabitant": "Per innbygger"}
NEED_SERVICE_SHORT = {"barnehage": "Barnehage", "grunnskole": "Grunnskole", "pleie_omsorg": "Pleie og omsorg",
                      "other": "Andre tjenester", "total": "Sum"}

#: Components of a merger's economy, in waterfall order, and the net rows.
MERGER_COMPONENT = {
    "lost_basis": "Tapt basistilskudd",
    "lost_regional": "Tapte regionale tilskudd",
    "inndelingstilskudd": "Inndelingstilskudd",
    "regionsenter": "Regionsentertilskudd",
    "one_off": "Engangstilskudd og reformstøtte",
    "admin_savings": "Administrativ innsparing",
}
NET_PRESENT_VALUE = "Netto nåverdi"

#: Columns of the candidate ranking (``reach_<M>`` columns are labelled by :func:`rank_label`).
RANK = {
    "kommunenummer": "Kommunenr.",
    "kommunenavn": "Kommune",
    "population": "Innbyggere",
    "ba_region": "BA-region",
    "ba_centre": "BA-senter",
    "innpendling_pct": "Innpendling (%)",
    "score": "Poengsum",
    "rank": "Rangering",
}

#: Columns of the k sweep (``blocks_under_<N>`` columns are labelled by :func:`sweep_label`).
SWEEP = {
    "k": "Antall tyngdepunkter",
    "min_block_population": "Minste blokk (innbyggere)",
    "max_travel_minutes": "Lengste reisetid (min)",
    "mean_weighted_travel_minutes": "Gj.sn. reisetid, vektet (min)",
    "objective": "Personminutter",
    "gap": "Optimalitetsgap",
    "method": "Metode",
    "status": "Status",
    "seconds": "Sekunder",
    "centres": "Sentre",
    "note": "Merknad",
}
SOLVER_METHOD = {"exact": "eksakt (HiGHS, heltallsprogrammering)", "heuristic": "heuristikk (grådig + lokalsøk)"}
SOLVER_METHOD_SHORT = {"exact": "eksakt", "heuristic": "heuristikk"}
SOLVER_STATUS = {"optimal": "optimal", "time limit": "tidsgrensen nådd", "infeasible": "umulig"}

#: What a figure that could not be computed is called.
NOT_COMPUTED = "ikke beregnet"
#: An unknown parameter value (``unknown`` in a parameter file).
UNKNOWN_VALUE = "ikke kjent"
#: The name pattern of a proposed block around its centre.
BLOCK_NAME = "{centre}-blokka"


def rank_label(column: str) -> str:
    """The Norwegian header of a ranking column (``reach_60`` -> "Innbyggere innen 60 min")."""
    if column.startswith("reach_"):
        return f"Innbyggere innen {column.removeprefix('reach_')} min"
    return RANK.get(column, column)


def sweep_label(column: str) -> str:
    """The Norwegian header of a sweep column (``blocks_under_15000`` -> "Blokker under 15 000")."""
    if column.startswith("blocks_under_"):
        from ..fmt import nb_int
        return f"Blokker under {nb_int(int(column.removeprefix('blocks_under_')))}"
    return SWEEP.get(column, column)


#: Where the long words of table headers may break, with a hyphen, when a printed table needs the room
#: (a soft hyphen in the page; the browser knows no Norwegian hyphenation offline). Lower case; a header
#: word matches whatever its case.
HYPHENATION = {
    "sammenslåing": "sammen-slåing", "regionkommune": "region-kommune", "regionkommunen": "region-kommunen",
    "kommuner": "kom-muner", "samarbeid": "sam-arbeid", "innbyggere": "inn-byggere", "bæreevne": "bære-evne",
    "kriterier": "kri-terier", "reisetid": "reise-tid", "innsparing": "inn-sparing", "nullpunkt": "null-punkt",
    "digitalisering": "digitali-sering", "landbruksforvaltning": "landbruks-forvaltning",
    "innpendling": "inn-pendling", "poengsum": "poeng-sum", "deltaker": "del-taker", "rangering": "range-ring",
    "samarbeidsform": "samarbeids-form", "bindingsgrad": "bindings-grad", "kommunenr.": "kommune-nr.",
    "tyngdepunkter": "tyngde-punkter", "sammenligning": "sammen-ligning", "utgiftsbehov": "utgifts-behov",
    "samarbeidskommune": "samarbeids-kommune", "alderbæreevne": "alder-bære-evne", "kostnader": "kost-nader",
    "befolkning": "befolk-ning",
}


def hyphenated(text: str) -> str:
    """``text`` with a soft hyphen (U+00AD) at the break points of :data:`HYPHENATION` in its words.

    >>> hyphenated("Regionkommune 2040").replace("\u00ad", "|")
    'Region|kommune 2040'
    """
    out = []
    for word in str(text).split(" "):
        split = HYPHENATION.get(word.lower().rstrip(",:"))
        if split:
            parts, pos = split.split("-"), 0
            pieces = []
            for part in parts:
                pieces.append(word[pos:pos + len(part)])
                pos += len(part)
            word = "\u00ad".join(pieces) + word[pos:]
        out.append(word)
    return " ".join(out)


#: Titles, axis names, legends and tooltips of the charts (:mod:`reformkit.charts`).
CHART = {
    "year": "År",
    "population": "Innbyggere",
    "unit": "Enhet",
    "population_title": "Befolkning",
    "observed_projected": "Heltrukket: registrert t.o.m. {year}. Stiplet: framskrevet.",
    "change_since": "Endring i prosent fra {year}, samme skala i alle rutene.",
    "support_title": "Alderbæreevne (personer 16–66 år per person 67+)",
    "support_axis": "16–66 år per 67+",
    "support": "Bæreevne",
    "age_structure": "Alderssammensetning",
    "sex": "Kjønn",
    "men": "Menn",
    "women": "Kvinner",
    "all": "Alle",
    "age": "Alder",
    "pyramid_axis": "Menn ← innbyggere → Kvinner",
    "travel_title": "Reisetid til senteret",
    "kommune": "Kommune",
    "block": "Blokk",
    "minutes": "Minutter",
    "travel_minutes": "Reisetid (min)",
    "track": "Spor",
    "travel_axis": "Reisetid med bil til senteret (minutter)",
    "sweep_title": "Antall tyngdepunkter (k): hva endrer seg?",
    "smallest_block": "Minste blokk",
    "k_axis": "Antall blokker (k)",
    "smallest_block_axis": "Minste blokk (innbyggere)",
    "measure": "Mål",
    "longest_trip": "Lengste reisetid",
    "weighted_mean": "Befolkningsvektet snitt",
    "travel_to_centre_axis": "Reisetid til senter (min)",
    "economy_title": "Økonomi: fra i dag til etter reform",
    "mill_kr": "mill. kr",
    "sum": "Sum",
    "increase": "Økning",
    "decrease": "Reduksjon",
    "amount": "Beløp",
    "item": "Post",
    "age_groups_title": "Aldersgrupper (andel av befolkningen)",
    "age_group": "Aldersgruppe",
    "share": "Andel",
    "centre": "Senter",
    "exit_axis": "Endring i kostnad for de andre (%)",
    "exit_leaver": "Om denne melder seg ut",
    "exit_title": "Utmelding: hva de andre må betale mer (før innsparing)",
    "member": "Deltaker",
    "service": "Tjeneste",
    "change": "Endring",
}

#: Warnings of a block's cooperation (``cooperation_result(...)["flags"]``).
COOPERATION_FLAG = {
    "historical_form": "Samarbeidsformen er historisk og kan ikke opprettes i dag",
    "form_not_for_services": "Samarbeidsformen er ikke ment for tjenesteproduksjon",
    "decisions_not_delegable": "Tjenesten krever enkeltvedtak, som denne samarbeidsformen ikke kan få myndighet til",
    "cost_unknown": "Kostnaden per innbygger er ikke kjent, så kronebeløpene er ikke beregnet for",
    "saving_unknown": "Innsparingen er ikke kjent (sett den i scenarioet eller hent KOSTRA), så beløpet etter "
                      "innsparing er ikke beregnet for",
    "dominance.population_majority": "Én deltaker har over halvparten av innbyggerne",
    "dominance.seat_majority": "Én deltaker har over halvparten av setene",
    "dominance.ratio_above_max": "Største deltakers andel av innbyggerne er mer enn dobbelt så stor som andelen "
                                 "av setene",
    "dominance.no_joint_body": "Samarbeidet har ikke noe felles organ med seter",
}
#: A service's cost status.
COOPERATION_STATUS = {"computed": "beregnet", "saving_unknown": "innsparing ikke kjent",
                      "cost_unknown": "kostnad ikke kjent"}
#: The governance scorecard's verdicts (whole scorecard and each criterion).
SCORECARD_STATUS = {"balanced": "balansert", "unbalanced": "ikke balansert", "open": "åpne spørsmål",
                    "met": "oppfylt", "not_met": "ikke oppfylt"}
