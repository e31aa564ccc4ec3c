"""Generated periods at the size of a whole province or of the country, to measure the web application
where a person could never type the data: a province after July 2025 (about 20 sở, ban, ngành and 166 xã,
phường) and a national roll-up of all communes (about 3,300). Every unit, figure and period made here is
sample data and marked so (``sample=True``; names end in "(mẫu)").

The criteria set is the demo's 2025 sample set (``thanhhoa-2025-mau``: departments and xã/phường), so
``load_demo`` runs first.
"""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone

from xephang.sample import sample_texts

from .demo import load_demo
from .demo2025 import FRAMEWORK_2025, GROUP_COMMUNES
from .models import Framework, Period, Status, Submission, Unit, UnitGroup

#: Syllables of real commune names, combined into plausible distinct names.
_FIRST = [
    "An",
    "Bình",
    "Cẩm",
    "Đông",
    "Hà",
    "Hòa",
    "Hoằng",
    "Hưng",
    "Kim",
    "Lam",
    "Minh",
    "Nam",
    "Nga",
    "Ngọc",
    "Phú",
    "Quảng",
    "Tân",
    "Thạch",
    "Thanh",
    "Thiệu",
    "Thọ",
    "Thuận",
    "Tiến",
    "Trung",
    "Vĩnh",
    "Xuân",
    "Yên",
]
_SECOND = [
    "Bình",
    "Châu",
    "Đạt",
    "Định",
    "Đức",
    "Giang",
    "Hải",
    "Hòa",
    "Hưng",
    "Lâm",
    "Lộc",
    "Long",
    "Lợi",
    "Minh",
    "Ninh",
    "Phong",
    "Phú",
    "Phúc",
    "Sơn",
    "Tâm",
    "Thành",
    "Thịnh",
    "Thủy",
    "Tiến",
    "Trường",
    "Vinh",
]

SIZES = {"tinh": (20, 166), "quoc-gia": (34, 3300)}


def commune_names(n: int) -> list[str]:
    names, k = [], 0
    kinds = ["xã", "phường"]
    while len(names) < n:
        a, b = _FIRST[k % len(_FIRST)], _SECOND[(k // len(_FIRST)) % len(_SECOND)]
        rnd = k // (len(_FIRST) * len(_SECOND))
        suffix = f" {rnd + 1}" if rnd else ""
        if a != b:
            names.append(f"UBND {kinds[k % 7 == 3]} {a} {b}{suffix} (mẫu)")
        k += 1
    return names


@transaction.atomic
def load_scale(
    departments: int, communes: int, seed: int = 2025, status: str = Status.APPRAISAL, submitted_share: float = 0.9
) -> Period:
    """A period of ``departments + communes`` units with sample figures; ``submitted_share`` of them
    submitted, the rest drafts or not started. Returns the period (created anew on every call)."""
    load_demo()
    fw_obj = Framework.objects.get(code=FRAMEWORK_2025)
    fw = fw_obj.load()
    so = UnitGroup.objects.get(code="so_ban_nganh")
    xa = UnitGroup.objects.get(code=GROUP_COMMUNES)
    rng = random.Random(seed)
    n = Period.objects.filter(name__startswith="Quy mô").count() + 1
    tag = f"Q{n}"
    units = [Unit(name=f"Sở mẫu {i + 1:02d} {tag} (mẫu)", group=so, order=1000 + i) for i in range(departments)]
    units += [
        Unit(name=name.replace(" (mẫu)", f" {tag} (mẫu)"), group=xa, order=2000 + i)
        for i, name in enumerate(commune_names(communes))
    ]
    Unit.objects.bulk_create(units, batch_size=500)
    units = list(Unit.objects.filter(name__contains=f" {tag} (mẫu)").select_related("group").order_by("order"))
    period = Period.objects.create(
        name=f"Quy mô {len(units)} đơn vị (dữ liệu mẫu)",
        year=2026,
        framework=fw_obj,
        kind=Period.Kind.INPUTS,
        status=status,
        sample=True,
    )
    period.units.set(units)
    now = timezone.now()
    subs = []
    for unit in units:
        r = rng.random()
        if r >= submitted_share + (1 - submitted_share) / 2:
            continue  # not started
        texts = sample_texts(fw, unit.group.code, rng)
        submitted = r < submitted_share
        subs.append(
            Submission(
                period=period,
                unit=unit,
                values=texts,
                sample=True,
                state=Submission.State.SUBMITTED if submitted else Submission.State.DRAFT,
                submitted_at=now if submitted else None,
            )
        )
    Submission.objects.bulk_create(subs, batch_size=500)
    return period


def publish_generated(period: Period, user, number: str = "1") -> None:
    """Freeze and publish a generated period in explanation, as an administrator would: the units
    without a submitted report are first recorded as not reporting (the criteria set's rule applies),
    then the result is frozen and published with a sample decision number and today's date. Raises
    ``WorkflowError`` or ``PublicationError`` as those steps do."""
    import datetime

    from . import publication, workflow

    missing = publication.missing_units(period)
    if missing:
        publication.record_non_reporting(period, user, missing, "Không gửi báo cáo (dữ liệu mẫu).")
    workflow.transition(period, user, Status.FINAL, note="Chốt kết quả (dữ liệu mẫu).")
    workflow.publish(period, user, "Công bố (dữ liệu mẫu).", number=number, date=datetime.date.today())
