"""HTML that reformkit writes itself: escaping, safe Markdown, and jinja2 templates (index page, tables, notes).

Every piece of user or data text that reaches HTML — scenario names and descriptions, block names, kommune
labels from an imported mirror — goes through :func:`escape` or is rendered by :func:`markdown_html`, which
escapes any raw HTML inside the Markdown. Nothing a scenario file contains can run script in a report or the
workshop.

Templates live in ``reformkit/resources/templates/``; a project overrides one by placing a file of the same
name in ``<project>/templates/`` (:func:`reformkit.paths.template_file`). The report page template itself is
nbconvert's (see :mod:`reformkit.report`), not rendered here.

Every ``{{ value }}`` is escaped (autoescape). The escaping spells quotes as the standard library's
:func:`html.escape` does (``&quot;``, ``&#x27;``), not as markupsafe does (``&#34;``, ``&#39;``), so pages keep
the bytes they had before they were templated. Trusted HTML is passed as :class:`markupsafe.Markup`.
"""
from __future__ import annotations

import functools
import html
from typing import Any, Callable

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup

from .errors import ReformkitError

#: MIME types a report notebook's outputs carry beside their HTML (written by :mod:`reformkit.narrative` and
#: :mod:`reformkit.charts`, read by :mod:`reformkit.report` for the Excel and figure exports).
TABLE_MIME = "application/vnd.reformkit.table+json"   # a table's raw values
CHART_MIME = "application/vnd.reformkit.chart+json"   # a chart's Vega-Lite spec
from .paths import template_file


def _escape(value: Any) -> Markup:
    return value if isinstance(value, Markup) else Markup(html.escape(str(value)))


def escape(text: Any) -> str:
    """``text`` safe to put into HTML (``&``, ``<``, ``>`` and quotes escaped); trusted Markup passes as is.

    >>> escape('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return str(_escape(text))


@functools.cache
def _markdown():
    import mistune
    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def markdown_html(text: str) -> str:
    """Markdown rendered to HTML with every raw HTML tag in it escaped, so text built from a scenario's names
    and descriptions shows as text and never runs.

    >>> markdown_html("**Blokk** <script>alert(1)</script>")
    '<p><strong>Blokk</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\\n'
    """
    return _markdown()(str(text))


def _load(name: str) -> tuple[str, str, Callable[[], bool]]:
    path = template_file(name)
    try:
        text, mtime = path.read_text(encoding="utf-8"), path.stat().st_mtime
    except OSError as exc:
        raise ReformkitError(f"{path}: cannot read the template ({exc.strerror or exc})") from None
    # reloaded when the file changes or a project override appears
    return text, str(path), lambda: template_file(name) == path and path.stat().st_mtime == mtime


@functools.cache
def environment() -> Environment:
    """The jinja2 environment: project-overridable templates, autoescape, block tags on their own lines."""
    return Environment(loader=FunctionLoader(_load), autoescape=True, finalize=_escape, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(name: str, **context: Any) -> str:
    """Render the template ``name`` (e.g. ``"index.html.j2"``) with ``context``."""
    return environment().get_template(name).render(**context)
