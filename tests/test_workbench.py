"""The workshop without a browser: every kind of edit with undo and redo, Norwegian refusals, the cut-off
warning, saving under a new name into the working folder only, escaping in the widgets, the command's options
and its server (which must leave no process behind)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import reformkit as rk
from chromium import free_port
from reformkit.paths import PROJECT_ROOT, SCENARIOS_DIR
from reformkit.workbench import Session, slug
from reformkit._proc import descendants
from reformkit.workbench.server import host_pattern

SCENARIO = SCENARIOS_DIR / "more-og-romsdal-4.yaml"
#: Words of the scenario model's English errors and of Python exceptions: none may reach the facilitator.
ENGLISH = re.compile(r"\b(the|block|choose|centre|first|with_centre|member|error|invalid|Traceback)\b")


@pytest.fixture
def session(atlas, tmp_path):
    return Session(rk.load_scenario(SCENARIO, atlas), atlas=atlas, folder=tmp_path)


def _norwegian(messages) -> None:
    for m in messages:
        assert not ENGLISH.search(m.text), m.text


def test_undo_and_redo_across_every_kind_of_edit(session):
    edits = [lambda s: s.move("Gjemnes", "Nordmøre", "merge"),
             lambda s: s.move("Aure", None, "merge"),
             lambda s: s.make_centre("Averøy"),
             lambda s: s.add_block("Indre Nordmøre", "Sunndal"),
             lambda s: s.rename_block("Romsdal", "Molde og omegn"),
             lambda s: s.remove_block("Indre Nordmøre", into="Nordmøre"),
             lambda s: s.set_horizon(2045),
             lambda s: s.set_projection("low")]
    states = [session.scenario]
    for edit in edits:
        messages = edit(session)
        assert messages[0].level == "info", messages
        _norwegian(messages)
        assert session.scenario != states[-1]
        states.append(session.scenario)
    assert session.scenario.block("Nordmøre").centre == "1554"     # Averøy
    assert session.scenario.horizon == 2045 and session.scenario.projection == "low"
    assert session.result.years[-1] == 2045
    for expected in reversed(states[:-1]):
        session.undo()
        assert session.scenario == expected
    assert not session.can_undo and session.undo()[0].text == "Det er ingenting å angre."
    for expected in states[1:]:
        session.redo()
        assert session.scenario == expected
    assert not session.can_redo
    # a new edit after undo drops the redo stack
    session.undo()
    assert session.move("Smøla", "Nordre Sunnmøre")[0].level == "info"
    assert not session.can_redo


@pytest.mark.parametrize("edit, expected", [
    (lambda s: s.move("Ålesund", None, "cooperate"), "er senter i Nordre Sunnmøre og kan ikke samarbeide"),
    (lambda s: s.move("Ålesund", "Romsdal"), "er senter i Nordre Sunnmøre og kan ikke flyttes"),
    (lambda s: s.add_block("romsdal", "Aure"), "Det finnes allerede en blokk som heter romsdal"),
    (lambda s: s.rename_block("Romsdal", "Nordmøre"), "Det finnes allerede en blokk som heter Nordmøre"),
    (lambda s: s.add_block("  ", "Aure"), "Skriv et navn først"),
    (lambda s: s.add_block("Ny", "Molde"), "Molde er senter i Romsdal"),
    (lambda s: s.make_centre("Ålesund"), "er allerede senter"),
    (lambda s: s.move("Gjemnesx", "Nordmøre"), "Finner ikke kommunen Gjemnesx"),
    (lambda s: s.move("Gjemnes", "Ingen slik"), "Finner ikke blokken Ingen slik"),
    (lambda s: s.remove_block("Romsdal", into="Romsdal"), "Velg en annen blokk"),
    (lambda s: s.set_horizon(2020), "Horisonten må være etter 2024"),
])
def test_impossible_edits_are_refused_in_norwegian(session, edit, expected):
    before = session.scenario
    messages = edit(session)
    assert messages[0].level == "error" and expected in messages[0].text, messages
    _norwegian(messages)
    assert session.scenario == before and not session.can_undo


def test_the_last_member_and_the_last_block(session):
    session.add_block("Bare Smøla", "Smøla")
    messages = session.move("Smøla", "Nordmøre")
    assert messages[0].level == "error"
    assert messages[0].text == "Smøla er det eneste medlemmet i Bare Smøla. Fjern blokken i stedet."
    for name in ["Bare Smøla", "Nordre Sunnmøre", "Søre Sunnmøre", "Romsdal"]:
        assert session.remove_block(name)[0].level == "info"
    messages = session.remove_block("Nordmøre")
    assert messages[0].text == "Scenarioet må ha minst én blokk."


def test_a_block_cut_off_gives_a_warning_not_a_refusal(session):
    messages = session.move("Vanylven", "Nordre Sunnmøre", "cooperate")
    assert messages[0].level == "info"
    assert session.scenario.block_of("1511").name == "Nordre Sunnmøre"
    warnings = [m.text for m in messages if m.level == "warning"]
    assert any(t.startswith("Vanylven henger ikke sammen med resten av blokken Nordre Sunnmøre") for t in warnings)
    session.undo()
    assert not any("Vanylven" in m.text for m in session.warnings())


def test_summary_shows_changes_against_the_start(session):
    from reformkit.narrative.workshop import summary
    session.move("Gjemnes", "Nordmøre", "merge")
    values, changes = summary(session.result, session.start_result())
    nordmore = changes.set_index(values["Blokk"]).loc["Nordmøre"]
    assert nordmore["Innbyggere 2024"].startswith("+")
    assert changes.set_index(values["Blokk"]).loc["Romsdal", "Innbyggere 2024"].startswith("-")
    assert changes.set_index(values["Blokk"]).loc["Søre Sunnmøre", "Innbyggere 2024"] == ""
    assert {"Nåverdi sammenslåing", "Samarbeid innsparing/år", "Maks reisetid", "Snitt reisetid (vektet)",
            "Bæreevne 2040", "Andel 80+ 2040", "Kriterier"} <= set(values.columns)


def test_save_with_a_new_name_and_description(session, tmp_path):
    session.move("Gjemnes", "Nordmøre", "merge")
    messages = session.save("Møre – Gjemnes til Nordmøre", "")
    assert messages[0].text == "Lagret som more-gjemnes-til-nordmore.yaml i arbeidsmappen."
    path = tmp_path / "more-gjemnes-til-nordmore.yaml"
    again = rk.load_scenario(path)
    assert again.name == "Møre – Gjemnes til Nordmøre"
    assert again.block_of("1557").name == "Nordmøre"
    assert "Fire tyngdepunkter" not in again.description        # the start's description is not carried over
    assert "Gjemnes flyttet til Nordmøre" in again.description
    session.save("Møre – Gjemnes til Nordmøre", "Egen beskrivelse.")
    assert rk.load_scenario(path).description == "Egen beskrivelse."   # the session's own file is updated


@pytest.mark.parametrize("name", ["../x/evil.sh", "..", "a/b", "a\\b", ".skjult", "x/../../evil"])
def test_save_refuses_a_path_as_name(session, tmp_path, name):
    before = set(tmp_path.parent.rglob("*"))
    messages = session.save(name, "")
    assert messages[0].level == "error"
    assert messages[0].text == "Navnet kan ikke inneholde / eller \\ eller starte med punktum."
    assert set(tmp_path.parent.rglob("*")) == before


def test_save_never_overwrites_a_file_it_did_not_write(session, tmp_path):
    (tmp_path / "mitt.yaml").write_text("noe annet", encoding="utf-8")
    session.save("Mitt", "")
    assert (tmp_path / "mitt.yaml").read_text(encoding="utf-8") == "noe annet"
    assert (tmp_path / "mitt-2.yaml").exists()


def test_slug_is_a_file_name():
    assert slug("../x/evil.sh") == "x-evil-sh"
    assert slug("Møre og Romsdal – 3 blokker!") == "more-og-romsdal-3-blokker"


def test_start_from_a_proposal_and_a_file(session, tmp_path):
    messages = session.from_proposal("15", 3)
    assert messages[0].text == "Startet fra forslag: 3 tyngdepunkter i Møre og Romsdal."
    assert len(session.scenario.blocks) == 3 and not session.can_undo
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [", encoding="utf-8")
    assert session.open_file(bad)[0].text == "Scenariofilen bad.yaml kunne ikke leses som et scenario."
    assert session.open_file(SCENARIO)[0].level == "info" and len(session.scenario.blocks) == 4


def test_hostile_text_is_escaped_in_every_widget(atlas, tmp_path, monkeypatch):
    """Scenario name, description, block names and kommune labels from the data reach widget HTML escaped."""
    import ipywidgets as w
    from reformkit.workbench.view import Workbench
    payload = '<img src=x onerror="alert(1)">'
    sc = rk.load_scenario(SCENARIO, atlas)
    blocks = [rk.Block(f"{b.name} {payload}" if i == 1 else b.name, b.centre, b.members, b.cooperation)
              for i, b in enumerate(sc.blocks)]
    sc = sc.replaced(name=f"Navn {payload}", description=payload, blocks=blocks)
    names = atlas.kommuner["kommunenavn_kort"].astype(object).copy()
    names["1557"] = f"Gjemnes {payload}"
    kommuner = atlas.kommuner.copy()
    kommuner["kommunenavn_kort"] = names
    monkeypatch.setattr(atlas, "kommuner", kommuner)
    session = Session(sc, atlas=atlas, folder=tmp_path)
    wb = Workbench(session)
    ui = wb.widget
    session.move("1557", "Nordmøre", "merge")
    wb._kommune.value = "1557"      # its block's cooperation panel names it too
    wb._refresh()
    html = [x.value for x in _walk(ui) if isinstance(x, w.HTML)]
    assert "Samarbeidet i Nordmøre" in wb._cooperation.value
    joined = "\n".join(html)
    assert "onerror" in joined and "<img" not in joined.replace("<img src", "")
    assert payload not in joined


def test_the_selected_kommunes_block_shows_its_cooperation(atlas, tmp_path):
    """Selecting a kommune shows its block's cooperation: form, services, each member's share and kroner; an
    edit that moves a cooperating kommune changes the members and their shares."""
    from reformkit.workbench.view import Workbench
    wb = Workbench(Session(rk.load_scenario(SCENARIO, atlas), atlas=atlas, folder=tmp_path))
    wb.widget
    wb._kommune.value = "1566"      # Surnadal, cooperating in Nordmøre
    panel = wb._cooperation.value
    assert "Samarbeidet i Nordmøre" in panel and "Surnadal" in panel and "Barnevern, andel" in panel
    shares = re.findall(r"<td>Surnadal</td><td>[^<]*</td><td>[^<]*</td><td>([0-9,]+) %</td>", panel)
    assert len(shares) == 1
    wb._run(lambda: wb.session.move("1576", "Romsdal", "cooperate"))       # Aure leaves: Surnadal's share rises
    after = re.findall(r"<td>Surnadal</td><td>[^<]*</td><td>[^<]*</td><td>([0-9,]+) %</td>", wb._cooperation.value)
    assert float(after[0].replace(",", ".")) > float(shares[0].replace(",", "."))
    wb._kommune.value = "1506"      # Molde: its own block now, with Aure among the cooperating members
    assert "Samarbeidet i Romsdal" in wb._cooperation.value and "Aure" in wb._cooperation.value


def test_a_stale_echo_from_the_map_is_corrected_once_and_a_click_still_selects(atlas, tmp_path):
    """A map view that finishes drawing reports the parameters its spec had (no kommune outlined, the first
    assignment). The map sends what Python wants back once: no recursion, no storm of messages (that storm
    once swallowed clicks in the hall). A click after it still selects the kommune in the controls."""
    from reformkit.workbench.view import Workbench
    wb = Workbench(Session(rk.load_scenario(SCENARIO, atlas), atlas=atlas, folder=tmp_path))
    wb.widget
    chart = wb.map.widget
    spec_values = {name: p["value"] for p in chart.spec["params"] if (name := p["name"]) in ("assign", "picked")}
    wb._kommune.value = "1547"                                                 # Aukra outlined
    wb._run(lambda: wb.session.move("1576", "Romsdal", "cooperate"))          # the assignment changes
    wanted = dict(chart._params)
    assert wanted["picked"] == "1547" and wanted["assign"] != spec_values["assign"]
    sent = []
    chart.send_state = lambda key=None: sent.append(dict(chart._params))
    chart.set_state({"_params": spec_values})                                  # the stale echo
    assert sent == [wanted] and chart._params == wanted
    assert chart.params.picked == "1547" and chart.params.assign == wanted["assign"]
    sent.clear()
    chart.set_state({"_params": wanted})                                       # a current echo: nothing to send
    assert sent == []
    store = [{"unit": "view_0", "fields": [{"type": "E", "field": "kommunenummer"}], "values": ["1557"]}]
    signal = {"kommunenummer": ["1557"], "vlPoint": {"or": [{"kommunenummer": "1557"}]}}   # as Vega sends it
    chart.set_state({"_vl_selections": {"pick": {"value": signal, "store": store}}})
    assert wb._kommune.value == "1557"                                         # Gjemnes chosen by a click


def test_comparison_is_built_once_and_updated_by_each_edit(atlas, tmp_path):
    """With an option pinned, each edit updates the comparison's widgets instead of making new ones; a reload
    (a proposal) redraws once, not again for the horizon and projection controls it sets."""
    from reformkit.workbench.view import Workbench
    wb = Workbench(Session(rk.load_scenario(SCENARIO, atlas), atlas=atlas, folder=tmp_path))
    wb.widget
    wb._pin.value = True
    row = wb._compare_box.children[0]
    tables = []
    for code in ("1557", "1576"):
        wb._run(lambda: wb.session.move(code, "Romsdal", "merge"))
        assert wb._compare_box.children == (row,)
        tables.append(wb._compare_table.value)
    assert tables[0] != tables[1] and "Gjemnes" not in wb._pinned_label.value
    calls = []
    refresh = wb._refresh
    wb._refresh = lambda rebuild=False: (calls.append(rebuild), refresh(rebuild=rebuild))
    wb._horizon.value = 2035
    wb._run(lambda: wb.session.from_proposal("15", 3), rebuild=True)
    assert wb.session.scenario.horizon != 2035 and wb._horizon.value == wb.session.scenario.horizon
    assert calls == [False, True]       # the slider's own edit, then the reload alone


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_evaluate_reuses_untouched_blocks_economy(atlas):
    sc = rk.load_scenario(SCENARIO, atlas)
    first = rk.evaluate(sc, atlas)
    moved = rk.evaluate(sc.moved("Gjemnes", to_block="Nordmøre", track="merge"), atlas)
    assert moved.economy["Søre Sunnmøre"] is first.economy["Søre Sunnmøre"]      # reused, not recomputed
    assert moved.economy["Nordmøre"] is not first.economy["Nordmøre"]
    from reformkit.economy import block_economy
    from reformkit.evaluate import scenario_parameters
    fresh = block_economy(moved.scenario, atlas.kommuner, moved.population_by_kommune,
                          moved.scenario.block("Nordmøre"), scenario_parameters(moved.scenario).economy)
    assert fresh == moved.economy["Nordmøre"]


# ---- the command and its server --------------------------------------------------------------------------------
@pytest.mark.parametrize("port", ["0", "65536", "-1", "http"])
def test_workshop_rejects_a_bad_port(port, capsys):
    from reformkit.cli import main
    assert main(["workshop", "--port", port]) == 2
    assert "port" in capsys.readouterr().err


def test_workshop_rejects_a_bad_scenario(capsys):
    from reformkit.cli import main
    assert main(["workshop", "no-such-file.yaml"]) == 2
    assert "no-such-file.yaml" in capsys.readouterr().err


def test_host_pattern_matches_only_the_allowed_hosts():
    pattern = re.compile(host_pattern(["localhost", "127.0.0.1", "[::1]"]))
    assert pattern.match("localhost") and pattern.match("127.0.0.1") and pattern.match("[::1]")
    assert not pattern.match("evil.example") and not pattern.match("localhost.evil.example")
    assert not pattern.match("127.0.0.10")


@pytest.mark.slow
def test_workshop_command_serves_the_workbench(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "reformkit.cli", "workshop", "--port", str(port), "--folder",
                             str(tmp_path)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    family: list[int] = []
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
        assert "Traceback" not in html and "cdn.jsdelivr" not in html
        family = descendants(proc.pid)
        assert any("ipykernel" in _cmdline(p) for p in family)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=40) == 0
    time.sleep(0.5)
    assert not [p for p in family if Path(f"/proc/{p}").exists()]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""
