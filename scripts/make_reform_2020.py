"""Generate data/scenarios/reform-2020.yaml: the kommune mergers of 1 January 2020 as a scenario on 2019 borders.

Built from SSB's code-change table (``atlas.tables["codes_2013_2020"]``, from
shared/data/kommuner/kommunenummer-2013-2020.csv): every kommune whose 2019 -> 2020 note says "slått sammen"
joins the block of its 2020 kommune, on track merge. Run ``.venv/bin/python scripts/make_reform_2020.py``;
tests/test_evaluate_reform2020.py checks that the committed file equals this script's output.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import reformkit as rk  # noqa: E402
from reformkit.fmt import nb_int  # noqa: E402

OUT = ROOT / "data" / "scenarios" / "reform-2020.yaml"
BASE_YEAR, HORIZON = 2017, 2019

#: Kommuner the table marks "splittet": a scenario cannot split a kommune, so each goes wholly to the new
#: kommune that received its administrative centre (kommunehuset).
SPLIT_TO = {
    "5012": ("5059", "Snillfjord ble delt i tre: Sundlandet til Hitra, Ven krets til Heim og Aa krets med "
                     "administrasjonssenteret Krokstadøra til Orkland"),
    "1850": ("1806", "Tysfjord ble delt i to: sørvestsiden (Drag) til Hamarøy og nordøstsiden med "
                     "administrasjonssenteret Kjøpsvik til Narvik"),
}


def merger_table(atlas) -> pd.DataFrame:
    """Rows of the code table for kommuner merged 2019 -> 2020: kommunenummer_2019, kommunenummer_2020, names."""
    codes = atlas.tables["codes_2013_2020"]
    merged = codes[codes["endringsmerknad_19_20"].str.startswith("slått sammen")]
    cols = ["kommunenummer_2019", "kommunenavn_2019", "kommunenummer_2020", "kommunenavn_2020",
            "endringsmerknad_19_20"]
    return merged[cols].drop_duplicates(["kommunenummer_2019", "kommunenummer_2020"]).reset_index(drop=True)


def build(atlas) -> rk.Scenario:
    """The reform-2020 scenario (resolved against the 2019 Atlas)."""
    table = merger_table(atlas)
    split = sorted(table.loc[table["endringsmerknad_19_20"].str.contains("splittet"), "kommunenummer_2019"].unique())
    unknown = [c for c in split if c not in SPLIT_TO]
    if unknown:
        raise SystemExit(f"the code table splits {', '.join(unknown)}; add them to SPLIT_TO with a reason")
    keep = ~table["kommunenummer_2019"].isin(SPLIT_TO) | table.apply(
        lambda r: SPLIT_TO.get(r["kommunenummer_2019"], (None,))[0] == r["kommunenummer_2020"], axis=1)
    table = table[keep]
    pop = atlas.population[atlas.population["year"] == BASE_YEAR].groupby("kommunenummer")["population"].sum()
    blocks = []
    for new_code, rows in table.groupby("kommunenummer_2020", sort=True):
        members = list(dict.fromkeys(rows["kommunenummer_2019"]))
        centre = max(members, key=lambda c: (pop[c], c))
        blocks.append({"name": rows["kommunenavn_2020"].iloc[0], "centre": centre,
                       "members": {c: "merge" for c in members}})
    n_members = sum(len(b["members"]) for b in blocks)
    after = len(atlas.kommuner) - n_members + len(blocks)
    split_text = "\n".join(f"  - {reason}." for _, reason in SPLIT_TO.values())
    description = f"""\
Tilbakeprøving av kommunereformen: de {len(blocks)} nye kommunene fra 1. januar 2020 som ble til ved
sammenslåing, på 2019-grenser ({len(atlas.kommuner)} kommuner), fra basisåret {BASE_YEAR} til {HORIZON} (siste
observerte år før reformen; ingen framskriving). Laget fra SSBs kodeendringstabell for kommunene 2013–2020:
hver kommune med merknaden «slått sammen fra 2019 til 2020» står på sammenslåingssporet i blokken til
2020-kommunen den gikk inn i. Senteret er medlemmet med flest
innbyggere 1.1.{BASE_YEAR}. Hitra og Hamarøy er blokker med ett medlem fordi de bare fikk en del av en delt kommune.
Sammenslåingene som trådte i kraft 2017–2018 (Sandefjord med Andebu og Stokke 2017; Færder, Holmestrand med Hof,
Larvik med Lardal og Indre Fosen 2018) er allerede én kommune på 2019-grenser og står derfor ikke som egne
blokker; Holmestrands sammenslåing med Sande i 2020 er med.
Delte kommuner: et scenario kan ikke dele en kommune, så hver delt kommune står i sin helhet i blokken til
den nye kommunen som fikk administrasjonssenteret:
{split_text}
Orkland og Narvik blir derfor litt for store og Heim, Hitra og Hamarøy litt for små sammenlignet med SSBs tall
for de nye kommunene; de {len(blocks) - 5} andre består bare av hele kommuner og skal stemme nøyaktig med summen av
SSBs tall for medlemmene. Etter reformen: {after} kommuner (SSB: 356).
Datamerknad: det offline speilets befolkning på 2019-grenser teller Tysfjord to ganger hvert år og Snillfjord
tre ganger i 2018–2019; importen i reformkit retter dette, så Tysfjord har
{nb_int(pop['1850'], sep=' ')} innbyggere i {BASE_YEAR}."""
    data = {"name": "Kommunereformen 2020 – tilbakeprøving på 2019-grenser", "description": description,
            "borders": 2019, "base_year": BASE_YEAR, "horizon": HORIZON, "projection": "main",
            "blocks": blocks, "assumptions": {}}
    return rk.Scenario.from_dict(data, atlas=atlas)


def render(atlas) -> str:
    """The file's text: a generated-file header, then the scenario YAML."""
    header = ("# Generated by scripts/make_reform_2020.py from SSB's code-change table; do not edit by hand.\n"
              "# Kommune names are comments; the numbers are on 2019 borders.\n")
    return header + build(atlas).to_yaml()


def main() -> None:
    from reformkit._io import write_text_atomic
    atlas = rk.load_atlas(borders=2019)
    write_text_atomic(OUT, render(atlas))
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
