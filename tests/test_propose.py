"""reformkit.propose: API, scenario output, sweep, ranking, errors and the CLI."""
from __future__ import annotations

import pytest
import yaml

import reformkit as rk
from reformkit import narrative
from reformkit import propose as P
from reformkit.cli import main
from reformkit.errors import InfeasibleError, ScenarioError
from reformkit.params import load_params
from reformkit.testing import synthetic_atlas


@pytest.fixture(scope="module")
def mr4(atlas):
    return P.propose(atlas, "15", 4)


def test_proposal_tables(atlas, mr4):
    k = mr4.kommuner
    assert sorted(k.index) == atlas.in_fylke("15") and len(k) == 27
    assert mr4.blocks.shape[0] == 4 and set(k["centre"]) == set(mr4.blocks.index)
    assert mr4.blocks["population"].sum() == k["population"].sum()
    assert (k.loc[k["centre"] == k.index, "minutes"] == 0).all()
    assert mr4.objective == pytest.approx((k["population"] * k["minutes"]).sum(), rel=1e-3)
    assert mr4.method == "exact" and mr4.status == "optimal" and mr4.gap <= 1e-6
    assert set(k["track"]) <= {"merge", "cooperate"}
    assert (k.loc[mr4.blocks.index, "track"] == "merge").all()


def test_track_rule_follows_the_parameters(mr4):
    rule = load_params("propose")["tracks"]
    k = mr4.kommuner
    non_centre = k[k.index != k["centre"]]
    merge = (non_centre["population"] < rule["merge_max_population"]) & \
            (non_centre["minutes"] <= rule["merge_max_travel_minutes"])
    assert ((non_centre["track"] == "merge") == merge).all()


def test_constraints_are_respected(atlas):
    p = P.propose(atlas, "15", 4, min_population=50000, max_travel_minutes=120, fixed_centres=["Volda", "1506"])
    assert p.blocks["population"].min() >= 50000
    assert p.kommuner["minutes"].max() <= 120
    assert {"1577", "1506"} <= set(p.blocks.index)


def test_written_scenario_follows_the_contract(atlas, mr4, tmp_path):
    path = tmp_path / "mr-4.yaml"
    rk.Scenario.from_dict(narrative.proposal_scenario(mr4, atlas), atlas=atlas).to_yaml(path)
    assert [f.name for f in tmp_path.iterdir()] == ["mr-4.yaml"]  # atomic: no temporary left behind
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["borders"] == 2024 and doc["base_year"] == 2024 and doc["horizon"] == 2040
    assert doc["projection"] == "main" and doc["area"] == ["15"]
    assert len(doc["blocks"]) == 4
    members = [m for b in doc["blocks"] for m in b["members"]]
    assert len(members) == len(set(members)) == 27
    assert "1515" in members and "# Herøy" in path.read_text(encoding="utf-8")  # numbers, names as comments
    assert "Herøy (15)" in [m for b in narrative.proposal_scenario(mr4, atlas)["blocks"] for m in b["members"]]  # qualified name
    for b in doc["blocks"]:
        assert b["members"][b["centre"]] == "merge"


def test_written_scenario_loads(atlas, mr4, tmp_path):
    path = tmp_path / "mr-4.yaml"
    rk.Scenario.from_dict(narrative.proposal_scenario(mr4, atlas), atlas=atlas).to_yaml(path)
    sc = rk.load_scenario(path)
    assert len(sc.blocks) == 4
    assert sorted(c for b in sc.blocks for c in b.members) == atlas.in_fylke("15")
    assert sorted(b.centre for b in sc.blocks) == sorted(mr4.blocks.index)


def test_sweep_columns_and_monotone_objective(atlas):
    df = P.sweep(atlas, "15", 5, progress=False)
    assert list(df.columns[:8]) == ["k", "min_block_population", "max_travel_minutes",
                                    "mean_weighted_travel_minutes", "blocks_under_15000", "blocks_under_20000",
                                    "objective", "gap"]
    assert df["k"].tolist() == [1, 2, 3, 4, 5]
    assert df["objective"].is_monotonic_decreasing  # more centres never cost more without side constraints
    assert df.loc[0, "min_block_population"] == P.area_population(atlas, atlas.in_fylke("15")).sum()
    assert all(narrative.labels.sweep_label(c) != c or c == "k" for c in df.columns)


def test_sweep_marks_infeasible_k(atlas):
    df = P.sweep(atlas, "15", 4, min_population=100000, progress=False)
    assert df.loc[df.k == 3, "status"].item() == "infeasible"
    assert df.loc[df.k == 2, "status"].item() == "optimal"
    assert "min_population" in df.loc[df.k == 3, "note"].item()


def test_rank_candidates(atlas):
    df = P.rank_candidates(atlas, "15")
    assert len(df) == 27 and df["rank"].tolist() == list(range(1, 28))
    assert all(narrative.labels.rank_label(c) != c for c in df.columns)
    assert (df["reach_45"] <= df["reach_60"]).all() and (df["reach_60"] <= df["reach_90"]).all()
    assert (df["reach_45"] >= df["population"]).all()
    assert df.loc["1508", "ba_centre"] and not df.loc["1531", "ba_centre"]  # Ålesund centre, Sula not
    assert df["score"].is_monotonic_decreasing


@pytest.mark.parametrize("kwargs,needle", [
    (dict(k=28), "more than the 27 kommuner"),
    (dict(k=0), "at least 1"),
    (dict(k=3, min_population=100000), "lower it to at most"),
    (dict(k=2, fixed_centres=["Molde", "Ålesund", "Volda"]), "3 fixed centres"),
    (dict(k=2, max_travel_minutes=10), "no other kommune within 10 min"),
])
def test_prechecks_name_the_constraint(atlas, kwargs, needle):
    k = kwargs.pop("k")
    with pytest.raises(InfeasibleError) as err:
        P.propose(atlas, "15", k, **kwargs)
    assert needle in " ".join(err.value.problems)


def test_fixed_centre_errors(atlas):
    with pytest.raises(InfeasibleError, match="cannot use") as err:
        P.propose(atlas, "15", 2, fixed_centres=["Bergen", "Moldee"])
    text = " ".join(err.value.problems)
    assert "not in the area" in text and "did you mean 'Molde'" in text
    with pytest.raises(ScenarioError, match="unknown area"):
        P.propose(atlas, "99", 2)


def test_heuristic_fallback_when_the_exact_solver_runs_out_of_time(monkeypatch):
    atlas = synthetic_atlas(nx=4, ny=3, years=range(2023, 2025))
    exact = P.solve(P.build_problem(atlas, "91", 3)[0])
    monkeypatch.setattr("reformkit.propose.solvers._exact", lambda *a, **k: (None, None))
    p = P.propose(atlas, "91", 3)
    assert p.method == "heuristic" and p.status == "time limit" and p.gap is None
    assert p.objective >= exact.objective - 1e-6
    # With a lower bound proved before the time ran out, the gap is measured against it.
    bound = 0.9 * exact.objective
    monkeypatch.setattr("reformkit.propose.solvers._exact", lambda *a, **k: (None, bound))
    p = P.propose(atlas, "91", 3)
    assert p.gap == pytest.approx((p.objective - bound) / p.objective)


def test_multi_fylke_area():
    atlas = synthetic_atlas(nx=4, ny=2, years=range(2023, 2025), fylker=2)
    p = P.propose(atlas, ["91", "92"], 2)
    assert len(p.kommuner) == 8 and p.area == ["91", "92"]


# ---- CLI ----------------------------------------------------------------------------------------------------------
def test_cli_propose_writes_a_scenario(tmp_path, capsys):
    out = tmp_path / "mr.yaml"
    assert main(["propose", "--area", "15", "--centres", "3", "--fixed-centre", "Kristiansund", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Målfunksjon" in text and "optimalitetsgap" in text and "eksakt" in text
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert "1505" in [b["centre"] for b in doc["blocks"]]   # Kristiansund


def test_cli_sweep_writes_csv(tmp_path, capsys):
    out = tmp_path / "sweep.csv"
    assert main(["propose", "--area", "15", "--sweep", "3", "-q", "-o", str(out)]) == 0
    import pandas as pd
    df = pd.read_csv(out)
    assert df["k"].tolist() == [1, 2, 3]
    assert "Antall tyngdepunkter" in capsys.readouterr().out


def test_cli_infeasible_exits_2(tmp_path, capsys):
    code = main(["propose", "--area", "15", "--centres", "3", "--min-population", "100000", "-o",
                 str(tmp_path / "x.yaml")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--min-population" in err and "Traceback" not in err
    assert not (tmp_path / "x.yaml").exists()
    assert main(["propose", "--area", "15", "-o", str(tmp_path / "x.yaml")]) == 2


def test_cli_travel_matrix(tmp_path, capsys):
    good = tmp_path / "times.csv"
    good.write_text("kommunenummer_from,kommunenummer_to,minutes\n1573,1505,200\n")
    assert main(["propose", "--area", "15", "--centres", "2", "--travel-matrix", str(good), "-o",
                 str(tmp_path / "a.yaml")]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("fra,til,minutter\n1573,1505,200\n")
    capsys.readouterr()
    assert main(["propose", "--area", "15", "--centres", "2", "--travel-matrix", str(bad), "-o",
                 str(tmp_path / "b.yaml")]) == 2
    assert "bad.csv: missing column(s) kommunenummer_from" in capsys.readouterr().err
