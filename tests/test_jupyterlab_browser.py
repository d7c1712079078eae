"""The scenario report notebook run live in JupyterLab, in headless Chromium with no network: every chart (altair's
``JupyterChart`` with Vega from the widget's own bundle) draws, no cell fails, nothing is logged as an error and
no request leaves the machine. The Voilà side is ``tests/test_workshop_browser.py``.

Set ``REFORMKIT_SCREENSHOTS`` to a folder to keep a screenshot.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from chromium import (chromium, free_port, outside_requests, screenshot, skip_without_chromium, wait_for_port,
                      wait_until)
from reformkit.paths import SCENARIOS_DIR, notebook_file

pytestmark = [pytest.mark.slow, pytest.mark.integration]

skip_without_chromium()


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
    port = free_port()
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
    if not wait_for_port(port, proc, 90):
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
    with chromium(loopback=True, window="1366,900", logs=("browser", "performance")) as drv:
        yield drv


def test_report_notebook_draws_its_charts_in_jupyterlab_offline(lab, driver):
    nb = nbformat.read(notebook_file("scenario_report.ipynb"), as_version=4)
    n_charts = sum("charts." in c.source and c.cell_type == "code" and "charts.setup" not in c.source
                   for c in nb.cells)
    driver.get(f"{lab['url']}/lab/tree/rapport.ipynb")
    wait_until(driver, "return window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell') !== null", 120)
    wait_until(driver, "const k = document.querySelector('.jp-Notebook-ExecutionIndicator, .jp-KernelStatus');"
                  "return window.jupyterapp.shell.currentWidget && "
                  "window.jupyterapp.shell.currentWidget.sessionContext.session !== null && "
                  "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel !== null;", 120)
    driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells');")
    # every code cell has run (an execution count) and the kernel is idle again
    wait_until(driver, """const nb = window.jupyterapp.shell.currentWidget, cells = nb.content.model.cells;
                     const counts = Array.from({length: cells.length}, (_, i) => cells.get(i))
                       .filter(c => c.type === 'code').map(c => c.executionCount);
                     return counts.length > 0 && counts.every(n => n) &&
                       nb.sessionContext.session.kernel.status === 'idle';""", 300)
    drawn = wait_until(driver, f"""const n = document.querySelectorAll('.jp-OutputArea .vega-embed svg').length;
                              return n >= {n_charts} ? n : 0;""", 120)
    print(f"\n{drawn} charts drawn in JupyterLab ({n_charts} chart cells)")
    driver.execute_script("document.querySelector('.jp-OutputArea .vega-embed').scrollIntoView();")
    time.sleep(0.5)
    screenshot(driver, "lab-report")
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
    outside = outside_requests(driver, lab["url"], f"ws://127.0.0.1:{lab['port']}")
    assert not outside, outside
