"""Write the report notebooks in notebooks/ (outputs stripped). Run after editing: python scripts/make_notebooks.py

The notebooks stay thin: a ``parameters`` cell for papermill, then calls into reformkit (numbers, narrative
and charts all come from the package). Edit the cell lists below, not the .ipynb files.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from reformkit._io import write_text_atomic
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"

SETUP = """\
import reformkit as rk
from reformkit import charts, narrative as nar
from reformkit.fmt import nb_float, nb_int, nb_mill
from IPython.display import HTML, Markdown, display
charts.setup(offline=offline)"""

COUNTY = [
    ("md", "<!-- Fylkesoversikt: status for ett fylke. Kjøres av `reformkit render` eller interaktivt i JupyterLab. -->"),
    ("parameters", 'fylkesnummer = "15"\nborders = 2024\noffline = False'),
    ("code", SETUP + "\natlas = rk.load_atlas(borders=borders)\ncodes = atlas.in_fylke(fylkesnummer)"),
    ("code", 'display(Markdown(f"# Fylkesoversikt: {nar.fylke_name(atlas, fylkesnummer)}"))\n'
             "display(Markdown(nar.county_summary(atlas, fylkesnummer)))"),
    ("md", "## Befolkningsutvikling"),
    ("code", "charts.population_lines(nar.county_population(atlas, fylkesnummer), series=\"name\",\n"
             "                        title=\"Folketall i fylket\", series_title=\"Fylke\")"),
    ("code", "charts.bar_chart(nar.county_change(atlas, fylkesnummer), \"Kommune\", \"endring\",\n"
             "                 title=nar.county_change_title(atlas, fylkesnummer), value_title=\"Endring (%)\", fmt=\",.1f\",\n"
             "                 text=\"Endring\")"),
    ("md", "## Alderssammensetning"),
    ("code", "charts.age_pyramid(atlas.population[atlas.population.kommunenummer.isin(codes)],\n"
             "                   years=nar.county_years(atlas, fylkesnummer), title=\"Fylkets alderspyramide\")"),
    ("code", "display(HTML(nar.table_html(nar.county_kommune_table(atlas, fylkesnummer))))"),
    ("md", "## Bo- og arbeidsmarkedsregioner"),
    ("code", "text, table = nar.ba_regions(atlas, fylkesnummer)\ndisplay(Markdown(text))\n"
             "charts.kommune_map(rk.geodata.map_layers(atlas), nar.ba_map_table(atlas, fylkesnummer), \"BA-region\", colour_title=\"BA-region\",\n"
             "                   tooltip=[(\"BA-region\", \"BA-region\"), (\"Innbyggere\", \"Innbyggere\")],\n"
             "                   title=\"BA-regioner\")"),
    ("code", "display(HTML(nar.table_html(table)))"),
    ("md", "## Kandidater til tyngdepunkt"),
    ("code", "text, table = nar.candidates(rk.propose.rank_candidates(atlas, fylkesnummer))\ndisplay(Markdown(text))\n"
             "if table is not None:\n    display(HTML(nar.table_html(table)))"),
    ("md", "## Datakilder"),
    ("code", "display(Markdown(nar.sources_md(atlas)))"),
]

SCENARIO = [
    ("md", "<!-- Scenariorapport: ett scenario. Kjøres av `reformkit render` eller interaktivt i JupyterLab. -->"),
    ("parameters", 'scenario_path = "data/scenarios/more-og-romsdal-4.yaml"\noffline = False'),
    ("code", SETUP + "\nfrom reformkit.narrative import economy as E, method as M, scenario as S\n"
             "sc = rk.load_scenario(scenario_path)\natlas = rk.load_atlas(borders=sc.borders)\n"
             "res = rk.evaluate(sc, atlas)\nlast_observed = res.observed_years[-1]"),
    ("code", 'display(Markdown(f"# {sc.name}"))\ndisplay(Markdown(S.summary(res)))\n'
             'if res.warnings:\n    display(Markdown("**Merknader**\\n\\n" + S.warnings_md(res)))'),
    ("md", "## Blokker og spor"),
    ("code", "members, centres, context = S.map_table(res)\n"
             "charts.block_map(rk.geodata.map_layers(atlas), members, centres=centres, context_codes=context,\n"
             "                 title=\"Blokker (farge) og spor (sterk farge: sammenslåing, blek: samarbeid)\")"),
    ("code", "display(HTML(nar.table_html(S.block_table(res))))"),
    ("md", "## Befolkning"),
    ("code", "charts.population_lines(S.population_long(res, \"block\"), observed_until=last_observed,\n"
             "                        title=\"Befolkning per blokk\", series_title=\"Blokk\")"),
    ("code", "charts.population_lines(S.population_long(res, \"unit\"), observed_until=last_observed,\n"
             "                        title=\"Befolkning i kommunene etter reformen\", series_title=\"Kommune\")"),
    ("code", "display(HTML(nar.table_html(S.unit_table(res, include_outside=bool(sc.area)))))"),
    ("md", "## Alderssammensetning og alderbæreevne"),
    ("code", "charts.age_group_bars(S.age_groups_long(res))"),
    ("code", "charts.support_ratio_lines(S.support_long(res), observed_until=last_observed, series_title=\"Blokk\")"),
    ("md", "## Reisetid til senteret"),
    ("code", "display(Markdown(S.travel_text(res)))\n"
             "travel = S.travel_long(res)\n"
             "if travel[\"minutes\"].notna().any():\n"
             "    display(charts.travel_time_chart(travel))"),
    ("md", "## Kriterier"),
    ("code", "display(Markdown(S.criteria_md(res)))"),
    ("md", "## Økonomi"),
    ("code", "text, table = E.economy_overview(res)\ndisplay(Markdown(text))\n"
             "if table is not None:\n    display(HTML(nar.table_html(table)))"),
    ("code", "for block in res.blocks.index:\n"
             "    display(Markdown(f\"### {block}\"))\n"
             "    display(Markdown(E.block_economy_md(res, block)))\n"
             "    steps = E.waterfall(res, block)\n"
             "    if steps is not None:\n"
             "        display(charts.economy_waterfall(steps, title=f\"Sammenslåingen i {block}: nåverdi per post\"))"),
    ("md", "## Samarbeid (spor 2)"),
    ("code", "for block in res.blocks.index:\n    display(Markdown(E.cooperation_md(res, block)))\n"
             "if res.blocks[\"n_cooperate\"].sum() > 0:\n"
             "    forms = E.cooperation_forms()\n"
             "    if forms is not None:\n"
             "        display(Markdown(\"Samarbeidsformer etter kommuneloven:\"))\n"
             "        display(HTML(nar.table_html(forms)))\n"
             "    display(Markdown(E.legitimacy_md()))"),
    ("md", "## Metode og datakilder"),
    ("code", "display(Markdown(M.projection_md(res)))\ndisplay(Markdown(M.travel_md(res, rk.geodata.travel_calibration(atlas, res.parameters) if sc.borders == 2024 else None)))\n"
             "display(Markdown(M.economy_method_md()))\ndisplay(Markdown(nar.sources_md(atlas)))"),
]

COMPARE = [
    ("md", "<!-- Sammenligning av scenarioer. Kjøres av `reformkit render` med flere scenarioer. -->"),
    ("parameters", 'scenario_paths = ["data/scenarios/more-og-romsdal-2.yaml", "data/scenarios/more-og-romsdal-4.yaml",\n'
                   '                  "data/scenarios/more-og-romsdal-7.yaml"]\noffline = False'),
    ("code", SETUP + "\nfrom reformkit.narrative import compare as C\nfrom reformkit.evaluate import evaluate_files\nresults = evaluate_files(scenario_paths)\n"
             "figures = C.compare_long(results)"),
    ("code", 'display(Markdown("# Sammenligning av scenarioer"))\ndisplay(Markdown(C.compare_summary(results)))\n'
             "display(HTML(nar.table_html(C.compare_table(results))))"),
    ("md", "## Kommuner og størrelse"),
    ("code", "charts.bar_chart(figures.assign(tekst=figures[\"after\"].astype(str)), \"name\", \"after\",\n"
             "                 title=\"Antall kommuner etter reformen\", value_title=\"Kommuner\", text=\"tekst\")"),
    ("code", "charts.bar_chart(figures.assign(tekst=figures[\"smallest_pop\"].map(nb_int)), \"name\", \"smallest_pop\",\n"
             "                 title=\"Minste kommune etter reformen (innbyggere ved horisonten)\",\n"
             "                 value_title=\"Innbyggere\", text=\"tekst\")"),
    ("md", "## Reisetid og alderbæreevne"),
    ("code", "charts.bar_chart(figures.assign(tekst=figures[\"max_travel\"].map(lambda v: nb_float(v, 0) + \" min\")), \"name\",\n"
             "                 \"max_travel\", title=\"Lengste reisetid til et senter\", value_title=\"Minutter\", text=\"tekst\")"),
    ("code", "charts.bar_chart(figures.assign(tekst=figures[\"support_horizon\"].map(lambda v: nb_float(v, 2))),\n"
             "                 \"name\", \"support_horizon\", title=\"Alderbæreevne ved horisonten (hele området)\",\n"
             "                 value_title=\"16–66 år per 67+\", fmt=\",.2f\", text=\"tekst\")"),
    ("md", "## Økonomi"),
    ("code", "econ = figures[figures[\"economy_computed\"]]\n"
             "if len(econ):\n"
             "    display(charts.bar_chart(econ.assign(mill=econ[\"economy_pv\"] / 1e6,\n"
             "                                         tekst=econ[\"economy_pv\"].map(nb_mill)),\n"
             "                             \"name\", \"mill\", title=\"Netto nåverdi av sammenslåingene (sum over blokkene)\",\n"
             "                             value_title=\"mill. kr\", fmt=\",.1f\", text=\"tekst\"))\n"
             "missing = figures.loc[~figures[\"economy_computed\"], \"name\"].tolist()\n"
             "if missing:\n"
             "    display(HTML(nar.note_html(\"Økonomi ikke beregnet for: \" + \", \".join(missing))))"),
    ("md", "## Datakilder"),
    ("code", "display(Markdown(nar.sources_md(rk.load_atlas(borders=results[0].scenario.borders))))"),
]

WORKSHOP = [
    ("md", "# Arbeidsverksted: kommuneblokker og to spor\n"
           "Velg en kommune, velg blokk og spor, og trykk **Flytt**: tabellen og kartet oppdateres straks. "
           "**Angre** går ett steg tilbake; **Lagre scenario** skriver YAML-filen. Startes med `reformkit workshop`."),
    ("parameters", 'import os\nscenario_path = os.environ.get("REFORMKIT_WORKSHOP_SCENARIO")'),
    ("code", "from reformkit.paths import SCENARIOS_DIR\nfrom reformkit.workbench import workbench\n"
             'wb = workbench(scenario_path or SCENARIOS_DIR / "more-og-romsdal-4.yaml")\nwb.widget'),
]

NOTEBOOKS = {"scenario_report.ipynb": SCENARIO, "county_overview.ipynb": COUNTY,
             "compare_scenarios.ipynb": COMPARE, "workshop.ipynb": WORKSHOP}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook from (kind, source) pairs; kind is md, code or parameters (a code cell tagged for papermill)."""
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
                   "language_info": {"name": "python"}}
    for i, (kind, src) in enumerate(cells):
        if kind == "md":
            cell = new_markdown_cell(src)
        else:
            cell = new_code_cell(src)
            if kind == "parameters":
                cell.metadata["tags"] = ["parameters"]
        cell["id"] = f"cell-{i}"
        nb.cells.append(cell)
    return nb


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = build(cells)
        nbformat.validate(nb)
        write_text_atomic(OUT / name, nbformat.writes(nb) + "\n")
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
