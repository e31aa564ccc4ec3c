"""The reporting form, generated from the criteria set: sections per criteria group, each criterion with
its wording, points, evidence required and the figures it reads (each figure asked once)."""

from __future__ import annotations

from dataclasses import dataclass, field

from xephang.display import CHOOSE, NO, YES_NO, allowed_range
from xephang.framework.model import Criterion, Framework, Input
from xephang.numbers import plain


@dataclass
class Field:
    input: Input
    value: str = ""
    error: str = ""
    carried: bool = False
    flags: list[str] = field(default_factory=list)
    adjustment: object = None
    #: measured for all units (system-measured, survey): the source; the unit cannot edit it
    source: str = ""
    stamp: dict = field(default_factory=dict)  # where and when it was measured, once imported

    @property
    def locked(self) -> bool:
        return bool(self.source)

    @property
    def source_text(self) -> str:
        from xephang.framework.model import DATA_SOURCES

        return DATA_SOURCES.get(self.source, self.source)

    @property
    def name(self) -> str:
        return f"v_{self.input.id}"

    @property
    def kind(self) -> str:
        return {"yesno": "yesno", "choice": "choice", "list": "list"}.get(self.input.type, "number")

    @property
    def items(self) -> list[str]:
        """A list input's items as the unit typed them, one per line (the appraisal page shows them)."""
        from xephang.text import split_items

        return list(split_items(self.value)) if self.input.type == "list" and self.value.strip() else []

    #: The answers of a yes/no figure, (text stored, label shown), after the empty ``choose``.
    yes_no = YES_NO
    choose = CHOOSE

    @property
    def bounds(self) -> str:
        inp = self.input
        if inp.type in ("yesno", "choice"):
            return ""  # the field lists its answers itself
        if inp.type == "list":  # typed in a text area
            return "mỗi dòng một tên (hoặc cách nhau bởi dấu ;); ghi 'không có' nếu không có mục nào"
        return allowed_range(inp) + (", số nguyên" if inp.type == "count" else "")


@dataclass
class Row:
    criterion: Criterion
    depth: int
    fields: list[Field]
    evidence: list = field(default_factory=list)
    number: str = ""  # the regulation's STT (or a generated one)

    @property
    def max(self) -> str:
        return plain(self.criterion.max)


@dataclass
class Section:
    criterion: Criterion
    rows: list[Row]
    not_applicable: bool = False
    number: str = ""

    @property
    def max(self) -> str:
        return plain(self.criterion.max)


def build_sections(
    fw: Framework,
    group: str,
    values: dict,
    errors: dict | None = None,
    carried=(),
    evidence_by_criterion: dict | None = None,
    not_applicable=(),
    measured: dict | None = None,
) -> list[Section]:
    """``measured``: the report's stamps of imported measured figures (input id -> source, date, ...)."""
    errors = errors or {}
    sources = fw.measured_inputs()
    measured = measured or {}
    evidence_by_criterion = evidence_by_criterion or {}
    asked: set[str] = set()
    numbers = fw.numbers(group)
    sections = []
    for top in fw.criteria_for(group):
        rows = []

        def walk(c: Criterion, depth: int):
            if not c.applies_to(group):
                return
            fields = []
            # Only what the unit types: the inputs its rule and condition read, directly or through
            # derived values; never a derived value or a period parameter.
            for iid in c.own_inputs() if c.rule is not None or c.when is not None else ():
                if iid in asked or iid not in fw.inputs:
                    continue
                asked.add(iid)
                fields.append(
                    Field(
                        fw.inputs[iid],
                        str(values.get(iid, "") or ""),
                        errors.get(iid, ""),
                        iid in carried,
                        source=sources.get(iid, ""),
                        stamp=measured.get(iid) or {},
                    )
                )
            rows.append(Row(c, depth, fields, evidence_by_criterion.get(c.id, []), numbers.get(c.id, "")))  # noqa: B023 (walk runs now)
            for ch in c.children:
                walk(ch, depth + 1)

        walk(top, 0)
        sections.append(Section(top, rows, top.id in not_applicable, numbers.get(top.id, "")))
    return sections


def texts_from_post(fw: Framework, group: str, post) -> tuple[dict, list[str], set[str]]:
    """(figures as typed, criteria marked not applicable, carried figures the unit confirmed)."""
    texts = {inp.id: post.get(f"v_{inp.id}", "").strip() for inp in fw.inputs_for(group)}
    na = [cid for cid in post.getlist("na") if _may_be_na(fw, cid)]
    confirm = set(post.getlist("confirm"))
    return texts, na, confirm


def _may_be_na(fw: Framework, cid: str) -> bool:
    try:
        return fw.criterion(cid).may_be_not_applicable
    except KeyError:
        return False


def fill_blanks_for_preview(fw: Framework, group: str, texts: dict) -> tuple[dict, int]:
    """A provisional copy where blanks count as nothing (0, 'không', the last option), for the live score."""
    out = dict(texts)
    blanks = 0
    for inp in fw.inputs_for(group):
        if str(out.get(inp.id, "")).strip():
            continue
        blanks += 1
        if inp.type == "yesno":
            out[inp.id] = NO
        elif inp.type == "choice":
            out[inp.id] = inp.options[-1].label
        else:
            out[inp.id] = plain(inp.min or 0)
    return out, blanks
