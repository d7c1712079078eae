"""A readable Norwegian summary of a ScenarioResult for the terminal (``reformkit evaluate``)."""
from __future__ import annotations

from ..evaluate.result import ScenarioResult
from ..fmt import nb_float, nb_int, nb_minutes, nb_pct, nb_signed_pct
from . import cooperation
from .labels import ALTERNATIVE, SCORECARD_STATUS, UNIT_KIND
from .notices import notice_text


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _flags(row, thresholds: list[int], base: int, last: int) -> str:
    out = []
    for n in thresholds:
        when = [str(y) for y, key in ((base, "base"), (last, "horizon")) if row[f"under_{n}_{key}"]]
        if when:
            out.append(f"<{nb_int(n)} ({', '.join(when)})")
    return "; ".join(out) or "ok"


def _cooperation_lines(res: ScenarioResult) -> list[str]:
    """Each described cooperation: its form and the members' shares and kroner (terminal table)."""
    lines = []
    for block in cooperation.blocks_with_cooperation(res):
        table = cooperation.share_table(res, block)
        keep = ["Deltaker", "Innbyggere", "Seter", "Kostnad, kjente tjenester", "Etter innsparing", "Nullpunkt (innsparing)"]
        lines += ["", "Samarbeid: " + cooperation.cooperation_summary_md(res, block).replace("**", "")]
        lines += _table(keep, [[str(v) for v in row] for row in table[keep].itertuples(index=False)],
                        right={1, 2, 3, 4, 5})
        status = res.cooperation[block]["scorecard"]["status"]
        lines.append(f"Styring (input/throughput/output): {SCORECARD_STATUS.get(status, status)}")
    return lines


def summary_text(res: ScenarioResult, max_units: int = 60) -> str:
    """Blocks, the new kommuner and warnings as aligned text tables (Norwegian)."""
    sc = res.scenario
    base, last = res.years[0], res.years[-1]
    projected = res.projected_years
    lines = [sc.name,
             f"{sc.borders}-grenser · basisår {base} · horisont {last}"
             + (f" · framskriving ({ALTERNATIVE.get(sc.projection, sc.projection)}) for "
                f"{projected[0]}–{projected[-1]}" if projected else
                " · bare observerte tall"),
             f"Kommuner før: {res.kommuner_before} · etter: {res.kommuner_after}", "", "Blokker"]
    header = ["Blokk", "Senter", "Kommuner", "Slås sammen", f"Innb. {base}", f"Innb. {last}", "Endring",
              f"Regionkommune {last}", f"Alderbæreevne {base}→{last}", f"80+ {last}", "Maks reisetid", "Kriterier"]
    rows = []
    for name, b in res.blocks.iterrows():
        rows.append([name, b["centre_name"], str(b["n_kommuner"]), str(b["n_merge"]), nb_int(b["population_base"]),
                     nb_int(b["population_horizon"]), nb_signed_pct(b["change_pct"]),
                     nb_int(b["regionkommune_population_horizon"]),
                     f"{nb_float(b['old_age_support_ratio_base'], 2)} → {nb_float(b['old_age_support_ratio_horizon'], 2)}",
                     nb_pct(b["share_80_plus_horizon"]), nb_minutes(b["max_travel_minutes_to_centre"]),
                     _flags(b, res.thresholds, base, last)])
    lines += _table(header, rows, right={2, 3, 4, 5, 6, 7, 8, 9, 10})

    units = res.units[res.units["kind"] != "outside"]
    outside = res.units[res.units["kind"] == "outside"]
    lines += ["", "Kommuner etter reformen (regionkommuner og samarbeidskommuner)"]
    header = ["Enhet", "Type", "Blokk", "Kommuner", f"Innb. {base}", f"Innb. {last}", "Endring",
              f"Alderbæreevne {last}", "Maks reisetid", "Kriterier"]
    rows = [[u["name"], UNIT_KIND[u["kind"]], u["block"] or "", str(u["n_kommuner"]), nb_int(u["population_base"]),
             nb_int(u["population_horizon"]), nb_signed_pct(u["change_pct"]),
             nb_float(u["old_age_support_ratio_horizon"], 2), nb_minutes(u["max_travel_minutes_to_centre"]),
             _flags(u, res.thresholds, base, last)]
            for _, u in units.head(max_units).iterrows()]
    lines += _table(header, rows, right={3, 4, 5, 6, 7, 8})
    if len(units) > max_units:
        lines.append(f"… og {len(units) - max_units} til (se --json)")
    if len(outside):
        lines.append(f"Utenfor blokkene: {len(outside)} kommuner med {nb_int(outside['population_base'].sum())} "
                     f"innbyggere i {base}.")
    lines += ["", f"Kriterier: under {' / '.join(nb_int(n) for n in res.thresholds)} innbyggere i {base} eller "
                  f"{last} (ekspertutvalget 2014, data/params/criteria.yaml)."]
    lines += _cooperation_lines(res)
    if res.warnings:
        lines += ["", "Advarsler:", *(f"  - {notice_text(w)}" for w in res.warnings)]
    return "\n".join(lines) + "\n"
