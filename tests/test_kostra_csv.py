"""The KOSTRA file a user fills in: the template command, reading a filled file, and every problem named.

``fixtures/kostra_meloy_2022.csv`` is the template for Meløy and its three reference kommuner filled with the
figures of domain.md's beste-praksis table (KS-Konsulent's analysis of Meløy 2022): Meløy's figure and the
best-practice kommune's figure per area; every other cell is empty, as the published table gives no more.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from reformkit.cli import main
from reformkit.data.kostra import SERVICE_AREAS
from reformkit.data.kostra_csv import TEMPLATE_COLUMNS, kostra_template, read_kostra_csv
from reformkit.errors import DataError

FIXTURE = Path(__file__).parent / "fixtures" / "kostra_meloy_2022.csv"
KNOWN = {"1837", "1563", "1840", "5027", "0301"}


def test_template_has_a_row_per_kommune_and_area_and_reads_back_empty(tmp_path):
    text = kostra_template([("1837", "Meløy"), ("5027", "Midtre Gauldal")], 2024)
    lines = text.splitlines()
    assert lines[0] == ",".join(TEMPLATE_COLUMNS)
    assert len(lines) == 1 + 2 * len(SERVICE_AREAS)
    assert '1837,Meløy,"Plan, miljø",2024,' in lines
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    assert read_kostra_csv(path, KNOWN).empty      # an unfilled template is valid, and holds no figures


def test_fixture_reads_as_the_domain_table():
    frame = read_kostra_csv(FIXTURE, KNOWN)
    assert list(frame.columns) == ["kommunenummer", "year", "service_area", "kr_per_inhabitant"]
    meloy = frame[frame["kommunenummer"] == "1837"].set_index("service_area")["kr_per_inhabitant"]
    assert len(meloy) == 12 and meloy["Administrasjon og styring"] == 9340 and meloy["Plan, miljø"] == 803
    assert set(frame["kommunenummer"]) == {"1837", "1840", "5027"}     # Sunndal's cells are all empty
    assert set(frame["year"]) == {2022}


def test_spreadsheet_forms_are_read(tmp_path):
    """Semicolons, decimal commas, spaces in thousands, a lost leading zero, Windows encoding, any case."""
    path = tmp_path / "excel.csv"
    path.write_bytes("kommunenummer;kommunenavn;service_area;year;kr_per_inhabitant;merknad\n"
                     "301;Oslo;pleie og omsorg;2023;32 821,5;fra rapport\n"
                     "1837;Meløy;Kirke;2023;826\n".encode("cp1252"))
    frame = read_kostra_csv(path, KNOWN)
    assert frame["kommunenummer"].tolist() == ["0301", "1837"]
    assert frame["service_area"].tolist() == ["Pleie og omsorg", "Kirke"]
    assert frame["kr_per_inhabitant"].tolist() == [32821.5, 826.0]


def test_every_problem_names_file_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("kommunenummer,service_area,year,kr_per_inhabitant\n"
                    "1837,Helse,2022,5561\n"
                    "1837,Helsee,20x,abc\n"
                    "99,Kirke,,12\n"
                    "9999,Kirke,2022,1\n"
                    "1837,helse,2022,1\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_kostra_csv(path, KNOWN)
    problems = exc.value.problems
    assert len(problems) == 7
    assert all(p.startswith(f"{path}: row ") for p in problems)
    assert f"{path}: row 3, column service_area: 'Helsee' is not a service area" in problems[0]
    assert any("row 3, column kr_per_inhabitant: 'abc' is not a number" in p for p in problems)
    assert any("row 3, column year: '20x' is not a year" in p for p in problems)
    assert any("row 4, column kommunenummer: '99' is not a kommunenummer" in p for p in problems)
    assert any("row 5, column kommunenummer: no kommune has number 9999" in p for p in problems)
    assert problems[-1] == f"{path}: row 6: 1837 Helse 2022 is already given in row 2"


def test_missing_columns_are_one_clear_problem(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("kommune,område,kr\n1837,Helse,5561\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_kostra_csv(path)
    assert exc.value.problems == [f"{path}: row 1: missing column(s) kommunenummer, service_area, year, "
                                  f"kr_per_inhabitant (the header is {', '.join(TEMPLATE_COLUMNS)})"]


# ---- the command ---------------------------------------------------------------------------------------------------
@pytest.mark.integration
def test_template_command_writes_a_file_that_once_filled_checks(tmp_path, capsys):
    out = tmp_path / "kostra.csv"
    assert main(["kostra", "template", "--kommune", "1837", "--references", "1563", "Saltdal", "5027",
                 "-o", str(out)]) == 0
    assert "Skrev KOSTRA-mal for Meløy og 3 referansekommuner" in capsys.readouterr().out
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 4 * 12 and rows[1] == "1837,Meløy,Administrasjon og styring,,"
    # the same file must not be overwritten by accident: it may hold figures someone filled in
    assert main(["kostra", "template", "--kommune", "1837", "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    filled = [row if i == 0 else row[:-1] + f"2022,{1000 + i}" for i, row in enumerate(rows)]
    out.write_text("\n".join(filled) + "\n", encoding="utf-8")
    assert main(["kostra", "check", str(out), "--kommune", "Meløy"]) == 0
    assert "er i orden: 48 tall for 4 kommuner og 12 tjenesteområder (KOSTRA-år 2022)" in capsys.readouterr().out


@pytest.mark.integration
def test_check_command_exits_2_with_one_line_per_problem(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("kommunenummer,service_area,year,kr_per_inhabitant\n1837,Helsee,2022,5561\n"
                    "1837,Kirke,2022,x\n", encoding="utf-8")
    assert main(["kostra", "check", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"reformkit: {path}: 2 problems in the KOSTRA file"
    assert err[1].startswith(f"  - {path}: row 2, column service_area:")
    assert err[2] == f"  - {path}: row 3, column kr_per_inhabitant: 'x' is not a number of kroner"
    assert len(err) == 3


@pytest.mark.integration
def test_check_command_on_the_fixture(capsys):
    assert main(["kostra", "check", str(FIXTURE), "--kommune", "1837"]) == 0
    assert main(["kostra", "check", str(FIXTURE), "--kommune", "0301"]) == 2
    assert "no figures for kommune 0301" in capsys.readouterr().err


def test_a_folder_or_a_fifo_is_refused_with_its_name(tmp_path, capsys):
    import os
    fifo = tmp_path / "kostra.csv"
    os.mkfifo(fifo)     # reading must not wait for a writer
    assert main(["kostra", "check", str(fifo)]) == 2
    assert "kostra.csv" in capsys.readouterr().err
    assert main(["kostra", "check", str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err
