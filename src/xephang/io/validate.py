"""The checks that look at one unit's figures together (a part may not exceed its whole).

One cell's own checks (type, bounds, "không áp dụng") are the reader's cell parsers; what needs
several figures of the same unit is here, used alike by the file reader and the web's report form.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..framework.model import Framework, Input
from ..numbers import plain


def part_whole_pairs(fw: Framework, group: str) -> list[tuple[Input, Input]]:
    """(part, whole) for every input of the group's form that may not exceed another one also on it,
    in form order."""
    needed = {inp.id for inp in fw.inputs_for(group)}
    return [(inp, fw.inputs[inp.at_most]) for inp in fw.inputs_for(group) if inp.at_most and inp.at_most in needed]


def part_exceeds_whole(part: Input, value: int, whole: Input, whole_value: int) -> str:
    return (
        f"'{part.label}' ({plain(value)}) lớn hơn '{whole.label}' ({plain(whole_value)}); phần không thể lớn hơn tổng"
    )


def validate_unit(
    fw: Framework, group: str, values: Mapping, pairs: list[tuple[Input, Input]] | None = None
) -> list[tuple[str, str]]:
    """The problems between one unit's figures, in form order: ``[(input id, message)]``.

    ``values`` maps input ids to read values (``None`` or absent: not reported, not applicable or
    refused; such a figure is not compared). ``pairs`` may pass ``part_whole_pairs(fw, group)``
    computed once for many units of the group.
    """
    problems = []
    for part, whole in part_whole_pairs(fw, group) if pairs is None else pairs:
        v, w = values.get(part.id), values.get(whole.id)
        if v is not None and w is not None and v > w:
            problems.append((part.id, part_exceeds_whole(part, v, whole, w)))
    return problems
