"""Norwegian number formatting for user-facing text: space as thousands separator, comma as decimal mark."""
from __future__ import annotations

import math

THIN = "\u00a0"  # no-break space keeps "5 550 203" on one line in reports


def nb_int(value: float | int | None, sep: str = " ") -> str:
    """``5550203`` -> ``"5 550 203"``; ``None``/NaN -> ``"–"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{int(round(value)):,}".replace(",", sep)


def nb_float(value: float | None, decimals: int = 1, sep: str = " ") -> str:
    """``1234.56`` -> ``"1 234,6"``; ``None``/NaN -> ``"–"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", sep)


def nb_pct(value: float | None, decimals: int = 1) -> str:
    """A share (0.123) as ``"12,3 %"``."""
    return "–" if value is None else f"{nb_float(value * 100, decimals)} %"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def nb_minutes(value: float | None) -> str:
    """Minutes rounded to whole minutes; ``None``/NaN -> ``"–"``.

    >>> nb_minutes(42.4), nb_minutes(1234.0), nb_minutes(None)
    ('42 min', '1 234 min', '–')
    """
    return "–" if _missing(value) else f"{nb_float(value, 0)} min"


def nb_signed_pct(value: float | None) -> str:
    """A change already in percent (1.5 means 1,5 %) with its sign; ``None``/NaN -> ``"–"``.

    >>> nb_signed_pct(8.24), nb_signed_pct(-1.4), nb_signed_pct(0.0)
    ('+8,2 %', '-1,4 %', '0,0 %')
    """
    return "–" if _missing(value) else ("+" if value > 0 else "") + nb_float(value, 1) + " %"


def nb_mill(value: float | None) -> str:
    """Kroner in millions, ``"12,3 mill. kr"``; ``None``/NaN -> ``"–"``.

    >>> nb_mill(12_345_678), nb_mill(-5e6), nb_mill(float("nan"))
    ('12,3 mill. kr', '-5,0 mill. kr', '–')
    """
    return "–" if _missing(value) else f"{nb_float(float(value) / 1e6, 1)} mill. kr"
