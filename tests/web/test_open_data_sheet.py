"""The open data workbook opens readable: whole unit names and totals in view (column widths), the
header row and the names frozen while scrolling across the criteria, the criteria sheet's titles wide."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse


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
