"""The economy narrative shows the cooperation track's computed savings (present value and full yearly level)."""
from __future__ import annotations

import pytest

from reformkit.narrative import notice_text

import reformkit as rk
from reformkit.fmt import nb_float
from reformkit.narrative.economy import cooperation_md
from reformkit.scenario import Scenario


def _result(atlas, assumptions):
    sc = Scenario.from_dict({"name": "Test", "base_year": 2015, "horizon": 2024, "assumptions": assumptions,
                             "blocks": [{"name": "Nord", "centre": "9901",
                                         "members": {"9901": "merge", "9902": "merge", "9905": "cooperate",
                                                     "9906": "cooperate"}}]}, atlas=atlas)
    return rk.evaluate(sc, atlas)


def _mill(v: float) -> str:
    return f"{nb_float(v / 1e6, 1)} mill. kr"


def test_cooperation_savings_show_in_the_narrative(small_atlas):
    res = _result(small_atlas, {"economy": {"saving_per_service_per_kommune": 1_500_000,
                                            "services_in_cooperation": 2}})
    coop = res.economy["Nord"]["cooperation"]
    assert notice_text(coop["status"]) == "beregnet"
    text = cooperation_md(res, "Nord")
    full = 2 * 2 * 1_500_000                     # 2 kommuner × 2 tjenester × 1,5 mill. kr, fully phased in
    assert max(coop["savings"].values()) == full
    assert f"{_mill(full)} per år" in text and "fullt innfaset" in text
    assert coop["present_value"] > full
    assert f"netto nåverdi {_mill(coop['present_value'])}" in text


def test_cooperation_without_savings_says_not_computed(small_atlas):
    text = cooperation_md(_result(small_atlas, {}), "Nord")
    assert "ikke beregnet" in text and "per år" not in text
