"""Jinja2 for the HTML reformkit writes itself: the report index page, tables and notes.

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
from .paths import template_file


def _escape(value: Any) -> Markup:
    return value if isinstance(value, Markup) else Markup(html.escape(str(value)))


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
