"""Scenario model: loading, name resolution, YAML round trips and the editing helpers."""
from __future__ import annotations

from pathlib import Path

import pytest

import reformkit as rk
from reformkit.narrative.labels import TRACK
from reformkit.errors import ScenarioError
from reformkit.scenario import Block, Scenario, Track

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"
MR_FILES = ["more-og-romsdal-2.yaml", "more-og-romsdal-4.yaml", "more-og-romsdal-7.yaml"]


def small(**over) -> dict:
    d = {"name": "Test", "base_year": 2015, "horizon": 2024,
         "blocks": [{"name": "Nord", "centre": "9901", "members": {"9901": "merge", "9902": "merge", "9905": "cooperate"}},
                    {"name": "Sør", "centre": "9912", "members": {"9912": "merge", "9911": "cooperate"}}]}
    d.update(over)
    return d


# ---- the committed scenario files -------------------------------------------------------------------------------
@pytest.mark.parametrize("fname", MR_FILES)
def test_more_og_romsdal_scenarios_cover_the_fylke_once(fname, atlas):
    sc = rk.load_scenario(SCENARIOS / fname, atlas=atlas)
    n = int(fname.split("-")[-1].split(".")[0])
    assert len(sc.blocks) == n and sc.area == ["15"] and sc.borders == 2024
    members = sc.kommuner
    assert len(members) == len(set(members)) == 27
    assert set(members) == set(atlas.in_fylke("15"))
    assert all(b.members[b.centre] is Track.MERGE for b in sc.blocks)
    assert len(sc.description) > 200       # the reasoning is written down


def test_all_committed_scenarios_load():
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert {f.name for f in files} >= set(MR_FILES) | {"reform-2020.yaml"}
    for f in files:
        sc = rk.load_scenario(f)
        assert sc.resolved and sc.blocks


def test_design_example_moves_gjemnes_to_nordmore(atlas):
    sc = rk.load_scenario(SCENARIOS / "more-og-romsdal-4.yaml", atlas=atlas)
    sc2 = sc.moved("Gjemnes", to_block="Nordmøre", track="merge")
    assert sc2.block_of("1557").name == "Nordmøre" and sc2.block("Nordmøre").members["1557"] is Track.MERGE
    assert sc.block_of("1557").name == "Romsdal"       # the original is unchanged
    assert sorted(sc2.kommuner) == sorted(sc.kommuner)


# ---- names ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ref", ["Kåfjord", "kåfjord", "KÅFJORD", "Kåfjord - Gáivuotna - Kaivuono", "Gáivuotna",
                                 "gáivuotna - kåfjord - kaivuono", "Kaivuono", "5540", 5540, "Kåfjord (Troms)"])
def test_names_resolve_case_insensitively_incl_sami_and_kven_forms(ref, atlas):
    sc = Scenario.from_dict({"name": "x", "blocks": [{"name": "B", "centre": ref, "members": {ref: "merge"}}]},
                            atlas=atlas)
    assert sc.blocks[0].centre == "5540" and list(sc.blocks[0].members) == ["5540"]
    assert sc.names["5540"] == "Kåfjord"


def test_ambiguous_name_needs_area_or_fylke(atlas):
    d = {"name": "x", "blocks": [{"name": "B", "centre": "Herøy", "members": {"Herøy": "merge"}}]}
    with pytest.raises(ScenarioError) as err:
        Scenario.from_dict(d, atlas=atlas)
    text = "\n".join(err.value.problems)
    assert "ambiguous" in text and "1515" in text and "1818" in text
    d_area = {**d, "area": ["18"], "blocks": d["blocks"]}
    with pytest.raises(ScenarioError):      # area 18 (Nordland) alone does not cover it: 1818 must be in a block
        Scenario.from_dict(d_area, atlas=atlas)
    d_q = {"name": "x", "blocks": [{"name": "B", "centre": "Herøy (Møre og Romsdal)",
                                    "members": {"Herøy (15)": "merge"}}]}
    assert Scenario.from_dict(d_q, atlas=atlas).blocks[0].centre == "1515"


def test_unquoted_leading_zero_number_stays_a_kommunenummer(atlas):
    text = "name: Oslo\nblocks:\n  - name: Oslo\n    centre: 0301\n    members:\n      0301: merge\n"
    sc = Scenario.from_yaml(text, atlas=atlas)
    assert sc.blocks[0].centre == "0301" and list(sc.blocks[0].members) == ["0301"]


def test_misspelt_name_gets_a_close_match_suggestion(atlas):
    d = {"name": "x", "blocks": [{"name": "B", "centre": "Kristiansund",
                                  "members": {"Kristiansund": "merge", "Avrøy": "merge"}}]}
    with pytest.raises(ScenarioError) as err:
        Scenario.from_dict(d, atlas=atlas)
    [problem] = err.value.problems
    assert "Avrøy" in problem and "did you mean 'Averøy'" in problem and "block 'B'" in problem


# ---- round trips --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fname", MR_FILES + ["reform-2020.yaml"])
def test_yaml_round_trip_of_committed_files(fname, tmp_path):
    sc = rk.load_scenario(SCENARIOS / fname)
    out = tmp_path / "again.yaml"
    sc.to_yaml(out)
    again = rk.load_scenario(out)
    assert again == sc
    assert Scenario.from_dict(sc.to_dict()) == Scenario.from_dict(again.to_dict())
    text = out.read_text(encoding="utf-8")
    first = sc.blocks[0]
    assert f"# {sc.names[first.centre]}" in text       # names as comments beside the numbers


def test_unresolved_from_dict_keeps_names_and_round_trips():
    d = {"name": "x", "borders": 2024, "blocks": [{"name": "B", "centre": "Molde",
                                                    "members": {"Molde": "merge", "Aukra": "samarbeid"}}]}
    sc = Scenario.from_dict(d)
    assert not sc.resolved and sc.blocks[0].members == {"Molde": Track.MERGE, "Aukra": Track.COOPERATE}
    assert Scenario.from_dict(sc.to_dict()) == sc
    assert Scenario.from_yaml(sc.to_yaml()) == sc


def test_resolve_replaces_names_with_numbers(atlas):
    sc = Scenario.from_dict({"name": "x", "blocks": [{"name": "B", "centre": "molde",
                                                      "members": {"Molde": "merge", "Aukra": "cooperate"}}]})
    r = sc.resolve(atlas)
    assert r.resolved and r.blocks[0].centre == "1506" and r.blocks[0].members == {"1506": Track.MERGE,
                                                                                   "1547": Track.COOPERATE}


def test_defaults_follow_the_borders():
    sc = Scenario.from_dict({"name": "x", "borders": 2019, "blocks": [{"name": "B", "centre": "a", "members": {"a": "merge"}}]})
    assert (sc.base_year, sc.horizon, sc.projection, sc.area) == (2019, 2040, "main", None)


# ---- editing helpers ----------------------------------------------------------------------------------------------
def test_moved_changes_block_and_track_and_returns_a_new_scenario(small_atlas):
    sc = Scenario.from_dict(small(), atlas=small_atlas)
    moved = sc.moved("9902", to_block="Sør", track="cooperate")
    assert moved.block("Sør").members["9902"] is Track.COOPERATE and "9902" not in moved.block("Nord").members
    assert sc.block("Nord").members["9902"] is Track.MERGE
    assert sc.moved("9905", track="merge").block("Nord").members["9905"] is Track.MERGE
    assert sc.moved("Testkommune 5", to_block="sør").block_of("9905").name == "Sør"    # name, any case
    assert sc.moved("9903", to_block="Sør").block("Sør").members["9903"] is Track.MERGE  # from outside


def test_moved_refuses_to_strand_a_centre(small_atlas):
    sc = Scenario.from_dict(small(), atlas=small_atlas)
    with pytest.raises(ScenarioError, match="centre"):
        sc.moved("9901", to_block="Sør")
    with pytest.raises(ScenarioError, match="centre"):
        sc.moved("9901", track="cooperate")
    with pytest.raises(ScenarioError, match="no block"):
        sc.moved("9902", to_block="Vest")
    with pytest.raises(ScenarioError, match="unknown track"):
        sc.moved("9902", track="merg")


def test_with_centre_with_block_without_block(small_atlas):
    sc = Scenario.from_dict(small(), atlas=small_atlas)
    c = sc.with_centre("Nord", "9905")
    assert c.block("Nord").centre == "9905" and c.block("Nord").members["9905"] is Track.MERGE
    added = sc.with_block("Midt", "9906", {"9902": "cooperate", "9907": "merge"})
    assert added.block("Midt").members == {"9902": Track.COOPERATE, "9907": Track.MERGE, "9906": Track.MERGE}
    assert "9902" not in added.block("Nord").members
    with pytest.raises(ScenarioError, match="centre of block"):
        sc.with_block("Midt", "9906", ["9901"])
    gone = sc.without_block("Sør", into="Nord")
    assert [b.name for b in gone.blocks] == ["Nord"] and gone.block("Nord").members["9911"] is Track.COOPERATE
    assert sorted(gone.kommuner) == sorted(sc.kommuner)
    assert sc.without_block("Sør").kommuner == ["9901", "9902", "9905"]
    assert sc.replaced(horizon=2030).horizon == 2030
    with pytest.raises(ScenarioError, match="after base_year"):
        sc.replaced(horizon=2000)


def test_track_parse_accepts_norwegian_aliases():
    assert Track.parse("Samarbeid") is Track.COOPERATE and Track.parse("sammenslåing") is Track.MERGE
    assert Track.parse("merge") is Track.MERGE and Track.parse("x") is None and Track.parse(3) is None
    assert str(Track.COOPERATE) == "cooperate" and TRACK[Track.MERGE.value] == "sammenslåing"


def test_block_properties():
    b = Block("B", "1", {"1": Track.MERGE, "2": Track.COOPERATE, "3": Track.MERGE})
    assert b.merging == ["1", "3"] and b.cooperating == ["2"]
