"""Small helpers shared by the scenario validators (parse.py, parse_cooperation.py)."""
from __future__ import annotations

import difflib
from typing import Any


def suggest(word: Any, options) -> str:
    """``"; did you mean 'x'?"`` for the closest option, or ``""``."""
    hits = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"; did you mean '{hits[0]}'?" if hits else ""


def kind(value: Any) -> str:
    """What a YAML value is, in words for messages."""
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def kommune_key(raw: Any) -> str | None:
    """A kommune reference as text (an unquoted YAML number 1505 -> '1505'); None if it cannot be one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return f"{raw:04d}" if 0 < raw < 10000 else str(raw)
    return raw if isinstance(raw, str) else None
