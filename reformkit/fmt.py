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
