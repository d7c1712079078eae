"""Showing charts: Norwegian number locale, the offline report renderer and the inlined Vega bundle.

Live (JupyterLab, Voilà) :func:`setup` shows each chart as altair's ``JupyterChart`` widget in offline mode:
Vega, Vega-Lite and vega-embed come from the bundle vl-convert ships, not from a CDN (altair 6's default
output loads them from the internet, and JupyterLab 4 renders only Vega-Lite 5 natively). In reports, :func:`setup` with ``offline=True`` switches
altair to a renderer that writes each chart as a ``<div>`` plus a small inline script calling ``vegaEmbed``
with a deterministic element id (``rk-chart-1``, ``rk-chart-2``, ...), so the same inputs give the same
HTML bytes. The Vega/Vega-Lite/vega-embed JavaScript itself is inlined once per report page by
:mod:`reformkit.report` (:func:`vega_bundle`), so reports open with no network.
"""
from __future__ import annotations

import json
from typing import Any

import altair as alt

from .._html import CHART_MIME
from .._io import write_text_atomic
from ..paths import cache_dir

#: d3-format locale for Norwegian bokmål: comma as decimal mark, no-break space between thousands.
FORMAT_LOCALE: dict[str, Any] = {
    "decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"],
}
#: d3-time-format locale (month and day names appear in no chart today, but keeps tooltips Norwegian).
TIME_FORMAT_LOCALE: dict[str, Any] = {
    "dateTime": "%A %e. %B %Y kl. %X", "date": "%d.%m.%Y", "time": "%H:%M:%S", "periods": ["", ""],
    "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    "shortDays": ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    "months": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
               "oktober", "november", "desember"],
    "shortMonths": ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"],
}
EMBED_OPTIONS: dict[str, Any] = {
    "actions": False,             # the action menu links to the online Vega editor
    "renderer": "svg",
    "formatLocale": FORMAT_LOCALE,
    "timeFormatLocale": TIME_FORMAT_LOCALE,
}
RENDERER = "reformkit-offline"
CHART_CLASS = "rk-chart"

_counter = {"n": 0}


def _dumps(obj: Any) -> str:
    """Deterministic JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def embed_html(spec: dict, element_id: str) -> str:
    """HTML for one chart: a div and an inline script that draws ``spec`` into it with ``vegaEmbed``.

    Errors are reported on the browser console (the browser test looks there).
    """
    return (f'<div class="{CHART_CLASS}" id="{element_id}"></div>\n'
            f'<script>(function(){{var spec={_dumps(spec)};var opt={_dumps(EMBED_OPTIONS)};'
            f'vegaEmbed("#{element_id}",spec,opt).catch(function(e){{console.error("reformkit chart "'
            f'+{_dumps(element_id)}+": "+e);}});}})();</script>')


def _offline_renderer(spec: dict, **metadata: Any) -> dict[str, Any]:
    _counter["n"] += 1
    return {"text/html": embed_html(spec, f"rk-chart-{_counter['n']}"), CHART_MIME: spec}


def _offline_bundle(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """IPython display of a chart in reports. Unlike altair's own display, which prints a traceback and shows
    nothing, an invalid chart raises, so the report fails with the error. The specs are checked against the
    schema in the test suite; skipping that here saves a few hundred milliseconds per report."""
    return _offline_renderer(chart.to_dict(validate=False, context={"pre_transform": False}))


alt.renderers.register(RENDERER, _offline_renderer)


def _mimebundle_formatter():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    ip = get_ipython()
    return ip.display_formatter.mimebundle_formatter if ip is not None else None


def setup(offline: bool = False) -> None:
    """Configure altair for reformkit charts; call once at the top of a notebook.

    ``offline=False`` (live use) shows charts as ``JupyterChart`` widgets that need no network (see the module
    docstring), with the Norwegian number locale; without anywidget, altair's default renderer.
    ``offline=True`` (batch reports) renders charts as self-contained HTML (see the module docstring) and
    restarts the chart id counter so every report numbers its charts from 1.
    """
    alt.data_transformers.disable_max_rows()
    formatter = _mimebundle_formatter()
    if offline:
        _counter["n"] = 0
        alt.renderers.enable(RENDERER)
        if formatter is not None:
            formatter.for_type(alt.TopLevelMixin, _offline_bundle)
    else:
        if formatter is not None:
            formatter.type_printers.pop(alt.TopLevelMixin, None)
        embed = {"formatLocale": FORMAT_LOCALE, "timeFormatLocale": TIME_FORMAT_LOCALE, "actions": False}
        try:
            import anywidget  # noqa: F401 - JupyterChart needs it
            # one call: set_embed_options would enable the renderer again without ``offline``
            alt.renderers.enable("jupyter", offline=True, embed_options=embed)
        except ImportError:
            alt.renderers.enable("default", embed_options=embed)


def vl_version() -> str:
    """The Vega-Lite version altair writes specs for, as vl-convert names it (e.g. ``"v6.4"``)."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"v{major}.{minor}"


def vega_bundle() -> str:
    """JavaScript defining ``window.vegaEmbed`` (with Vega and Vega-Lite), for one inline ``<script>``.

    Built by vl-convert (takes seconds) and kept in the data cache under ``assets/``, keyed on the
    vl-convert and Vega-Lite versions. Wrapped in a function so its top-level names stay private.
    """
    import vl_convert as vlc

    path = cache_dir() / "assets" / f"vega-embed-{vlc.__version__}-{vl_version()}.js"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    code = vlc.javascript_bundle(vl_version=vl_version())
    text = "(function(){\n" + code.replace("</script", "<\\/script") + "\n})();\n"
    write_text_atomic(path, text)
    return text
