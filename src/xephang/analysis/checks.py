"""Data-quality checks run on every submission and listed for appraisers.

Each finding names the unit, the criterion and/or input, the figure, and why it is suspicious. The
reader already refuses what can never be right under the framework's declarations (a ratio above
1, a part declared ``at_most`` its whole that exceeds it, a negative count); these checks look for
what is impossible or unlikely in substance:

* ``impossible``: a ratio whose part exceeds its whole (no ``at_most`` declared), points entered
  above the criterion's maximum, a ratio over a whole of 0 with a non-zero part;
* ``inconsistent``: inputs that contradict each other inside one criterion (e.g. "no server room"
  but 4 items of server-room equipment), and the province's own rules between inputs of different
  criteria (``load_check_rules``: "staff with a computer" at most "computers"; "items of server-room
  equipment" requires "has a server room");
* ``jump``: a figure that changed against last year by more than a threshold (default ±50 %);
* ``copied``: two units whose figures are identical (a form copied from another unit);
* ``evidence``: a figure claimed (non-zero, or "có") for an input that requires evidence, with
  no evidence listed for it;
* ``outlier``: a unit's rate far from its group's (robust z-score on median and MAD above 3.5);
* ``name`` (``check_unit_names``, run by ``xephang checks`` and before the decision is written): a
  unit's name that differs from the unit registry, or whose capitalisation differs from Nghị định
  30/2020, Phụ lục II ("Sở Tài nguyên và Môi trường", "thị xã Nghi Sơn");
* ``full``: a part declared ``at_most`` its whole that equals it exactly (every staff member has a
  computer): possible, but the figure appraisers most often find rounded up, so it asks for evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..framework.model import Framework, Input
from ..numbers import SCALE, round_fixed
from ..scoring.engine import ScoredPeriod
from ..scoring.rules import Direct, Ratio, Relative, YesNo, num
from ..text import fold, nfc

KINDS = {
    "impossible": "Giá trị không thể có",
    "inconsistent": "Số liệu mâu thuẫn",
    "jump": "Biến động bất thường so với năm trước",
    "copied": "Số liệu trùng với đơn vị khác",
    "evidence": "Thiếu tài liệu kiểm chứng",
    "outlier": "Khác biệt lớn so với các đơn vị cùng khối",
    "full": "Phần bằng đúng tổng (100 %)",
    "name": "Tên đơn vị chưa chuẩn",
}


@dataclass
class CheckFinding:
    kind: str  # a key of KINDS
    unit: str
    group: str
    criterion_id: str | None
    input_id: str | None
    figure: str  # the figure in question, as shown to appraisers
    message: str  # why, in Vietnamese
    row: int | None = None  # row of the unit in the source file

    @property
    def kind_name(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class ConsistencyRule:
    """A rule between two inputs: ``at_most`` (part <= whole) or ``requires`` (a non-zero / 'có'
    ``first`` needs a non-zero / 'có' ``second``), with the reason shown to appraisers."""

    kind: str  # at_most | requires
    first: str
    second: str
    why: str = ""


@dataclass
class CheckReport:
    findings: list[CheckFinding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # checks that could not run, and why

    def by_kind(self, kind: str) -> list[CheckFinding]:
        return [f for f in self.findings if f.kind == kind]


def run_checks(
    scored: ScoredPeriod,
    previous: ScoredPeriod | None = None,
    evidence: dict[str, set[str]] | None = None,
    jump_threshold: float = 0.5,
    outlier_z: float = 3.5,
    copy_min_figures: int = 4,
    rules: list[ConsistencyRule] | None = None,
) -> CheckReport:
    """All data-quality checks on a period with inputs (a totals-only period has nothing to check but
    jumps of its totals).

    ``previous``: last year's period (inputs matched by id, units by name) for the jump check.
    ``evidence``: folded unit name -> ids of inputs with evidence listed (``read_evidence``); without
    it the evidence check is skipped and the report says so. ``rules``: consistency rules between
    inputs (``load_check_rules``). ``jump_threshold`` is relative (0.5 = a
    change of more than 50 %); totals jump when they move more than ``jump_threshold`` × 30 points
    on a 100-point scale.
    """
    report = CheckReport()
    fw = scored.framework
    if scored.kind == "inputs":
        _impossible_and_inconsistent(fw, scored, report)
        _declared_rules(fw, scored, report, rules or [])
        _copied(fw, scored, report, copy_min_figures)
        _outliers(fw, scored, report, outlier_z)
        _part_equals_whole(fw, scored, report)
        if evidence is None:
            report.skipped.append("Thiếu tài liệu kiểm chứng: chưa có danh mục tài liệu kiểm chứng (--evidence)")
        else:
            _evidence(fw, scored, report, evidence)
    else:
        report.skipped.append("kỳ chỉ có tổng điểm: chỉ kiểm tra được biến động tổng điểm so với năm trước")
    if previous is None:
        report.skipped.append("Biến động so với năm trước: chưa có số liệu năm trước (--previous)")
    else:
        _jumps(scored, previous, report, jump_threshold)
    # For appraisers: by kind, then in the order of the submission's rows.
    order = list(KINDS)
    report.findings.sort(key=lambda f: (order.index(f.kind), f.row or 0))
    return report


def _units(scored: ScoredPeriod):
    """(unit, index into the period's columns) for every unit."""
    for u in scored.units:
        yield u, scored.groups[u.group].unit_indices[u.index]


def _v(scored: ScoredPeriod, iid: str, i: int):
    """What unit ``i`` (its index in the period's columns) has for an input as reported, a parameter
    of the period or a derived value (as the rules read it); None if it has none."""
    col = scored.data.values.get(iid)
    if col is not None:
        return col[i]
    if iid in scored.params:
        return scored.params[iid]
    if iid in scored.framework.derived:
        where = _positions(scored).get(i)
        cols = scored.groups[where[0]].cols if where else {}
        return cols[iid][where[1]] if iid in cols else None
    return None


def _positions(scored: ScoredPeriod) -> dict[int, tuple[str, int]]:
    """Index in the period's columns -> (group, index in the group's columns), built once per period."""
    found = scored.__dict__.get("_check_positions")
    if found is None:
        found = {i: (gid, k) for gid, g in scored.groups.items() for k, i in enumerate(g.unit_indices)}
        scored.__dict__["_check_positions"] = found
    return found


def _show(fw: Framework, iid: str, v) -> str:
    inp = fw.quantity(iid)
    if inp is None:
        return f"{iid}: {v}"
    if isinstance(v, tuple):  # a list: its items
        return f"{inp.label}: {len(v)} mục" + (f" ({'; '.join(v)})" if v else "")
    if isinstance(v, np.bool_):
        v = bool(v)
    if v is True:
        return f"{inp.label}: có"
    if v is False:
        return f"{inp.label}: không"
    if isinstance(v, str):  # a choice: its option's label, as the form shows it
        label = next((o.label for o in getattr(inp, "options", ()) if o.id == v), v)
        return f"{inp.label}: {label}"
    if inp.type == "ratio":
        return f"{inp.label}: {num(v * 100)}%"
    return f"{inp.label}: {num(v)} {inp.unit}".rstrip()


def _impossible_and_inconsistent(fw: Framework, scored: ScoredPeriod, report: CheckReport) -> None:
    for u, i in _units(scored):
        for c in fw.all_criteria():
            if not c.applies_to(u.group) or scored.points(u, c.id) is None:
                continue
            rule = c.rule
            if isinstance(rule, Direct):
                v = _v(scored, rule.input, i)
                if v is not None and v > c.max:
                    report.findings.append(
                        CheckFinding(
                            "impossible",
                            u.name,
                            u.group,
                            c.id,
                            rule.input,
                            _show(fw, rule.input, v),
                            f"điểm nhập vượt điểm tối đa {num(c.max)} của tiêu chí '{c.title}' (đã tính theo tối đa)",
                            u.row,
                        )
                    )
            elif (
                isinstance(rule, Ratio)
                and not rule.value
                and rule.numerator in fw.inputs
                and rule.denominator in fw.inputs
            ):
                # A part and its whole, both reported (a parameter or a derived value as the whole,
                # e.g. the documents the province asks for, may well be exceeded).
                n, d = _v(scored, rule.numerator, i), _v(scored, rule.denominator, i)
                if n is None or d is None:
                    continue
                if d == 0 and n > 0:
                    report.findings.append(
                        CheckFinding(
                            "impossible",
                            u.name,
                            u.group,
                            c.id,
                            rule.denominator,
                            f"{_show(fw, rule.numerator, n)}; {_show(fw, rule.denominator, d)}",
                            f"tổng bằng 0 nhưng phần lớn hơn 0 (tiêu chí '{c.title}')",
                            u.row,
                        )
                    )
                elif n > d:
                    report.findings.append(
                        CheckFinding(
                            "impossible",
                            u.name,
                            u.group,
                            c.id,
                            rule.numerator,
                            f"{_show(fw, rule.numerator, n)}; {_show(fw, rule.denominator, d)}",
                            f"tỷ lệ {num(n * SCALE // d)} lớn hơn 1: phần lớn hơn tổng (tiêu chí '{c.title}')",
                            u.row,
                        )
                    )
                elif d == 0:
                    report.findings.append(
                        CheckFinding(
                            "inconsistent",
                            u.name,
                            u.group,
                            c.id,
                            rule.denominator,
                            _show(fw, rule.denominator, d),
                            f"tổng bằng 0 nên tiêu chí '{c.title}' không có điểm; cần xác nhận hoặc đánh dấu không áp dụng",
                            u.row,
                        )
                    )
            if c.children and c.aggregate == "sum":
                _sibling_contradiction(fw, scored, report, u, i, c)


def _sibling_contradiction(fw, scored, report, u, i, c) -> None:
    """A criterion whose first sub-item ("has a server room") is answered 'không' while a later
    sub-item counts things that presuppose it ("4 items of server-room equipment"). Only nested
    criteria: the sub-items of a top-level criteria group are independent of each other."""
    first = c.children[0]
    if c.depth == 0 or not isinstance(first.rule, YesNo) or _v(scored, first.rule.input, i) is not False:
        return
    for no in [first]:
        for other in c.children:
            if other is no or other.rule is None:
                continue
            for iid in other.rule.inputs():
                v = _v(scored, iid, i)
                if iid in fw.inputs and fw.inputs[iid].numeric and not isinstance(v, bool) and v:
                    report.findings.append(
                        CheckFinding(
                            "inconsistent",
                            u.name,
                            u.group,
                            other.id,
                            iid,
                            f"{_show(fw, no.rule.input, False)}; {_show(fw, iid, v)}",
                            f"khai 'không' ở '{no.title}' nhưng vẫn khai số liệu cho '{other.title}'",
                            u.row,
                        )
                    )


def _claimed(v) -> bool:
    return v is True or (not isinstance(v, bool) and isinstance(v, int) and v > 0)


def _declared_rules(fw: Framework, scored: ScoredPeriod, report: CheckReport, rules: list[ConsistencyRule]) -> None:
    for u, i in _units(scored):
        needed = {inp.id for inp in fw.inputs_for(u.group)}
        for r in rules:
            if r.first not in needed or r.second not in needed:
                continue
            a, b = _v(scored, r.first, i), _v(scored, r.second, i)
            if a is None or b is None:
                continue
            first, second = fw.inputs[r.first].label, fw.inputs[r.second].label
            if r.kind == "at_most" and a > b:
                message = f"'{first}' lớn hơn '{second}'"
            elif r.kind == "requires" and _claimed(a) and not _claimed(b):
                message = f"khai '{first}' nhưng không có '{second}'"
            else:
                continue
            report.findings.append(
                CheckFinding(
                    "inconsistent",
                    u.name,
                    u.group,
                    None,
                    r.first,
                    f"{_show(fw, r.first, a)}; {_show(fw, r.second, b)}",
                    message + (f" ({r.why})" if r.why else ""),
                    u.row,
                )
            )


def load_check_rules(path: str | Path, framework: Framework) -> list[ConsistencyRule]:
    """Read consistency rules (YAML) for a framework::

        at_most:
          - {part: so_cbccvc_co_may_tinh, whole: so_may_tinh, why: mỗi cán bộ có máy cần một máy}
        requires:
          - {if: so_hang_muc_phong_may_chu, then: co_phong_may_chu_rieng}

    Every input id must exist in the framework; errors name the file and the rule.
    """
    import yaml

    from ..errors import XephangError

    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise XephangError(f"tệp {p.name}: không đọc được quy tắc kiểm tra ({e})") from None
    if not isinstance(doc, dict) or set(doc) - {"at_most", "requires"}:
        raise XephangError(f"tệp {p.name}: cần các khóa 'at_most' và/hoặc 'requires'")
    out = []
    for kind, keys in (("at_most", ("part", "whole")), ("requires", ("if", "then"))):
        for n, item in enumerate(doc.get(kind) or []):
            where = f"tệp {p.name}: {kind}[{n}]"
            if not isinstance(item, dict) or any(k not in item for k in keys):
                raise XephangError(f"{where}: cần các khóa {keys[0]} và {keys[1]}")
            for k in keys:
                if str(item[k]) not in framework.inputs:
                    raise XephangError(f"{where}.{k}: '{item[k]}' không phải chỉ tiêu của bộ tiêu chí '{framework.id}'")
            out.append(ConsistencyRule(kind, str(item[keys[0]]), str(item[keys[1]]), str(item.get("why", ""))))
    return out


def _numeric_figures(fw: Framework, scored: ScoredPeriod, i: int, group: str) -> dict[str, int]:
    out = {}
    for inp in fw.inputs_for(group):
        v = _v(scored, inp.id, i)
        if inp.numeric and v is not None and not isinstance(v, bool):
            out[inp.id] = v
    return out


def _copied(fw: Framework, scored: ScoredPeriod, report: CheckReport, min_figures: int) -> None:
    units = list(_units(scored))
    figures = [_numeric_figures(fw, scored, i, u.group) for u, i in units]
    pairs = _copied_pairs(figures, min_figures) if min_figures >= 1 else _copied_pairs_pairwise(figures, min_figures)
    for a, b in pairs:
        ua, ub = units[a][0], units[b][0]
        fa, fb = figures[a], figures[b]
        common = [k for k in fa if k in fb and (fa[k] or fb[k])]
        same = [k for k in common if fa[k] == fb[k]]
        shown = "; ".join(_show(fw, k, fa[k]) for k in same[:4]) + ("; …" if len(same) > 4 else "")
        report.findings.append(
            CheckFinding(
                "copied",
                ub.name,
                ub.group,
                None,
                None,
                shown,
                f"{len(same)}/{len(common)} số liệu khác 0 trùng khớp với đơn vị '{ua.name}'",
                ub.row,
            )
        )


def _is_copy(fa: dict, fb: dict, min_figures: int) -> bool:
    """The rule: among the figures both units have and at least one of them has non-zero, at least
    ``min_figures`` and at least 90 % are equal (a form copied from another unit repeats (nearly)
    every non-zero figure)."""
    common = same = 0
    for k, v in fa.items():
        if k in fb:
            w = fb[k]
            if v or w:
                common += 1
                same += v == w
    return same >= min_figures and same * 10 >= common * 9


def _copied_pairs_pairwise(figures: list[dict], min_figures: int) -> list[tuple[int, int]]:
    """Every pair (a, b), a < b, that follows the rule, comparing every pair: the definition, and what
    runs when ``min_figures`` < 1 (then pairs with no figure in common follow it too)."""
    return [
        (a, b)
        for a in range(len(figures))
        for b in range(a + 1, len(figures))
        if _is_copy(figures[a], figures[b], min_figures)
    ]


def _copied_pairs(figures: list[dict], min_figures: int) -> list[tuple[int, int]]:
    """The pairs of ``_copied_pairs_pairwise`` (``min_figures`` >= 1), without comparing every pair.

    Equal non-zero figures are tokens (input, value). Units are classed by the inputs they have a
    figure for; for two classes, S is the inputs both have. A pair (a, b) follows the rule only if
    its shared tokens number at least r = max(min_figures, ⌈0.9 × n⌉) for n each unit's non-zero
    figures in S (each of those is among the pair's common figures). By the prefix-filter argument of
    set-similarity joins, with tokens in one global order (rarest first), two sets sharing r tokens share
    one among the first n - r + 1 of each: only units sharing a token of those prefixes are compared,
    each then by the rule itself. Equal figures that are frequent (a 1, a 100 %) are thus never the
    reason to compare two units, and 3,000 units cost about the units times their prefixes."""
    frequency: dict = {}
    for f in figures:
        for token in f.items():
            if token[1]:
                frequency[token] = frequency.get(token, 0) + 1
    # Rarest first; ties broken by first appearance (dict order), so the order is total and fixed.
    order = {token: n for n, token in enumerate(sorted(frequency, key=frequency.__getitem__))}
    classes: dict[frozenset, list[int]] = {}
    for i, f in enumerate(figures):
        classes.setdefault(frozenset(f), []).append(i)
    keys = list(classes)
    found: set[tuple[int, int]] = set()

    def prefixes(members: list[int], shared: frozenset) -> dict[int, list]:
        out = {}
        for i in members:
            tokens = sorted((t for t in figures[i].items() if t[1] and t[0] in shared), key=order.__getitem__)
            need = max(min_figures, -(-9 * len(tokens) // 10))
            if len(tokens) >= need:
                out[i] = tokens[: len(tokens) - need + 1]
        return out

    for x, kx in enumerate(keys):
        for ky in keys[x:]:
            shared = kx & ky
            if len(shared) < min_figures:
                continue
            left = prefixes(classes[kx], shared)
            right = left if ky is kx else prefixes(classes[ky], shared)
            index: dict = {}
            for i, prefix in left.items():
                for token in prefix:
                    index.setdefault(token, []).append(i)
            for j, prefix in right.items():
                candidates = {i for token in prefix for i in index.get(token, ()) if i != j}
                for i in candidates:
                    pair = (i, j) if i < j else (j, i)
                    if pair not in found and _is_copy(figures[pair[0]], figures[pair[1]], min_figures):
                        found.add(pair)
    return sorted(found)


def _rate(rule, scored: ScoredPeriod, i: int) -> Fraction | None:
    """The figure a ratio or relative rule scores: the share, or the value per whole."""
    if getattr(rule, "value", None):
        v = _v(scored, rule.value, i)
        return None if v is None else Fraction(v, SCALE)
    n, d = _v(scored, rule.numerator, i), _v(scored, rule.denominator, i)
    if n is None or not d:
        return None
    return Fraction(n, d)


def _outliers(fw: Framework, scored: ScoredPeriod, report: CheckReport, z: float) -> None:
    limit = Fraction(z).limit_denominator(1000)
    by_group: dict[str, list] = {}
    for u, i in _units(scored):
        by_group.setdefault(u.group, []).append((u, i))
    for gid, members in by_group.items():
        if len(members) < 5:
            continue  # too few units for a robust spread
        for c in fw.all_criteria():
            if not isinstance(c.rule, (Ratio, Relative)) or not c.applies_to(gid):
                continue
            rates = [(u, _rate(c.rule, scored, i)) for u, i in members if scored.points(u, c.id) is not None]
            rates = [(u, r) for u, r in rates if r is not None]
            if len(rates) < 5:
                continue
            med = _median([r for _, r in rates])
            apart = [abs(r - med) for _, r in rates]
            mad = _median(apart)
            if mad == 0:
                continue
            # |0.6745 (r - med) / mad| > z, as a bound on |r - med| worked out once per criterion.
            bound = limit * mad / Fraction(6745, 10000)
            for (u, r), distance in zip(rates, apart):
                if distance > bound:
                    score_z = Fraction(6745, 10000) * (r - med) / mad
                    where = "cao" if r > med else "thấp"
                    report.findings.append(
                        CheckFinding(
                            "outlier",
                            u.name,
                            u.group,
                            c.id,
                            c.rule.inputs()[0],
                            f"{c.title}: {_frac(r)}",
                            f"{where} bất thường so với trung vị của khối ({_frac(med)}); chỉ số lệch chuẩn hóa "
                            f"{float(score_z):.1f}",
                            u.row,
                        )
                    )


def _part_equals_whole(fw: Framework, scored: ScoredPeriod, report: CheckReport) -> None:
    for u, i in _units(scored):
        for inp in fw.inputs_for(u.group):
            if not inp.at_most:
                continue
            v, whole = _v(scored, inp.id, i), _v(scored, inp.at_most, i)
            if v is None or isinstance(v, bool) or not v or v != whole:
                continue
            crit = next((c.id for c in fw.readers_of(inp.id)), None)
            report.findings.append(
                CheckFinding(
                    "full",
                    u.name,
                    u.group,
                    crit,
                    inp.id,
                    f"{_show(fw, inp.id, v)}; {_show(fw, inp.at_most, whole)}",
                    f"'{inp.label}' bằng đúng '{fw.inputs[inp.at_most].label}' (100 %); cần đối chiếu tài liệu kiểm chứng",
                    u.row,
                )
            )


def _median(values: list[Fraction]) -> Fraction:
    # Ordered by an integer first (the value's floor at 2**64 parts of one: one int comparison where
    # two Fractions take a dozen Python calls), then exactly by the value where two floors are equal.
    s = sorted(values, key=lambda r: ((r.numerator << 64) // r.denominator, r))
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _frac(r: Fraction) -> str:
    """A rate for appraisers: at most 4 decimals, rounded half-up."""
    return num(round_fixed(round(r * SCALE), 4))


def _evidence(fw: Framework, scored: ScoredPeriod, report: CheckReport, evidence: dict[str, set[str]]) -> None:
    reader: dict[str, str | None] = {}  # an input's first criterion reading it: the same for every unit
    for u, i in _units(scored):
        listed = evidence.get(fold(u.name), set())
        for inp in fw.inputs_for(u.group):
            if not inp.evidence or inp.id in listed:
                continue
            v = _v(scored, inp.id, i)
            if v is None or v is False or v == 0 or v == () or inp.type == "choice" and not v:
                continue  # nothing claimed, nothing to prove
            if inp.id not in reader:
                reader[inp.id] = next((c.id for c in fw.readers_of(inp.id)), None)
            crit = reader[inp.id]
            report.findings.append(
                CheckFinding(
                    "evidence",
                    u.name,
                    u.group,
                    crit,
                    inp.id,
                    _show(fw, inp.id, v),
                    "chỉ tiêu yêu cầu tài liệu kiểm chứng nhưng đơn vị chưa nộp",
                    u.row,
                )
            )


def _jumps(scored: ScoredPeriod, previous: ScoredPeriod, report: CheckReport, threshold: float) -> None:
    fw = scored.framework
    before = {fold(u.name): (u, i) for u, i in _units(previous)}
    limit = Fraction(threshold).limit_denominator(10000)
    for u, i in _units(scored):
        match = before.get(fold(u.name))
        if match is None:
            continue
        pu, pi = match
        if scored.kind == "inputs" and previous.kind == "inputs":
            for iid, v in _numeric_figures(fw, scored, i, u.group).items():
                old = _v(previous, iid, pi)
                if old is None or isinstance(old, (bool, tuple)) or iid not in previous.framework.inputs or not old:
                    continue
                change = Fraction(v - old, old)
                if abs(change) > limit:
                    report.findings.append(
                        CheckFinding(
                            "jump",
                            u.name,
                            u.group,
                            None,
                            iid,
                            f"{_show(fw, iid, v)} (năm trước {num(old)})",
                            f"{'tăng' if change > 0 else 'giảm'} {float(abs(change)) * 100:.0f}% so với năm trước "
                            f"(ngưỡng {threshold * 100:g}%)",
                            u.row,
                        )
                    )
        total_limit = limit * 30 * scored.framework.scale / 100
        if abs(u.total - pu.total * scored.framework.scale // previous.framework.scale) > total_limit:
            report.findings.append(
                CheckFinding(
                    "jump",
                    u.name,
                    u.group,
                    None,
                    None,
                    f"tổng điểm {num(u.total)} (năm trước {num(pu.total)})",
                    f"tổng điểm thay đổi hơn {num(int(total_limit))} điểm so với năm trước",
                    u.row,
                )
            )


def read_evidence(path: str | Path, framework: Framework) -> dict[str, set[str]]:
    """Read the evidence list: a CSV/Excel with columns 'đơn vị', 'chỉ tiêu' (input id or label) and
    'tài liệu kiểm chứng' (number, date, summary). Returns folded unit name -> input ids with evidence."""
    from ..io.reader import UNIT_HEADERS, read_table

    table = read_table(path)
    keys = [fold(h) for h in table.header]
    unit_col = next((k for k, h in enumerate(keys) if h in UNIT_HEADERS), None)
    input_col = next((k for k, h in enumerate(keys) if h in {fold("chỉ tiêu"), "input"}), None)
    doc_col = next(
        (k for k, h in enumerate(keys) if h in {fold("tài liệu kiểm chứng"), fold("minh chứng"), "evidence"}), None
    )
    if unit_col is None or input_col is None or doc_col is None:
        raise InputError(
            table.where(row=1), "danh mục minh chứng cần các cột 'đơn vị', 'chỉ tiêu' và 'tài liệu kiểm chứng'"
        )
    by_key: dict[str, Input] = {}
    for inp in framework.inputs.values():
        by_key[fold(inp.id)] = inp
        by_key.setdefault(fold(inp.label), inp)
    out: dict[str, set[str]] = {}
    for row_n, cells in table.rows:
        cells = list(cells) + [None] * (len(table.header) - len(cells))
        unit = nfc(str(cells[unit_col] or ""))
        key = fold(str(cells[input_col] or ""))
        if not unit:
            raise InputError(table.where(row_n, unit_col), "thiếu tên đơn vị")
        if key not in by_key:
            raise InputError(
                table.where(row_n, input_col),
                f"'{cells[input_col]}' không phải chỉ tiêu của bộ tiêu chí '{framework.id}'",
            )
        if not nfc(str(cells[doc_col] or "")):
            continue  # a row with no document listed proves nothing
        out.setdefault(fold(unit), set()).add(by_key[key].id)
    return out


# ------------------------------------------------------------------------------------------ unit names

#: Fields of state administration as Phụ lục II writes them inside an agency's name: only the first
#: syllable of each field is capitalised (the position decides that one, so only the others are checked).
FIELD_PHRASES = (
    "tài nguyên",
    "môi trường",
    "văn hóa",
    "thể thao",
    "du lịch",
    "giáo dục",
    "đào tạo",
    "khoa học",
    "công nghệ",
    "kế hoạch",
    "đầu tư",
    "tài chính",
    "xây dựng",
    "giao thông vận tải",
    "nội vụ",
    "tư pháp",
    "y tế",
    "ngoại vụ",
    "nông nghiệp",
    "phát triển nông thôn",
    "lao động",
    "thương binh",
    "xã hội",
    "thông tin",
    "truyền thông",
    "dân tộc",
    "thanh tra",
    "văn phòng",
    "quản lý",
    "ủy ban nhân dân",
)
#: Words after which a place name follows, every syllable of which is capitalised (Phụ lục II).
PLACE_TRIGGERS = ("huyện", "thị xã", "thành phố", "tỉnh", "quận", "thị trấn", "KKT", "khu kinh tế")
#: Abbreviations written out before a name is matched against the registry.
ABBREVIATIONS = {
    "ubnd": "ủy ban nhân dân",
    "kkt": "khu kinh tế",
    "kcn": "khu công nghiệp",
    "tp": "thành phố",
    "ql": "quản lý",
}
_SYLLABLE = __import__("re").compile(r"\w+|[^\w\s]+")


def read_unit_registry(path: str | Path) -> list[str]:
    """The official unit names, one a line (a CSV's first column; '#' lines are comments)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(f"tệp {p}", f"không đọc được danh mục đơn vị ({e.strerror or e})") from None
    names = []
    for line in text.splitlines():
        line = line.split(",")[0].strip().strip('"') if p.suffix.lower() == ".csv" else line.strip()
        if line and not line.startswith("#") and fold(line) not in ("ten don vi", "don vi", "unit"):
            names.append(nfc(line))
    return names


def _loose(name: str) -> str:
    return " ".join(ABBREVIATIONS.get(w, w) for w in fold(name).split())


def _capitalisation(name: str) -> tuple[str, list[str]]:
    """(the name as Phụ lục II writes it, the reasons) for one name."""
    words = name.split(" ")
    reasons = []
    fixed = list(words)
    low = [w.casefold() for w in words]
    if fixed and fixed[0][:1].islower():
        fixed[0] = fixed[0][:1].upper() + fixed[0][1:]
        reasons.append(f"chữ đầu '{words[0]}' cần viết hoa")
    spans = []
    for phrase in FIELD_PHRASES:
        parts = phrase.split(" ")
        for k in range(len(low) - len(parts) + 1):
            if [w.rstrip(",;") for w in low[k : k + len(parts)]] != parts:
                continue
            spans.append((k, k + len(parts) - 1))
            for j in range(1, len(parts)):
                w = fixed[k + j]
                if w[:1].isupper() and not w.isupper():
                    fixed[k + j] = w.lower()
                    reasons.append(f"'{w}' trong '{' '.join(words[k : k + len(parts)])}' viết thường")
    # Fields listed one after another are separated by commas ("Văn hóa, Thể thao và Du lịch").
    starts = {a for a, _ in spans}
    for a, b in spans:
        if b + 1 in starts and not words[b].endswith(","):
            fixed[b] += ","
            nxt = next(e for s_, e in spans if s_ == b + 1)
            reasons.append(
                f"thiếu dấu phẩy giữa '{' '.join(words[a : b + 1])}' và '{' '.join(words[b + 1 : nxt + 1])}'"
            )
    for trigger in PLACE_TRIGGERS:
        t = trigger.split(" ")
        for k in range(len(words) - len(t)):
            if [w.casefold() for w in words[k : k + len(t)]] != [x.casefold() for x in t]:
                continue
            rest = []
            for w in words[k + len(t) :]:
                if not w or w.casefold() in ("và", "các") or not w[:1].isalpha():
                    break
                rest.append(w)
                if w[-1:] in ",;":
                    break
            if rest and rest[0][:1].isupper():  # a proper name: each of its syllables capitalised
                for j, w in enumerate(rest[1:], start=k + len(t) + 1):
                    if w[:1].islower():
                        fixed[j] = w[:1].upper() + w[1:]
                        reasons.append(f"tên riêng '{' '.join(rest).rstrip(',;')}': viết hoa '{w}'")
    return " ".join(fixed), reasons


def registry_for(period_file, given: str | None = None) -> list[str] | None:
    """The registry named on the command line, else the one the period names (a path
    beside its period.yaml, key ``unit_registry``), else None."""
    if given:
        return read_unit_registry(given)
    name = (getattr(period_file, "meta", None) or {}).get("unit_registry")
    return read_unit_registry(Path(period_file.path).parent / name) if name else None


def check_unit_names(scored: ScoredPeriod, registry: list[str] | None = None) -> list[CheckFinding]:
    """Names that differ from the unit registry (same name once abbreviations are written out, or
    the closest one) or from Phụ lục II's capitalisation; warnings, the data is not changed."""
    import difflib

    findings = []
    official = {_loose(n): n for n in registry or []}
    for u in scored.units:
        name = u.name
        if registry:
            match = official.get(_loose(name))
            if match is None:
                near = difflib.get_close_matches(_loose(name), list(official), n=1, cutoff=0.75)
                hint = f"; gần nhất: '{official[near[0]]}'" if near else ""
                findings.append(
                    CheckFinding(
                        "name", name, u.group, None, None, name, f"không có trong danh mục đơn vị{hint}", u.row
                    )
                )
                continue
            if match != name:
                findings.append(
                    CheckFinding(
                        "name", name, u.group, None, None, name, f"khác tên trong danh mục đơn vị: '{match}'", u.row
                    )
                )
                continue
        right, reasons = _capitalisation(name)
        if reasons:
            findings.append(
                CheckFinding(
                    "name",
                    name,
                    u.group,
                    None,
                    None,
                    name,
                    f"cách viết chưa đúng Nghị định 30/2020, Phụ lục II ({'; '.join(reasons)}); nên viết: '{right}'",
                    u.row,
                )
            )
    return findings
