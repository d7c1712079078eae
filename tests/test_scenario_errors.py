"""Bad scenario files: one clear line per problem, exit code 2, never a traceback (via the CLI)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import reformkit as rk
from reformkit.cli import main
from reformkit.paths import SCENARIOS_DIR

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
name: Test
borders: 2024
base_year: 2024
horizon: 2030
blocks:
  - name: Nordmøre
    centre: Kristiansund
    members:
      Kristiansund: merge
      Averøy: merge
      Gjemnes: cooperate
"""

# kind -> (file content, substrings that must appear in the problem lines)
BAD: dict[str, tuple[str | bytes, list[str]]] = {
    "kommune in two blocks": (GOOD + "  - name: Romsdal\n    centre: Molde\n    members:\n      Molde: merge\n"
                              "      Averøy: cooperate\n",
                              ["block 'Romsdal'", "kommune 'Averøy'", "also in block 'Nordmøre'", ":16:"]),
    "unknown name": (GOOD.replace("Averøy", "Avrøy"), ["kommune 'Avrøy'", "unknown kommune", "did you mean 'Averøy'", ":10:"]),
    "centre on track cooperate": (GOOD.replace("centre: Kristiansund", "centre: Gjemnes"),
                                  ["block 'Nordmøre'", "the centre is on track cooperate"]),
    "horizon before base_year": (GOOD.replace("horizon: 2030", "horizon: 2020"), ["horizon 2020 must be after base_year 2024", ":4:"]),
    "kommune of area left out": (GOOD.replace("blocks:", "area: [\"15\"]\nblocks:"),
                                 ["1506 Molde", "is in no block", "area 15"]),
    "tabs": (GOOD.replace("      Averøy", "\t  Averøy"), ["invalid YAML", "tabs"]),
    "invalid YAML": (GOOD.replace("members:", "members: [unclosed"), ["invalid YAML", "line"[:0]]),
    "empty file": ("", ["the file is empty"]),
    "only comments": ("# nothing here\n\n", ["the file is empty"]),
    "5 MB file": ("# padding\n" * 500_000 + GOOD, ["MB", "at most 1 MB"]),
    "unknown track": (GOOD.replace("Averøy: merge", "Averøy: slå-sammen"), ["kommune 'Averøy'", "unknown track"]),
    "misspelt top-level key": (GOOD.replace("horizon:", "horizont:"), ["unknown key 'horizont'", "did you mean 'horizon'"]),
    "base_year without data": (GOOD.replace("base_year: 2024", "base_year: 1990"),
                               ["no observed population for base_year 1990"]),
    "unknown projection": (GOOD.replace("borders: 2024", "borders: 2024\nprojection: middle"),
                           ["unknown projection alternative 'middle'"]),
    "centre not a member": (GOOD.replace("centre: Kristiansund", "centre: Molde"), ["not a member of the block"]),
    "ambiguous name": (GOOD.replace("Gjemnes: cooperate", "Herøy: cooperate"), ["'Herøy' is ambiguous", "1515", "1818"]),
    "duplicate key": (GOOD + "      Averøy: cooperate\n", ["'Averøy' appears twice", "first on line 10"]),
    "top level is a list": ("- name: x\n- blocks: []\n", ["top level must be a mapping"]),
    "missing name and blocks": ("borders: 2024\n", ["missing 'name'", "missing 'blocks'"]),
    "unknown borders": (GOOD.replace("borders: 2024", "borders: 2020"), ["borders must be one of 2024, 2019"]),
    "year as text": (GOOD.replace("base_year: 2024", "base_year: twenty"), ["base_year must be a year"]),
    "empty block": (GOOD + "  - name: Tom\n    centre: Molde\n    members: {}\n", ["block 'Tom'", "non-empty mapping"]),
    "duplicate block names": (GOOD + "  - name: nordmøre\n    centre: Molde\n    members:\n      Molde: merge\n",
                              ["two blocks are called 'nordmøre'"]),
    "YAML alias": (GOOD.replace("Gjemnes: cooperate", "Gjemnes: &t cooperate\n      Molde: *t"), ["aliases"]),
    "binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", ["not a UTF-8 text file"]),
    "bad date value": (GOOD.replace("name: Test", "name: 2024-02-30"), ["invalid YAML"]),
}


def run(path, capsys) -> tuple[int, str, str]:
    code = main(["evaluate", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_scenario_file_gives_clear_problem_lines_and_exit_2(kind, tmp_path, capsys):
    content, expected = BAD[kind]
    path = tmp_path / "bad.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(path, capsys)
    assert code == 2, (kind, err)
    assert "Traceback" not in err and out == ""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines and all(str(path) in ln for ln in lines), err      # every line names the file
    for text in expected:
        assert text in err, (kind, text, err)


def test_several_problems_are_reported_at_once(tmp_path, capsys):
    text = (GOOD.replace("Averøy", "Avrøy").replace("horizon: 2030", "horizon: 2000")
            .replace("centre: Kristiansund", "centre: Gjemnes"))
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(path, capsys)
    assert code == 2
    problems = [ln for ln in err.splitlines() if ln.startswith("  - ")]
    assert len(problems) == 3, err
    assert "3 problems" in err.splitlines()[0]


def test_missing_file_and_folder(tmp_path, capsys):
    assert run(tmp_path / "nope.yaml", capsys)[0] == 2
    code, _, err = run(tmp_path, capsys)
    assert code == 2 and "folder" in err


def test_no_traceback_from_a_real_process(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("Averøy", "Avrøy"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "reformkit.cli", "evaluate", str(path)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "did you mean 'Averøy'" in proc.stderr


@pytest.mark.parametrize("assumptions, message", [
    ({"econmy": {"discount_rate": 0.04}}, "assumptions.econmy: unknown section; did you mean 'economy'?"),
    ({"travel": 5}, "assumptions.travel must be a mapping"),
    ({"economy": [1, 2]}, "assumptions.economy must be a mapping"),
])
def test_bad_assumption_sections(assumptions, message):
    import yaml
    data = yaml.safe_load((SCENARIOS_DIR / "more-og-romsdal-4.yaml").read_text(encoding="utf-8"))
    data["assumptions"] = assumptions
    with pytest.raises(rk.ScenarioError) as exc:
        rk.Scenario.from_dict(data, source="x.yaml")
    assert any(message in p for p in exc.value.problems)


def test_bad_travel_parameter_names_the_scenario(atlas):
    import yaml
    data = yaml.safe_load((SCENARIOS_DIR / "more-og-romsdal-4.yaml").read_text(encoding="utf-8"))
    data["assumptions"] = {"travel": {"speed": "fast"}}
    # checked when the scenario loads, not only when it is evaluated (a render then fails with exit 2 early)
    with pytest.raises(rk.ScenarioError) as exc:
        rk.Scenario.from_dict(data, atlas=atlas, source="x.yaml")
    assert any("x.yaml" in p and "assumptions.travel.speed: unknown parameter name" in p for p in exc.value.problems)
