"""The kommune profile notebook rendered by papermill + nbconvert: Meløy with the user's KOSTRA file (the
kommune number given as an int, as ``papermill -p kommunenummer 1837`` passes it) and Smøla, a coastal
kommune with ferries, with no KOSTRA at all. ``render_notebook`` fails on any error a cell raises or displays."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from reformkit import report

pytestmark = [pytest.mark.slow, pytest.mark.integration]

FIXTURE = Path(__file__).parent / "fixtures" / "kostra_meloy_2022.csv"


def _text(path: Path) -> str:
    """The page's text, tags removed and entities resolved (numbers use no-break spaces)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_meloy_with_the_kostra_file(tmp_path):
    out = report.render_notebook("kommune_profile.ipynb", {"kommunenummer": 1837, "kostra_csv": str(FIXTURE),
                                                           "references": ["Sunndal", "Saltdal", "Midtre Gauldal"]},
                                 tmp_path / "meloy.html", title="Kommuneprofil Meløy")
    text = _text(out)
    assert "Kommuneprofil: Meløy" in text and "Nordland" in text
    assert "-170 923 180" in text and "Midtre Gauldal" in text          # the published total, and a reference
    assert "Ingen KOSTRA-tall for 2022 for Sunndal (1563)" in text
    assert "Beste praksis er ikke beregnet" not in text
    assert "Meløy + Gildeskål + Bodø" in text and "SSBs befolkningsframskriving er ikke hentet" in text


def test_smola_without_kostra_says_so(tmp_path):
    out = report.render_notebook("kommune_profile.ipynb", {"kommunenummer": "1573"}, tmp_path / "smola.html")
    text = _text(out)
    assert "Kommuneprofil: Smøla" in text and "Kristiansund" in text
    assert "Beste praksis er ikke beregnet: KOSTRA-tall er verken hentet eller lagt inn" in text
    assert "reformkit kostra template --kommune 1573 --references" in text
