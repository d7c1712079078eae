"""Track 2 in the result: ``blocks[].cooperation`` of ``evaluate``, its narrative and the CLI summary."""
from __future__ import annotations

import json

import pytest

import reformkit as rk
from reformkit.cli import main
from reformkit.narrative import cooperation as K
from reformkit.paths import scenario_file

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def mr4(atlas):
    return rk.evaluate(rk.load_scenario(scenario_file("more-og-romsdal-4")), atlas)


def test_result_document_carries_each_blocks_cooperation(capsys):
    assert main(["evaluate", str(scenario_file("more-og-romsdal-4")), "--json", "-"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for block in doc["blocks"]:
        coop = block["cooperation"]
        members = [block["centre"]] + [m["kommunenummer"] for m in block["members"] if m["track"] == "cooperate"]
        assert sorted(coop["members"]) == sorted(members)   # the centre stands for the regionkommune
        for service in coop["services"].values():
            assert sum(m["share"] for m in service["members"].values()) == pytest.approx(1.0)
        assert coop["dominance"]["largest"] == block["centre"]
        assert coop["scorecard"]["status"] in {"balanced", "unbalanced", "open"}


def test_regionkommune_member_is_the_sum_of_its_kommuner(mr4):
    coop = mr4.cooperation["Nordmøre"]
    centre = mr4.blocks.at["Nordmøre", "centre"]
    merged = mr4.blocks.at["Nordmøre", "merging"]
    assert coop["members"][centre]["population"] == pytest.approx(mr4.kommuner.loc[merged, "population_base"].sum())


def test_narrative_names_members_seats_and_lessons(mr4):
    table = K.share_table(mr4, "Romsdal")
    assert list(table["Deltaker"])[0].startswith("Regionkommunen (Molde")
    assert {"Innbyggere", "Seter", "Kostnad, kjente tjenester", "Etter innsparing"} <= set(table.columns)
    assert "Rådmannsdilemmaet" in K.governance_md(mr4, "Romsdal")
    assert "Utmelding" in K.exit_md(mr4, "Romsdal")


def test_cli_summary_prints_the_cooperation(capsys):
    assert main(["evaluate", str(scenario_file("more-og-romsdal-4"))]) == 0
    out = capsys.readouterr().out
    assert out.count("Samarbeid: ") == 4 and "Kostnad, kjente tjenester" in out


def test_a_block_without_a_section_says_so(atlas):
    sc = rk.load_scenario(scenario_file("more-og-romsdal-2"))
    res = rk.evaluate(sc, atlas)
    block = next(b for b in res.blocks.index if res.blocks.at[b, "n_cooperate"] > 0)
    assert res.cooperation.get(block) is None
    assert "beskriver ikke samarbeidet" in K.block_md(res, block)
