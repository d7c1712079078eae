"""Track 2 model core: forms and parameters as data, cost keys, exit, dominance, scorecard, the result dict."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reformkit import cooperation as co
from reformkit.errors import ParameterError, ReformkitError
from reformkit.scenario import Block, Track
from reformkit.scenario.cooperation import KEY_NEEDS, BlockCooperation, ServiceSpec, vocabulary


@pytest.fixture(scope="module")
def params():
    return co.load_cooperation_params()


# ---- forms and parameters as data -------------------------------------------------------------------------------
def test_forms_are_typed_records_with_sources():
    forms = co.load_forms()
    assert list(forms)[:2] == ["politisk_rad", "oppgavefellesskap"]
    assert "kap. 18" in forms["politisk_rad"].legal_basis and "kap. 19" in forms["oppgavefellesskap"].legal_basis
    assert forms["vertskommune_nemnd"].host and forms["vertskommune_nemnd"].min_seats == 2
    assert not forms["vertskommune_administrativ"].joint_body
    assert "IKS-loven" in forms["iks"].legal_basis
    assert not forms["samkommune"].in_force and all(f.in_force for k, f in forms.items() if k != "samkommune")
    assert all(f.source and f.name and f.binding in ("lav", "middels", "høy") for f in forms.values())
    with pytest.raises(AttributeError):
        forms["iks"].name = "x"                                   # frozen
    with pytest.raises(ReformkitError, match="politisk_rad"):
        co.form("fylkesting")


def test_vocabulary_of_scenario_layer_matches_the_model(params):
    assert set(KEY_NEEDS) == set(co.KEYS) == set(params.values["keys"])
    vocab = vocabulary()
    assert set(vocab.forms) == set(co.load_forms())
    assert vocab.services == params.services
    assert len(vocab.questions) == 15 and "throughput.4" in vocab.questions


def test_every_parameter_names_a_source_and_assumptions_say_so(params):
    assert all(params.sources.values())
    for path, source in params.sources.items():
        value = params.get(path)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and path.startswith(("dominance.max",
                                                                                                "scorecard.met")):
            assert source.startswith("ANTAKELSE"), path
    assert all(params.get(f"pitfalls.{p}.lesson") for p in ("autonomifellen", "overstyringsfellen",
                                                             "radmannsdilemmaet"))


def test_cost_basis_derivation_and_unknowns(params):
    assert co.default_cost_per_inhabitant("barnevern", params) == pytest.approx(62700 * 0.03)
    assert co.default_cost_per_inhabitant("ppt", params) is None          # share of sector unknown
    assert co.default_cost_per_inhabitant("brann", params) is None
    cost, source = co.cost_basis("ppt", params, ["A", "B"], override=900)
    assert cost == {"A": 900.0, "B": 900.0} and source == "scenario"
    assert co.cost_basis("ikt", params, ["A"]) == (None, None)


def test_kostra_hook_uses_members_own_figures(params):
    kostra = pd.DataFrame({"kommunenummer": ["1", "2", "3", "1"], "year": [2023, 2023, 2023, 2022],
                           "service_area": ["Brann"] * 4, "kr_per_inhabitant": [1000.0, 2000.0, 1500.0, 9.0]})
    groups = {"1": {"1": 30.0, "2": 10.0}, "3": {"3": 5.0}}
    cost, source = co.cost_basis("brann", params, ["1", "3"], kostra=kostra, groups=groups)
    assert source == "kostra" and cost == {"1": pytest.approx(1250.0), "3": 1500.0}
    # a member without a figure: no mixing, back to the parameter default (none for brann)
    assert co.cost_basis("brann", params, ["1", "3"], kostra=kostra[kostra.kommunenummer != "3"],
                         groups=groups) == (None, None)


def test_overrides_are_checked(params):
    p = co.load_cooperation_params({"services.brann.cost_per_inhabitant": 1400, "dominance.max_ratio": 3})
    assert co.default_cost_per_inhabitant("brann", p) == 1400 and p.source("dominance.max_ratio") == "scenario"
    nested = co.load_cooperation_params({"services": {"brann": {"cost_per_inhabitant": 1400}}})
    assert nested.get("services.brann.cost_per_inhabitant") == 1400
    with pytest.raises(ParameterError) as exc:
        co.load_cooperation_params({"dominance.max_ration": 1, "dominance.majority_share": 1.5,
                                    "services.ppt.label": "x", "scorecard.met_share": True})
    assert len(exc.value.problems) == 4


# ---- cost keys ------------------------------------------------------------------------------------------------------
def test_keys_on_a_hand_made_case():
    pop = {"A": 3000, "B": 1000}
    assert co.key_shares("per_innbygger", pop) == {"A": 0.75, "B": 0.25}
    assert co.key_shares("likedeling", pop) == {"A": 0.5, "B": 0.5}
    assert co.key_shares("fast_pluss_per_innbygger", pop, fixed_share=0.2) == pytest.approx({"A": 0.7, "B": 0.3})
    assert co.key_shares("bruksbasert", pop, use={"A": 1, "B": 3}) == {"A": 0.25, "B": 0.75}
    assert co.key_shares("fast_pluss_bruksbasert", pop, fixed_share=1.0, use={"A": 1, "B": 3}) == {"A": 0.5, "B": 0.5}
    assert co.split(1000, {"A": 0.75, "B": 0.25}) == {"A": 750.0, "B": 250.0}


@pytest.mark.parametrize("call, message", [
    (lambda: co.key_shares("bruksbasert", {"A": 1, "B": 2, "C": 3}, use={"A": 1}), "no use given for B, C"),
    (lambda: co.key_shares("bruksbasert", {"A": 1}, use={"A": -1}), "negative"),
    (lambda: co.key_shares("bruksbasert", {"A": 1, "B": 1}, use={"A": 0, "B": 0}), "all members have 0"),
    (lambda: co.key_shares("fast_pluss_per_innbygger", {"A": 1}, fixed_share=1.5), "between 0 and 1"),
    (lambda: co.key_shares("fast_pluss_per_innbygger", {"A": 1}), "between 0 and 1"),
    (lambda: co.key_shares("per_innbygger", {}), "no members"),
    (lambda: co.key_shares("50/50", {"A": 1}), "unknown cost key"),
])
def test_key_errors(call, message):
    with pytest.raises(ReformkitError, match=message):
        call()


members_st = st.dictionaries(st.text("ABCDEFGH", min_size=1, max_size=2), st.floats(1, 1e6), min_size=1, max_size=7)


@given(pop=members_st, key=st.sampled_from(co.KEYS), fixed=st.floats(0, 1), data=st.data())
def test_shares_sum_to_one_and_kroner_to_the_cost(pop, key, fixed, data):
    use = {m: data.draw(st.floats(0.5, 1e5)) for m in pop}
    shares = co.key_shares(key, pop, fixed_share=fixed, use=use)
    assert set(shares) == set(pop) and all(s >= 0 for s in shares.values())
    assert sum(shares.values()) == pytest.approx(1.0, rel=1e-12)
    cost = {m: data.draw(st.floats(0, 1e4)) for m in pop}
    table = co.service_shares(key, pop, cost, saving_pct=data.draw(st.floats(0, 100)), fixed_share=fixed, use=use)
    rows = table["members"].values()
    assert sum(r["cost_before"] for r in rows) == pytest.approx(table["total_cost"], rel=1e-9, abs=1e-6)
    assert sum(r["cost_after"] for r in rows) == pytest.approx(table["total_cost_after"], rel=1e-9, abs=1e-6)
    assert table["total_cost"] == pytest.approx(sum(cost[m] * pop[m] for m in pop), rel=1e-12, abs=1e-6)


def test_break_even_saving_on_a_hand_made_case():
    # equal cost per inhabitant: per_innbygger costs everyone exactly their own cost (break-even 0) ...
    t = co.service_shares("per_innbygger", {"A": 3000, "B": 1000}, {"A": 100, "B": 100}, saving_pct=10)
    assert [r["break_even_saving_pct"] for r in t["members"].values()] == pytest.approx([0, 0])
    assert t["members"]["B"]["net_gain"] == pytest.approx(10_000)
    # ... likedeling makes the small member pay 200 000 for a 100 000 service: it needs a 50 % saving
    t = co.service_shares("likedeling", {"A": 3000, "B": 1000}, {"A": 100, "B": 100}, saving_pct=None)
    assert t["members"]["B"]["break_even_saving_pct"] == pytest.approx(50)
    assert t["members"]["A"]["break_even_saving_pct"] == pytest.approx(-50)
    assert t["members"]["B"]["cost_after"] is None and t["saving"] is None


# ---- exit ---------------------------------------------------------------------------------------------------------
POP = {"A": 6000, "B": 3000, "C": 1000}
COST = {m: 10.0 for m in POP}


def test_exit_per_innbygger_is_proportional_to_remaining_populations():
    e = co.exit_shares("per_innbygger", POP, COST)["A"]
    assert e["remaining"]["B"]["share_after_exit"] == pytest.approx(3000 / 4000)
    assert e["remaining"]["C"]["share_after_exit"] == pytest.approx(1000 / 4000)
    assert all(r["change_kr"] == pytest.approx(0) for r in e["remaining"].values())     # own cost falls away


def test_exit_likedeling_gives_one_over_n_minus_one():
    e = co.exit_shares("likedeling", POP, COST)
    for leaver, doc in e.items():
        rest_total = sum(COST[m] * POP[m] for m in POP if m != leaver)
        for m, r in doc["remaining"].items():
            assert r["share_after_exit"] == pytest.approx(1 / 2)
            assert r["cost_after_exit"] == pytest.approx(rest_total / 2)
    assert e["A"]["remaining"]["C"]["change_pct"] == pytest.approx((20_000 / (100_000 / 3) - 1) * 100)


def test_exit_fixed_plus_per_inhabitant_recomputes_both_parts():
    r = co.exit_shares("fast_pluss_per_innbygger", POP, COST, fixed_share=0.4)["C"]["remaining"]
    assert r["A"]["share_after_exit"] == pytest.approx(0.4 / 2 + 0.6 * 6000 / 9000)
    assert r["B"]["share_after_exit"] == pytest.approx(0.4 / 2 + 0.6 * 3000 / 9000)
    assert r["A"]["share_now"] == pytest.approx(0.4 / 3 + 0.6 * 0.6)


def test_exit_use_based_and_dissolution():
    use = {"A": 10, "B": 0, "C": 30}
    e = co.exit_shares("bruksbasert", POP, COST, use=use)
    assert e["A"]["remaining"]["C"]["share_after_exit"] == 1.0 and not e["A"]["dissolves"]
    assert e["C"]["remaining"]["B"]["share_after_exit"] == 0.0
    two = co.exit_shares("likedeling", {"A": 1, "B": 1}, {"A": 5, "B": 5})
    assert two["A"]["dissolves"] and two["A"]["remaining"]["B"]["cost_after_exit"] == 5
    assert co.exit_shares("bruksbasert", {"A": 1, "B": 1, "C": 1}, {m: 1 for m in "ABC"},
                          use={"A": 1, "B": 0, "C": 0})["A"]["no_basis"]


# ---- dominance and scorecard ----------------------------------------------------------------------------------------
def test_dominance_hand_made(params):
    d = co.dominance({"R": 30000, "G": 2700, "T": 3000}, {"R": 2, "G": 2, "T": 2}, params)
    assert d["largest"] == "R" and d["population_share"] == pytest.approx(30000 / 35700)
    assert d["seat_share"] == pytest.approx(1 / 3) and d["ratio"] == pytest.approx(30000 / 35700 * 3)
    assert d["flags"] == ["population_majority", "ratio_above_max"]
    d = co.dominance({"R": 30000, "G": 2700, "T": 3000}, {"R": 6, "G": 2, "T": 2}, params)
    assert d["flags"] == ["population_majority", "seat_majority"] and d["ratio"] == pytest.approx(0.84 / 0.6, rel=1e-2)
    d = co.dominance({"A": 1, "B": 1}, None, params)
    assert d["flags"] == ["no_joint_body"] and d["seat_share"] is None and d["ratio"] is None


QUESTIONS = vocabulary().questions


def test_scorecard_all_yes_all_no_and_open(params):
    yes = co.scorecard({q: "ja" for q in QUESTIONS}, params)
    assert yes["status"] == "balanced" and yes["score"] == 1 and yes["fired"] == []
    assert all(p["status"] == "clear" for p in yes["pitfalls"].values())
    no = co.scorecard({q: "nei" for q in QUESTIONS}, params)
    assert no["status"] == "unbalanced" and no["score"] == 0
    assert no["fired"] == ["autonomifellen", "overstyringsfellen", "radmannsdilemmaet"]
    empty = co.scorecard({}, params)
    assert empty["status"] == "open" and all(c["status"] == "open" for c in empty["criteria"].values())
    assert all(p["status"] == "open" for p in empty["pitfalls"].values())


def test_scorecard_mixed(params):
    answers = {q: "ja" for q in QUESTIONS} | {"input.1": "delvis", "input.3": "nei", "output.5": "delvis"}
    r = co.scorecard(answers, params)
    assert r["criteria"]["input"]["score"] == pytest.approx(3.5 / 5) and r["criteria"]["input"]["status"] == "not_met"
    assert r["criteria"]["output"]["score"] == pytest.approx(4.5 / 5) and r["criteria"]["output"]["status"] == "met"
    assert r["score"] == pytest.approx((3.5 / 5 + 1 + 4.5 / 5) / 3)
    assert r["status"] == "unbalanced" and r["fired"] == []       # input.3 guards no pitfall


@pytest.mark.parametrize("pitfall", ["autonomifellen", "overstyringsfellen", "radmannsdilemmaet"])
def test_each_pitfall_rule_fires_on_its_own_questions(pitfall, params):
    guards = params.get(f"pitfalls.{pitfall}.questions")
    base = {q: "ja" for q in QUESTIONS}
    one_no = co.scorecard(base | {guards[0]: "nei"}, params)
    assert one_no["fired"] == [pitfall] and one_no["pitfalls"][pitfall]["risk"] == 1
    two_partial = co.scorecard(base | {q: "delvis" for q in guards[:2]}, params)
    assert two_partial["fired"] == [pitfall]
    one_partial = co.scorecard(base | {guards[0]: "delvis"}, params)
    assert one_partial["pitfalls"][pitfall]["status"] == "clear"
    unanswered = co.scorecard({q: a for q, a in base.items() if q != guards[0]}, params)
    assert unanswered["pitfalls"][pitfall]["status"] == "open"


# ---- the result document --------------------------------------------------------------------------------------------
def _block(**services) -> Block:
    coop = BlockCooperation(form="vertskommune_nemnd", host="1", seats={"1": 3},
                            services=services or {"barnevern": ServiceSpec("per_innbygger")},
                            governance={"input.1": "ja", "input.5": "nei"})
    return Block("B", "1", {"1": Track.MERGE, "2": Track.MERGE, "3": Track.COOPERATE, "4": Track.COOPERATE}, coop)


def test_cooperation_result_shape_and_json(params):
    block = _block(barnevern=ServiceSpec("per_innbygger"),
                   legevakt=ServiceSpec("bruksbasert", use={"1": 50, "3": 5, "4": 10}),
                   ppt=ServiceSpec("likedeling", cost_per_inhabitant=900, saving_pct=8))
    r = co.cooperation_result(block, {"1": 8000, "2": 2000, "3": 1500, "4": 500}, params)
    json.dumps(r, allow_nan=False)
    assert set(r) == {"form", "forms_used", "host", "members", "services", "totals", "exit", "dominance",
                      "scorecard", "flags"}
    assert r["members"]["1"] == {"role": "regionkommune", "kommuner": {"1": 8000.0, "2": 2000.0},
                                 "population": 10000.0, "seats": 3}
    assert r["members"]["3"]["seats"] == 2                    # the nemnd's legal minimum as default
    assert [r["services"][s]["status"] for s in ("barnevern", "legevakt", "ppt")] == \
        ["saving_unknown", "cost_unknown", "computed"]
    ppt = r["services"]["ppt"]
    assert ppt["total_cost"] == 900 * 12000 and ppt["saving"] == pytest.approx(0.08 * 900 * 12000)
    assert sum(m["cost_after"] for m in ppt["members"].values()) == pytest.approx(ppt["total_cost_after"])
    assert r["services"]["legevakt"]["members"]["3"]["share"] == pytest.approx(5 / 65)
    assert r["totals"]["services_not_computed"] == ["legevakt"]
    assert r["exit"]["3"]["services"]["ppt"]["remaining"]["4"]["share_after_exit"] == 0.5
    codes = [f["code"] for f in r["flags"]]
    assert {"cost_unknown", "saving_unknown", "dominance.population_majority",
            "pitfall.radmannsdilemmaet"} <= set(codes)
    assert co.cooperation_result(Block("X", "1", {"1": Track.MERGE}), {"1": 1}) is None


def test_result_flags_form_mismatches(params):
    block = _block()
    mixed = BlockCooperation(form="vertskommune_nemnd", host="1", services={
        "barnevern": ServiceSpec("per_innbygger"), "brann": ServiceSpec("per_innbygger", form="iks"),
        "landbruk": ServiceSpec("per_innbygger", form="oppgavefellesskap")})
    r = co.cooperation_result(Block("B", "1", block.members, mixed), {"1": 10, "2": 1, "3": 1, "4": 1}, params)
    assert r["forms_used"] == ["vertskommune_nemnd", "iks", "oppgavefellesskap"]
    assert r["services"]["brann"]["form"] == "iks" and r["services"]["barnevern"]["form"] == "vertskommune_nemnd"
    assert {"code": "decisions_not_delegable", "services": ["landbruk"], "forms": ["oppgavefellesskap"]} in r["flags"]
    for form, code in [("oppgavefellesskap", "decisions_not_delegable"), ("samkommune", "historical_form"),
                       ("politisk_rad", "form_not_for_services")]:
        b = Block(block.name, block.centre, block.members,
                  BlockCooperation(form=form, services={"barnevern": ServiceSpec("per_innbygger")}))
        r = co.cooperation_result(b, {"1": 10, "2": 1, "3": 1, "4": 1}, params)
        assert code in [f["code"] for f in r["flags"]], form
    b = Block(block.name, block.centre, block.members, BlockCooperation(form="vertskommune_administrativ", host="1"))
    r = co.cooperation_result(b, {"1": 10, "2": 1, "3": 1, "4": 1}, params)
    assert r["members"]["1"]["seats"] is None and "no_joint_body" in r["dominance"]["flags"]
