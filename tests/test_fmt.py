"""The shared formatters (reformkit.fmt) and the JSON number helper: their doctests and edge cases."""
from __future__ import annotations

import doctest

import numpy as np
import pytest

from reformkit import _io, fmt
from reformkit._io import json_number
from reformkit.evaluate import series
from reformkit.fmt import nb_mill, nb_minutes, nb_signed_pct


@pytest.mark.parametrize("module", [fmt, _io, series])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0


@pytest.mark.parametrize("f", [nb_minutes, nb_signed_pct, nb_mill])
def test_missing_values_are_a_dash(f):
    assert f(None) == "–"
    assert f(float("nan")) == "–"
    assert f(np.float64("nan")) == "–"


def test_numpy_and_int_inputs():
    assert nb_minutes(np.float64(66.81)) == "67 min"
    assert nb_signed_pct(np.float64(12.74)) == "+12,7 %"
    assert nb_mill(-5_000_000) == "-5,0 mill. kr"
    assert nb_mill(np.int64(1_250_000_000)) == "1 250,0 mill. kr"


def test_json_number():
    assert json_number(None) is None
    assert json_number(np.float64("nan"), 0) is None
    assert json_number(np.float32(0.25), 4) == 0.25
    assert str(json_number(-0.4, 0)) == "0.0"          # no "-0.0" in result documents
    assert json_number(-1234.567, 0) == -1235.0
    assert isinstance(json_number(3, 0), float)
