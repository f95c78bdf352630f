"""CSV in and out: decoding uploads (UTF-8 with or without BOM, Shift_JIS/CP932) and writing
exports Excel opens (UTF-8 with BOM) with formula-looking cells neutralised."""

import csv
import io
import re
from collections.abc import Iterable

from django.http import HttpResponse

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
SUSPICIOUS = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ue000-\\uf8ff]")


class CsvDecodeError(ValueError):
    pass


def neutralise(value) -> str:
    """The cell as text; a formula-looking one gets a leading single quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def looks_like_formula(value: str) -> bool:
    return bool(value) and value.startswith(FORMULA_PREFIXES)


def decode_upload(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else CP932 (Shift_JIS with Windows extensions); else refuse."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError as error:
        raise CsvDecodeError("encoding") from error
    # CP932 maps almost any byte to something: control characters (NULs of UTF-16, C1 codes of
    # Latin-1 files) and private-use characters mean the file was not Shift_JIS after all.
    if SUSPICIOUS.search(text):
        raise CsvDecodeError("encoding")
    return text


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + buffer.getvalue()


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(
        csv_text(header, rows).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
