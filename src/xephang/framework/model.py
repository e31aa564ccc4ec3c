"""A criteria set (framework) in memory: groups, levels, inputs and the criteria tree.

These objects are built and validated by ``loader.load_framework``; they are immutable afterwards
and shared by every period scored with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ..display import range_text
from ..numbers import SCALE, div_half_up, from_fixed, round_fixed, round_half_up

if TYPE_CHECKING:  # pragma: no cover
    from ..scoring.rules import Rule
    from .expr import Expression

INPUT_TYPES = ("count", "number", "ratio", "yesno", "choice", "points", "list")
#: Types of a period parameter and of a derived value (a figure or a yes/no, never a choice or list).
PARAM_TYPES = ("count", "number", "ratio", "points", "yesno")
#: Where an indicator's figure comes from, as the DTI method names its four sources.
DATA_SOURCES = {
    "self-report": "đơn vị tự báo cáo",
    "system-measured": "hệ thống đo tự động",
    "survey": "điều tra xã hội học",
    "appraiser": "cơ quan thẩm định chấm",
}
TIE_RULES = ("shared", "dense", "input-order")
REPORTS = ("points", "index", "points-percent")


@dataclass(frozen=True)
class LegalBasis:
    number: str
    date: str  # ISO yyyy-mm-dd
    issuer: str = ""
    title: str = ""

    def cite(self) -> str:
        """'Quyết định số 4289/QĐ-UBND ngày 01/11/2016 của ...' as a căn cứ cites it."""
        import datetime as dt

        from ..dates import short_date

        text = f"{self.number} ngày {short_date(dt.date.fromisoformat(self.date))}"
        if self.issuer:
            text += f" của {self.issuer}"
        if self.title:
            text += f" {self.title}"
        return text


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    #: the group's own levels (highest first), when they differ from the set's (sở ≥ 90 %, huyện ≥ 80 %)
    levels: tuple[Level, ...] | None = None
    #: False: its units are assessed (points, level) but not ranked, for ``not_ranked_reason``
    ranked: bool = True
    not_ranked_reason: str = ""


@dataclass(frozen=True)
class Pillar:
    """A second aggregation over the same criteria (DTI's Chính quyền số / Kinh tế số / Xã hội số):
    its value is the sum of the points of ``criteria``, ranked beside the total."""

    id: str
    name: str
    criteria: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Level:
    """A half-open band [min, below) of the total; the top band is closed at the scale."""

    id: str
    name: str
    min: int  # fixed point
    below: int | None  # fixed point, exclusive; None for the top band
    max: int | None  # fixed point, inclusive; only the top band

    def contains(self, total: int) -> bool:
        if total < self.min:
            return False
        if self.below is not None:
            return total < self.below
        return total <= self.max

    def band_text(self, unit: str = "điểm") -> str:
        """The band as the decision writes it: 'từ 70 điểm đến dưới 85 điểm' (never overlapping)."""

        if self.below is None:
            return range_text(self.min, self.max, unit=unit)
        return range_text(self.min, below=self.below, unit=unit)


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class SurveyOption:
    """An answer of a survey question and its weight (Rất hài lòng 100 %, Hài lòng 60 %, ...)."""

    id: str
    label: str
    weight: int  # fixed point, 0..1


@dataclass(frozen=True)
class Input:
    """One figure a unit reports: the form field, its type and bounds."""

    id: str
    label: str
    type: str
    unit: str = ""
    min: int | None = 0  # fixed point
    max: int | None = None  # fixed point
    at_most: str | None = None  # id of an input this one may not exceed (part <= whole)
    evidence: bool = False
    options: tuple[Option, ...] = ()
    help: str = ""
    #: a survey indicator (a ratio): its value is computed from the answers' counts with these weights,
    #: Σ count × weight / Σ count (xephang import-measured)
    survey: tuple[SurveyOption, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.type in ("count", "number", "ratio", "points")


@dataclass(frozen=True)
class Param(Input):
    """A figure the province fixes once per period for every unit ("b = ... theo yêu cầu của tỉnh"):
    typed and bounded as an input is (``at_most``, ``evidence`` and ``options`` stay unused)."""

    default: int | bool | None = None  # fixed point (or bool for yesno); None = must be given


@dataclass(eq=False)
class Derived:
    """A value computed from inputs, parameters and other derived values by an expression
    (declared as an input with ``value:``, or written inline in a rule); not asked on the form."""

    id: str
    label: str
    type: str  # number, count, ratio, points, or yesno for a condition
    expr: Expression
    unit: str = ""
    help: str = ""
    max: int | None = None  # the criterion's max, for an expression written inside a rule


@dataclass
class Criterion:
    """A node of the criteria tree. A leaf has a rule; a node aggregates its children."""

    id: str
    title: str
    max: int  # fixed point
    groups: frozenset[str]
    path: str  # where it stands in the YAML, for messages: criteria[2].criteria[0]
    rule: Rule | None = None
    children: list[Criterion] = field(default_factory=list)
    aggregate: str = "sum"  # sum | best
    deduction: bool = False
    may_be_not_applicable: bool = False
    description: str = ""
    evidence: str = ""
    depth: int = 0
    parent: Criterion | None = field(default=None, repr=False)
    #: The regulation's own number (STT) of the item, "1.2.3", shown instead of a generated one.
    so: str = ""
    data_source: str = ""  # one of DATA_SOURCES, or ""
    verified_by: str = ""  # the agency that verifies the figures (đơn vị phối hợp xác minh)
    prepared_by: str = ""  # who in the unit prepares the item (tham mưu, thực hiện)
    #: A condition: the criterion scores 0 for a unit unless it holds ("1.2 chỉ tính khi có 1.1").
    when: Expression | None = None
    #: The reported inputs this node reads itself (through derived values too); set by the loader.
    reported: tuple[str, ...] | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def own_inputs(self) -> list[str]:
        """The reported inputs this node itself reads (its rule and its condition), not its sub-items."""
        if self.reported is not None:
            return list(self.reported)
        return self.rule.inputs() if self.rule is not None else []

    def reads(self) -> list[str]:
        """What this node's rule and condition name directly: inputs, derived values, parameters."""
        seen: dict[str, None] = {}
        if self.when is not None:
            for n in self.when.names():
                seen.setdefault(n, None)
        if self.rule is not None:
            for n in self.rule.inputs():
                seen.setdefault(n, None)
        return list(seen)

    def number(self, generated: str) -> str:
        """The item's number in documents and explanations: the regulation's STT if given."""
        return self.so or generated

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def inputs(self) -> list[str]:
        """Ids of the inputs this criterion (and its sub-items) read, in declaration order."""
        seen: dict[str, None] = {}
        for node in self.walk():
            for i in node.own_inputs():
                seen.setdefault(i, None)
        return list(seen)

    def applies_to(self, group: str) -> bool:
        return group in self.groups

    @property
    def max_points(self) -> Decimal:
        return from_fixed(self.max)


@dataclass
class Framework:
    id: str
    title: str
    scale: int  # fixed point (100 points -> 100 * SCALE)
    groups: list[Group]
    levels: list[Level]  # highest first
    criteria: list[Criterion]  # top-level criteria groups, in order
    inputs: dict[str, Input]
    legal_basis: list[LegalBasis] = field(default_factory=list)
    decimals: int = 2  # shown rounding, half-up
    report: str = "points"  # points | index (total / scale, as DTI publishes)
    rank_on: str = "full"  # full | shown
    ties: str | tuple[str, ...] = "shared"
    #: A unit that did not report: "zero" (0 points, ranked last in its group) or "unranked"
    #: (listed as "không báo cáo", not ranked).
    non_reporting: str = "unranked"
    note: str = ""
    source: str = ""
    #: SHA-256 (hex) of the YAML text the set was read from; "" for a set built in code. What is
    #: computed from a set is cached under (id, sha256, draft), never under the object's identity.
    sha256: str = ""
    version: str = ""
    pillars: list[Pillar] = field(default_factory=list)
    params: dict[str, Param] = field(default_factory=dict)
    derived: dict[str, Derived] = field(default_factory=dict)  # in evaluation order
    #: A draft set (typed from an incomplete annex): it loads, with warnings, but is never ranked.
    draft: bool = False
    warnings: list[str] = field(default_factory=list)
    #: Look-ups built from the tree on first use (the framework is immutable after loading).
    _lookups: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def quantity(self, qid: str) -> Input | Derived | Param | None:
        """An input, a derived value or a parameter by id (they share one namespace)."""
        return self.inputs.get(qid) or self.derived.get(qid) or self.params.get(qid)

    # --- look-ups -------------------------------------------------------------------------------
    def group(self, key: str) -> Group | None:
        """A group by id, name or alias, compared folded (case, spaces, tone placement)."""
        from ..text import fold

        keys = self._lookups.get("group_keys")
        if keys is None:
            keys = {}
            for g in self.groups:
                for name in (g.id, g.name, *g.aliases):
                    keys.setdefault(fold(name), g)
            self._lookups["group_keys"] = keys
        return keys.get(fold(key))

    def all_criteria(self):
        for c in self.criteria:
            yield from c.walk()

    def criterion(self, cid: str) -> Criterion:
        for c in self.all_criteria():
            if c.id == cid:
                return c
        raise KeyError(cid)

    def numbers(self, group: str | None = None) -> dict[str, str]:
        """Every criterion's number (STT) as documents and forms print it: the regulation's own (``so``)
        where the set gives it, otherwise generated from its place ("2", "2.1"), under its parent's
        number. With ``group``, only the criteria that apply to it are numbered."""
        out: dict[str, str] = {}

        def walk(items: list[Criterion], prefix: str) -> None:
            k = 0
            for c in items:
                if group is not None and not c.applies_to(group):
                    continue
                k += 1
                out[c.id] = c.so or f"{prefix}{k}"
                walk(c.children, out[c.id].rstrip(".") + ".")

        walk(self.criteria, "")
        return out

    def measured_inputs(self) -> dict[str, str]:
        """Inputs whose figures are measured for all units rather than reported by each (the criteria
        reading them say ``source: system-measured`` or ``survey``, themselves or above): id -> source."""
        out: dict[str, str] = {}
        for c in self.all_criteria():
            node, source = c, ""
            while node is not None and not source:
                source, node = node.data_source, node.parent
            if source in ("system-measured", "survey") and c.rule is not None:
                for iid in c.own_inputs():
                    out.setdefault(iid, source)
        for iid, inp in self.inputs.items():
            if inp.survey:
                out[iid] = "survey"
        return out

    def criteria_for(self, group: str) -> list[Criterion]:
        return [c for c in self.criteria if c.applies_to(group)]

    def inputs_for(self, group: str) -> list[Input]:
        """The inputs a unit of ``group`` must report, in form order."""
        cache = self._lookups.setdefault("inputs_for", {})
        found = cache.get(group)
        if found is None:
            ids: dict[str, None] = {}
            for c in self.criteria_for(group):
                for node in c.walk():
                    if node.applies_to(group):
                        for i in node.own_inputs():
                            ids.setdefault(i, None)
            found = cache[group] = tuple(self.inputs[i] for i in ids)
        return list(found)

    def readers_of(self, input_id: str, group: str | None = None) -> list[Criterion]:
        """The criteria (nodes whose rule or condition reads it, through derived values too) that read
        the input, in tree order; only those that apply to ``group`` when one is given."""
        readers = self._lookups.get("readers")
        if readers is None:
            readers = {}
            for c in self.all_criteria():
                for iid in dict.fromkeys(c.own_inputs()):
                    readers.setdefault(iid, []).append(c)
            self._lookups["readers"] = readers
        found = readers.get(input_id, [])
        return [c for c in found if group is None or c.applies_to(group)]

    def levels_for(self, group: str | None = None) -> list[Level]:
        """The levels that apply to a group: its own if it declares them, else the set's."""
        if group is not None:
            own = self._lookups.get("group_levels")
            if own is None:
                own = self._lookups["group_levels"] = {g.id: g.levels for g in self.groups if g.levels is not None}
            if group in own:
                return list(own[group])
        return self.levels

    def level_of(self, total: int, group: str | None = None) -> Level | None:
        for level in self.levels_for(group):
            if level.contains(total):
                return level
        return None

    def level_above(self, level: Level | None, group: str | None = None) -> Level | None:
        """The next level up, or None at the top level (or without levels)."""
        levels = self.levels_for(group)
        if level is None or level not in levels:
            return None
        k = levels.index(level)
        return levels[k - 1] if k > 0 else None

    @property
    def has_levels(self) -> bool:
        return bool(self.levels) or any(g.levels for g in self.groups)

    def percent(self, total: int) -> Decimal:
        """total / scale as a percentage, rounded half-up to ``decimals`` (the "chỉ số 94,49 %" printed
        beside the points)."""
        return round_half_up(
            from_fixed(round_fixed(div_half_up(total * 100 * SCALE, self.scale), self.decimals)), self.decimals
        )

    def pillar(self, pid: str) -> Pillar:
        return next(p for p in self.pillars if p.id == pid)

    @property
    def scale_points(self) -> Decimal:
        return from_fixed(self.scale)

    @property
    def report_decimals(self) -> int:
        return self.decimals

    def shown_fixed(self, total: int) -> int:
        """The shown value (points, or the index total/scale as DTI publishes) rounded half-up, in
        fixed point: what ranks compare when ``rank_on: shown`` and what warnings compare."""
        value = div_half_up(total * SCALE, self.scale) if self.report == "index" else total
        return round_fixed(value, self.decimals)

    def shown(self, total: int) -> Decimal:
        """The total as documents show it, with exactly ``decimals`` decimals."""
        return round_half_up(from_fixed(self.shown_fixed(total)), self.decimals)

    def describe_ties(self, ties: str | tuple[str, ...] | None = None) -> str:
        """The tie rule in words: the one given (e.g. the one a ranking used), or the set's own."""
        ties = self.ties if ties is None else ties
        if ties == "shared":
            return "đồng hạng (điểm bằng nhau cùng thứ hạng, thứ hạng kế tiếp bị bỏ qua: 1, 2, 2, 4)"
        if ties == "dense":
            return "đồng hạng liền (điểm bằng nhau cùng thứ hạng, thứ hạng kế tiếp không bị bỏ qua: 1, 1, 2)"
        if ties == "input-order":
            return "theo thứ tự trong danh sách nguồn khi tổng điểm bằng nhau"
        return "khi tổng điểm bằng nhau, so sánh lần lượt điểm của: " + ", ".join(ties)
