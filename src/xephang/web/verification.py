"""Criteria assigned to a verifying agency: in a period, a criterion's figures may be appraised by an
account of the agency the criteria set names in ``verified_by`` (staff figures checked by Sở Nội vụ).
That account decides only the figures those criteria read; everyone who sees the appraisal sees who
verified what."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from xephang.text import fold

from .models import CriterionVerifier, Role, audit


def verifier_accounts():
    """The accounts of verifying agencies that may be assigned (in use), by agency then name."""
    return (
        get_user_model()
        .objects.filter(profile__role=Role.VERIFIER, is_active=True)
        .select_related("profile__unit")
        .order_by("profile__unit__name", "first_name", "username")
    )


def who(user) -> str:
    """'Nguyễn Văn X (Sở Nội vụ)': the account and its agency, as pages name a verifier."""
    name = user.get_full_name() or user.get_username()
    profile = getattr(user, "profile", None)
    return f"{name} ({profile.unit.name})" if profile is not None and profile.unit_id else name


def assignments(period) -> dict[str, CriterionVerifier]:
    """Criterion id -> its assignment in the period."""
    return {
        a.criterion_id: a for a in CriterionVerifier.objects.filter(period=period).select_related("user__profile__unit")
    }


def assignable(fw) -> list:
    """The criteria that read reported figures (so have something to verify), in tree order."""
    return [c for c in fw.all_criteria() if c.inputs()]


def inputs_of(fw, criterion_ids) -> set[str]:
    """The figures a set of criteria read (their sub-items' too)."""
    out: set[str] = set()
    for cid in criterion_ids:
        try:
            out.update(fw.criterion(cid).inputs())
        except KeyError:  # a criterion the set no longer has: nothing to verify
            continue
    return out


def inputs_for_user(period, fw, user) -> set[str]:
    """The figures ``user`` verifies in the period (empty for anyone not assigned)."""
    ids = CriterionVerifier.objects.filter(period=period, user=user).values_list("criterion_id", flat=True)
    return inputs_of(fw, ids)


def suggested(fw, accounts) -> dict[str, object]:
    """Criterion id -> the one account whose agency is the criteria set's ``verified_by`` (by name,
    ignoring case and accents), where exactly one such account exists."""
    by_agency: dict[str, list] = {}
    for u in accounts:
        by_agency.setdefault(fold(u.profile.unit.name), []).append(u)
    out = {}
    for c in assignable(fw):
        found = by_agency.get(fold(c.verified_by)) if c.verified_by else None
        if found and len(found) == 1:
            out[c.id] = found[0]
    return out


def is_verifier(user) -> bool:
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return profile is not None and profile.role == Role.VERIFIER


@dataclass
class OwnProgress:
    """A verifying agency's own work in a period: per submitted unit, the figures assigned to it that
    it has decided, out of those the unit's form has."""

    criteria: list  # the assigned criteria (core objects), in tree order
    per_unit: list  # ``workflow.UnitProgress`` rows counting these figures, as the appraisal list shows them
    decided: int
    assigned: int


def own_progress(period, fw, user, units) -> OwnProgress:
    """What ``user`` (a verifying agency's account) has decided of the figures assigned to it, for the
    submitted ``units`` listed (``workflow.UnitProgress``); one query for the decisions, whatever the
    number of units."""
    from dataclasses import replace

    from .models import Adjustment

    ids = set(CriterionVerifier.objects.filter(period=period, user=user).values_list("criterion_id", flat=True))
    criteria = [c for c in assignable(fw) if c.id in ids]
    inputs = inputs_of(fw, ids)
    mine: dict[int, set[str]] = {}
    for sub_id, input_id in Adjustment.objects.filter(
        submission__period=period, appraiser=user, input_id__in=inputs
    ).values_list("submission_id", "input_id"):
        mine.setdefault(sub_id, set()).add(input_id)
    forms: dict[str, set[str]] = {}
    rows = []
    for unit in units:
        group = unit.group_code
        if group not in forms:
            forms[group] = inputs & {i.id for i in fw.inputs_for(group)}
        wanted = forms[group]
        rows.append(replace(unit, done=len(mine.get(unit.submission_id, set()) & wanted), total=len(wanted)))
    return OwnProgress(criteria, rows, sum(r.done for r in rows), sum(r.total for r in rows))


@dataclass
class Change:
    criterion_id: str
    before: object  # user or None
    after: object


@transaction.atomic
def assign(period, by, wanted: dict[str, object]) -> list[Change]:
    """Set the period's assignments to ``wanted`` (criterion id -> account, or None for the Sở's own
    appraisers); one audit entry per criterion changed. Returns the changes."""
    current = {a.criterion_id: a for a in CriterionVerifier.objects.select_for_update().filter(period=period)}
    changes = []
    for cid, user in wanted.items():
        old = current.get(cid)
        if (old.user_id if old else None) == (user.pk if user else None):
            continue
        if old is not None and user is None:
            old.delete()
        elif old is not None:
            old.user = user
            old.save()
        else:
            CriterionVerifier.objects.create(period=period, criterion_id=cid, user=user)
        changes.append(Change(cid, old.user if old else None, user))
        audit(
            by,
            "verifier.assign",
            period=period,
            subject=cid,
            before={"verifier": who(old.user) if old else None},
            after={"verifier": who(user) if user else None},
        )
    return changes
