"""The open data workbook opens readable: whole unit names and totals in view (column widths), the
header row and the names frozen while scrolling across the criteria, the criteria sheet's titles wide."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.urls import reverse

from .conftest import publish_period


def test_the_results_sheet_opens_with_names_in_view(client, demo):
    p = demo["p2020"]
    resp = client.get(reverse("web:open-data", args=[p.pk, "xlsx"]))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    ws = wb["Kết quả"]
    head = [c.value for c in ws[1]]
    width = {title: ws.column_dimensions[chr(ord("A") + i)].width for i, title in enumerate(head[:7])}
    longest = max(len(str(row[2])) for row in ws.iter_rows(min_row=2, values_only=True))
    assert width["đơn vị"] >= longest and width["khối"] >= 30 and width["tổng điểm"] >= 15
    assert ws.freeze_panes == "D2"
    assert wb["Bộ tiêu chí"].column_dimensions["B"].width >= 60


def test_totals_and_points_are_numbers_a_reader_can_sort_and_sum(client, demo):
    """In the workbook, totals, points and rates are spreadsheet numbers with the snapshot's decimals
    shown (98.00 stays 98.00) and their exact value stored; names and notes stay text. The CSV keeps
    the same figures as text."""
    import zipfile
    from decimal import Decimal

    p = demo["open"]
    publish_period(p, demo["quantri"])
    body = b"".join(client.get(reverse("web:open-data", args=[p.pk, "xlsx"])).streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(body))["Kết quả"]
    head = [c.value for c in ws[1]]
    csv_text = b"".join(client.get(reverse("web:open-data", args=[p.pk, "csv"])).streaming_content)
    csv_rows = list(csv.reader(io.StringIO(csv_text.decode("utf-8-sig"))))[1:]
    ranked = [(row, text) for row, text in zip(ws.iter_rows(min_row=2), csv_rows, strict=True) if row[1].value]
    assert len(ranked) > 10
    for row, text in ranked:
        total, shown = row[head.index("tổng điểm")], row[head.index("tổng điểm (làm tròn)")]
        assert isinstance(total.value, (int, float)) and isinstance(shown.value, (int, float))
        assert Decimal(text[3]) == Decimal(str(total.value)) and shown.number_format == "0.00"
        assert isinstance(row[head.index("đơn vị")].value, str)
        points = [c.value for c in row[7:] if c.value not in (None, "")]
        assert points and all(isinstance(v, (int, float)) for v in points)
    # the stored value is the snapshot's exact decimal text, not a binary float's expansion
    sheet = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert f"<v>{ranked[0][1][3]}</v>" in sheet
