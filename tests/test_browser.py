"""Rendered reports in a real browser with no network: no console errors, every chart drew an SVG or canvas.

Uses Debian's chromium + chromedriver (installed by `make browser`), driven by selenium, with networking
disabled (unresolvable hosts and a dead proxy), opening the reports via file://.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from chromium import chromium, skip_without_chromium
from reformkit import report
from reformkit.paths import SCENARIOS_DIR

pytestmark = [pytest.mark.slow, pytest.mark.integration]

skip_without_chromium()


@pytest.fixture(scope="module")
def driver():
    with chromium(window="1280,1600") as drv:
        yield drv


@pytest.fixture(scope="module")
def rendered(rendered_reports):
    """Two scenario reports, their comparison, the county overview and a kommune profile (conftest.py)."""
    return rendered_reports


def _open(driver, path: Path, expect_charts: bool = True) -> tuple[list, list]:
    driver.get_log("browser")  # drop messages from earlier pages
    driver.get(path.as_uri())
    script = """return Array.from(document.querySelectorAll('.rk-chart')).map(
        e => [e.id, e.querySelectorAll('svg, canvas').length, Math.round(e.getBoundingClientRect().height)]);"""
    deadline = time.monotonic() + 20
    charts = driver.execute_script(script)
    while time.monotonic() < deadline and any(n == 0 for _, n, _ in charts) and expect_charts:
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
    assert sorted(h for h in links if h.endswith(".html")) == [
        "fylke-15.html", "kommune-1837.html", "more-og-romsdal-2.html", "more-og-romsdal-4.html", "sammenligning.html"]
    # each report's workbook and figures beside it
    assert "more-og-romsdal-4.xlsx" in links and "more-og-romsdal-4-figurer/" in links
    headings = driver.execute_script("return Array.from(document.querySelectorAll('li a')).map(a => a.innerText)")
    assert "Fylkesoversikt: Møre og Romsdal" in headings       # the county's name, not its number
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
        "return Array.from(document.querySelectorAll('table')).map(t => t.querySelector('th') ? "
        "t.querySelector('th').innerText.replace(/\\u00ad/g, '') : '')")
    assert tables.count("Deltaker") == 4 and tables.count("Kriterium") == 4
    text = driver.execute_script("return document.body.innerText")
    assert "Utmelding" in text and "Rådmannsdilemmaet" in text


# ---- hand-out quality (issue 15) -----------------------------------------------------------------------------
#: One report of each kind.
KINDS = ["more-og-romsdal-4.html", "sammenligning.html", "fylke-15.html", "kommune-1837.html"]
#: A4 minus the report's print margins (12 mm each side), in CSS pixels.
A4_TEXT_WIDTH = round((210 - 24) / 25.4 * 96)


def _print_pdf(driver, path: Path) -> bytes:
    import base64
    _open(driver, path)
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    return base64.b64decode(pdf["data"])


def _squeeze(text: str) -> str:
    """Text without spaces, hyphens and soft hyphens: how a word reads whatever line it broke over."""
    return "".join(c for c in text if not c.isspace() and c not in "-\u00ad")


def _text_on_the_page(reader) -> str:
    """The PDF's text that starts inside the paper (text drawn past the right edge is still in a PDF, cut)."""
    parts = []
    for page in reader.pages:
        width = float(page.mediabox.width)

        def visit(text, cm, tm, font, size, width=width):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            if -1 <= x <= width - 1:
                parts.append(text)
        page.extract_text(visitor_text=visit)
    return _squeeze(" ".join(parts))


def _tables(driver) -> list[list[str]]:
    return driver.execute_script("""return Array.from(document.querySelectorAll('table.rk-table')).map(
        t => Array.from(t.querySelectorAll('th')).map(th => th.innerText));""")


@pytest.mark.parametrize("name", KINDS)
def test_print_a4_cuts_no_table(driver, rendered, name, tmp_path):
    """Printed (A4, the report's own page style), every table fits the page: its right edge stays inside the
    text width in print layout, and every header word of every table is in the PDF's text (the issue: the
    tables were cut after "Innbyggere 2024")."""
    import io

    from pypdf import PdfReader
    pdf = _print_pdf(driver, rendered / name)
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)      # A4 in points, not Letter
    text = _text_on_the_page(reader)
    tables = _tables(driver)
    assert tables, "every kind of report has a table"
    # every piece of every header word (a long word may break at its soft hyphen) is printed on the paper
    pieces = {p.strip("-") for header in tables for cell in header for word in cell.split()
              for p in word.split("\u00ad") if p.strip("-")}
    missing = sorted(p for p in pieces if _squeeze(p) not in text)
    assert not missing, f"table headers cut off the printed page: {missing}"
    # the same in the browser's print layout at the A4 text width: no table wider than the page
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": A4_TEXT_WIDTH, "height": 1100, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        wide = driver.execute_script("""const w = document.documentElement.clientWidth;
            return Array.from(document.querySelectorAll('table.rk-table, .rk-chart svg')).map(
                e => [e.tagName, Math.round(e.getBoundingClientRect().right)]).filter(([t, r]) => r > w + 1);""")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not wide, wide


def _legend_colours(driver) -> list[dict[str, str]]:
    """Per chart legend titled "Blokk": {block: colour} as drawn in the SVG."""
    return driver.execute_script("""
        const out = [];
        for (const g of document.querySelectorAll('.rk-chart g.role-legend')) {
            const title = g.querySelector('.role-legend-title text');
            if (!title || title.textContent !== 'Blokk') continue;
            const labels = Array.from(g.querySelectorAll('.role-legend-label text')).map(t => t.textContent);
            const fills = Array.from(g.querySelectorAll('.role-legend-symbol path')).map(p => p.getAttribute('fill'));
            const m = {}; labels.forEach((l, i) => m[l] = fills[i]); out.push(m);
        }
        return out;""")


def test_map_charts_and_tables_give_each_block_one_colour(driver, rendered):
    """The map, the line charts and the tables' colour squares agree block by block (the map had Nordmøre
    blue while the charts had Nordre Sunnmøre blue)."""
    _open(driver, rendered / "more-og-romsdal-4.html")
    legends = _legend_colours(driver)
    assert len(legends) >= 3, legends            # the map, population per block, support ratio
    blocks = ["Nordre Sunnmøre", "Søre Sunnmøre", "Romsdal", "Nordmøre"]
    for legend in legends:
        assert set(legend) == set(blocks), legend
        assert legend == legends[0], (legend, legends[0])
    swatches = driver.execute_script("""return Array.from(document.querySelectorAll('td .rk-swatch')).map(
        s => [s.parentElement.innerText.trim(), getComputedStyle(s).backgroundColor]);""")
    def hex_(rgb: str) -> str:
        r, g, b = [int(v) for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
        return f"#{r:02x}{g:02x}{b:02x}"
    by_block = {name: hex_(colour) for name, colour in swatches if name in blocks}
    assert by_block == {b: legends[0][b].lower() for b in blocks}
    assert len(set(by_block.values())) == 4


def test_excel_export_opens_with_real_numbers(rendered):
    """Beside the report: an .xlsx (openpyxl opens it) whose sheets are the report's tables, numbers stored as
    numbers with Norwegian-style number formats, not as formatted text; and every chart as SVG and PNG."""
    from openpyxl import load_workbook

    from reformkit.fmt import nb_int
    wb = load_workbook(rendered / "more-og-romsdal-4.xlsx")
    assert wb.sheetnames[:2] == ["Blokker", "Kommuner etter reformen"]
    ws = wb["Blokker"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Blokk", "Senter", "Kommuner"] and "Innbyggere 2024" in header
    col = header.index("Innbyggere 2024") + 1
    rows = list(ws.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == ["Nordre Sunnmøre", "Søre Sunnmøre", "Romsdal", "Nordmøre"]
    cells = [r[col - 1] for r in rows]
    assert all(isinstance(c.value, (int, float)) and c.number_format == "#,##0" for c in cells)
    html = (rendered / "more-og-romsdal-4.html").read_text(encoding="utf-8")
    assert all(nb_int(c.value) in html for c in cells)          # the same figures as the page
    change = rows[0][header.index("Endring")]
    assert isinstance(change.value, float) and "%" in change.number_format
    figures = sorted(p.name for p in (rendered / "more-og-romsdal-4-figurer").iterdir())
    svgs = [f for f in figures if f.endswith(".svg")]
    assert svgs and [f.replace(".svg", ".png") for f in svgs] == [f for f in figures if f.endswith(".png")]
    assert svgs[0].startswith("01-blokker")
    assert (rendered / "more-og-romsdal-4-figurer" / svgs[0]).read_text(encoding="utf-8").startswith("<svg")


# ---- script injection (issue 16) ------------------------------------------------------------------------------
IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A real scenario whose name, description and block names carry script."""
    root = tmp_path_factory.mktemp("hostile")
    text = (SCENARIOS_DIR / "more-og-romsdal-2.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Møre og Romsdal – to tyngdepunkter", f"name: 'Fiendtlig {IMG} {SCRIPT}'", 1)
    text = text.replace("description: |\n", f"description: |\n  Beskrivelse {IMG} og {SCRIPT} her.\n", 1)
    text = text.replace("  - name: Sunnmøre", f"  - name: 'Sunnmøre {IMG}'", 1)
    text = text.replace("  - name: Romsdal og Nordmøre", f"  - name: 'Nordmøre {SCRIPT}'", 1)
    path = root / "fiendtlig.yaml"
    path.write_text(text, encoding="utf-8")
    out = root / "out"
    res = report.render_batch([path], out, jobs=1, county=False, compare=False, progress=False)
    assert not res.failures, [o.error for o in res.failures]
    return out


@pytest.mark.parametrize("page", ["fiendtlig.html", "index.html"])
def test_hostile_scenario_text_shows_literally_and_never_runs(driver, hostile, page):
    _, log = _open(driver, hostile / page, expect_charts=page != "index.html")
    time.sleep(0.5)   # an onerror handler would have fired by now
    assert driver.execute_script("return window.__pwned") is None
    text = driver.execute_script("return document.body.innerText")
    assert IMG in text and SCRIPT in text                           # shown as text, not swallowed
    if page != "index.html":
        assert f"Sunnmøre {IMG}" in text and f"Nordmøre {SCRIPT}" in text   # block names in headings and tables
        assert not [m for m in log if m["level"] == "SEVERE"]


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
