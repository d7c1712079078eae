"""The workshop workbench: edits re-evaluate without reloading data, undo, save, errors; Voilà serves it."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

import reformkit as rk
from reformkit.paths import PROJECT_ROOT, SCENARIOS_DIR
from reformkit.workbench import Workbench

SCENARIO = SCENARIOS_DIR / "more-og-romsdal-4.yaml"


@pytest.fixture(scope="module")
def bench(atlas):
    return Workbench(rk.load_scenario(SCENARIO), atlas)


def test_move_undo_and_totals(bench):
    before = bench.result.blocks.loc["Nordmøre", "population_base"]
    gjemnes = bench.result.kommuner.loc["1557"]
    assert gjemnes["block"] == "Romsdal"
    bench.move("Gjemnes", to_block="Nordmøre", track="merge")
    after = bench.result.blocks.loc["Nordmøre", "population_base"]
    assert after == before + gjemnes["population_base"]
    assert bench.result.kommuner.loc["1557", "track"] == "merge"
    assert "Gjemnes flyttet til Nordmøre" in bench.message
    table = bench.summary_table()
    assert {"Blokk", "Innbyggere 2024"} <= set(table.columns)
    bench.undo()
    assert bench.result.kommuner.loc["1557", "block"] == "Romsdal"
    assert bench.result.blocks.loc["Nordmøre", "population_base"] == before


def test_user_error_is_shown_not_raised(bench):
    bench._guard(lambda: bench.move("Gjemnesx", to_block="Nordmøre"))
    assert "Gjemnesx" in bench.message and "color:#b00" in bench.message
    assert bench.result.kommuner.loc["1557", "block"] == "Romsdal"


def test_save_round_trips(bench, tmp_path):
    bench.move("Aure", to_block="Nordmøre", track="merge")
    path = bench.save(tmp_path / "edited.yaml")
    again = rk.load_scenario(path)
    assert again.block_of("1576").name == "Nordmøre"
    assert again.block("Nordmøre").members["1576"] == rk.Track.MERGE


def test_widget_and_map_build(bench):
    ui = bench.widget
    assert ui.children
    svg = bench.map_svg()
    assert svg.startswith("<svg") and "Kristiansund" in svg


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_workshop_command_serves_the_workbench():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "reformkit.cli", "workshop", "--port", str(port)],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        html, deadline = "", time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=90) as r:
                    html = r.read().decode()
                break
            except OSError:
                time.sleep(1)
        assert "application/vnd.jupyter.widget-view+json" in html, html[-2000:]
        assert "Arbeidsverksted" in html
        assert "Traceback" not in html
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_workshop_rejects_a_bad_scenario(capsys):
    from reformkit.cli import main
    assert main(["workshop", "--scenario", "no-such-file.yaml"]) == 2
    assert "no-such-file.yaml" in capsys.readouterr().err
