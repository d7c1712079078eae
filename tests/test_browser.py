"""Rendered reports in a real browser with no network: no console errors, every chart drew an SVG or canvas.

Uses Debian's chromium + chromedriver (installed by `make browser`), driven by selenium, with networking
disabled (unresolvable hosts and a dead proxy), opening the reports via file://.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from reformkit import report
from reformkit.paths import SCENARIOS_DIR

pytestmark = [pytest.mark.slow, pytest.mark.integration]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("chromium and chromedriver are not installed (run `make browser` as root: apt-get install "
                "chromium chromium-driver)", allow_module_level=True)

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--window-size=1280,1600"]


@pytest.fixture(scope="module")
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix="rk-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Two scenario reports and their county overview, rendered in parallel (two worker processes)."""
    out = tmp_path_factory.mktemp("browser")
    res = report.render_batch([SCENARIOS_DIR / "more-og-romsdal-2.yaml", SCENARIOS_DIR / "more-og-romsdal-4.yaml"],
                              out, jobs=2, compare=False, progress=False)
    assert not res.failures, [o.error for o in res.failures]
    return out


def _open(driver, path: Path, expect_charts: bool = True) -> tuple[list, list]:
    driver.get_log("browser")  # drop messages from earlier pages
    driver.get(path.as_uri())
    script = """return Array.from(document.querySelectorAll('.rk-chart')).map(
        e => [e.id, e.querySelectorAll('svg, canvas').length, Math.round(e.getBoundingClientRect().height)]);"""
    deadline = time.monotonic() + 20
    charts = driver.execute_script(script)
    while time.monotonic() < deadline and (not charts or any(n == 0 for _, n, _ in charts)) and expect_charts:
        time.sleep(0.2)
        charts = driver.execute_script(script)
    return charts, driver.get_log("browser")


@pytest.fixture
def stand_in_internet():
    """A real web server on this machine that stands in for the internet: it answers every request (with a
    script that sets ``window.remote``) and records it. Reachable unless the browser's network is off."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            body = b"window.remote = true;"
            self.send_response(200)
            self.send_header("Content-Type", "application/javascript")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_network_is_really_off(driver, stand_in_internet, tmp_path):
    """Guard: the browser set-up must not reach any network, or the offline test below proves nothing.

    The probe page runs a script beside it (file://, must work: the page and its scripts really load) and
    tries a script and a fetch from a real server on this machine plus a fetch from the internet (each must
    fail, and the server must never be asked). Without the network flags (the host-resolver rules and the dead
    proxy each block it) the loopback server answers, so this fails when the set-up lets the browser out, also
    on a machine that has no internet at all.
    """
    base, hits = stand_in_internet
    (tmp_path / "local.js").write_text("window.local = true;")
    (tmp_path / "probe.html").write_text(f"""<!doctype html><html><body>
<script src="local.js"></script>
<script src="{base}/script.js"></script>
<script>
  const settle = (name, url) => fetch(url).then(() => window[name] = 'loaded', () => window[name] = 'failed');
  settle('viaFetch', '{base}/fetch.json');
  settle('internet', 'https://cdn.jsdelivr.net/npm/vega@5');
</script></body></html>""")
    driver.set_page_load_timeout(30)
    driver.get((tmp_path / "probe.html").as_uri())
    probe = "return [window.local === true, window.remote === true, window.viaFetch, window.internet];"
    deadline = time.monotonic() + 30
    state = driver.execute_script(probe)
    while time.monotonic() < deadline and None in state:
        time.sleep(0.2)
        state = driver.execute_script(probe)
    assert state == [True, False, "failed", "failed"], state   # local ran; nothing remote did
    assert hits == [], f"the browser reached the stand-in internet: {hits}"


@pytest.mark.parametrize("name", ["more-og-romsdal-2.html", "more-og-romsdal-4.html", "fylke-15.html"])
def test_report_draws_every_chart_offline(driver, rendered, name):
    charts, log = _open(driver, rendered / name)
    assert len(charts) >= 4
    assert all(n >= 1 for _, n, _ in charts), charts
    assert all(h > 50 for _, _, h in charts), charts
    severe = [m for m in log if m["level"] == "SEVERE"]
    assert not severe, severe


def test_index_links_open(driver, rendered):
    _, log = _open(driver, rendered / "index.html", expect_charts=False)
    links = driver.execute_script("return Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    assert sorted(links) == ["fylke-15.html", "more-og-romsdal-2.html", "more-og-romsdal-4.html"]
    assert not [m for m in log if m["level"] == "SEVERE"]


def test_report_shows_each_blocks_cooperation(driver, rendered):
    """The 4-block scenario describes a cooperation in every block: the report shows, per block, the members'
    shares (a table headed "Deltaker"), the exit chart and the governance scorecard."""
    _open(driver, rendered / "more-og-romsdal-4.html")
    headings = driver.execute_script("return Array.from(document.querySelectorAll('h2, h3')).map(h => h.innerText)")
    assert any("Forpliktende samarbeid (spor 2)" in h for h in headings)
    for block in ("Nordre Sunnmøre", "Søre Sunnmøre", "Romsdal", "Nordmøre"):
        assert any(h.strip().startswith(block) for h in headings), (block, headings)
    tables = driver.execute_script(
        "return Array.from(document.querySelectorAll('table')).map(t => t.querySelector('th') ? t.querySelector('th').innerText : '')")
    assert tables.count("Deltaker") == 4 and tables.count("Kriterium") == 4
    text = driver.execute_script("return document.body.innerText")
    assert "Utmelding" in text and "Rådmannsdilemmaet" in text


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    """The kommune profile of Meløy, without KOSTRA (the plain "not computed" section)."""
    out = tmp_path_factory.mktemp("profile") / "meloy.html"
    return report.render_notebook("kommune_profile.ipynb", {"kommunenummer": "1837"}, out)


def test_kommune_profile_draws_its_charts_and_says_what_is_missing(driver, profile):
    charts, log = _open(driver, profile)
    assert len(charts) == 3 and all(n >= 1 and h > 50 for _, n, h in charts), charts   # pyramid, support, need
    assert not [m for m in log if m["level"] in ("SEVERE", "WARNING")], log
    text = driver.execute_script("return document.body.innerText")
    assert "Kommuneprofil: Meløy" in text and "Beste praksis er ikke beregnet" in text
    overflow = driver.execute_script(
        "return Array.from(document.querySelectorAll('table.rk-table')).filter(t => t.scrollWidth > "
        "t.parentElement.clientWidth + 1).length")
    assert overflow == 0      # every table fits the page width (1280 px window)
