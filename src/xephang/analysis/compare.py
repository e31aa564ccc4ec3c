"""Year over year: how each unit moved between two periods, even across reorganisations.

Units are matched by name (folded: case, spacing and tone placement do not matter), or through a
lineage file when they were renamed, merged or split. A merged unit's earlier figure is formed from
its predecessors (by default their mean, as the national DTI compared merged provinces); a unit split
off is compared with the unit it came from. Criteria groups are matched by id, or through a mapping
when the framework changed. Totals on different scales (100 points, 1000 points) are compared on the
new period's scale. Either period may be totals-only (a published result such as the 2020 decision):
then only totals, ranks and levels move, not criteria groups.

Lineage file (YAML), all keys optional::

    renamed:        {"Tên cũ": "Tên mới"}
    merged_from:    {"Đơn vị mới": ["Đơn vị cũ 1", "Đơn vị cũ 2"]}
    split_into:     {"Đơn vị cũ": ["Đơn vị mới 1", "Đơn vị mới 2"]}
    merged_figure:  mean            # mean | sum | max: how a merged unit's earlier total is formed
    criteria:       {ma_nhom_moi: [ma_nhom_cu, ...]}   # criteria groups, new id -> old ids
    groups:         {ma_khoi_cu: ma_khoi_moi}          # groups of units renamed between frameworks

Ranks are compared only within the same group of units (a unit that moved to another group, e.g. a
district that became part of a provincial department, keeps its earlier rank for information but has
no rank movement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..display import exact
from ..errors import XephangError
from ..framework.model import Framework
from ..numbers import div_half_up
from ..ranking import RankedUnit, Ranking
from ..text import fold, nfc

MERGED_FIGURES = {"mean": "bình quân", "sum": "tổng", "max": "cao nhất"}


@dataclass
class Lineage:
    renamed: dict[str, str] = field(default_factory=dict)  # old -> new
    merged_from: dict[str, list[str]] = field(default_factory=dict)  # new -> olds
    split_into: dict[str, list[str]] = field(default_factory=dict)  # old -> news
    merged_figure: str = "mean"
    criteria: dict[str, list[str]] = field(default_factory=dict)  # new criteria group -> old ones
    groups: dict[str, str] = field(default_factory=dict)  # old group id -> new group id

    def predecessors(self, new_name: str) -> tuple[str, list[str]]:
        """(how, earlier names) of a unit of the new period: same | renamed | merged | split."""
        key = fold(new_name)
        for new, olds in self.merged_from.items():
            if fold(new) == key:
                return "merged", olds
        for old, news in self.split_into.items():
            if key in {fold(n) for n in news}:
                return "split", [old]
        for old, new in self.renamed.items():
            if fold(new) == key:
                return "renamed", [old]
        return "same", [new_name]


def load_lineage(path: str | Path) -> Lineage:
    """Read and check a lineage file; errors name the file and the key."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise XephangError(f"tệp {p.name}: không đọc được tệp quan hệ đơn vị ({e})") from None
    if not isinstance(doc, dict):
        raise XephangError(f"tệp {p.name}: cần một bảng khóa: giá trị (renamed, merged_from, split_into, …)")
    known = {"renamed", "merged_from", "split_into", "merged_figure", "criteria", "groups"}
    for k in doc:
        if k not in known:
            raise XephangError(f"tệp {p.name}: khóa '{k}' không hợp lệ; cần một trong: {', '.join(sorted(known))}")

    def mapping(key, many: bool):
        value = doc.get(key) or {}
        if not isinstance(value, dict):
            raise XephangError(f"tệp {p.name}: '{key}' phải là bảng tên: {'danh sách tên' if many else 'tên'}")
        out = {}
        for a, b in value.items():
            if many:
                if not isinstance(b, list) or not b or not all(isinstance(x, str) for x in b):
                    raise XephangError(f"tệp {p.name}: {key}.{a} phải là danh sách tên (ít nhất một)")
                out[nfc(str(a))] = [nfc(x) for x in b]
            else:
                if not isinstance(b, str):
                    raise XephangError(f"tệp {p.name}: {key}.{a} phải là một tên")
                out[nfc(str(a))] = nfc(b)
        return out

    figure = doc.get("merged_figure", "mean")
    if figure not in MERGED_FIGURES:
        raise XephangError(f"tệp {p.name}: merged_figure '{figure}' không hợp lệ; cần mean, sum hoặc max")
    criteria = {}
    for new, olds in (doc.get("criteria") or {}).items():
        criteria[str(new)] = [str(o) for o in (olds if isinstance(olds, list) else [olds])]
    groups = doc.get("groups") or {}
    if not isinstance(groups, dict):
        raise XephangError(f"tệp {p.name}: 'groups' phải là bảng mã khối cũ: mã khối mới")
    return Lineage(
        mapping("renamed", False),
        mapping("merged_from", True),
        mapping("split_into", True),
        figure,
        criteria,
        {str(k): str(v) for k, v in groups.items()},
    )


@dataclass
class ComponentMovement:
    criterion_id: str
    title: str
    old: int | None  # fixed point, on the new criteria group's maximum; None if not comparable
    new: int | None
    delta: int | None  # effect on the total: for a deduction, fewer points deducted is positive
    deduction: bool = False


@dataclass
class UnitMovement:
    name: str
    group: str  # group name in the new period
    how: str  # same | renamed | merged | split | new
    predecessors: list[str]
    note: str  # how the earlier figure was formed, in words
    old_total: int | None  # fixed point, on the new scale
    new_total: int
    delta: int | None
    old_rank: int | None
    new_rank: int
    rank_change: int | None  # positive = moved up
    old_level: str | None
    new_level: str | None
    level_change: int  # +1 up a level, -1 down, 0 same or unknown
    components: list[ComponentMovement] = field(default_factory=list)


@dataclass
class Comparison:
    old_label: str
    new_label: str
    units: list[UnitMovement]  # in the new ranking's order
    gone: list[str]  # units of the old period with no successor
    movers: dict[str, list[UnitMovement]]  # group name -> the units that moved most
    notes: list[str] = field(default_factory=list)


def compare_periods(
    old: Ranking,
    new: Ranking,
    lineage: Lineage | None = None,
    top: int = 5,
    old_label: str = "kỳ trước",
    new_label: str = "kỳ này",
) -> Comparison:
    """Movement of every unit of ``new`` against ``old``: totals, ranks, levels, criteria groups.

    ``top``: how many units per group to list as the ones that moved most (by rank, then points).
    """
    lineage = lineage or Lineage()
    ofw, nfw = old.framework, new.framework
    old_by_name = {fold(u.name): u for u in old.units()}
    used: set[str] = set()
    notes = []
    if ofw.scale != nfw.scale:
        notes.append(
            f"Thang điểm khác nhau ({exact(ofw.scale)} và {exact(nfw.scale)}): điểm kỳ trước được quy đổi "
            f"sang thang {exact(nfw.scale)}."
        )
    if old.scored.kind != "inputs" or new.scored.kind != "inputs":
        notes.append(
            "Một kỳ chỉ có tổng điểm đã công bố: so sánh tổng điểm, thứ hạng và mức, không so sánh từng nhóm tiêu chí."
        )

    units = []
    for nu in new.units():
        how, names = lineage.predecessors(nu.name)
        preds = [old_by_name[fold(n)] for n in names if fold(n) in old_by_name]
        used.update(fold(p.name) for p in preds)
        if not preds:
            how = "new"
        units.append(_movement(ofw, nfw, old, new, lineage, nu, how, preds, names))
    gone = [u.name for u in old.units() if fold(u.name) not in used]
    movers = {}
    for g in new.groups:
        moved = [m for m in units if m.group == g.group.name and m.delta is not None]
        moved.sort(key=lambda m: (-abs(m.rank_change or 0), -abs(m.delta)))
        movers[g.group.name] = [m for m in moved if m.rank_change or m.delta][:top]
    return Comparison(old_label, new_label, units, gone, movers, notes)


def _movement(ofw, nfw, old, new, lineage, nu: RankedUnit, how, preds: list[RankedUnit], names) -> UnitMovement:
    def on_new_scale(v: int) -> int:
        return v if ofw.scale == nfw.scale else div_half_up(v * nfw.scale, ofw.scale)

    if not preds:
        return UnitMovement(
            nu.name,
            nu.group.name,
            "new",
            [],
            "không có trong kỳ trước",
            None,
            nu.total,
            None,
            None,
            nu.rank,
            None,
            None,
            _lv(nu.level),
            0,
        )
    totals = [p.total for p in preds]
    if how == "merged" and len(preds) > 1:
        old_total_raw = _combine(totals, lineage.merged_figure)
        note = (
            f"hợp nhất từ {', '.join(p.name for p in preds)}; điểm kỳ trước là "
            f"{MERGED_FIGURES[lineage.merged_figure]} của các đơn vị này"
        )
        missing = [n for n in names if fold(n) not in {fold(p.name) for p in preds}]
        if missing:
            note += f" (không tìm thấy trong kỳ trước: {', '.join(missing)})"
        old_rank = None  # a mean of several units had no rank of its own
    else:
        old_total_raw = totals[0]
        old_rank = preds[0].rank
        note = {
            "same": "",
            "renamed": f"tên cũ: {preds[0].name}",
            "merged": f"hợp nhất từ {preds[0].name}",
            "split": f"tách từ {preds[0].name}; so với kết quả của đơn vị đó",
        }[how]
    old_total = on_new_scale(old_total_raw)
    old_level = ofw.level_of(old_total_raw, preds[0].group.id)  # the earlier group's own levels, if any
    same_group = all(lineage.groups.get(p.group.id, p.group.id) == nu.group.id for p in preds)
    rank_change = None if old_rank is None or not same_group else old_rank - nu.rank
    if not same_group:
        note = (note + "; " if note else "") + f"kỳ trước thuộc {preds[0].group.name}: không so sánh thứ hạng"
    movement = UnitMovement(
        nu.name,
        nu.group.name,
        how if how != "same" or preds[0].name == nu.name else "renamed",
        [p.name for p in preds],
        note,
        old_total,
        nu.total,
        nu.total - old_total,
        old_rank,
        nu.rank,
        rank_change,
        _lv(old_level),
        _lv(nu.level),
        _level_change(ofw, nfw, old_level, nu.level, preds[0].group.id, nu.group.id),
    )
    if movement.how == "renamed" and not note:
        movement.note = f"tên trong kỳ trước: {preds[0].name}"
    if old.scored.kind == "inputs" and new.scored.kind == "inputs":
        movement.components = _components(ofw, nfw, old, new, lineage, nu, preds, how)
    return movement


def _combine(values: list[int], how: str) -> int:
    if how == "sum":
        return sum(values)
    if how == "max":
        return max(values)
    return div_half_up(sum(values), len(values))


def _lv(level) -> str | None:
    return level.name if level else None


def _level_change(
    ofw: Framework, nfw: Framework, a, b, old_group: str | None = None, new_group: str | None = None
) -> int:
    """+1 when the new level is higher (by its position in its group's list, top first), -1 lower, else 0."""
    if a is None or b is None:
        return 0
    ia = ofw.levels_for(old_group).index(a)
    ib = nfw.levels_for(new_group).index(b)
    if fold(a.name) == fold(b.name):
        return 0
    return (ia > ib) - (ia < ib)


def _components(ofw, nfw, old, new, lineage, nu, preds, how) -> list[ComponentMovement]:
    old_top = {c.id: c for c in ofw.criteria}
    out = []
    for c in nfw.criteria_for(nu.unit.group):
        mapped = lineage.criteria.get(c.id) or ([c.id] if c.id in old_top else [])
        mapped = [m for m in mapped if m in old_top]
        now = new.scored.points(nu.unit, c.id)
        before = None
        if mapped:
            per_pred = []
            for p in preds:
                pts = [old.scored.points(p.unit, m) for m in mapped]
                if any(x is None for x in pts):
                    per_pred = []
                    break
                per_pred.append(sum(pts))
            if per_pred:
                raw = _combine(per_pred, lineage.merged_figure if how == "merged" else "mean")
                old_max = sum(old_top[m].max for m in mapped)
                before = raw if old_max == c.max else div_half_up(raw * c.max, old_max)
        delta = None if before is None or now is None else (before - now if c.deduction else now - before)
        out.append(ComponentMovement(c.id, c.title, before, now, delta, c.deduction))
    return out
