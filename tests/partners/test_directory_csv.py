"""CSV output: formula-looking cells are neutralised, Excel gets a BOM."""

import csv
import io

import pytest

from partners.csv_io import csv_text, decode_upload, looks_like_formula, neutralise


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A3)", "'=SUM(A1:A3)"),
        ("+81 3 1234", "'+81 3 1234"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ("株式会社=サクラ", "株式会社=サクラ"),
        ("plain", "plain"),
        (None, ""),
        (12, "12"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_text_has_a_bom_and_neutralised_cells_round_trip():
    text = csv_text(["name", "note"], [["=1+1", "ok"], ["サクラ", "@x"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["name", "note"], ["'=1+1", "ok"], ["サクラ", "'@x"]]
    assert decode_upload(text.encode("utf-8")) == text.lstrip("\ufeff")


def test_looks_like_formula():
    assert looks_like_formula("=A1") and looks_like_formula("-1")
    assert not looks_like_formula("") and not looks_like_formula("A=1")
