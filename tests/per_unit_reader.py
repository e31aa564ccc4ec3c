"""The row-by-row reading of a period file, as the reader did it before it read column-wise.

Kept in the tests as an oracle: for any file, the column-wise ``xephang.io.read_period`` must return
the same ``PeriodData`` or raise the same located error as this reading (one unit at a time, the
unit's form walked and each cell folded and parsed on its own). It shares the table reading and
the header and one-cell checks with the product, so what it checks is the order and the gathering.
"""

from __future__ import annotations

from pathlib import Path

from xephang.errors import InputError
from xephang.framework.model import Framework
from xephang.io.reader import NA_WORDS, _text, _total, _value, read_table, resolve_columns
from xephang.numbers import plain
from xephang.period import PeriodData, UnitEntry
from xephang.text import fold, nfc


def read_period_per_unit(path: str | Path, framework: Framework, sheet: str | None = None) -> PeriodData:
    table = read_table(path, sheet)
    columns = resolve_columns(table, framework)
    group_col, unit_col, total_col, input_cols, kind = (
        columns.group,
        columns.unit,
        columns.total,
        columns.inputs,
        columns.kind,
    )

    units: list[UnitEntry] = []
    seen: dict[str, int] = {}
    values: dict[str, list] = {i: [] for i in framework.inputs}
    not_applicable: dict[str, set[int]] = {}
    for row_n, cells in table.rows:
        cells = list(cells) + [None] * (len(table.header) - len(cells))
        name = nfc(_text(cells[unit_col]))
        if not name:
            raise InputError(table.where(row_n, unit_col), "thiếu tên đơn vị")
        gtext = nfc(_text(cells[group_col]))
        group = framework.group(gtext) if gtext else None
        if group is None:
            choices = "; ".join(f"{g.id} ({g.name})" for g in framework.groups)
            raise InputError(
                table.where(row_n, group_col),
                f"khối '{gtext}' không có trong bộ tiêu chí '{framework.id}'; cần một trong: {choices}",
            )
        key = fold(name)
        if key in seen:
            raise InputError(table.where(row_n, unit_col), f"đơn vị '{name}' bị trùng với dòng {seen[key]}")
        seen[key] = row_n
        index = len(units)
        entry = UnitEntry(name=name, group=group.id, row=row_n)
        if kind == "totals":
            entry.total = _total(table, row_n, total_col, cells[total_col], framework)
        else:
            _unit_inputs(table, framework, row_n, cells, input_cols, group.id, values, not_applicable, index)
        units.append(entry)
    if not units:
        raise InputError(table.where(), "không có dòng dữ liệu nào dưới dòng tiêu đề")
    if kind == "inputs":
        for iid in list(values):
            if len(values[iid]) != len(units):
                values[iid] += [None] * (len(units) - len(values[iid]))
    return PeriodData(
        source=table.file,
        kind=kind,
        units=units,
        values=values if kind == "inputs" else {},
        not_applicable=not_applicable,
        sheet=table.sheet,
    )


def _unit_inputs(table, fw, row_n, cells, input_cols, group, values, not_applicable, index):
    needed = fw.inputs_for(group)
    na_criteria = {c.id: c for c in fw.all_criteria() if c.may_be_not_applicable and c.applies_to(group)}
    readers = {}  # input id -> criteria that read it
    for c in fw.all_criteria():
        if c.applies_to(group):
            for iid in c.own_inputs():
                readers.setdefault(iid, []).append(c)
    row_values = {}
    for inp in needed:
        col = input_cols.get(inp.id)
        if col is None:
            raise InputError(
                table.where(row=1),
                f"thiếu cột '{inp.id}' ({inp.label}), cần cho các đơn vị thuộc khối '{group}'",
            )
        cell = cells[col]
        text = _text(cell)
        if fold(text) in NA_WORDS and text:
            marked = [a for c in readers.get(inp.id, []) for a in _na_owner(c, na_criteria)]
            if not marked or len(marked) < len(readers.get(inp.id, [])):
                raise InputError(
                    table.where(row_n, col),
                    f"'{text}': chỉ tiêu '{inp.label}' thuộc tiêu chí không được phép đánh dấu 'không áp dụng'",
                )
            for c in marked:
                not_applicable.setdefault(c.id, set()).add(index)
            row_values[inp.id] = None
            continue
        row_values[inp.id] = _value(table, row_n, col, cell, inp)
    for inp in needed:
        v = row_values[inp.id]
        if inp.at_most and v is not None and row_values.get(inp.at_most) is not None and v > row_values[inp.at_most]:
            whole = fw.inputs[inp.at_most]
            raise InputError(
                table.where(row_n, input_cols[inp.id]),
                f"'{inp.label}' ({plain(v)}) lớn hơn '{whole.label}' ({plain(row_values[inp.at_most])}); "
                "phần không thể lớn hơn tổng",
            )
    for iid, v in row_values.items():
        values[iid].extend([None] * (index - len(values[iid])))
        values[iid].append(v)


def _na_owner(c, na_criteria):
    """The criterion (c or an ancestor) that may be marked not applicable."""
    node = c
    while node is not None:
        if node.id in na_criteria:
            return [node]
        node = node.parent
    return []
