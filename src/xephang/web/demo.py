"""The preloaded province: Thanh Hóa's 47 units in their two groups, the ``thanhhoa-2016`` criteria set,
the 2020 period as published (totals only, frozen into a snapshot), an open demo period whose
submissions are generated sample data (``xephang.sample``), marked as such everywhere they appear, and a published 2025
sample period of the reorganised province (``demo2025``).
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from xephang.datasets import resolve
from xephang.framework import DATA_DIR, load_framework
from xephang.io.reader import read_period
from xephang.numbers import plain
from xephang.sample import sample_texts

from . import workflow
from .models import Framework, Period, Profile, Role, Status, Submission, Unit, UnitGroup
from .scoring import check_values

DEMO_PASSWORD = "xephang-demo"
REPORTER_UNIT = "Sở Thông tin và Truyền thông"
DEMO_ACCOUNTS = [
    ("quantri", Role.ADMIN, None, "Quản trị Sở TTTT"),
    ("thamdinh", Role.APPRAISER, None, "Thẩm định viên"),
    ("lanhdao", Role.LEADER, None, "Lãnh đạo UBND tỉnh"),
    ("baocao", Role.REPORTER, REPORTER_UNIT, "Cán bộ báo cáo"),
    # A verifying agency's account: in the 2021 period it appraises the staff figures ('nhan_luc').
    ("xacminh", Role.VERIFIER, "Sở Nội vụ", "Lê Văn Xác"),
]


def framework_from_package(code: str) -> Framework:
    text = (DATA_DIR / f"{code}.yaml").read_text(encoding="utf-8")
    fw = load_framework(code)
    obj, _ = Framework.objects.update_or_create(code=code, defaults={"title": fw.title, "yaml_text": text})
    return obj


@transaction.atomic
def load_demo(stdout=None, seed: int = 2021) -> dict:
    """Create the province's data and demo accounts (does nothing if they are already there)."""
    if Period.objects.filter(year=2020, kind=Period.Kind.TOTALS).exists():
        return {"created": False}
    fw_obj = framework_from_package("thanhhoa-2016")
    fw = fw_obj.load()
    pf = resolve("thanhhoa-2020")
    published = read_period(pf.path, fw)  # the core's reader: the 2020 decision's groups, units, totals

    groups = {}
    for i, g in enumerate(fw.groups):
        groups[g.id], _ = UnitGroup.objects.get_or_create(code=g.id, defaults={"name": g.name, "order": i})
    units = []
    for i, entry in enumerate(published.units):
        unit, _ = Unit.objects.get_or_create(name=entry.name, defaults={"group": groups[entry.group], "order": i})
        units.append(unit)

    User = get_user_model()
    admin = None
    accounts = {}
    for username, role, unit_name, full in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username,
                password=DEMO_PASSWORD,
                first_name=full,
                email=f"{username}@example.invalid",
                is_staff=role == Role.ADMIN,
                # the demo administrator manages units, groups and accounts in /quan-tri/
                is_superuser=role == Role.ADMIN,
            )
        Profile.objects.update_or_create(
            user=user, defaults={"role": role, "unit": Unit.objects.get(name=unit_name) if unit_name else None}
        )
        accounts[username] = user
        if role == Role.ADMIN:
            admin = user

    # 2020: the published decision, imported as a totals-only period and frozen as published.
    p2020 = Period.objects.create(
        name=pf.meta.get("name", "Năm 2020"),
        year=2020,
        framework=fw_obj,
        kind=Period.Kind.TOTALS,
        status=Status.FINAL,
        ties=pf.ties if isinstance(pf.ties, str) else ",".join(pf.ties or ()),
        meta=json.loads(json.dumps({k: v for k, v in pf.meta.items() if k != "data"}, default=str)),
    )
    p2020.units.set(units)
    for unit, entry in zip(units, published.units):
        Submission.objects.create(
            period=p2020,
            unit=unit,
            state=Submission.State.SUBMITTED,
            total=plain(entry.total),
            submitted_at=timezone.now(),
        )
    # Imported, not published today: the decision's date is not known (the source is the unsigned
    # draft), so none is given, and the pages say the results were imported.
    decision_date = (pf.meta.get("decision") or {}).get("date")
    workflow.publish(
        p2020,
        admin,
        reason="Nhập kết quả đã công bố năm 2020 (chỉ tổng điểm).",
        imported={
            "source": "quyết định xếp hạng năm 2020, chỉ tổng điểm",
            "date": str(decision_date) if decision_date else None,
        },
    )

    # The open demo period: sample figures, most units submitted, some drafts, some not started.
    today = timezone.localdate()
    demo = Period.objects.create(
        name="Năm 2021 (dữ liệu mẫu)",
        year=2021,
        framework=fw_obj,
        kind=Period.Kind.INPUTS,
        status=Status.OPEN,
        deadline=today + timedelta(days=14),
        explanation_deadline=today + timedelta(days=30),
        sample=True,
    )
    demo.units.set(units)
    demo.appraisers.add(accounts["thamdinh"])
    from . import verification

    verification.assign(demo, admin, {"nhan_luc": accounts["xacminh"]})
    rng = random.Random(seed)
    for i, unit in enumerate(units):
        if unit.name == REPORTER_UNIT:
            Submission.objects.create(period=demo, unit=unit, sample=True)  # the demo reporter fills it in
            continue
        if i % 11 == 10:
            continue  # not started yet
        texts = sample_texts(fw, unit.group.code, rng)
        checked = check_values(fw, unit.group.code, texts)
        assert checked.complete, (unit.name, checked.errors, checked.missing)
        draft = i % 7 == 6
        Submission.objects.create(
            period=demo,
            unit=unit,
            values=texts,
            sample=True,
            state=Submission.State.DRAFT if draft else Submission.State.SUBMITTED,
            submitted_at=None if draft else timezone.now(),
        )
    # The 2025 organisation: departments merged, communes ranked instead of districts (sample data).
    from .demo2025 import load_2025

    load_2025(admin, random.Random(seed + 4), sample_texts)
    return {"created": True, "units": len(units), "accounts": list(accounts)}


def describe_accounts() -> str:
    lines = [
        f"  {u:<10} mật khẩu {DEMO_PASSWORD}  — {dict(Role.choices)[r]}" + (f" ({n})" if n else "")
        for u, r, n, _ in DEMO_ACCOUNTS
    ]
    return "\n".join(lines)
