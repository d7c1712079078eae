"""A block's cooperation section in the scenario file: validation, round trips, edits and the shipped scenarios."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reformkit as rk
from reformkit.cli import main
from reformkit.cooperation import cooperation_result
from reformkit.errors import ScenarioError
from reformkit.paths import SCENARIOS_DIR
from reformkit.scenario import Scenario, Track
from reformkit.scenario.cooperation import vocabulary

ROOT = Path(__file__).resolve().parents[1]

HEAD = """\
name: Test
borders: 2024
base_year: 2024
horizon: 2030
blocks:
  - name: Nordmøre
    centre: Kristiansund
    members: {Kristiansund: merge, Averøy: merge, Gjemnes: cooperate, Tingvoll: cooperate}
"""
SECTION = """\
    cooperation:
      form: vertskommune_nemnd
      host: Kristiansund
      seats: {Kristiansund: 3, Gjemnes: 2, Tingvoll: 2}
      services:
        barnevern: per_innbygger
        ikt: {key: fast_pluss_per_innbygger, fixed_share: 0.3}
        legevakt: {key: bruksbasert, use: {Kristiansund: 5200, Gjemnes: 400, Tingvoll: 700}}
        ppt: {key: likedeling, cost_per_inhabitant: 900, saving_pct: 8}
      governance:
        input.1: ja
        throughput.2: Nei
        output.1:
"""
GOOD = HEAD + SECTION          # the section starts on line 9; `form` is line 10, services line 13


def test_good_section_resolves_to_kommunenummer(atlas):
    sc = Scenario.from_yaml(GOOD, atlas=atlas)
    coop = sc.block("Nordmøre").cooperation
    assert coop.form == "vertskommune_nemnd" and coop.host == "1505"
    assert coop.seats == {"1505": 3, "1557": 2, "1560": 2}
    assert coop.services["barnevern"].key == "per_innbygger"                 # shorthand
    assert coop.services["legevakt"].use == {"1505": 5200, "1557": 400, "1560": 700}
    assert coop.services["ppt"].saving_pct == 8 and coop.services["ikt"].fixed_share == 0.3
    assert coop.governance == {"input.1": "ja", "throughput.2": "nei"}       # lower case; empty = unanswered
    assert sc.block("Nordmøre").cooperation_members == ["1505", "1557", "1560"]


# kind -> (section replacing SECTION's lines, substrings the problem lines must contain)
BAD: dict[str, tuple[str, list[str]]] = {
    "unknown form": (SECTION.replace("vertskommune_nemnd", "vertskomune_nemd"),
                     [":10:", "unknown cooperation form 'vertskomune_nemd'", "did you mean 'vertskommune_nemnd'"]),
    "missing form": (SECTION.replace("      form: vertskommune_nemnd\n", ""), ["missing 'form'"]),
    "unknown service": (SECTION.replace("barnevern: per", "barnvern: per"),
                        [":14:", "unknown service 'barnvern'", "did you mean 'barnevern'"]),
    "unknown kommune in seats": (SECTION.replace("Gjemnes: 2", "Gjemnse: 2"),
                                 [":12:", "kommune 'Gjemnse'", "did you mean 'Gjemnes'"]),
    "host not a member": (SECTION.replace("host: Kristiansund", "host: Molde"),
                          [":11:", "kommune 'Molde'", "Molde is not a member of the cooperation",
                           "members: Kristiansund, Gjemnes, Tingvoll"]),
    "merging kommune in seats": (SECTION.replace("Tingvoll: 2}", "Tingvoll: 2, Averøy: 2}"),
                                 ["kommune 'Averøy'", "Averøy is on track merge",
                                  "represented by its centre 'Kristiansund'"]),
    "host missing": (SECTION.replace("      host: Kristiansund\n", ""), [":10:", "needs a host"]),
    "host for a form without one": (SECTION.replace("vertskommune_nemnd", "iks").replace(
        "Gjemnes: 2, Tingvoll: 2", "Gjemnes: 1, Tingvoll: 1"), [":11:", "form 'iks' has no host kommune"]),
    "use misses members": (SECTION.replace(", Tingvoll: 700", ""),
                           [":16:", "use-based key without use for Tingvoll"]),
    "negative number": (SECTION.replace("saving_pct: 8", "saving_pct: -5"),
                        [":17:", "services.ppt.saving_pct must not be negative"]),
    "non-numeric number": (SECTION.replace("cost_per_inhabitant: 900", "cost_per_inhabitant: mye"),
                           [":17:", "cost_per_inhabitant must be a number, got text 'mye'"]),
    "boolean for a number": (SECTION.replace("fixed_share: 0.3", "fixed_share: yes"),
                             [":15:", "fixed_share must be a number, got true/false"]),
    "fixed_share above 1": (SECTION.replace("fixed_share: 0.3", "fixed_share: 1.5"), ["must be at most 1"]),
    "fixed_share missing": (SECTION.replace(", fixed_share: 0.3", ""), ["needs fixed_share"]),
    "fixed_share on another key": (SECTION.replace("{key: likedeling,", "{key: likedeling, fixed_share: 0.2,"),
                                   ["fixed_share applies only to the keys"]),
    "seats not whole": (SECTION.replace("Gjemnes: 2", "Gjemnes: 2.5"), ["seats must be a whole number"]),
    "seats below the legal minimum": (SECTION.replace("Gjemnes: 2", "Gjemnes: 1"),
                                      ["seats must be at least 2 per member for form 'vertskommune_nemnd'"]),
    "seats zero": (SECTION.replace("vertskommune_nemnd", "iks").replace("      host: Kristiansund\n", "")
                   .replace("Gjemnes: 2", "Gjemnes: 0"), ["seats must be a positive whole number"]),
    "seats without a joint body": (SECTION.replace("vertskommune_nemnd", "vertskommune_administrativ"),
                                   ["has no joint top body; remove seats"]),
    "unknown section key": (SECTION.replace("      host:", "      hosts: x\n      host:"),
                            ["unknown key 'hosts'", "did you mean 'host'"]),
    "unknown service key": (SECTION.replace("cost_per_inhabitant: 900", "cost: 900"),
                            ["services.ppt: unknown key 'cost'"]),
    "unknown cost key": (SECTION.replace("key: likedeling", "key: likdeling"),
                         ["unknown cost key 'likdeling'", "did you mean 'likedeling'"]),
    "use on another key": (SECTION.replace("barnevern: per_innbygger",
                                           "barnevern: {key: per_innbygger, use: {Gjemnes: 1}}"),
                           ["use applies only to the keys"]),
    "unknown question": (SECTION.replace("input.1: ja", "inpt.1: ja"),
                         [":19:", "unknown question 'inpt.1'", "did you mean 'input.1'"]),
    "bad answer": (SECTION.replace("input.1: ja", "input.1: kanskje"), ["answer must be ja, nei or delvis"]),
    "yes as answer": (SECTION.replace("input.1: ja", "input.1: yes"), ["write ja, nei or delvis"]),
    "section not a mapping": ("    cooperation: iks\n", ["cooperation must be a mapping"]),
    "unknown service form": (SECTION.replace("barnevern: per_innbygger", "barnevern: {key: per_innbygger, form: ik}"),
                             [":14:", "services.barnevern: unknown cooperation form 'ik'", "did you mean 'iks'"]),
    "service form needs a host": (SECTION.replace("vertskommune_nemnd", "iks").replace("      host: Kristiansund\n", "")
                                  .replace("barnevern: per_innbygger", "barnevern: {key: per_innbygger, form: "
                                           "vertskommune_administrativ}").replace("2, Tingvoll: 2", "1, Tingvoll: 1"),
                                  ["form 'vertskommune_administrativ' needs a host"]),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_section_gives_clear_problem_lines(kind, atlas):
    section, expected = BAD[kind]
    with pytest.raises(ScenarioError) as exc:
        Scenario.from_yaml(HEAD + section, atlas=atlas, file="bad.yaml")
    text = "\n".join(exc.value.problems)
    assert all(p.startswith("bad.yaml:") and "block 'Nordmøre':" in p for p in exc.value.problems), text
    for part in expected:
        assert part in text, (kind, part, text)


def test_a_service_in_its_own_form(atlas):
    brann = "\n        brann: {key: per_innbygger, form: iks}"
    text = GOOD.replace("barnevern: per_innbygger", "barnevern: per_innbygger" + brann)
    sc = Scenario.from_yaml(text, atlas=atlas)
    coop = sc.block("Nordmøre").cooperation
    assert coop.services["brann"].form == "iks" and coop.form_of("brann") == "iks"
    assert coop.form_of("barnevern") == "vertskommune_nemnd" and coop.forms_used == ["vertskommune_nemnd", "iks"]
    assert Scenario.from_yaml(sc.to_yaml(), atlas=atlas) == sc
    iks_host = text.replace("form: vertskommune_nemnd", "form: iks").replace("form: iks}", "form: vertskommune_nemnd}")
    assert Scenario.from_yaml(iks_host, atlas=atlas).block("Nordmøre").cooperation.host == "1505"   # host for brann


def test_section_without_cooperating_kommuner_is_an_error(atlas):
    text = GOOD.replace("Gjemnes: cooperate, Tingvoll: cooperate", "Gjemnes: merge, Tingvoll: merge")
    with pytest.raises(ScenarioError) as exc:
        Scenario.from_yaml(text, atlas=atlas, file="x.yaml")
    assert any("needs at least one kommune on track cooperate" in p for p in exc.value.problems)


MANY = (SECTION.replace("vertskommune_nemnd", "vertskommune_nemd").replace("barnevern: per", "barnvern: per")
        .replace("Gjemnes: 2", "Gjemnse: 2").replace(", Tingvoll: 700", "").replace("saving_pct: 8", "saving_pct: -5")
        .replace("input.1: ja", "input.1: kanskje"))


def test_every_problem_at_once_via_the_cli(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(HEAD + MANY, encoding="utf-8")
    code = main(["evaluate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err
    problems = [ln for ln in err.splitlines() if ln.startswith("  - ")]
    assert len(problems) == 6, err
    for line_no in (":10:", ":12:", ":14:", ":16:", ":17:", ":19:"):
        assert sum(line_no in p for p in problems) == 1, (line_no, err)
    assert all(f"{path}:" in p and "block 'Nordmøre'" in p for p in problems)


def test_cli_process_exits_2_without_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(HEAD + MANY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "reformkit.cli", "evaluate", str(path)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "did you mean 'barnevern'" in proc.stderr


# ---- round trips ----------------------------------------------------------------------------------------------------
def test_round_trip_with_a_section(atlas, tmp_path):
    sc = Scenario.from_yaml(GOOD, atlas=atlas)
    path = tmp_path / "again.yaml"
    text = sc.to_yaml(path)
    assert "host: '1505'  # Kristiansund" in text and "'1557': 400  # Gjemnes" in text
    assert rk.load_scenario(path, atlas=atlas) == sc
    assert Scenario.from_dict(sc.to_dict(), atlas=atlas) == sc
    assert Scenario.from_yaml(text) == Scenario.from_dict(sc.to_dict())       # unresolved, too
    unresolved = Scenario.from_yaml(GOOD)
    assert Scenario.from_yaml(unresolved.to_yaml()) == unresolved and unresolved.resolve(atlas) == sc


CODES = [f"99{i:02d}" for i in range(1, 13)]
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenario_with_sections(draw) -> dict:
    codes = draw(st.permutations(CODES))
    cut = draw(st.integers(3, 9))
    blocks = []
    for name, part in (("Nord", codes[:cut]), ("Sør", codes[cut:])):
        tracks = {c: draw(st.sampled_from(["merge", "cooperate"])) for c in part}
        tracks[part[0]] = "merge"
        block = {"name": name, "centre": part[0], "members": tracks}
        inside = [part[0]] + [c for c, t in tracks.items() if t == "cooperate"]
        if len(inside) > 1 and draw(st.booleans()):
            block["cooperation"] = draw(section(inside))
        blocks.append(block)
    return {"name": "P", "borders": 2024, "base_year": 2020, "horizon": 2024, "blocks": blocks}


@st.composite
def section(draw, inside: list[str]) -> dict:
    vocab = vocabulary()
    form = draw(st.sampled_from(sorted(vocab.forms)))
    rules = vocab.forms[form]
    d: dict = {"form": form}
    if rules["joint_body"] and draw(st.booleans()):
        d["seats"] = {m: draw(st.integers(max(1, rules["min_seats"]), 9)) for m in inside if draw(st.booleans())}
    services = {}
    for name in draw(st.lists(st.sampled_from(vocab.services), unique=True, max_size=4)):
        key = draw(st.sampled_from(sorted(vocab.keys)))
        spec: dict = {"key": key}
        if key.startswith("fast_pluss"):
            spec["fixed_share"] = draw(st.floats(0, 1))
        if key.endswith("bruksbasert"):
            spec["use"] = {m: draw(st.integers(1, 10_000)) for m in inside}
        if draw(st.booleans()):
            spec["saving_pct"] = draw(st.floats(0, 100))
        if draw(st.booleans()):
            spec["cost_per_inhabitant"] = draw(st.integers(0, 20_000))
        if draw(st.booleans()):
            spec["form"] = draw(st.sampled_from(sorted(vocab.forms)))
        services[name] = spec
    if services:
        d["services"] = services
    if any(vocab.forms[f]["host"] for f in [form, *(s.get("form", form) for s in services.values())]):
        d["host"] = draw(st.sampled_from(inside))
    answers = st.dictionaries(st.sampled_from(vocab.questions), st.sampled_from(["ja", "nei", "delvis"]))
    d["governance"] = draw(answers)
    return d


@PROFILE
@given(d=scenario_with_sections())
def test_sections_round_trip_through_yaml_and_dict(d, small_atlas):
    sc = Scenario.from_dict(d, atlas=small_atlas)
    assert Scenario.from_yaml(sc.to_yaml(), atlas=small_atlas) == sc
    assert Scenario.from_dict(sc.to_dict(), atlas=small_atlas) == sc
    for b in sc.blocks:
        if b.cooperation is not None:
            res = cooperation_result(b, {k: 1000.0 + int(k[-2:]) for k in b.members})
            json.dumps(res, allow_nan=False)
            for service in res["services"].values():
                assert sum(r["share"] for r in service["members"].values()) == pytest.approx(1.0)


# ---- edits keep the section consistent ------------------------------------------------------------------------------
@pytest.fixture()
def sc(atlas):
    return Scenario.from_yaml(GOOD.replace("host: Kristiansund", "host: Gjemnes"), atlas=atlas)


def test_moving_a_cooperating_kommune_into_the_regionkommune(sc, atlas):
    moved = sc.moved("Gjemnes", track="merge")
    coop = moved.block("Nordmøre").cooperation
    assert coop.seats == {"1505": 3, "1560": 2} and coop.host == "1505"          # the host role goes to the centre
    assert coop.services["legevakt"].use == {"1505": 5600, "1560": 700}           # its users join the region
    back = moved.moved("Gjemnes", track="cooperate", use={"legevakt": 400})
    assert back.block("Nordmøre").cooperation.services["legevakt"].use == {"1505": 5200, "1560": 700, "1557": 400}
    assert Scenario.from_yaml(back.to_yaml(), atlas=atlas) == back


def test_moving_a_kommune_out_of_the_block_or_the_last_one_out(sc):
    moved = sc.with_block("Indre", "1563").moved("Tingvoll", to_block="Indre", track="cooperate")
    coop = moved.block("Nordmøre").cooperation
    assert "1560" not in coop.seats and coop.services["legevakt"].use == {"1505": 5200, "1557": 400}
    assert moved.block("Indre").cooperation is None
    assert moved.moved("Gjemnes", track="merge").block("Nordmøre").cooperation is None    # no partner left


def test_joining_needs_the_use_of_use_based_services(sc):
    with pytest.raises(ScenarioError) as exc:
        sc.moved("Averøy", track="cooperate")
    assert "give its use of 'legevakt'" in "\n".join(exc.value.problems)
    with pytest.raises(ScenarioError, match="more than the regionkommune"):
        sc.moved("Averøy", track="cooperate", use={"legevakt": 99_999})
    with pytest.raises(ScenarioError, match="not a use-based service"):
        sc.moved("Averøy", track="cooperate", use={"legevakt": 10, "brann": 1})
    ok = sc.moved("Averøy", track="cooperate", use={"legevakt": 1200})
    assert ok.block("Nordmøre").cooperation.services["legevakt"].use["1505"] == 4000


def test_new_centre_takes_over_the_regionkommunes_entries(sc):
    c = sc.with_centre("Nordmøre", "Averøy")
    coop = c.block("Nordmøre").cooperation
    assert coop.seats == {"1554": 3, "1557": 2, "1560": 2}
    assert coop.services["legevakt"].use == {"1554": 5200, "1557": 400, "1560": 700}
    c2 = sc.with_centre("Nordmøre", "Tingvoll")           # a cooperating kommune becomes the centre
    coop2 = c2.block("Nordmøre").cooperation
    assert coop2.seats == {"1560": 3, "1557": 2} and coop2.services["legevakt"].use == {"1560": 5900, "1557": 400}


def test_with_cooperation_sets_validates_and_removes(sc):
    new = sc.with_cooperation("Nordmøre", {"form": "iks", "services": {"brann": "per_innbygger"},
                                           "seats": {"Kristiansund": 2}})
    assert new.block("Nordmøre").cooperation.seats == {"1505": 2}
    with pytest.raises(ScenarioError) as exc:
        sc.with_cooperation("Nordmøre", {"form": "iks", "host": "Gjemnes", "services": {"bran": "per_innbygger"}})
    assert len(exc.value.problems) == 2
    assert sc.with_cooperation("Nordmøre", None).block("Nordmøre").cooperation is None


# ---- the shipped scenarios ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fname", ["more-og-romsdal-4.yaml", "more-og-romsdal-7.yaml"])
def test_shipped_scenarios_have_a_section_for_every_cooperating_block(fname, atlas):
    sc = rk.load_scenario(SCENARIOS_DIR / fname, atlas=atlas)
    pop = atlas.population[atlas.population["year"] == sc.base_year].groupby("kommunenummer")["population"].sum()
    for b in sc.blocks:
        assert (b.cooperation is not None) == bool(b.cooperating), b.name
        if b.cooperation is None:
            continue
        res = cooperation_result(b, pop.to_dict())
        json.dumps(res, allow_nan=False)
        assert res["scorecard"]["status"] != "balanced"        # a proposed design leaves questions open
    assert "samarbeid" in sc.description.lower()
    data = yaml.safe_load((SCENARIOS_DIR / fname).read_text(encoding="utf-8"))
    assert all("cooperation" in b for b in data["blocks"] if "cooperate" in b["members"].values())
    assert Track.COOPERATE in {t for b in sc.blocks for t in b.members.values()}


# ---- fuzzing: a malformed section only ever raises ScenarioError -----------------------------------------------
FUZZ_KEYS = ["form", "host", "seats", "services", "governance", "key", "use", "fixed_share", "saving_pct",
             "cost_per_inhabitant", "barnevern", "legevakt", "iks", "vertskommune_nemnd", "bruksbasert",
             "fast_pluss_per_innbygger", "input.1", "ja", "9901", "9905", "Testkommune 5", "x"]
fuzz_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True),
                         st.text(max_size=8), st.sampled_from(FUZZ_KEYS))
fuzz_values = st.recursive(fuzz_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.one_of(st.sampled_from(FUZZ_KEYS), fuzz_scalars), inner,
                                                 max_size=4)), max_leaves=20)


@PROFILE
@given(raw=fuzz_values)
def test_random_sections_raise_only_scenario_error(raw, small_atlas):
    d = {"name": "F", "base_year": 2020, "horizon": 2024,
         "blocks": [{"name": "Nord", "centre": "9901", "members": {"9901": "merge", "9902": "merge",
                                                                    "9905": "cooperate"}, "cooperation": raw}]}
    for atlas in (small_atlas, None):
        try:
            sc = Scenario.from_dict(d, atlas=atlas)
        except ScenarioError as exc:
            assert exc.problems and all(isinstance(p, str) and "\n" not in p for p in exc.problems)
        else:
            assert Scenario.from_dict(sc.to_dict(), atlas=atlas) == sc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=scenario_with_sections(), data=st.data())
def test_edits_keep_sections_valid(d, data, small_atlas):
    sc = Scenario.from_dict(d, atlas=small_atlas)
    movable = [c for b in sc.blocks for c in b.members if c != b.centre]
    code = data.draw(st.sampled_from(movable))
    target = data.draw(st.sampled_from([b.name for b in sc.blocks]))
    track = data.draw(st.sampled_from(list(Track)))
    coop = sc.block(target).cooperation
    use = {s: 7 for s, spec in (coop.services.items() if coop else []) if spec.use is not None}
    for edit in (lambda: sc.moved(code, to_block=target, track=track),
                 lambda: sc.moved(code, to_block=target, track=track, use=use),
                 lambda: sc.with_centre(sc.block_of(code).name, code)):
        try:
            new = edit()
        except ScenarioError as exc:
            assert any("use" in p for p in exc.problems), exc.problems
            continue
        assert Scenario.from_yaml(new.to_yaml(), atlas=small_atlas) == new
        for b in new.blocks:
            assert b.cooperation is None or len(b.cooperation_members) >= 2
