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

#: The live workshop (:mod:`reformkit.workbench`): controls, headings and messages. ``{placeholders}`` are
#: filled by :mod:`reformkit.narrative.workshop`, which escapes nothing: the widgets escape what they show.
WORKSHOP = {
    # headings and controls
    "title": "Arbeidsverksted",
    "kommune": "Kommune",
    "block": "Blokk",
    "track": "Spor",
    "to_block": "Til blokk",
    "move": "Flytt",
    "make_centre": "Gjør til senter",
    "undo": "Angre",
    "redo": "Gjør om",
    "edit_tab": "Endre",
    "blocks_tab": "Blokker",
    "start_tab": "Start",
    "leave_tab": "Lagre",
    "new_block_name": "Navn på ny blokk",
    "add_block": "Ny blokk rundt kommunen",
    "rename_to": "Nytt navn",
    "rename": "Gi nytt navn",
    "remove_block": "Fjern blokk",
    "remove_into": "Medlemmene går til",
    "nowhere": "(ingen blokk)",
    "horizon": "Horisont",
    "projection": "Framskriving",
    "fylke": "Fylke",
    "k": "Tyngdepunkter",
    "propose": "Start fra forslag",
    "scenario_file": "Scenariofil",
    "open_file": "Start fra fil",
    "pin": "Fest som alternativ A",
    "unpin": "Løsne alternativ A",
    "save_name": "Nytt navn",
    "save_description": "Beskrivelse",
    "save": "Lagre i arbeidsmappen",
    "download": "Last ned YAML",
    "report": "Lag HTML-rapport",
    "report_ready": "Rapporten er klar: {link}",
    "download_link": "Last ned {file}",
    "summary_heading": "Blokkene nå (endring mot utgangspunktet i parentes)",
    "population_heading": "Innbyggere per blokk",
    "compare_heading": "Alternativ A (festet) og B (nå)",
    "cooperation_heading": "Samarbeidet i {block} (blokka til valgt kommune)",
    "pinned": "A: {name}",
    "current": "B: nå",
    "legend_merge": "Heltrukket, fylt: slås sammen (regionkommune)",
    "legend_cooperate": "Stiplet kant, lys: forpliktende samarbeid",
    "legend_centre": "◆ senter",
    "centre_role": "senter",
    "map_hint": "Klikk en kommune på kartet for å velge den.",
    "new": "ny",
    "kommuner_count": "{before} kommuner før, {after} etter",
    "working": "Arbeider …",
    # messages after an edit (info)
    "moved": "{kommune} flyttet til {block} ({track}).",
    "track_changed": "{kommune} er nå på sporet {track} i {block}.",
    "centre_set": "{kommune} er nå senter i {block}.",
    "block_added": "Ny blokk {block} rundt {kommune}.",
    "block_renamed": "Blokken {old} heter nå {new}.",
    "block_removed": "Blokken {block} er fjernet; medlemmene gikk til {into}.",
    "block_removed_out": "Blokken {block} er fjernet; medlemmene står nå utenfor blokkene.",
    "horizon_set": "Horisont {year}.",
    "projection_set": "Framskriving: {alternative}.",
    "undone": "Angret: {what}",
    "redone": "Gjort om: {what}",
    "nothing_to_undo": "Det er ingenting å angre.",
    "nothing_to_redo": "Det er ingenting å gjøre om.",
    "started_file": "Startet fra {name}.",
    "started_proposal": "Startet fra forslag: {k} tyngdepunkter i {fylke}.",
    "pinned_msg": "{name} er festet som alternativ A; endre videre og sammenlign.",
    "unpinned_msg": "Alternativ A er løsnet.",
    "saved": "Lagret som {file} i arbeidsmappen.",
    "report_done": "Rapporten er laget: {file}.",
    "no_change": "{kommune} er allerede i {block} på sporet {track}.",
    # warnings
    "cut_off": "{kommuner} henger ikke sammen med resten av blokken {block} (ikke nabo over land eller sjø).",
    # impossible edits (errors)
    "centre_cannot_cooperate": ("{kommune} er senter i {block} og kan ikke samarbeide. Gjør en annen kommune til "
                                "senter først."),
    "centre_cannot_leave": ("{kommune} er senter i {block} og kan ikke flyttes. Gjør en annen kommune til senter "
                            "først, eller fjern blokken."),
    "last_member": "{kommune} er det eneste medlemmet i {block}. Fjern blokken i stedet.",
    "name_taken": "Det finnes allerede en blokk som heter {name}.",
    "name_empty": "Skriv et navn først.",
    "name_unsafe": "Navnet kan ikke inneholde / eller \\ eller starte med punktum.",
    "not_a_member": "{kommune} er ikke med i noen blokk. Velg en blokk å flytte den til.",
    "already_centre": "{kommune} er allerede senter i {block}.",
    "centre_elsewhere": "{kommune} er senter i {block}. Velg en annen kommune som senter for den nye blokken.",
    "last_block": "Scenarioet må ha minst én blokk.",
    "into_itself": "Velg en annen blokk å flytte medlemmene til.",
    "unknown_kommune": "Finner ikke kommunen {kommune}.",
    "unknown_block": "Finner ikke blokken {block}.",
    "choose_kommune": "Velg en kommune først.",
    "not_possible": "Endringen er ikke mulig i dette scenarioet.",
    "bad_file": "Scenariofilen {file} kunne ikke leses som et scenario.",
    "no_proposal": "Fant ikke noe forslag med {k} tyngdepunkter i {fylke}.",
    "save_failed": "Kunne ikke lagre i arbeidsmappen {folder}.",
    "report_failed": "Rapporten kunne ikke lages.",
    "horizon_invalid": "Horisonten må være etter {base}.",
}
#: The kommune profile (``notebooks/kommune_profile.ipynb``): kinds of merger option and chart text.
OPTION_KIND = {"alone": "alene", "neighbour": "nabo", "centre": "regionsenter"}
PROFILE_CHART = {
    "support_title": "Alderbæreevne år for år: personer 16–66 år per person 67 år og over",
    "projection": "Framskriving",
    "need_title": "Endring i utgiftsbehov etter alderskriteriene, fra {base}",
    "need_axis": "Endring fra {base} (mill. kr)",
    "need_total": "Sum alle tjenester",
    "pyramid_title": "Befolkning etter alder og kjønn, {base} og {horizon}",
}
#: Columns of the beste-praksis table (``{name}``: the kommune's short name).
BEST_PRACTICE = {"service_area": "Tjenesteområde", "best_kommune": "Beste praksis", "best": "Beste (kr per innb.)",
                 "own": "{name} (kr per innb.)", "gap": "Differanse (kr per innb.)", "potential": "Potensial (kr)"}
#: Economy figures that a merger option's net present value leaves out (codes of ``blocks[].economy.not_computed``).
NOT_IN_PRESENT_VALUE = {"smakommunetilskudd": "tapt småkommunetilskudd",
                        "distriktstilskudd": "endringer i distriktstilskuddet",
                        "nord_norge_zones": "endringer i Nord-Norge-tilskuddet (kommuner i ulike soner)",
                        "nord_norge_partial_zone": "Nord-Norge-tilskuddet i Namdalen",
                        "troms_zone_unknown": "Nord-Norge-tilskuddet i Troms (tiltakssonen er ikke kjent)"}
