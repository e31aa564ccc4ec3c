"""The offline path: the core's unit form (``xephang.io.template``) for one unit, prefilled with what it
has saved, and reading it back through the core's reader, which checks every cell and names sheet and
cell in its messages. Forms downloaded before the form had its id row (labels in row 2) still import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from xephang.errors import InputError, Location
from xephang.io.cells import unescape_cell
from xephang.io.template import FormRow, form_bytes, read_form, typed_texts, unit_form
from xephang.text import fold


def template_stamp(period, unit, sub) -> str:
    """The form's stamp (``STAMP_PROPERTY``): "period/unit/version" of the report the template was filled
    from, so that an import of an older template cannot overwrite newer work."""
    return f"{period.pk}/{unit.pk}/{sub.version if sub is not None else 0}"


#: Bad cells reported at once from an uploaded template (beyond, the message says there are more).
MAX_ERRORS = 50


def template(period, unit, sub) -> bytes:
    """The core's unit form for one unit, prefilled with what it has saved and stamped with the report
    version it was downloaded at."""
    version = sub.version if sub is not None else 0
    row = FormRow(unit.group.code, unit.name, dict(sub.values) if sub is not None else {})
    wb = unit_form(
        period.framework.load(),
        unit.group.code,
        [row],
        stamp=template_stamp(period, unit, sub),
        title=f"Biểu mẫu báo cáo {period.name} — {unit.name} (phiên bản báo cáo {version})",
    )
    return form_bytes(wb)


#: A filled template is a few dozen KB; a much larger file would hold a worker for long.
EXCEL_MAX_BYTES = 2 * 1024 * 1024


def _template_version(stamp: str | None, name: str, period, unit) -> int:
    """The report version the template was downloaded at; ``InputError`` if the file carries none or
    belongs to another period or unit."""
    parts = (stamp or "").split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise InputError(
            Location(name),
            "tệp không phải biểu mẫu tải từ trang báo cáo (không có phiên bản báo cáo); "
            "hãy tải biểu mẫu mới từ trang báo cáo, điền rồi nhập lại",
        )
    if (int(parts[0]), int(parts[1])) != (period.pk, unit.pk):
        raise InputError(
            Location(name),
            "biểu mẫu này của kỳ hoặc đơn vị khác; hãy tải biểu mẫu từ trang báo cáo "
            f"của '{unit.name}' trong kỳ '{period.name}'",
        )
    return int(parts[2])


def read_upload(period, unit, upload) -> tuple[dict, list, int]:
    """(figures as text, criteria not applicable, the report version the template was downloaded at)
    from an uploaded template; ``InputError`` otherwise."""
    from .security import UploadRefused, check_spreadsheet, safe_name

    fw = period.framework.load()
    name = safe_name(upload.name, "xlsx")
    if upload.size > EXCEL_MAX_BYTES:
        raise InputError(
            Location(name),
            f"tệp có dung lượng {upload.size // 1024} KB, vượt giới hạn "
            f"{EXCEL_MAX_BYTES // 1024} KB của biểu mẫu báo cáo",
        )
    try:
        check_spreadsheet(upload, name)  # by content, and no zip bomb reaches openpyxl
    except UploadRefused as e:
        raise InputError(Location(name), str(e)) from None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        # Every cell checked by the core; up to MAX_ERRORS bad cells reported together (InputErrors).
        form = read_form(path, fw, max_errors=MAX_ERRORS)
    data = form.data
    version = _template_version(form.stamp, name, period, unit)
    if data.kind != "inputs":
        raise InputError(Location(name), "tệp không có các cột số liệu của biểu mẫu; hãy tải biểu mẫu từ trang báo cáo")
    if len(data.units) != 1 or fold(unescape_cell(data.units[0].name)) != fold(unit.name):
        found = ", ".join(u.name for u in data.units)
        raise InputError(
            Location(name, data.sheet), f"tệp phải có đúng một dòng của đơn vị '{unit.name}' (tệp có: {found})"
        )
    if data.units[0].group != unit.group.code:
        raise InputError(Location(name, data.sheet, data.units[0].row, "Khối"), f"khối phải là '{unit.group.code}'")
    texts = typed_texts(fw, data, 0, unit.group.code)
    return texts, sorted(cid for cid, idx in data.not_applicable.items() if 0 in idx), version
