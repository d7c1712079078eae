"""The scenario report notebook run live in JupyterLab, in headless Chromium with no network: every chart (altair's
``JupyterChart`` with Vega from the widget's own bundle) draws, no cell fails, nothing is logged as an error and
no request leaves the machine. The Voilà side is ``tests/test_workshop_browser.py``.

Set ``REFORMKIT_SCREENSHOTS`` to a folder to keep a screenshot.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from reformkit.paths import SCENARIOS_DIR, notebook_file

pytestmark = [pytest.mark.slow, pytest.mark.integration]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
         "--proxy-server=127.0.0.1:9", "--window-size=1366,900"]
SHOTS = os.environ.get("REFORMKIT_SCREENSHOTS")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free port over a folder holding the scenario report notebook (parameters: Møre og
    Romsdal with four blocks, live charts), with the application exposed so the test can run its commands."""
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.read(notebook_file("scenario_report.ipynb"), as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = f'scenario_path = {str(SCENARIOS_DIR / "more-og-romsdal-4.yaml")!r}\noffline = False'
    nbformat.write(nb, root / "rapport.ipynb")
    # every cell kept in the page (Lab otherwise leaves cells out of view undrawn), no news prompt
    settings = root / ".settings"
    for plugin, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                           "apputils-extension/notification": {"fetchNews": "false"}}.items():
        path = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".config"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"),
           "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
                             "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
                             f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
                             "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                             "--LabApp.extension_manager=readonly", "--allow-root"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("JupyterLab did not start:\n" + proc.stdout.read().decode(errors="replace")[-3000:])
    yield {"url": f"http://127.0.0.1:{port}", "port": port}
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix="rk-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _wait(driver, script: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.5)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / "lab-timed-out.png"))
    raise AssertionError(f"timed out waiting for: {script}")


def test_report_notebook_draws_its_charts_in_jupyterlab_offline(lab, driver):
    nb = nbformat.read(notebook_file("scenario_report.ipynb"), as_version=4)
    n_charts = sum("charts." in c.source and c.cell_type == "code" and "charts.setup" not in c.source
                   for c in nb.cells)
    driver.get(f"{lab['url']}/lab/tree/rapport.ipynb")
    _wait(driver, "return window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell') !== null", 120)
    _wait(driver, "const k = document.querySelector('.jp-Notebook-ExecutionIndicator, .jp-KernelStatus');"
                  "return window.jupyterapp.shell.currentWidget && "
                  "window.jupyterapp.shell.currentWidget.sessionContext.session !== null && "
                  "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel !== null;", 120)
    driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells');")
    # every code cell has run (an execution count) and the kernel is idle again
    _wait(driver, """const nb = window.jupyterapp.shell.currentWidget, cells = nb.content.model.cells;
                     const counts = Array.from({length: cells.length}, (_, i) => cells.get(i))
                       .filter(c => c.type === 'code').map(c => c.executionCount);
                     return counts.length > 0 && counts.every(n => n) &&
                       nb.sessionContext.session.kernel.status === 'idle';""", 300)
    drawn = _wait(driver, f"""const n = document.querySelectorAll('.jp-OutputArea .vega-embed svg').length;
                              return n >= {n_charts} ? n : 0;""", 120)
    print(f"\n{drawn} charts drawn in JupyterLab ({n_charts} chart cells)")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.execute_script("document.querySelector('.jp-OutputArea .vega-embed').scrollIntoView();")
        time.sleep(0.5)
        driver.save_screenshot(str(Path(SHOTS) / "lab-report.png"))
    assert drawn >= n_charts >= 4
    errors = driver.execute_script("""const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
        return Array.from({length: cells.length}, (_, i) => cells.get(i)).filter(c => c.type === 'code')
          .flatMap(c => c.outputs.toJSON()).filter(o => o.output_type === 'error')
          .map(o => o.ename + ': ' + o.evalue);""")
    assert not errors, errors
    widget_errors = driver.execute_script(
        "return Array.from(document.querySelectorAll('.jp-OutputArea')).filter(e => "
        "/Error displaying widget|Loading widget\\.\\.\\./.test(e.innerText)).length;")
    assert widget_errors == 0
    severe = [m for m in driver.get_log("browser") if m["level"] == "SEVERE"]
    assert not severe, severe
    urls = [json.loads(m["message"])["message"].get("params", {}).get("request", {}).get("url", "")
            for m in driver.get_log("performance")]
    local = (lab["url"], f"ws://127.0.0.1:{lab['port']}", "data:", "blob:", "about:", "chrome:", "chrome-untrusted:")
    outside = [u for u in urls if u and not u.startswith(local)]
    assert not outside, outside
