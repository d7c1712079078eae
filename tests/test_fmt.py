"""The shared formatters (reformkit.fmt) and the JSON number helper: their doctests and edge cases."""
from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from reformkit import _io, fmt
from reformkit._io import json_number
from reformkit.evaluate import series
from reformkit.fmt import NBSP, nb_float, nb_int, nb_mill, nb_minutes, nb_pct, nb_signed_pct

FORMATTERS = [nb_int, nb_float, nb_pct, nb_minutes, nb_signed_pct, nb_mill]
MISSING = [None, float("nan"), np.float64("nan"), np.float32("nan"), np.float16("nan"), pd.NA, pd.NaT]


@pytest.mark.parametrize("module", [fmt, _io, series])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0


@pytest.mark.parametrize("f", FORMATTERS)
@pytest.mark.parametrize("value", MISSING, ids=repr)
def test_every_formatter_prints_missing_values_as_a_dash(f, value):
    # before: nb_pct(nan) gave "– %", nb_float(np.float32 nan) "nan", nb_int(np.float32 nan) raised
    assert f(value) == "–"


def test_missing_values_in_a_pandas_column():
    s = pd.Series([1234.5, None, np.nan], dtype="Float64")          # nullable: holds pd.NA
    assert s.map(nb_int).tolist() == [f"1{NBSP}234", "–", "–"]     # 1234.5 rounds half to even


def test_thousands_are_separated_by_a_no_break_space():
    assert nb_int(5_550_203) == "5\u00a0550\u00a0203"
    assert nb_float(1234.56) == "1\u00a0234,6" and nb_mill(1_250_000_000) == "1\u00a0250,0 mill. kr"
    assert nb_minutes(1234) == "1\u00a0234 min" and nb_pct(12.5) == "1\u00a0250,0 %"
    assert nb_int(5_550_203, sep=" ") == "5 550 203"                # a plain space on request (e.g. CSV)
    assert " " not in nb_signed_pct(1234.5).replace(" %", "")


@pytest.mark.parametrize("f, value, text", [
    (nb_float, -0.04, "0,0"), (nb_float, -0.004, "0,0"), (nb_float, -0.4, "-0,4"),
    (lambda v: nb_float(v, 0), -0.4, "0"), (nb_int, -0.4, "0"), (nb_pct, -0.0004, "0,0 %"),
    (nb_mill, -40_000, "0,0 mill. kr"), (nb_minutes, -0.3, "0 min"), (nb_signed_pct, -0.04, "0,0 %"),
    (nb_signed_pct, 0.04, "0,0 %"), (nb_signed_pct, 0.05, "+0,1 %"), (nb_float, np.float32(-0.01), "0,0"),
])
def test_a_value_that_rounds_to_zero_has_no_sign(f, value, text):
    assert f(value) == text


def test_numpy_and_int_inputs():
    assert nb_minutes(np.float64(66.81)) == "67 min"
    assert nb_signed_pct(np.float64(12.74)) == "+12,7 %"
    assert nb_mill(-5_000_000) == "-5,0 mill. kr"
    assert nb_mill(np.int64(1_250_000_000)) == f"1{NBSP}250,0 mill. kr"
    assert nb_int(np.float32(2.5)) == "2" and nb_float(np.float32(0.25), 2) == "0,25"
    assert nb_int(np.int64(1234)) == f"1{NBSP}234" and nb_pct(np.float32(0.5)) == "50,0 %"


def test_json_number():
    assert json_number(None) is None
    assert json_number(np.float64("nan"), 0) is None
    assert json_number(np.float32(0.25), 4) == 0.25
    assert str(json_number(-0.4, 0)) == "0.0"          # no "-0.0" in result documents
    assert json_number(-1234.567, 0) == -1235.0
    assert isinstance(json_number(3, 0), float)
