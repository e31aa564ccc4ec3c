"""The adapter between the database and the core: builds ``PeriodData`` from what units reported (and
appraisers adjusted), scores and ranks it with ``xephang.scoring`` / ``xephang.ranking``, and freezes
results into a snapshot. No score, level or rank is computed anywhere else in the web application.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from xephang.errors import InputError
from xephang.framework.model import Framework, Input
from xephang.io import reader as core_reader
from xephang.io.validate import validate_unit
from xephang.numbers import format_number, from_fixed, plain
from xephang.period import PeriodData, UnitEntry
from xephang.ranking import GroupRanking, Ranking, rank, rank_unit
from xephang.scoring.engine import ScoredPeriod, score
from xephang.scoring.single import data_with_unit, score_unit, with_units_replaced

from .cache import CHECKED_FIGURES, LIVE_SCORES, PERIOD_READINGS, PERIOD_SCORES, framework_key
from .models import Explanation, Period, ScoringRevision, Submission, Unit

FORM = "Biểu mẫu báo cáo"


def parse_value(inp: Input, text: str):
    """One typed figure checked exactly as the core's reader checks a spreadsheet cell.

    Raises ``InputError`` whose ``message`` says, in Vietnamese, what was expected.
    """
    return core_reader.parse_value(inp, text, FORM)


def inputs_of_criteria(fw: Framework, group: str, criterion_ids) -> set[str]:
    """Inputs read only by the given criteria (and their sub-items): left blank when those do not apply."""
    marked = set()
    for cid in criterion_ids:
        try:
            marked.update(fw.criterion(cid).inputs())
        except KeyError:
            continue
    return {
        iid
        for iid in marked
        if all(any(a.id in criterion_ids for a in _ancestors(c)) for c in fw.readers_of(iid, group))
    }


def _ancestors(c):
    node = c
    while node is not None:
        yield node
        node = node.parent


@dataclass
class CheckedValues:
    values: dict = field(default_factory=dict)  # input id -> core value (None where not applicable)
    errors: dict = field(default_factory=dict)  # input id -> Vietnamese message
    missing: list = field(default_factory=list)  # input ids left blank

    @property
    def complete(self) -> bool:
        return not self.errors and not self.missing


def check_values(fw: Framework, group: str, texts: dict, not_applicable=()) -> CheckedValues:
    """Every figure checked as the core's reader checks a cell. Memoised per process by content
    (``cache.CHECKED_FIGURES``): a period read in full checks every unit's saved figures again, most
    of them unchanged (a copy is returned)."""
    fkey = framework_key(fw)
    try:
        key = (
            None
            if fkey is None
            else (fkey, group, frozenset((k, str(v)) for k, v in texts.items()), frozenset(not_applicable))
        )
    except TypeError:  # an unhashable criterion id: checked, not cached
        key = None
    c = CHECKED_FIGURES.get(key, lambda: _check_values(fw, group, texts, not_applicable))
    return CheckedValues(dict(c.values), dict(c.errors), list(c.missing))


def _check_values(fw: Framework, group: str, texts: dict, not_applicable=()) -> CheckedValues:
    out = CheckedValues()
    blank_ok = inputs_of_criteria(fw, group, set(not_applicable))
    for inp in fw.inputs_for(group):
        text = str(texts.get(inp.id, "") or "").strip()
        if inp.id in blank_ok:
            out.values[inp.id] = None
            continue
        if not text:
            out.missing.append(inp.id)
            continue
        try:
            out.values[inp.id] = parse_value(inp, text)
        except InputError as e:
            out.errors[inp.id] = e.message
    for iid, message in validate_unit(fw, group, out.values):
        out.errors.setdefault(iid, message)
    return out


def effective_texts(sub: Submission, stage: str) -> dict:
    """The figures to score: as reported, or after appraisal (adjusted values, unless an explanation
    was accepted, which restores the unit's figure)."""
    texts = dict(sub.values)
    if stage == "appraised":
        for adj in sub.adjustments.all():
            expl = getattr(adj, "explanation", None)
            if adjustment_counts(adj.accepted, expl.decision if expl is not None else None):
                texts[adj.input_id] = adj.value
    return texts


def adjustment_counts(accepted: bool, decision: str | None) -> bool:
    """Whether an appraiser's decision on a figure replaces it when scoring the appraised stage: an
    adjustment does (not an acceptance), unless the unit's explanation of it was accepted, which
    restores the unit's figure."""
    return not accepted and decision != Explanation.Decision.ACCEPTED


@dataclass
class PeriodScores:
    period: Period
    framework: Framework
    scored: ScoredPeriod | None
    ranking: Ranking | None
    unit_ids: list[int]  # aligned with scored.units
    left_out: list[tuple[str, str]]  # (unit name, why it is not scored)
    #: why nothing could be scored (a period parameter not set or out of its bounds), in Vietnamese
    error: str = ""
    #: What the scores were cached under (``cache.PERIOD_SCORES``): equal keys, equal scores. None for
    #: a live self-score or scores rebuilt from a snapshot.
    key: tuple | None = None
    #: How many units the period scored (the live unit included). A live self-score holds only the
    #: live unit in ``scored`` and ``unit_ids``; this counts the others it was scored among.
    scored_units: int = -1
    #: Look-ups by unit id, built on first use (a national period has thousands of units).
    _positions: dict | None = field(default=None, init=False, repr=False, compare=False)
    _ranked: dict | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.scored_units < 0:
            self.scored_units = len(self.unit_ids)

    def position(self, unit_id: int) -> int | None:
        """The unit's index in ``scored.units`` (and ``unit_ids``), None if it was not scored."""
        if self._positions is None:
            self._positions = {uid: k for k, uid in enumerate(self.unit_ids)}
        return self._positions.get(unit_id)

    def ranked(self, unit_id: int):
        if self.ranking is None or self.position(unit_id) is None:
            return None
        if self._ranked is None:
            uid_of = {id(su): uid for su, uid in zip(self.scored.units, self.unit_ids)}
            self._ranked = {uid_of[id(u.unit)]: u for u in self.ranking.all_units() if id(u.unit) in uid_of}
        return self._ranked.get(unit_id)


def score_period(
    period: Period,
    stage: str = "appraised",
    *,
    only_submitted: bool = True,
    override: tuple[int, dict, list] | None = None,
) -> PeriodScores:
    """Score every unit with complete figures. ``override`` = (unit id, texts, not applicable) scores one
    unit's unsaved form (the live self-score) among the others' saved figures: that unit alone against
    the period's saved scores (``scoring.single``), the result holding only it (``scored_units`` counts
    the others), as exact as scoring the whole period again, which is done only where needed.

    Cached (``cache.PERIOD_SCORES``; with an ``override``, ``cache.LIVE_SCORES``) under the period's
    ``ScoringRevision``, which the database draws anew on any change to what is scored, and the
    period's own fields and criteria set read with it: a request that hits reads one small row, not
    every report. The revision is read before the reports: scores of newer reports stored under an
    older revision are served only to requests that read that older revision.

    On a new revision the period's latest reading (``cache.PERIOD_READINGS``) is brought up to date:
    every report's ``ReportRevision`` is read (one narrow query), and only the reports whose number
    changed are read and checked again; when what is scored did not change (a draft saved, a figure
    accepted as reported), the scores are those already computed; when only some units' figures did,
    those units are scored alone against the others and the period ranked again; otherwise (units
    added, left out or moved, a ``relative`` best moved) the period is scored again from the figures
    already checked (``_read_saved``)."""
    fw = period.framework.load()
    fkey = framework_key(fw)
    params = period.params
    key = None
    if fkey is not None and period.pk is not None:
        try:
            reports, appraisal = ScoringRevision.of(period.pk)
            # What units reported is scored at both stages; what appraisers decided, only once appraised.
            revision = (reports, appraisal) if stage == "appraised" else (reports,)
            key = (
                period.pk,
                revision,
                stage,
                only_submitted,
                period.kind,
                period.name,
                period.ties,
                tuple(sorted(params.items())),
                fkey,
            )
            hash(key)
        except TypeError:  # a parameter stored as a list or table: scored, not cached
            key = None

    def saved() -> _Reading:
        return PERIOD_SCORES.get(key, lambda: _read_saved(period, fw, stage, only_submitted, key))

    if override is None:
        scored = saved().scored
    else:
        unit_id, texts, not_app = override
        live_key = (
            None
            if key is None
            else (key, unit_id, tuple(sorted((k, str(v)) for k, v in texts.items())), tuple(sorted(set(not_app))))
        )
        if key is None:  # the saved scores are not cached either: one scoring of the whole period
            scored = _score_period(period, fw, stage, only_submitted, override)
        else:
            scored = LIVE_SCORES.get(
                live_key, lambda: _score_live(period, fw, stage, only_submitted, override, saved())
            )
    result, ranking, unit_ids, left_out, error, *count = scored
    return PeriodScores(
        period,
        fw,
        result,
        ranking,
        list(unit_ids),
        list(left_out),
        error,
        key=key if override is None else None,
        scored_units=count[0] if count else -1,
    )


def _score_live(period: Period, fw: Framework, stage: str, only_submitted: bool, override, reading: _Reading):
    """``_score_period`` with ``override``, from the period's saved scores: the unit scored alone against
    the others (``scoring.single.score_unit``, ``ranking.rank_unit``), with the count of units scored.
    Where one unit alone cannot be exact because its figures move the best value of a ``relative``
    criterion of its group (every other unit's points move), the period is scored again from the
    figures already read; where the unit is not in the saved scores' shape (incomplete figures, a
    group the set lacks), the period is scored again from the reports already read and checked."""
    unit_id, texts, not_app = override

    def again():
        return _score_period(period, fw, stage, only_submitted, override, reading)

    saved = reading.scored
    result, ranking, unit_ids, left_out, error = saved
    if period.kind == Period.Kind.TOTALS:
        return saved  # a totals period scores the saved totals: typed figures do not enter it
    if error:
        return saved  # a period parameter not set: nothing is scored, whatever is typed
    unit = Unit.objects.select_related("group").get(pk=unit_id)
    group = fw.group(unit.group.code)
    checked = check_values(fw, group.id, texts, not_app) if group is not None else None
    if checked is None or not checked.complete:
        return again()
    values = {iid: checked.values.get(iid) for iid in fw.inputs}
    entry = UnitEntry(unit.name, group.id)
    if result is None:  # nothing saved is scored (nobody has submitted yet): the unit is scored alone
        if not any(r.unit_id == unit_id for r in reading.reports):
            return again()
        data = PeriodData(
            source=period.name,
            kind=period.kind,
            units=[entry],
            values={iid: [v] for iid, v in values.items()},
            not_applicable={cid: {0} for cid in not_app},
            params=period.params,
        )
        one = score(fw, data)
        return one, rank(one, period.tie_rule()), [unit_id], _without(left_out, unit.name), "", 1
    pos = {uid: k for k, uid in enumerate(unit_ids)}.get(unit_id)
    order = pos
    if pos is None:  # not among the saved scores (a draft): its place in the source, as scoring reads it
        source = [r.unit_id for r in reading.reports]
        if unit_id not in source:
            return again()
        scored_ids = set(unit_ids)
        order = sum(1 for uid in source[: source.index(unit_id)] if uid in scored_ids)
        left_out = _without(left_out, unit.name)
    one = score_unit(result, entry, values, not_app, replaces=pos, order=order)
    if one is None:  # the others' points move: the period scored again, from the figures already read
        scored = score(fw, data_with_unit(result.data, entry, values, not_app, pos, order))
        ids = list(unit_ids)
        if pos is None:
            ids.insert(order, unit_id)
        return scored, rank(scored, period.tie_rule()), ids, left_out, ""
    ru = rank_unit(ranking, one, None if pos is None else result.units[pos])
    table = GroupRanking(ru.group, [ru], []) if ru.ranked else GroupRanking(ru.group, [], [ru])
    live = Ranking(fw, one, ranking.ties, [table])  # the others' tables and notes: the saved ranking's
    return one, live, [unit_id], left_out, "", len(unit_ids) + (pos is None)


#: The order in which a period's reports are read and scored (the input-order tie rule reads it).
REPORT_ORDER = ("unit__group__order", "unit__order", "unit__name", "unit_id")


@dataclass(frozen=True)
class _Report:
    """One report as scoring reads it, with its ``ReportRevision`` read in the same query (None: none
    yet, read again every time)."""

    id: int
    revision: int | None
    unit_id: int
    name: str
    group: str  # the unit's group code
    state: str
    #: the figures to score at the stage read (``effective_texts``); None once its outcome is known (a
    #: reading keeps what scoring made of them, not the texts: a national period's are tens of MB)
    texts: dict | None
    not_applicable: tuple
    total: str


@dataclass(frozen=True)
class _Reading:
    """A period's reports as read at one moment, what scoring made of each (``_outcome``), and the
    scores computed from them (``_score_period``'s tuple). Shared by the caches: never modified."""

    reports: tuple[_Report, ...]
    outcomes: tuple
    scored: tuple


def _read_reports(period: Period, stage: str, ids=None) -> list[_Report]:
    """The period's reports in scoring order (or those of ``ids``), each in one row with its revision:
    plain values rather than model instances, the appraisers' adjustments in one more query."""
    from .models import Adjustment

    subs = period.submissions.all() if ids is None else period.submissions.filter(pk__in=ids)
    rows = subs.order_by(*REPORT_ORDER).values_list(
        "id",
        "scoring_revision__revision",
        "unit_id",
        "unit__name",
        "unit__group__code",
        "state",
        "values",
        "not_applicable",
        "total",
    )
    adjusted: dict[int, dict] = {}
    if stage == "appraised" and period.kind == Period.Kind.INPUTS:
        adjustments = Adjustment.objects.filter(accepted=False)
        adjustments = (
            adjustments.filter(submission__period=period) if ids is None else adjustments.filter(submission_id__in=ids)
        )
        for sid, iid, value, decision in adjustments.values_list(
            "submission_id", "input_id", "value", "explanation__decision"
        ):
            if adjustment_counts(False, decision):
                adjusted.setdefault(sid, {})[iid] = value
    return [
        _Report(
            sid,
            revision,
            uid,
            name,
            code,
            state,
            {**values, **adjusted[sid]} if sid in adjusted else values,
            tuple(not_app or ()),
            total,
        )
        for sid, revision, uid, name, code, state, values, not_app, total in rows
    ]


def _outcome(fw: Framework, period: Period, only_submitted: bool, r: _Report, live=None) -> tuple:
    """What scoring makes of one report: (unit id, name, group id, payload), the payload being the
    checked figures (a tuple in ``fw.inputs`` order) and criteria not applicable, or a totals period's
    total; or (unit id, name, None, why it is left out). ``live`` = (texts, not applicable) typed in
    the unit's form, scored whatever the report's state."""
    group = fw.group(r.group)
    if group is None:
        return (r.unit_id, r.name, None, f"khối '{r.group}' không có trong bộ tiêu chí")
    if period.kind == Period.Kind.TOTALS:
        if not r.total:
            return (r.unit_id, r.name, None, "chưa có tổng điểm")
        try:
            total = core_reader.parse_total(fw, r.total, FORM)
        except InputError as e:  # a stored total that is no longer valid: shown, never a 500
            return (r.unit_id, r.name, None, e.message)
        return (r.unit_id, r.name, group.id, total)
    if live is None and only_submitted and r.state != Submission.State.SUBMITTED:
        return (r.unit_id, r.name, None, "chưa nộp báo cáo")
    texts, not_app = live if live is not None else (r.texts, r.not_applicable)
    checked = check_values(fw, group.id, texts, not_app)
    if not checked.complete:
        return (r.unit_id, r.name, None, "số liệu chưa đủ hoặc chưa hợp lệ")
    return (r.unit_id, r.name, group.id, (tuple(checked.values.get(iid) for iid in fw.inputs), tuple(not_app)))


def _read_saved(period: Period, fw: Framework, stage: str, only_submitted: bool, key: tuple | None) -> _Reading:
    """The period's saved scores under ``key``: its latest reading brought up to date (only the reports
    whose revision changed read and checked again), or every report read where there is none."""
    base = None if key is None else key[:1] + key[2:]  # the key without the period's revision
    last = PERIOD_READINGS.peek(base)
    reading = _read_again(period, fw, stage, only_submitted, last) if last is not None else None
    if reading is None:
        reports = _read_reports(period, stage)
        outcomes = tuple(_outcome(fw, period, only_submitted, r) for r in reports)
        reading = _Reading(_kept(reports), outcomes, _scores(period, fw, outcomes))
    PERIOD_READINGS.put(base, reading)
    return reading


#: Above this share of a period's reports changed since its latest reading, all are read again in one
#: query rather than listed by id.
READ_ALL_SHARE = 0.25


def _read_again(period: Period, fw: Framework, stage: str, only_submitted: bool, last: _Reading) -> _Reading:
    """``last`` brought up to date: the reports whose ``ReportRevision`` changed (or that are new) read
    and checked again, the others' outcomes kept; the scores kept when no outcome changed."""
    known = {r.id: (r, o) for r, o in zip(last.reports, last.outcomes)}
    current = list(period.submissions.order_by(*REPORT_ORDER).values_list("id", "scoring_revision__revision"))
    changed = [sid for sid, rev in current if rev is None or sid not in known or known[sid][0].revision != rev]
    if not changed and len(current) == len(known):
        return last
    if len(changed) > READ_ALL_SHARE * len(current):
        reports = _read_reports(period, stage)  # many changed (a group renamed): all, in their order
    else:
        fresh = {r.id: r for r in _read_reports(period, stage, changed)}
        # A report deleted between the two queries is left out, as a reading after it would.
        reports = [fresh[sid] if sid in fresh else known[sid][0] for sid, _ in current if sid in fresh or sid in known]
    outcomes = tuple(
        known[r.id][1]
        if r.id in known and r.revision is not None and known[r.id][0].revision == r.revision
        else _outcome(fw, period, only_submitted, r)
        for r in reports
    )
    scored = last.scored if outcomes == last.outcomes else _scores_after(period, fw, last, outcomes)
    return _Reading(_kept(reports), outcomes, scored)


def _kept(reports) -> tuple[_Report, ...]:
    """The reports as a reading keeps them: without their texts (their outcomes are kept)."""
    return tuple(r if r.texts is None else replace(r, texts=None) for r in reports)


#: Above this many units whose figures changed, the period is scored again rather than unit by unit.
MOST_UNITS_REPLACED = 32


def _scores_after(period: Period, fw: Framework, last: _Reading, outcomes: tuple) -> tuple:
    """``_scores`` of ``outcomes``, from ``last``'s scores where only some units' figures changed (the
    same units scored, in the same order and groups): those units scored alone against the others
    (``scoring.single.with_units_replaced``), then ranked again; otherwise, or where one unit alone
    cannot be exact, the period scored again from the checked figures."""
    result, _, unit_ids, _, error = last.scored
    if result is None or error or period.kind != Period.Kind.INPUTS:
        return _scores(period, fw, outcomes)
    before = [o for o in last.outcomes if o[2] is not None]
    after = [o for o in outcomes if o[2] is not None]
    if [(o[0], o[2]) for o in before] != [(o[0], o[2]) for o in after]:
        return _scores(period, fw, outcomes)  # a unit scored or left out, moved, or in another group
    changes = {
        k: (UnitEntry(name, gid), dict(zip(fw.inputs, values)), not_app)
        for k, (old, (_, name, gid, (values, not_app))) in enumerate(zip(before, after))
        if old != after[k]
    }
    left_out = [(name, why) for _, name, gid, why in outcomes if gid is None]
    if not changes:  # only units left out changed (a draft saved, a name): the same scores
        return result, last.scored[1], list(unit_ids), left_out, ""
    if len(changes) > MOST_UNITS_REPLACED:
        return _scores(period, fw, outcomes)
    scored = with_units_replaced(result, changes)
    if scored is None:
        return _scores(period, fw, outcomes)
    return scored, rank(scored, period.tie_rule()), list(unit_ids), left_out, ""


def _score_period(
    period: Period, fw: Framework, stage: str, only_submitted: bool, override, reading: _Reading | None = None
):
    """(scored, ranking, unit ids, left out, error) of ``score_period``, from the reports of ``reading``
    (the others' outcomes as they are), or from every report read now; ``override``'s unit scored
    with its typed figures."""
    if reading is None:
        reports = _read_reports(period, stage)
        outcomes = [_outcome(fw, period, only_submitted, r) for r in reports]
    else:
        reports, outcomes = reading.reports, list(reading.outcomes)
    if override is not None:
        for k, r in enumerate(reports):
            if r.unit_id == override[0]:
                outcomes[k] = _outcome(fw, period, only_submitted, r, (override[1], override[2]))
    return _scores(period, fw, outcomes)


def _scores(period: Period, fw: Framework, outcomes) -> tuple:
    """(scored, ranking, unit ids, left out, error) from every report's outcome, in scoring order."""
    units: list[UnitEntry] = []
    unit_ids: list[int] = []
    left_out: list[tuple[str, str]] = []
    rows: list[tuple] = []
    na: dict[str, set[int]] = {}
    params = period.params
    for unit_id, name, gid, payload in outcomes:
        if gid is None:
            left_out.append((name, payload))
            continue
        if period.kind == Period.Kind.TOTALS:
            units.append(UnitEntry(name, gid, total=payload))
            unit_ids.append(unit_id)
            continue
        values, not_app = payload
        index = len(units)
        units.append(UnitEntry(name, gid))
        unit_ids.append(unit_id)
        rows.append(values)
        for cid in not_app:
            na.setdefault(cid, set()).add(index)
    if period.kind == Period.Kind.INPUTS and fw.params:
        from xephang.framework.params import ParamError, param_values

        try:
            param_values(fw, params, "tham số của kỳ")
        except ParamError as e:  # not set yet: every page says so, none fails
            return None, None, [], left_out, str(e)
    if not units:
        return None, None, [], left_out, ""
    # One column per input, each unit's checked figure (None where not applicable or not its group's).
    columns = {iid: list(col) for iid, col in zip(fw.inputs, zip(*rows))} if rows else {}
    data = PeriodData(
        source=period.name,
        kind=period.kind,
        units=units,
        values={iid: columns.get(iid, []) for iid in fw.inputs} if period.kind == Period.Kind.INPUTS else {},
        not_applicable=na,
        params=params if period.kind == Period.Kind.INPUTS else {},
    )
    scored = score(fw, data)
    return scored, rank(scored, period.tie_rule()), unit_ids, left_out, ""


def _without(left_out: list, name: str) -> list:
    """``left_out`` without the (first) entry of the unit named ``name``, now scored."""
    k = next((k for k, (n, _) in enumerate(left_out) if n == name), None)
    return [x for j, x in enumerate(left_out) if j != k]


def criteria_rows(ps: PeriodScores, unit_id: int, texts: dict | None = None) -> list[dict]:
    """Points per criterion (tree, flattened with depth) with the core's explanation of each.

    ``texts``: a dict kept across the units of one period (``snapshot_payload``), where what is the
    same for every unit (a criterion's number, title, maximum; the text of a number of points, of
    which a period has few distinct ones) is worked out once."""
    su = ps.scored.units[ps.position(unit_id)]
    fw = ps.framework
    texts = {} if texts is None else texts
    numbers = texts.get(("numbers", su.group))
    if numbers is None:
        numbers = texts[("numbers", su.group)] = fw.numbers(su.group)
    rows = []

    def points_text(p: int) -> tuple[str, str]:
        got = texts.get(p)
        if got is None:
            got = texts[p] = (plain(p), format_number(from_fixed(p), fw.decimals))
        return got

    def walk(trace, depth):
        c = trace.criterion
        fixed = texts.get(("criterion", c.id, su.group))
        if fixed is None:
            fixed = texts[("criterion", c.id, su.group)] = (numbers.get(c.id, ""), plain(c.max))
        p = trace.points
        exact, shown = (None, None) if p is None else points_text(p)
        rows.append(
            {
                "id": c.id,
                "number": fixed[0],
                "title": c.title,
                "depth": depth,
                "max": fixed[1],
                "deduction": c.deduction,
                "points": exact,
                "explanation": trace.explanation,
                "shown": shown,
                "inputs": trace.inputs,  # (id, label, value) each: written as JSON arrays
            }
        )
        for ch in trace.children:
            walk(ch, depth + 1)

    for t in ps.scored.explain(su):
        walk(t, 0)
    return rows


def snapshot_payload(ps: PeriodScores) -> dict:
    """Everything the public pages and open data show, computed once by the core and frozen.

    Per group, beside its ranked ``units``: ``unranked`` (units assessed but not ranked, each with its
    ``reason``), ``levels`` (the group's own, or the set's) and ``pillars``; per unit, ``pillars``
    (points, maximum, percentage and rank in each) and, for ``report: points-percent``, ``earned`` and
    ``percent``."""
    from xephang.ranking.pillars import pillar_rankings

    p, fw, ranking = ps.period, ps.framework, ps.ranking
    tables = pillar_rankings(ranking)
    rows_of = {id(r.unit): [] for t in tables for r in t.rows}
    for t in tables:
        for r in t.rows:
            rows_of[id(r.unit)].append((t.pillar, r))

    uid_of = {id(su): uid for su, uid in zip(ps.scored.units, ps.unit_ids)}
    texts: dict = {}  # what every unit's criteria rows share (``criteria_rows``)

    def row(u) -> dict:
        uid = uid_of[id(u.unit)]
        out = {
            "unit_id": uid,
            "name": u.name,
            "rank": u.rank,
            "position": u.position,
            "total": plain(u.total),
            "shown": format_number(u.shown, fw.decimals),
            "level": u.level.name if u.level else None,
            "level_id": u.level.id if u.level else None,
            "criteria": criteria_rows(ps, uid, texts) if p.kind == Period.Kind.INPUTS else [],
        }
        if not u.ranked:
            out["reason"] = u.reason
        if fw.report == "points-percent":
            out["earned"] = format_number(from_fixed(ranking.earned(u)), fw.decimals)
            out["percent"] = format_number(u.percent, fw.decimals)
        if id(u) in rows_of:
            out["pillars"] = [
                {
                    "id": pl.id,
                    "points": plain(r.points),
                    "max": plain(r.max),
                    "shown": format_number(from_fixed(r.points), fw.decimals),
                    "percent": format_number(r.percent(fw.decimals), fw.decimals),
                    "rank": r.rank,
                }
                for pl, r in rows_of[id(u)]
            ]
        return out

    groups = []
    for g in ranking.groups:
        entry = {"id": g.group.id, "name": g.group.name, "units": [row(u) for u in g.units]}
        if g.unranked:
            entry["unranked"] = [row(u) for u in g.unranked]
        if g.group.levels is not None:
            entry["levels"] = _levels(g.levels)
        mine = [t for t in tables if t.group is g.group]
        if mine:
            entry["pillars"] = [{"id": t.pillar.id, "name": t.pillar.name, "max": plain(t.max)} for t in mine]
        groups.append(entry)
    out = {
        "period": {"id": p.pk, "name": p.name, "year": p.year, "kind": p.kind},
        "framework": {
            "id": fw.id,
            "title": fw.title,
            "version": fw.version,
            "sha256": p.framework.sha256,
            "scale": plain(fw.scale),
            "decimals": fw.decimals,
        },
        "ties": fw.describe_ties(ranking.ties),
        "levels": _levels(fw.levels),
        "params": params_payload(fw, ps.scored.params),
        "groups": groups,
        "warnings": list(ranking.warnings),
        "left_out": [list(x) for x in ps.left_out],
    }
    if fw.report != "points":
        out["report"] = fw.report
    return out


def _levels(levels) -> list[dict]:
    return [{"id": lv.id, "name": lv.name, "band": lv.band_text()} for lv in levels]


def params_payload(fw: Framework, values: dict) -> list[dict]:
    """The period's parameters with the values scored, as frozen results and open data give them."""
    from xephang.framework.params import param_text

    return [
        {
            "id": p.id,
            "label": p.label,
            "value": "có" if values[p.id] is True else "không" if values[p.id] is False else plain(values[p.id]),
            "unit": p.unit,
            "text": param_text(p, values[p.id]),
        }
        for p in fw.params.values()
        if p.id in values
    ]


def decimal_text(value: Decimal) -> str:
    return f"{value:f}"


# --- appraisal: self-score against appraised score, per criterion ----------------------------


def points_text(value: int | None, decimals: int) -> str:
    """Points (fixed point) as pages show them: a decimal comma (85,03), never a negative zero."""
    return "—" if value is None else comma(from_fixed(value), decimals)


def comma(value, decimals: int) -> str:
    """A number rounded half-up as the province's pages write it (85,03 unless it chose the point;
    ``province.decimal_separator``); 0,00 rather than -0,00."""
    from .province import decimal_separator

    sep = decimal_separator.get()
    text = format_number(value, decimals, decimal_sep=sep)
    return text.lstrip("-") if set(text) <= {"-", "0", sep} else text


def total_text(ps: PeriodScores, ranked) -> str:
    """A unit's total as the framework shows it (points, or an index), with a decimal comma."""
    return comma(ranked.shown, ps.framework.decimals)


def _points_by_criterion(ps: PeriodScores | None, unit_id: int) -> dict:
    if ps is None or ps.ranking is None or ps.position(unit_id) is None:
        return {}
    su = ps.scored.units[ps.position(unit_id)]
    out = {}

    def walk(trace):
        out[trace.criterion.id] = trace.points
        for ch in trace.children:
            walk(ch)

    for t in ps.scored.explain(su):
        walk(t)
    return out


@dataclass
class CriterionComparison:
    self_points: str
    appraised_points: str
    #: What the appraisal changed in the unit's total through this criterion, signed ("−2,50", "+1,00"),
    #: "" when nothing changed; a deduction that grew lowers the total.
    effect: str
    lowered: bool


def compare_criteria(reported: PeriodScores, appraised: PeriodScores, unit_id: int) -> dict[str, CriterionComparison]:
    """Criterion id -> the unit's self-score and appraised score side by side, with the difference,
    exact (fixed point) and shown with the framework's decimals."""
    fw = reported.framework
    mine, theirs = _points_by_criterion(reported, unit_id), _points_by_criterion(appraised, unit_id)
    out = {}
    for c in fw.all_criteria():
        if c.id not in mine and c.id not in theirs:
            continue
        a, b = mine.get(c.id), theirs.get(c.id)
        effect = ""
        lowered = False
        if a is not None and b is not None and a != b:
            delta = (a - b) if c.deduction else (b - a)
            lowered = delta < 0
            effect = ("−" if lowered else "+") + points_text(abs(delta), fw.decimals)
        out[c.id] = CriterionComparison(points_text(a, fw.decimals), points_text(b, fw.decimals), effect, lowered)
    return out


def adjustment_costs(period: Period, sub: Submission) -> dict[str, str]:
    """Adjusted input id -> what that adjustment alone cost the unit's total, signed, in points: the
    core scores the unit's appraised figures with that one figure restored to what the unit reported,
    among the other units' appraised figures. "0,00" when it changed nothing."""
    fw = period.framework.load()
    base = score_period(period, "appraised", only_submitted=False)
    ru = base.ranked(sub.unit_id)
    if ru is None:
        return {}
    texts = effective_texts(sub, "appraised")
    out = {}
    for adj in sub.adjustments.all():
        if adj.accepted:
            continue
        restored = dict(texts)
        restored[adj.input_id] = sub.values.get(adj.input_id, "")
        other = score_period(
            period, "appraised", only_submitted=False, override=(sub.unit_id, restored, list(sub.not_applicable))
        ).ranked(sub.unit_id)
        if other is None:
            continue
        delta = ru.total - other.total
        out[adj.input_id] = ("−" if delta < 0 else "+" if delta > 0 else "") + points_text(abs(delta), fw.decimals)
    return out
