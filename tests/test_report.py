"""Batch rendering: validation before execution, failures isolated, offline HTML, identical bytes on re-render."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

from reformkit import report
from reformkit.cli import main
from reformkit.paths import SCENARIOS_DIR

pytestmark = pytest.mark.integration

GOOD = SCENARIOS_DIR / "more-og-romsdal-2.yaml"
CDN = re.compile(r"<script[^>]+src=|cdnjs|jsdelivr|unpkg|googleapis|mathjax|require\.js|https?://[^\"' ]+\.m?js\b",
                 re.IGNORECASE)


@pytest.fixture
def broken(tmp_path) -> Path:
    """A copy of a real scenario with a misspelt kommune (an error the loader must name)."""
    text = GOOD.read_text(encoding="utf-8").replace("Sula: merge", "Sulla: merge")
    path = tmp_path / "odelagt.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def strip_generated(text: str) -> str:
    lines = text.splitlines()
    marked = [i for i, line in enumerate(lines) if report.GENERATED_MARKER in line]
    assert len(marked) == 1, "exactly one marked generation-time line"
    return "\n".join(line for line in lines if report.GENERATED_MARKER not in line)


# ---- fast ------------------------------------------------------------------------------------------------------
def test_plan_validates_before_executing(broken, tmp_path):
    tasks, failures = report.plan([GOOD, broken], tmp_path / "out")
    assert [f.task.label for f in failures] == [str(broken)]
    assert "odelagt.yaml" in failures[0].error and "Sulla" in failures[0].error
    kinds = [(t.kind, t.out.name) for t in tasks]
    assert kinds == [("scenario", "more-og-romsdal-2.html"), ("county", "fylke-15.html")]  # one valid: no comparison
    assert tasks[0].parameters["scenario_path"] == str(GOOD.resolve())


def test_plan_adds_comparison_for_several(tmp_path):
    files = [GOOD, SCENARIOS_DIR / "more-og-romsdal-4.yaml"]
    tasks, failures = report.plan(files, tmp_path, county=False)
    assert not failures
    assert [t.kind for t in tasks] == ["scenario", "scenario", "compare"]
    assert tasks[-1].parameters["scenario_paths"] == [str(f.resolve()) for f in files]


def test_cli_broken_file_fails_alone_without_report(broken, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / "odelagt.html"
    stale.write_text("old report")
    code = main(["render", str(broken), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2                                             # an invalid scenario file is a user error
    assert "odelagt.yaml" in err and "Sulla" in err and "Traceback" not in err
    assert stale.read_text() == "old report"                    # a failed run writes nothing, overwrites nothing
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "odelagt.html"]
    index = (out / "index.html").read_text()
    assert "ikke laget" in index and "Sulla" in index


def test_cli_rejects_bad_jobs(capsys):
    assert main(["render", str(GOOD), "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_normalise_notebook_removes_run_specific_fields():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1")
    cell.execution_count = 7
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=7)]
    cell.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00", "duration": 0.1}
    cell.metadata["execution"] = {"iopub.execute_input": "2026"}
    nb.cells = [cell]
    nb.metadata["papermill"] = {"start_time": "x"}
    report.normalise_notebook(nb)
    assert cell.id == "cell-0" and cell.execution_count is None and cell.outputs[0]["execution_count"] is None
    assert "papermill" not in cell.metadata and "execution" not in cell.metadata and "papermill" not in nb.metadata


def test_html_template_has_no_cdn_and_inlines_vega():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tittel $x$"), nbformat.v4.new_code_cell("print(1)")]
    body, _ = report._exporter().from_notebook_node(nb, resources={
        "reformkit_js": "window.vegaEmbed=function(){};", "reformkit_generated": report.generated_line(),
        "metadata": {"name": "t"}})
    assert not CDN.search(body), CDN.search(body)
    assert "window.vegaEmbed" in body
    assert "print(1)" not in body                      # code hidden
    strip_generated(body)


def _index_before_templates(outcomes, generated: str) -> str:
    """The index page as write_index built it by hand before templates/index.html.j2 (the byte oracle)."""
    import html
    parts = []
    for kind, heading in {"scenario": "Scenarioer", "compare": "Sammenligning", "county": "Fylkesoversikter"}.items():
        items = [o for o in outcomes if o.task.kind == kind]
        if not items:
            continue
        parts.append(f"<h2>{heading}</h2>\n<ul>")
        for o in items:
            name = html.escape(o.task.title or o.task.label)
            if o.ok:
                parts.append(f'<li><a href="{html.escape(o.task.out.name)}">{name}</a> '
                             f'<span class="src">({html.escape(Path(o.task.label).name)})</span></li>')
            else:
                parts.append(f'<li class="fail"><strong>{name}</strong>: ikke laget. '
                             f'<span class="err">{html.escape(o.error or "")}</span></li>')
        parts.append("</ul>")
    body = "\n".join(parts) if parts else "<p>Ingen rapporter.</p>"
    style = ("body { font-family: system-ui, sans-serif; max-width: 900px; margin: 2em auto; line-height: 1.5; "
             "color: #222; }\nli.fail { color: #a00; } .err { font-family: monospace; font-size: 90%; } "
             ".src { color: #777; }\np.rk-generated { color: #777; font-size: 85%; }")
    return (f'<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n<title>Reformkit – rapporter</title>\n'
            f"<style>\n{style}\n</style>\n</head>\n<body>\n<h1>Scenariorapporter</h1>\n{body}\n{generated}\n"
            "</body>\n</html>\n")


def test_index_template_keeps_the_bytes(tmp_path):
    task = report.Task
    outcomes = [
        report.Outcome(task("scenario", "dir/a.yaml", "x", {}, tmp_path / "a.html", "Møre & \"Romsdal\" <4>"), 1.0),
        report.Outcome(task("scenario", "b'.yaml", "x", {}, tmp_path / "b.html"), 0.0, "b'.yaml: 'Sulla' <ukjent> & \"x\""),
        report.Outcome(task("county", "fylke 15", "x", {}, tmp_path / "fylke-15.html", "Fylkesoversikt 15"), 1.0),
        report.Outcome(task("compare", "s", "x", {}, tmp_path / "sammenligning.html", "Sammenligning"), 1.0),
    ]
    generated = report.generated_line()
    for subset in (outcomes, outcomes[1:2], outcomes[2:], []):
        text = report.write_index(tmp_path, subset, generated=generated).read_text(encoding="utf-8")
        assert text == _index_before_templates(subset, generated)


def test_index_lists_reports_and_failures(tmp_path):
    ok = report.Outcome(report.Task("scenario", "a.yaml", "x", {}, tmp_path / "a.html", "Scenario A"), 1.0, None, 10)
    bad = report.Outcome(report.Task("scenario", "b.yaml", "x", {}, tmp_path / "b.html"), 0.0, "b.yaml: feil <her>")
    cmp_ = report.Outcome(report.Task("compare", "s", "x", {}, tmp_path / "sammenligning.html", "Sammenligning"), 1.0)
    path = report.write_index(tmp_path, [ok, bad, cmp_])
    text = path.read_text()
    assert '<a href="a.html">Scenario A</a>' in text and '<a href="sammenligning.html">' in text
    assert "feil &lt;her&gt;" in text and 'href="b.html"' not in text
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    strip_generated(text)


# ---- slow: real papermill runs ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_kernel_is_this_interpreter(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys; print(sys.executable)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "k.ipynb"
    nbformat.write(nb, path)
    import papermill as pm
    out = pm.execute_notebook(str(path), None, kernel_name=report.KERNEL_NAME, progress_bar=False,
                              extra_arguments=report.KERNEL_ARGS)
    assert out.cells[0].outputs[0]["text"].strip() == sys.executable


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One good and one broken scenario rendered in one batch (the good one for real)."""
    root = tmp_path_factory.mktemp("render")
    bad = root / "odelagt.yaml"
    bad.write_text(GOOD.read_text(encoding="utf-8").replace("Sula: merge", "Sulla: merge"), encoding="utf-8")
    out = root / "out"
    res = report.render_batch([GOOD, bad], out, jobs=1, county=False, compare=False, progress=False)
    return root, out, res


@pytest.mark.slow
def test_batch_renders_good_and_reports_broken(batch):
    root, out, res = batch
    assert [o.ok for o in res.outcomes] == [False, True]
    assert "Sulla" in res.failures[0].error
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "more-og-romsdal-2-figurer", "more-og-romsdal-2.html",
                                                     "more-og-romsdal-2.xlsx", "reformkit-manifest.json"]
    html = (out / "more-og-romsdal-2.html").read_text(encoding="utf-8")
    assert (out / "more-og-romsdal-2.html").stat().st_size <= 5 * 1024 * 1024
    assert "Møre og Romsdal – to tyngdepunkter" in html
    assert not CDN.search(html)
    assert html.count('class="rk-chart"') >= 6
    assert "rk.load_scenario" not in html          # code cells hidden
    assert "Traceback" not in html
    assert "window.vegaEmbed" in html


@pytest.mark.slow
def test_rerender_gives_identical_bytes_except_generated_line(batch):
    root, out, _ = batch
    again = root / "again"
    res = report.render_batch([GOOD], again, jobs=1, county=False, compare=False, progress=False)
    assert not res.failures
    a = (out / "more-og-romsdal-2.html").read_text(encoding="utf-8")
    b = (again / "more-og-romsdal-2.html").read_text(encoding="utf-8")
    assert strip_generated(a) == strip_generated(b)
    assert not list(again.glob(".*"))                # no temporary files left behind
    # the exports too: the workbook (fixed dates) and every figure
    assert (out / "more-og-romsdal-2.xlsx").read_bytes() == (again / "more-og-romsdal-2.xlsx").read_bytes()
    for svg in (out / "more-og-romsdal-2-figurer").iterdir():
        assert svg.read_bytes() == (again / "more-og-romsdal-2-figurer" / svg.name).read_bytes(), svg.name


@pytest.mark.slow
def test_failing_notebook_is_reported_and_others_continue(tmp_path, monkeypatch):
    """A scenario that loads but fails inside the notebook gives an error naming the cell's exception."""
    bad_nb = tmp_path / "bad.ipynb"
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell("scenario_path = ''\noffline = False")
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, nbformat.v4.new_code_cell("raise ValueError('kaputt ' + scenario_path[-20:])")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, bad_nb)
    nb.cells[1] = nbformat.v4.new_code_cell("print('ok', scenario_path[-4:])")
    good_nb = tmp_path / "good.ipynb"
    nbformat.write(nb, good_nb)
    bad = report.Task("scenario", "x.yaml", str(bad_nb), {"scenario_path": str(GOOD)}, tmp_path / "x.html")
    good = report.Task("scenario", "y.yaml", str(good_nb), {"scenario_path": str(GOOD)}, tmp_path / "y.html")
    outcomes = [report.run_task(t) for t in (bad, good)]
    assert outcomes[0].error.startswith("bad.ipynb: ValueError: kaputt") and not (tmp_path / "x.html").exists()
    assert outcomes[1].ok and "ok yaml" in (tmp_path / "y.html").read_text()


@pytest.mark.slow
def test_error_output_without_failed_cell_fails_the_report(tmp_path):
    """An exception inside a display formatter only prints a traceback in Jupyter; the report must fail."""
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell("offline = False")
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, nbformat.v4.new_code_cell(
        "class Bad:\n    def _repr_html_(self):\n        raise ValueError('tegnefeil')\nBad()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "bad_display.ipynb"
    nbformat.write(nb, path)
    outcome = report.run_task(report.Task("scenario", "x", str(path), {}, tmp_path / "x.html"))
    assert outcome.error == "bad_display.ipynb: ValueError: tegnefeil"
    assert not (tmp_path / "x.html").exists()


@pytest.mark.slow
def test_project_notebook_overrides_the_packaged_one_and_runs_in_the_project(tmp_path, monkeypatch):
    """A bare notebook name is looked up in the project's notebooks/ first; the kernel runs in the project."""
    project = tmp_path / "projekt"
    (project / "notebooks").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell("offline = False")
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, nbformat.v4.new_code_cell("import os\nprint('egen notatbok i', os.getcwd())")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, project / "notebooks" / report.SCENARIO_NOTEBOOK)
    monkeypatch.setenv("REFORMKIT_PROJECT_DIR", str(project))
    out = report.render_notebook(report.SCENARIO_NOTEBOOK, {}, tmp_path / "r.html")
    assert f"egen notatbok i {project.resolve()}" in out.read_text(encoding="utf-8")


def test_scenario_names_never_collide_with_generated_pages(tmp_path):
    files = []
    for stem in ("index", "sammenligning", "fylke-15"):
        f = tmp_path / f"{stem}.yaml"
        f.write_text((SCENARIOS_DIR / "more-og-romsdal-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        files.append(f)
    tasks, failures = report.plan(files, tmp_path / "out")
    names = [t.out.name for t in tasks]
    assert not failures and len(names) == len(set(names))
    assert {"scenario-index.html", "scenario-sammenligning.html", "scenario-fylke-15.html"} <= set(names)


def _table_before_templates(df) -> str:
    """narrative.table_html as it was before templates/table.html.j2 (the byte oracle)."""
    import html
    from reformkit.narrative.common import _looks_numeric
    from reformkit.narrative.labels import hyphenated
    num = ' class="num"'
    numeric = [all(_looks_numeric(v) for v in df[c]) for c in df.columns]
    # headers now carry soft hyphens where a long word may break in print (labels.HYPHENATION)
    head = "".join(f'<th{num if n else ""}>{html.escape(hyphenated(c) if isinstance(c, str) else str(c))}</th>'
                   for c, n in zip(df.columns, numeric))
    rows = "".join("<tr>" + "".join(f'<td{num if n else ""}>{html.escape(str(v))}</td>' for v, n in zip(row, numeric))
                   + "</tr>" for row in df.itertuples(index=False))
    return f'<table class="rk-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def test_table_and_note_templates_keep_the_bytes():
    import html

    import pandas as pd

    from reformkit.narrative import note_html, table_html
    frames = [
        pd.DataFrame({"Kommune": ["Ålesund", "Sula & \"Giske\"", "O'Hara <b>"], "Innbyggere": ["67 114", "9 500", "–"],
                      "Endring": ["+1,5 %", "-0,3 %", "0,0 %"], 3: [1, 2.5, None], "Tom": ["", " ", "x"]}),
        pd.DataFrame({"A": [], "B": []}),
        pd.DataFrame({"Blokk": ["Nordmøre"], "Reisetid": ["1\u00a0234 min"], "Kostnad": ["12,3 mill. kr"]}),
    ]
    for df in frames:
        assert table_html(df) == _table_before_templates(df)
    text = "Økonomi ikke beregnet for: \"A\" & 'B' <c>"
    assert note_html(text) == f'<div class="rk-note">{html.escape(text)}</div>'


# ---- every rendered report kind in Norwegian (issue 15) --------------------------------------------------------
#: English words that are no Norwegian words, and codes that must be worded (projection alternatives, tracks).
ENGLISH = {"the", "and", "with", "which", "this", "that", "these", "is", "are", "was", "were", "of", "not", "be",
           "threshold", "merge", "cooperate", "cooperation", "assumptions", "economy", "main", "low", "high",
           "population", "travel", "block", "blocks", "unknown", "none", "true", "false", "nan", "null", "error",
           "warning", "computed", "missing", "saving", "savings", "cost", "costs", "share", "shares", "total",
           "year", "years", "chart", "entries", "its", "from", "into", "should", "would", "could", "have", "has",
           "been", "also", "than", "then", "when", "where", "denmark"}
#: Raw keys: snake_case names and dotted parameter paths ("cooperation.saving_per_service_per_kommune").
RAW_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b(?:assumptions|cooperation|economy|travel|projection|"
                     r"criteria|params|scenario)\.[a-z_]+")


def _visible_text(page: Path) -> str:
    """What a reader sees: the page without scripts, styles and comments, plus every text of its exported
    figures (the SVG export draws the same charts the page draws)."""
    import html as html_
    text = re.sub(r"<script.*?</script>|<style.*?</style>|<!--.*?-->", " ", page.read_text(encoding="utf-8"), flags=re.S)
    parts = [html_.unescape(re.sub(r"<[^>]+>", " ", text))]
    figures = page.with_name(page.stem + "-figurer")
    for svg in sorted(figures.glob("*.svg")) if figures.is_dir() else []:
        parts += [html_.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg.read_text(encoding="utf-8"), re.S)]
    return " ".join(parts).replace("\u00ad", "")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["more-og-romsdal-2.html", "more-og-romsdal-4.html", "sammenligning.html",
                                  "fylke-15.html", "kommune-1837.html", "index.html"])
def test_every_report_kind_is_norwegian(rendered_reports, name):
    """No English words and no raw parameter keys in the text or the charts of any report kind (the issue
    found "20 000 is also the threshold of Denmark's …", "alternativ «main»" and
    "sett cooperation.saving_per_service_per_kommune … i scenarioets assumptions")."""
    text = _visible_text(rendered_reports / name)
    assert len(text) > 200
    english = sorted({w for w in re.findall(r"[A-Za-zÆØÅæøå']+", text) if w.lower() in ENGLISH})
    assert not english, f"{name}: English words {english}"
    raw = sorted(set(RAW_KEY.findall(text)))
    assert not raw, f"{name}: raw keys {raw}"
    cells = re.findall(r"<td[^>]*>(?:<span[^>]*></span>)?([^<]*)</td>", (rendered_reports / name).read_text(encoding="utf-8"))
    english_numbers = [c for c in cells if re.fullmatch(r"[-+]?\d+\.\d+( %| min)?", c.strip())]
    figures = (rendered_reports / name).with_name(Path(name).stem + "-figurer")
    for svg in sorted(figures.glob("*.svg")) if figures.is_dir() else []:
        english_numbers += [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8"))
                            if re.search(r"\d\.\d", t)]
    assert not english_numbers, f"{name}: numbers with a decimal point, not a comma: {english_numbers[:5]}"
    assert 'lang="nb"' in (rendered_reports / name).read_text(encoding="utf-8")[:300]


def test_the_word_check_finds_what_the_issue_found():
    text = ("20 000 is also the threshold of Denmark's 2007 reform, alternativ «main»; sett "
            "cooperation.saving_per_service_per_kommune i scenarioets assumptions")
    assert {w.lower() for w in re.findall(r"[A-Za-zÆØÅæøå']+", text)} & ENGLISH >= {"is", "the", "threshold", "main"}
    assert RAW_KEY.findall(text) == ["cooperation.saving_per_service_per_kommune"]


# ---- render targets, names, manifest (issues 15 and 16) -------------------------------------------------------
def _copy(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    return dest


def test_report_names_are_unique_before_rendering(tmp_path):
    files = [_copy(GOOD, tmp_path / "x" / "a.yaml"), _copy(GOOD, tmp_path / "a-2.yaml"),
             _copy(GOOD, tmp_path / "y" / "a.yaml")]
    tasks, failures = report.plan(files, tmp_path / "out", county=False, compare=False)
    assert not failures
    assert [t.out.name for t in tasks] == ["a.html", "a-2.html", "a-3.html"]
    assert report.unique_names(["a", "a", "a-2", "a"]) == ["a", "a-3", "a-2", "a-4"]


def test_only_scenarios_of_the_same_area_are_compared(tmp_path):
    mr = [SCENARIOS_DIR / "more-og-romsdal-2.yaml", SCENARIOS_DIR / "more-og-romsdal-4.yaml"]
    tasks, _ = report.plan(mr + [SCENARIOS_DIR / "reform-2020.yaml"], tmp_path, county=False)
    compares = [t for t in tasks if t.kind == "compare"]
    assert len(compares) == 1 and compares[0].parameters["scenario_paths"] == [str(p.resolve()) for p in mr]
    other = _copy(SCENARIOS_DIR / "reform-2020.yaml", tmp_path / "annen.yaml")
    tasks, _ = report.plan(mr + [SCENARIOS_DIR / "reform-2020.yaml", other], tmp_path, county=False)
    assert sorted(t.out.name for t in tasks if t.kind == "compare") == [
        "sammenligning-15-2024.html", "sammenligning-landet-2019.html"]


def test_fylke_and_kommune_targets(tmp_path):
    tasks, _ = report.plan([], tmp_path, fylker=["15", 46, "Nordland"], kommuner=["1837", "Molde"])
    assert [(t.kind, t.out.name, t.parameters) for t in tasks] == [
        ("county", "fylke-15.html", {"fylkesnummer": "15", "borders": 2024}),
        ("county", "fylke-46.html", {"fylkesnummer": "46", "borders": 2024}),
        ("county", "fylke-18.html", {"fylkesnummer": "18", "borders": 2024}),
        ("kommune", "kommune-1837.html", {"kommunenummer": "1837"}),
        ("kommune", "kommune-1506.html", {"kommunenummer": "1506"})]
    every, _ = report.plan([], tmp_path, fylker=["all"])
    assert len(every) == 15 and all(t.kind == "county" for t in every)


def test_cli_render_user_errors_exit_2_at_once(tmp_path, capsys):
    import time
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    t0 = time.perf_counter()
    assert main(["render", str(GOOD), "--out", str(blocker / "rapporter")]) == 2     # --out cannot be made
    assert "--out" in capsys.readouterr().err
    assert main(["render", "--fylke", "99"]) == 2 and "99" in capsys.readouterr().err
    assert main(["render", "--kommune", "Atlantis"]) == 2 and "Atlantis" in capsys.readouterr().err
    assert main(["render", "--out", str(tmp_path)]) == 2 and "ingenting" in capsys.readouterr().err
    assert time.perf_counter() - t0 < 20                 # nothing was rendered
    assert not list(tmp_path.glob("*.html"))


def test_index_lists_every_report_of_the_manifest(tmp_path):
    """An earlier run's reports stay in the index (the folder's manifest), not just this run's."""
    from reformkit.report import manifest
    (tmp_path / "gammel.html").write_text("<html></html>")
    doc = {"version": manifest.VERSION, "reports": {
        "gammel.html": {"kind": "county", "title": "Fylkesoversikt: Nordland", "source": "fylke 18", "key": "x",
                        "exports": ["gammel.xlsx"], "bytes": 13, "meta": {}},
        "borte.html": {"kind": "scenario", "title": "Slettet", "source": "b.yaml", "key": "y", "exports": [],
                       "bytes": 1, "meta": {}}}}
    manifest.save(tmp_path, doc)
    res = report.render_batch([], tmp_path, progress=False)
    index = res.index.read_text(encoding="utf-8")
    assert '<a href="gammel.html">Fylkesoversikt: Nordland</a>' in index
    assert "Slettet" not in index                        # its page is gone


def test_inputs_key_follows_every_input(tmp_path, monkeypatch):
    from reformkit.report import manifest
    scenario = _copy(GOOD, tmp_path / "s.yaml")
    task = report.plan([scenario], tmp_path / "out", county=False)[0][0]
    key = manifest.task_key(task)
    assert manifest.task_key(task) == key                                    # stable
    scenario.write_text(scenario.read_text(encoding="utf-8") + "\n# endret\n", encoding="utf-8")
    assert manifest.task_key(task) != key                                    # the scenario's bytes
    key = manifest.task_key(task)
    task.parameters["horizon"] = 2050
    assert manifest.task_key(task) != key                                    # the parameters
    key = manifest.task_key(task)
    cache = tmp_path / "cache"
    (cache / "core").mkdir(parents=True)
    (cache / "core" / "manifest.json").write_text("{}")
    monkeypatch.setenv("REFORMKIT_DATA_DIR", str(cache))
    assert manifest.task_key(task) != key                                    # the data cache's generation


@pytest.mark.slow
def test_an_unchanged_batch_renders_nothing(rendered_reports):
    """The same inputs into the same folder: every report is skipped, in well under 2 s, files untouched."""
    import time
    before = {p.name: p.stat().st_mtime_ns for p in rendered_reports.glob("*.html") if p.name != "index.html"}
    t0 = time.perf_counter()
    res = report.render_batch([SCENARIOS_DIR / "more-og-romsdal-2.yaml", SCENARIOS_DIR / "more-og-romsdal-4.yaml"],
                              rendered_reports, jobs=2, fylker=["15"], kommuner=["1837"], progress=False)
    assert time.perf_counter() - t0 < 2.0
    assert res.outcomes and all(o.skipped and o.ok for o in res.outcomes)
    assert before == {p.name: p.stat().st_mtime_ns for p in rendered_reports.glob("*.html") if p.name != "index.html"}


def _descendants(root: int) -> set[int]:
    """Every process below ``root`` (from /proc), found through each process's parent."""
    parent = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parent[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            pass
    found, todo = set(), [root]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        found.update(kids)
        todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl+C", "SIGINT to the main process", "SIGKILL"])
def test_an_interrupt_stops_a_parallel_render_cleanly(tmp_path, how):
    """Stopping `reformkit render --jobs 2` while both workers run a kernel — SIGTERM, Ctrl+C (SIGINT to the
    whole process group), SIGINT to the main process alone, or SIGKILL — leaves no worker or kernel behind
    and no partial file; SIGTERM and SIGINT end with one Norwegian line and exit 143 / 130, and the next run
    into the same folder works."""
    import os
    import signal
    import subprocess
    import time
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "reformkit.cli", "render", str(GOOD), str(SCENARIOS_DIR / "more-og-romsdal-4.yaml"),
           "--out", str(out), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    seen: set[int] = set()
    kernels: list[int] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(kernels) < 2:
        seen |= _descendants(proc.pid)
        kernels = [p for p in seen if _alive(p) and "ipykernel" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")]
        time.sleep(0.2)
    assert len(kernels) >= 2, "two kernels never started"
    time.sleep(1.0)
    seen |= _descendants(proc.pid)
    if how == "Ctrl+C":
        os.killpg(proc.pid, signal.SIGINT)          # what a terminal sends: the whole foreground group
    else:
        proc.send_signal({"SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}.get(how, signal.SIGINT))
    _, err = proc.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in seen):
        time.sleep(0.1)
    assert not [p for p in seen if _alive(p)], f"processes left behind: {err}"
    assert not list(out.glob("*.html"))
    if how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
        return
    assert proc.returncode == (143 if how == "SIGTERM" else 130), err
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("Rapporter")]
    assert len(lines) == 1 and "avbrutt" in lines[0] and "Traceback" not in err, err
    assert not [p.name for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    if how == "SIGTERM":
        again = subprocess.run([sys.executable, "-m", "reformkit.cli", "render", "--kommune", "1837", "--out",
                                str(out)], capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert (out / "kommune-1837.html").is_file() and (out / "index.html").is_file()


@pytest.mark.slow
def test_notebooks_run_from_jupyterlab_as_they_are(tmp_path):
    """JupyterLab runs a notebook in notebooks/, with the parameters cell's defaults; papermill's ``-p``
    passes numbers as numbers. The county notebook also runs on 2019 borders."""
    import papermill as pm
    from reformkit.paths import notebook_file, project_dir
    runs = [("scenario_report.ipynb", {}), ("county_overview.ipynb", {"fylkesnummer": 46}),
            ("county_overview.ipynb", {"fylkesnummer": "15", "borders": 2019})]
    for name, params in runs:
        nb = pm.execute_notebook(str(notebook_file(name)), str(tmp_path / name), parameters=params,
                                 kernel_name=report.KERNEL_NAME, progress_bar=False,
                                 cwd=str(project_dir() / "notebooks"), extra_arguments=report.KERNEL_ARGS)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, (name, params, errors)


def test_export_mime_types_match_what_the_notebooks_display():
    """report.render reads the MIME types the narrative's tables and the offline charts write (one definition in
    reformkit._html, so a batch with nothing to do imports neither altair nor pandas)."""
    from reformkit import narrative
    from reformkit.charts import embed
    from reformkit.report import render
    assert render.TABLE_MIME == narrative.TABLE_MIME and render.CHART_MIME == embed.CHART_MIME


def test_workbook_cells_are_numbers_with_formats():
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from reformkit.narrative import table
    from reformkit.report.exports import workbook_bytes
    df = pd.DataFrame({"Kommune": ["Ålesund", "Smøla"], "Nr.": ["1508", "1573"], "Innbyggere": ["67\u00a0114", "2\u00a0098"],
                       "Endring": ["+1,5 %", "-0,3 %"], "Reisetid": ["87 min", "–"], "Kostnad": ["12,3 mill. kr", "ikke beregnet"],
                       "År": [2024, 2024]})
    wb = load_workbook(io.BytesIO(workbook_bytes([table(df, "Kommuner: [test]").export()], "Tittel")))
    ws = wb[wb.sheetnames[0]]
    assert wb.sheetnames == ["Kommuner- -test-"]                       # characters Excel forbids replaced
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["Kommune", "Nr.", "Innbyggere", "Endring", "Reisetid", "Kostnad", "År"]
    assert rows[1] == ["Ålesund", "1508", 67114, 0.015, 87, 12.3, 2024]   # a kommunenummer stays text
    assert rows[2] == ["Smøla", "1573", 2098, -0.003, None, "ikke beregnet", 2024]
    assert ws["C2"].number_format == "#,##0" and "%" in ws["D2"].number_format
    assert ws["F2"].number_format == '#,##0.0" mill. kr"' and ws["E2"].number_format == '#,##0" min"'
    assert workbook_bytes([table(df, "A").export()], "T") == workbook_bytes([table(df, "A").export()], "T")


def test_kommune_profile_takes_a_kostra_file(tmp_path, capsys):
    kostra = Path(__file__).parent / "fixtures" / "kostra_meloy_2022.csv"
    tasks, _ = report.plan([], tmp_path, kommuner=["Meløy"], kostra=kostra)
    assert tasks[0].parameters == {"kommunenummer": "1837", "kostra_csv": str(kostra.resolve())}
    assert tasks[0].inputs == [str(kostra.resolve())]           # a changed file renders the profile again
    assert main(["render", "--fylke", "15", "--kostra", str(kostra), "--out", str(tmp_path)]) == 2
    assert "--kostra" in capsys.readouterr().err
