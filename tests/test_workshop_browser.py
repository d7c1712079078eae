"""`reformkit workshop` in headless Chromium with no network: click a kommune on the map, move it, see the table
change (timed), undo, pin and compare, save and download; no console errors, no request leaving the machine;
hostile scenario and block names stay text; a foreign Host header is refused; the kernel of a closed tab is
culled; SIGTERM leaves no process behind.

Set ``REFORMKIT_SCREENSHOTS`` to a folder to keep screenshots (1366×768) of each stage.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from chromium import (chromium, free_port, outside_requests, screenshot, skip_without_chromium, wait_for_port,
                      wait_until)
from reformkit.paths import PROJECT_ROOT, SCENARIOS_DIR
from reformkit._proc import descendants

pytestmark = [pytest.mark.slow, pytest.mark.integration]

skip_without_chromium()

PAYLOAD = '<img src=x onerror="window.__rk_pwned=1">'


@pytest.fixture(scope="module")
def hostile_scenario(tmp_path_factory) -> Path:
    """Møre og Romsdal with four blocks, its name, description and one block name carrying script."""
    doc = yaml.safe_load((SCENARIOS_DIR / "more-og-romsdal-4.yaml").read_text(encoding="utf-8"))
    doc["name"] = f"Møre {PAYLOAD}"
    doc["description"] = f"Beskrivelse <script>window.__rk_pwned=2</script> {PAYLOAD}"
    doc["blocks"][1]["name"] = f"Søre {PAYLOAD}"
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(hostile_scenario, tmp_path_factory):
    """`reformkit workshop` on a free port with a working folder; stopped with SIGTERM at the end, which must
    leave no process behind."""
    port, folder = free_port(), tmp_path_factory.mktemp("work")
    proc = subprocess.Popen([sys.executable, "-m", "reformkit.cli", "workshop", str(hostile_scenario), "--port",
                             str(port), "--folder", str(folder), "--closed-seconds", "3"],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    wait_for_port(port, proc)
    info = {"port": port, "folder": folder, "proc": proc, "url": f"http://127.0.0.1:{port}/"}
    yield info
    family = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    time.sleep(0.5)
    left = [p for p in family if Path(f"/proc/{p}").exists()]
    assert not left, f"processes left after SIGTERM: {left}"


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    with chromium(loopback=True, logs=("browser", "performance"),
                  downloads=tmp_path_factory.mktemp("downloads")) as drv:
        drv.set_window_size(1366, 768)
        yield drv


def _wait(driver, script: str, timeout: float = 60.0):
    return wait_until(driver, script, timeout, lambda: f"summary table now:\n{_summary(driver)}")


def _button(driver, label: str):
    return _wait(driver, f"""return Array.from(document.querySelectorAll('button')).find(
        b => b.innerText.trim() === {json.dumps(label)} && b.offsetParent !== null && !b.disabled);""")


def _summary(driver) -> str:
    return driver.execute_script("const t = document.querySelector('.rkw-table'); return t ? t.innerText : '';")


def _row(driver, block: str) -> str:
    return driver.execute_script(f"""return Array.from(document.querySelectorAll('.rkw-table tr')).map(
        r => r.innerText).find(t => t.startsWith({json.dumps(block)})) || '';""")


def _click_and_time(driver, label: str) -> float:
    """Click a button and return the milliseconds until the summary table changed (MutationObserver)."""
    button = _button(driver, label)
    return driver.execute_async_script("""
        const [button, done] = arguments;
        const table = document.querySelector('.rkw-table').closest('.widget-html-content');
        const t0 = performance.now();
        const obs = new MutationObserver(() => { obs.disconnect(); done(performance.now() - t0); });
        obs.observe(table, {childList: true, subtree: true, characterData: true});
        button.click();""", button)


def test_workshop_in_the_browser(server, driver):
    driver.set_script_timeout(60)
    driver.get(server["url"])
    _wait(driver, "return document.querySelectorAll('.rk-workbench .vega-embed svg path').length > 20", 120)
    _wait(driver, "return document.querySelector('.rkw-table') !== null")
    time.sleep(1.0)
    screenshot(driver, "1-start")

    # a click on Gjemnes on the map selects it in the controls
    from selenium.webdriver.common.action_chains import ActionChains
    path = _wait(driver, """return Array.from(document.querySelectorAll('.vega-embed path[aria-label]')).find(
        p => /Gjemnes/.test(p.getAttribute('aria-label')));""")
    ActionChains(driver).move_to_element(path).click().perform()
    _wait(driver, "return Array.from(document.querySelectorAll('select')).some(s => s.value === 'Gjemnes' || "
                  "(s.selectedOptions[0] && s.selectedOptions[0].text === 'Gjemnes'))", 30)

    # move it to Nordmøre: the table changes, with the change against the start shown
    before = _row(driver, "Nordmøre")
    from selenium.webdriver.support.ui import Select
    Select(driver.execute_script("""return Array.from(document.querySelectorAll('.widget-dropdown')).find(
        d => d.innerText.startsWith('Til blokk')).querySelector('select');""")).select_by_visible_text("Nordmøre")
    time.sleep(0.5)
    ms = _click_and_time(driver, "Flytt")
    print(f"\nclick to updated table: {ms:.0f} ms")
    _wait(driver, "return document.querySelector('.rkw-table').innerText.includes('Gjemnes') || true")
    after = _wait(driver, "const r = Array.from(document.querySelectorAll('.rkw-table tr')).map(r => r.innerText)"
                          ".find(t => t.startsWith('Nordmøre')); return r && r.includes('(+') ? r : null;")
    assert after != before
    assert ms < 1500, ms   # goal 400 ms (measured and printed); the bound leaves room for a loaded CI machine
    screenshot(driver, "2-moved")

    # undo brings the starting figures back
    _button(driver, "Angre").click()
    _wait(driver, "const r = Array.from(document.querySelectorAll('.rkw-table tr')).map(r => r.innerText)"
                  ".find(t => t.startsWith('Nordmøre')); return r && !r.includes('(+');")

    # pin, move again, compare
    _button(driver, "Fest som alternativ A").click()
    time.sleep(0.5)
    _button(driver, "Gjør om").click()
    _wait(driver, "return document.body.innerText.includes('Alternativ A (festet) og B (nå)')", 30)
    _wait(driver, "return document.querySelectorAll('.vega-embed svg').length >= 4", 60)
    screenshot(driver, "3-compare")
    driver.execute_script("document.querySelector('.rkw-table').scrollIntoView();")
    screenshot(driver, "3b-summary-and-comparison")
    driver.execute_script("window.scrollTo(0, 0);")

    # save into the working folder under a new name, and download the YAML
    tab = driver.execute_script("""return Array.from(document.querySelectorAll('.lm-TabBar-tab')).find(
        t => t.innerText.trim() === 'Lagre');""")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", tab)
    ActionChains(driver).move_to_element(tab).click().perform()
    name_box = _wait(driver, "return document.querySelector('.rkw-save-name input');")
    name_box.send_keys("Gjemnes til Nordmøre")
    desc = driver.execute_script("return document.querySelector('.rkw-save-desc textarea');")
    desc.send_keys("Prøver Gjemnes i Nordmøre.")
    time.sleep(0.5)
    _button(driver, "Lagre i arbeidsmappen").click()
    saved = server["folder"] / "gjemnes-til-nordmore.yaml"
    _wait(driver, "return document.body.innerText.includes('gjemnes-til-nordmore.yaml')", 30)
    doc = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert doc["name"] == "Gjemnes til Nordmøre" and doc["description"] == "Prøver Gjemnes i Nordmøre."
    _button(driver, "Last ned YAML").click()
    link = _wait(driver, "return document.querySelector('a.rkw-download');", 30)
    link.click()
    deadline = time.time() + 20
    while time.time() < deadline and not list(driver.downloads.glob("*.yaml")):
        time.sleep(0.2)
    files = list(driver.downloads.glob("*.yaml"))
    assert [f.name for f in files] == ["gjemnes-til-nordmore.yaml"]
    assert yaml.safe_load(files[0].read_text(encoding="utf-8"))["name"] == "Gjemnes til Nordmøre"
    screenshot(driver, "4-saved")

    # the hostile names were shown as text, never run
    assert driver.execute_script("return window.__rk_pwned") is None
    assert PAYLOAD in driver.execute_script("return document.body.innerText")

    severe = [m for m in driver.get_log("browser") if m["level"] == "SEVERE"]
    assert not severe, severe
    outside = outside_requests(driver, server["url"][:-1], f"ws://127.0.0.1:{server['port']}")
    assert not outside, outside


def test_foreign_host_is_refused(server):
    request = urllib.request.Request(server["url"], headers={"Host": f"evil.example:{server['port']}"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=30)
    assert err.value.code == 403


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_closed_tab_kernel_is_culled(server, driver):
    """After the page is left, its kernel goes within the closed-tab timeout (3 s) plus the cull interval."""
    driver.get("about:blank")
    deadline = time.time() + 60
    kernels = ["?"]
    while time.time() < deadline and kernels:
        kernels = [p for p in descendants(server["proc"].pid) if "ipykernel" in _cmdline(p)]
        time.sleep(1)
    assert not kernels
