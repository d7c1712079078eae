"""Norwegian number formatting for user-facing text: no-break space between thousands, comma as decimal mark.

Every formatter prints a missing value (None, NaN of any float type, pandas' NA/NaT) as ``"–"``, and a
value that rounds to zero without a sign (never ``"-0,0"``). The thousands separator is the no-break space
U+00A0 (:data:`NBSP`), so a number such as ``5 550 203`` never wraps across lines in a report.

:func:`terminal_safe` is the one way text from files and data (kommune and block names, file names, error
messages quoting them) is made safe to print on a terminal.
"""
from __future__ import annotations

import math
import re
import sys

NBSP = "\u00a0"
MISSING = "–"


def _missing(value: object) -> bool:
    """None, a NaN of any float type (float, numpy float32/64, ...) or pandas' NA/NaT."""
    if value is None:
        return True
    pd = sys.modules.get("pandas")  # pd.NA exists only once pandas is loaded: no import for a mere check
    if pd is not None and (value is pd.NA or value is pd.NaT):
        return True
    try:
        return math.isnan(value)  # accepts anything with __float__: numpy scalars, Decimal
    except TypeError:
        return False


def signed(text: str, value: float) -> str:
    """``text`` (``value`` formatted) with a plus sign when ``value`` is positive and does not show as zero.

    >>> signed("1,5 %", 0.015), signed("0,0 %", 0.0001), signed("-2", -2.0)
    ('+1,5 %', '0,0 %', '-2')
    """
    return "+" + text if value > 0 and any(c in "123456789" for c in text) else text


def _unsigned_zero(text: str) -> str:
    """``"-0,0"`` -> ``"0,0"``: a value that rounds to zero has no sign."""
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def nb_int(value: float | int | None, sep: str = NBSP) -> str:
    """``5550203`` -> ``"5 550 203"`` (no-break spaces); missing -> ``"–"``.

    >>> nb_int(5550203).replace(NBSP, " "), nb_int(-0.4), nb_int(None), nb_int(float("nan"))
    ('5 550 203', '0', '–', '–')
    """
    if _missing(value):
        return MISSING
    return f"{int(round(value)):,}".replace(",", sep)


def nb_float(value: float | None, decimals: int = 1, sep: str = NBSP) -> str:
    """``1234.56`` -> ``"1 234,6"`` (no-break space); missing -> ``"–"``; ``-0.04`` -> ``"0,0"``.

    >>> nb_float(1234.56).replace(NBSP, " "), nb_float(-0.04), nb_float(-0.06), nb_float(2.5, 0)
    ('1 234,6', '0,0', '-0,1', '2')
    """
    if _missing(value):
        return MISSING
    text = f"{value:,.{decimals}f}"
    return _unsigned_zero(text.replace(",", "\x00").replace(".", ",").replace("\x00", sep))


def nb_pct(value: float | None, decimals: int = 1) -> str:
    """A share (0.123) as ``"12,3 %"``; missing -> ``"–"``.

    >>> nb_pct(0.123), nb_pct(-0.0001), nb_pct(float("nan"))
    ('12,3 %', '0,0 %', '–')
    """
    return MISSING if _missing(value) else f"{nb_float(value * 100, decimals)} %"


def nb_minutes(value: float | None) -> str:
    """Minutes rounded to whole minutes; missing -> ``"–"``.

    >>> nb_minutes(42.4), nb_minutes(1234.0).replace(NBSP, " "), nb_minutes(None)
    ('42 min', '1 234 min', '–')
    """
    return MISSING if _missing(value) else f"{nb_float(value, 0)} min"


def nb_signed_pct(value: float | None) -> str:
    """A change already in percent (1.5 means 1,5 %) with its sign; missing -> ``"–"``.

    >>> nb_signed_pct(8.24), nb_signed_pct(-1.4), nb_signed_pct(0.0), nb_signed_pct(0.04), nb_signed_pct(-0.04)
    ('+8,2 %', '-1,4 %', '0,0 %', '0,0 %', '0,0 %')
    """
    if _missing(value):
        return MISSING
    return signed(nb_float(value, 1), value) + " %"


def nb_mill(value: float | None) -> str:
    """Kroner in millions, ``"12,3 mill. kr"``; missing -> ``"–"``.

    >>> nb_mill(12_345_678), nb_mill(-5e6), nb_mill(-4e3), nb_mill(float("nan"))
    ('12,3 mill. kr', '-5,0 mill. kr', '0,0 mill. kr', '–')
    """
    return MISSING if _missing(value) else f"{nb_float(float(value) / 1e6, 1)} mill. kr"


def nb_signed_mill(value: float | None) -> str:
    """A change in kroner, in millions with its sign: ``"+12,3 mill. kr"``; one that rounds to zero has none.

    >>> nb_signed_mill(12_345_678), nb_signed_mill(-5e6), nb_signed_mill(4e3)
    ('+12,3 mill. kr', '-5,0 mill. kr', '0,0 mill. kr')
    """
    return MISSING if _missing(value) else signed(nb_mill(value), value)


#: Terminal escape sequences (CSI ``ESC [ ... final``, OSC ``ESC ] ... BEL/ST``, two-character ``ESC x``).
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?|\x9b[0-?]*[ -/]*[@-~]", re.S)
#: Control characters (C0, DEL, C1) and bidirectional overrides, which reorder what the reader sees.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str, keep: str = "\n\t") -> str:
    r"""``text`` with terminal escape sequences and control characters removed (those in ``keep`` stay), so a
    name from a file cannot recolour, move the cursor, retitle or clear the terminal it is printed on.

    >>> terminal_safe("Molde\x1b[2J\x1b]0;pwned\x07 \u202eabc\x9b31m\n")
    'Molde abc\n'
    """
    text = _ESCAPES.sub("", str(text))
    return _CONTROLS.sub(lambda m: m.group() if m.group() in keep else "", text)
