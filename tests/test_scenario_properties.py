"""Property tests: malformed input only ever raises ScenarioError; whatever the parser accepts evaluates without
error to a document of finite numbers; valid scenarios round-trip and edits conserve."""
from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reformkit as rk
from reformkit import narrative
from reformkit._io import json_text
from reformkit.errors import ParameterError, ScenarioError
from reformkit.params import load_parameters
from reformkit.scenario import Scenario, Track

PROFILE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CODES = [f"99{i:02d}" for i in range(1, 13)]      # the small_atlas fixture's kommuner
KEYS = ["name", "description", "borders", "base_year", "horizon", "projection", "area", "blocks", "assumptions",
        "centre", "members", "merge", "cooperate", "9901", "Testkommune 3", "x"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(CODES + ["merge", "cooperate", "samarbeid", "2024", "0301"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.one_of(st.sampled_from(KEYS), scalars),
                                                                       inner, max_size=4)), max_leaves=25)


def only_scenario_errors(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except ScenarioError as exc:
        assert exc.problems and all(isinstance(p, str) and p and "\n" not in p for p in exc.problems)
        return None


def evaluates_if_accepted(sc, atlas) -> None:
    """A scenario the parser accepted (with the Atlas) evaluates without error, to a document JSON can hold
    (no NaN or infinity: the CLI's writer refuses those)."""
    if sc is None:
        return
    res = rk.evaluate(sc, atlas)
    json_text(narrative.document(res), "the property test")


@PROFILE
@given(text=st.text(max_size=300))
def test_random_text_raises_only_scenario_error(text, small_atlas):
    evaluates_if_accepted(only_scenario_errors(Scenario.from_yaml, text, atlas=small_atlas), small_atlas)


@PROFILE
@given(data=values)
def test_random_structures_raise_only_scenario_error(data, small_atlas):
    evaluates_if_accepted(only_scenario_errors(Scenario.from_dict, data, atlas=small_atlas), small_atlas)
    only_scenario_errors(Scenario.from_dict, data)
    only_scenario_errors(Scenario.from_yaml, yaml.safe_dump(data, allow_unicode=True), atlas=small_atlas)


def _valid_dict(draw) -> dict:
    codes = draw(st.permutations(CODES))
    n_blocks = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(1, len(codes) - 1), min_size=n_blocks - 1, max_size=n_blocks - 1,
                                unique=True)))
    parts = [codes[a:b] for a, b in zip([0, *cuts], [*cuts, len(codes)])]
    names = draw(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=15)
                          .filter(lambda s: s.strip() and not s.strip().isdigit()), min_size=len(parts),
                          max_size=len(parts), unique_by=lambda s: " ".join(s.strip().casefold().split())))
    blocks = []
    for name, members in zip(names, parts):
        tracks = {c: draw(st.sampled_from(["merge", "cooperate"])) for c in members}
        centre = members[0]
        tracks[centre] = "merge"
        blocks.append({"name": name.strip(), "centre": centre, "members": tracks})
    base = draw(st.integers(2010, 2023))
    return {"name": draw(st.text(min_size=1, max_size=30).filter(str.strip)).strip(),
            "description": draw(st.text(max_size=200)), "borders": 2024, "base_year": base,
            "horizon": draw(st.integers(base + 1, 2024)), "projection": "main",
            "area": draw(st.sampled_from([None, ["91"]])), "blocks": blocks,
            "assumptions": draw(st.fixed_dictionaries({}, optional={"economy": st.fixed_dictionaries(
                {}, optional={"discount_rate": st.sampled_from([0.02, 0.04])})}))}


valid_dicts = st.composite(_valid_dict)()


@PROFILE
@given(d=valid_dicts)
def test_valid_scenarios_round_trip_through_yaml_and_dict(d, small_atlas):
    sc = Scenario.from_dict(d, atlas=small_atlas)
    assert Scenario.from_yaml(sc.to_yaml(), atlas=small_atlas) == sc
    assert Scenario.from_dict(sc.to_dict(), atlas=small_atlas) == sc
    assert Scenario.from_yaml(sc.to_yaml()) == Scenario.from_dict(sc.to_dict())


@PROFILE
@given(d=valid_dicts, key=st.sampled_from(["name", "borders", "base_year", "horizon", "projection", "area",
                                           "blocks", "assumptions", "description"]), value=values)
def test_corrupting_one_field_raises_only_scenario_error(d, key, value, small_atlas):
    evaluates_if_accepted(only_scenario_errors(Scenario.from_dict, {**d, key: value}, atlas=small_atlas), small_atlas)


#: Every parameter a scenario's ``assumptions`` may name, by group (the groups evaluate uses).
LEAVES = {g: load_parameters().tree(g).leaves() for g in ("economy", "sustainability", "criteria", "geo", "travel",
                                                          "projection", "cooperation")}
EDGES = st.sampled_from([0, 1, -1, 0.5, 1e-12, 1e12, 1e300, -1e300, 3, 2024, True, False, "unknown", "estimate",
                         "", "x", [], [1, 2], [0, 1e300], [[0, 1]], [[0, 5], [10, 1e300]], ["0301"], None,
                         float("nan"), float("inf")])


@st.composite
def assumptions(draw) -> dict:
    """One to three overrides of real parameters: the file's value scaled, or an edge value."""
    out: dict = {}
    for _ in range(draw(st.integers(1, 3))):
        group = draw(st.sampled_from(sorted(LEAVES)))
        leaf = draw(st.sampled_from(LEAVES[group]))
        current = load_parameters().tree(group).get(leaf)
        scaled = (st.sampled_from([0, 0.001, 0.5, 2, 10, 1e6]).map(lambda f, c=current: type(c)(c * f))
                  if isinstance(current, (int, float)) and not isinstance(current, bool) else EDGES)
        out.setdefault(group, {})[leaf] = draw(st.one_of(scaled, EDGES))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=valid_dicts, extra=assumptions())
def test_accepted_assumptions_evaluate(d, extra, small_atlas):
    try:
        sc = Scenario.from_dict({**d, "assumptions": extra}, atlas=small_atlas)
    except (ScenarioError, ParameterError) as exc:
        assert exc.problems and all("\n" not in p for p in exc.problems)
        return
    evaluates_if_accepted(sc, small_atlas)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=valid_dicts, data=st.data())
def test_moving_a_kommune_conserves_population(d, data, small_atlas):
    sc = Scenario.from_dict(d, atlas=small_atlas)
    movable = [c for b in sc.blocks for c in b.members if c != b.centre]
    if not movable:
        return
    code = data.draw(st.sampled_from(movable))
    target = data.draw(st.sampled_from([b.name for b in sc.blocks]))
    track = data.draw(st.sampled_from(list(Track)))
    moved = sc.moved(code, to_block=target, track=track)
    before, after = rk.evaluate(sc, small_atlas), rk.evaluate(moved, small_atlas)
    for res in (before, after):
        units = res.population_by_unit["total"].groupby(level="year").sum()
        kommuner = res.population_by_kommune["total"].groupby(level="year").sum()
        assert (abs(units - kommuner) < 1e-6).all()
    total = lambda r: r.population_by_unit["total"].groupby(level="year").sum()  # noqa: E731
    assert (abs(total(before) - total(after)) < 1e-6).all()
    assert after.kommuner.at[code, "block"] == target


@PROFILE
@given(content=st.one_of(st.binary(max_size=400), st.text(max_size=300).map(lambda t: t.encode("utf-8"))))
def test_random_files_raise_only_scenario_error(content, small_atlas):
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.yaml"
        path.write_bytes(content)
        only_scenario_errors(rk.load_scenario, path, atlas=small_atlas)
