"""End to end: `reformkit evaluate <Møre og Romsdal scenario> --json -` carries the economy of every block,
follows the scenario's assumptions, and rejects a bad assumption with a clear message (exit 2)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from reformkit.cli import main
from reformkit.paths import SCENARIOS_DIR

SCENARIO = SCENARIOS_DIR / "more-og-romsdal-4.yaml"
MERGER_KEYS = {"lost_basis", "lost_regional", "inndelingstilskudd", "regionsenter", "one_off", "admin_savings", "net"}

pytestmark = pytest.mark.slow


def _evaluate(path: Path, capsys) -> tuple[int, dict | None, str]:
    rc = main(["evaluate", str(path), "--json", "-"])
    out = capsys.readouterr()
    return rc, (json.loads(out.out) if rc == 0 else None), out.err


def _with_assumptions(tmp_path: Path, assumptions: dict) -> Path:
    doc = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    doc["assumptions"] = assumptions
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def baseline():
    import io
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(["evaluate", str(SCENARIO), "--json", "-"])
    assert rc == 0
    return json.loads(buf.getvalue())


def test_every_block_carries_the_economy(baseline):
    doc = baseline
    years = [str(y) for y in range(doc["scenario"]["base_year"], doc["scenario"]["horizon"] + 1)]
    assert doc["blocks"]
    for block in doc["blocks"]:
        e = block["economy"]
        assert set(e["expenditure_need_change"]) == set(years)
        assert e["expenditure_need_change"][years[0]] == 0
        assert e["parameters"]["discount_rate"]["source"]
        n_merge = sum(1 for m in block["members"] if m["track"] == "merge")
        if n_merge >= 2:
            assert len(e["merger"]) >= 20
            assert all(set(v) == MERGER_KEYS for v in e["merger"].values())
            first = e["merger"][min(e["merger"])]
            assert first["lost_basis"] == -(n_merge - 1) * 19_860_180
            assert isinstance(e["present_value"], float)


def test_changing_an_assumption_changes_the_economy(baseline, tmp_path, capsys):
    path = _with_assumptions(tmp_path, {"economy": {"realisation_share": 0.7, "discount_rate": 0.02}})
    rc, doc, _ = _evaluate(path, capsys)
    assert rc == 0
    for old, new in zip(baseline["blocks"], doc["blocks"]):
        eo, en = old["economy"], new["economy"]
        assert en["parameters"]["admin_savings.realisation_share"]["value"] == 0.7
        if eo["merger"]:
            year = max(eo["merger"])
            assert en["merger"][year]["admin_savings"] == pytest.approx(2 * eo["merger"][year]["admin_savings"], abs=1)
            assert en["present_value"] != eo["present_value"]
        assert en["expenditure_need_change"] == eo["expenditure_need_change"]


def test_unknown_assumption_is_rejected(tmp_path, capsys):
    path = _with_assumptions(tmp_path, {"economy": {"realisaton_share": 0.7}})
    rc, _, err = _evaluate(path, capsys)
    assert rc == 2
    assert "scenario.yaml" in err and "realisaton_share" in err and "unknown parameter name" in err
    assert "Traceback" not in err


def test_need_tables_for_kommuner_units_and_blocks_add_up(atlas):
    import reformkit as rk
    from reformkit.economy import expenditure_need_tables
    res = rk.evaluate(rk.load_scenario(SCENARIO), atlas)
    tables = expenditure_need_tables(res, res.parameters.economy)
    k, b = tables["kommuner"], tables["blocks"]
    assert set(tables["units"]["unit"]) == set(res.units.index)
    for name, members in res.blocks["merging"].items():
        members = members + res.blocks.at[name, "cooperating"]
        got = b[(b["unit"] == name) & (b["year"] == res.scenario.horizon)]["change_total"].iloc[0]
        want = k[k["unit"].isin(members) & (k["year"] == res.scenario.horizon)]["change_total"].sum()
        assert got == pytest.approx(want)
        assert res.economy[name]["expenditure_need_change"][str(res.scenario.horizon)] == pytest.approx(want, abs=1)
