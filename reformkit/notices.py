"""Notices: facts for the reader (a warning, a figure that could not be computed, a caveat) as a code and its
values. The computing layers (population, economy, evaluate) return notices; only
:mod:`reformkit.narrative` turns them into Norwegian sentences (``narrative.notice_text``), so every word
lives in one layer and a machine reading the result document gets stable codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Notice:
    """A fact as ``code`` plus the ``values`` a sentence about it needs (JSON-ready).

    >>> Notice("population_held_after", {"year": 2040}).to_dict()
    {'code': 'population_held_after', 'year': 2040}
    """

    code: str
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The notice as a JSON object: ``{"code": ..., **values}``."""
        return {"code": self.code, **self.values}


def notice(code: str, **values: Any) -> Notice:
    """Shorthand: ``notice("not_contiguous", block="Nordmøre")``."""
    return Notice(code, dict(values))
