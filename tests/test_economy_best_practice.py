"""Beste praksis: the Meløy worked example of domain.md reproduced exactly, and the function's edges."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import reformkit as rk
from reformkit.economy import best_practice, expenditure_corrected
from reformkit.errors import DataError

FIXTURE = Path(__file__).parent / "fixtures" / "best_practice_meloy_2022.csv"
REFERENCES = ["Sunndal", "Saltdal", "Midtre Gauldal"]


@pytest.fixture(scope="module")
def meloy():
    return pd.read_csv(FIXTURE, comment="#", index_col="service_area")


def test_meloy_total_matches_published(meloy):
    res = rk.best_practice(meloy, "Meløy", REFERENCES, inhabitants=6212)
    assert res.attrs["total"] == -170_923_180
    assert res["potential"].sum() == -170_923_180
    assert len(res) == 12


def test_meloy_administration_and_best_kommuner(meloy):
    res = best_practice(meloy, "Meløy", REFERENCES, inhabitants=6212).set_index("service_area")
    assert res.at["Administrasjon og styring", "potential"] == -23_642_872
    assert res.at["Administrasjon og styring", "gap"] == 5534 - 9340
    assert res.at["Barnehage", "best_kommune"] == "Saltdal"
    # where Meløy itself is best, the gap is 0 and Meløy is named
    for area in ("Barnevern", "Kirke", "Plan, miljø"):
        assert res.at[area, "best_kommune"] == "Meløy"
        assert res.at[area, "potential"] == 0


def test_long_table_and_errors(meloy):
    long = meloy.reset_index().melt(id_vars="service_area", var_name="kommune",
                                    value_name="kr_per_inhabitant")
    res = best_practice(long, "Meløy", REFERENCES, inhabitants=6212)
    assert res.attrs["total"] == -170_923_180
    with pytest.raises(DataError, match="Bodø"):
        best_practice(meloy, "Meløy", ["Bodø"], inhabitants=1)
    with pytest.raises(DataError, match="reference"):
        best_practice(meloy, "Meløy", ["Meløy"], inhabitants=1)


def test_reference_cheaper_everywhere_gives_negative_potential():
    t = pd.DataFrame({"A": [100.0, 50.0], "B": [80.0, 60.0]}, index=["x", "y"])
    res = best_practice(t, "A", ["B"], inhabitants=10)
    assert res["potential"].tolist() == [-200.0, 0.0]
    assert res["best_kommune"].tolist() == ["B", "A"]


def test_expenditure_corrected_divides_by_index():
    kostra = pd.DataFrame({"kommunenummer": ["1820", "1820"], "year": [2022, 2023],
                           "service_area": ["Helse", "Helse"], "kr_per_inhabitant": [5000.0, 6000.0]})
    index = pd.DataFrame({"kommunenummer": ["1820"], "year": [2022], "index": [1.25]})
    out = expenditure_corrected(kostra, index)
    assert out["kr_per_inhabitant"].tolist() == [4000.0]
