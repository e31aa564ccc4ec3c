"""The demo's 2025 organisation: the district level removed, provincial departments merged, and a period
that ranks sở/ban/ngành and UBND xã/phường, published with sample figures (marked as sample data).

Units carry their lineage (``Unit.merged_from``), as the province recorded it on 1 March and 1 July
2025: merged departments keep the name of one of their predecessors or take a new one; each new ward or
commune comes from a former district (a split, for the comparison). The year-over-year view follows
that lineage back to the 2020 published results.

The criteria set is ``thanhhoa-2016`` with its district block replaced by a block of xã/phường, a sample
set until the province issues its 2025 regulation; its id and title say so.
"""

from __future__ import annotations

import random

from django.utils import timezone

from xephang.framework import DATA_DIR
from xephang.framework.loader import parse_framework

from . import workflow
from .models import Framework, Period, Status, Submission, Unit, UnitGroup
from .scoring import check_values

FRAMEWORK_2025 = "thanhhoa-2025-mau"
GROUP_COMMUNES = "ubnd_xa_phuong"

#: New or continuing department -> the 2020 units it was formed from (the real 2025 mergers).
DEPARTMENTS = {
    "Sở Tài chính": ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"],
    "Sở Xây dựng": ["Sở Xây dựng", "Sở Giao thông vận tải"],
    "Sở Khoa học và Công nghệ": ["Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông"],
    "Sở Nội vụ": ["Sở Nội vụ", "Sở Lao động, Thương binh và Xã hội"],
    "Sở Nông nghiệp và Môi trường": ["Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài Nguyên và Môi trường"],
    "Sở Dân tộc và Tôn giáo": ["Ban Dân tộc"],
    "Văn phòng UBND tỉnh": ["Văn phòng UBND tỉnh"],
    "Sở Văn hóa Thể thao và Du lịch": ["Sở Văn hóa Thể thao và Du lịch"],
    "Sở Giáo dục và Đào tạo": ["Sở Giáo dục và Đào tạo"],
    "Sở Y tế": ["Sở Y tế"],
    "Sở Tư pháp": ["Sở Tư pháp"],
    "Sở Công Thương": ["Sở Công Thương"],
    "Sở Ngoại vụ": ["Sở Ngoại vụ"],
    "Thanh tra tỉnh": ["Thanh tra tỉnh"],
}

#: New ward / commune -> the former district it came from (a sample of the province's 166).
COMMUNES = {
    "UBND phường Hạc Thành": "UBND thành phố Thanh Hóa",
    "UBND phường Quảng Phú": "UBND thành phố Thanh Hóa",
    "UBND phường Sầm Sơn": "UBND thành phố Sầm Sơn",
    "UBND phường Nam Sầm Sơn": "UBND thành phố Sầm Sơn",
    "UBND phường Bỉm Sơn": "UBND thị xã Bỉm Sơn",
    "UBND phường Quang Trung": "UBND thị xã Bỉm Sơn",
    "UBND phường Nghi Sơn": "UBND thị xã Nghi Sơn",
    "UBND xã Thọ Xuân": "UBND huyện Thọ Xuân",
    "UBND xã Hoằng Hóa": "UBND huyện Hoằng Hóa",
    "UBND xã Triệu Sơn": "UBND huyện Triệu Sơn",
}


def framework_text() -> str:
    """``thanhhoa-2016`` with the district block replaced by xã/phường (sample criteria set)."""
    text = (DATA_DIR / "thanhhoa-2016.yaml").read_text(encoding="utf-8")
    replacements = [
        ("id: thanhhoa-2016", f"id: {FRAMEWORK_2025}"),
        (
            "version: Bản tái dựng 1 (chờ nhập văn bản 4289/QĐ-UBND)",
            "version: Mẫu cho tổ chức năm 2025 (khối sở, ban, ngành và khối UBND xã, phường)",
        ),
        ("name: Khối UBND huyện, thị xã, thành phố", "name: Khối UBND xã, phường"),
        (
            'aliases: ["huyện, thị xã, thành phố", "UBND huyện, thị xã, thành phố", "các huyện, thị xã, thành phố", huyện]',
            'aliases: ["xã, phường", "UBND xã, phường", "các xã, phường", xã, phường]',
        ),
        ("huyen_thi_xa_thanh_pho", GROUP_COMMUNES),
    ]
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"thanhhoa-2016.yaml đã thay đổi: không tìm thấy '{old}'")
        text = text.replace(old, new)
    return text


def load_2025(admin, rng: random.Random, sample_texts) -> Period:
    text = framework_text()
    fw = parse_framework(text, f"{FRAMEWORK_2025}.yaml")
    fw_obj, _ = Framework.objects.update_or_create(
        code=FRAMEWORK_2025, defaults={"title": fw.title + " (mẫu 2025)", "yaml_text": text}
    )
    departments = UnitGroup.objects.get(code="so_ban_nganh")
    communes, _ = UnitGroup.objects.get_or_create(
        code=GROUP_COMMUNES, defaults={"name": fw.group(GROUP_COMMUNES).name, "order": 2}
    )
    units = []
    for order, (name, olds) in enumerate(DEPARTMENTS.items()):
        unit, _ = Unit.objects.get_or_create(name=name, defaults={"group": departments, "order": 100 + order})
        predecessors = Unit.objects.filter(name__in=[o for o in olds if o != name])
        unit.merged_from.add(*predecessors)
        predecessors.update(active=False)  # merged into another department
        units.append(unit)
    for order, (name, district) in enumerate(COMMUNES.items()):
        unit, _ = Unit.objects.get_or_create(name=name, defaults={"group": communes, "order": 200 + order})
        unit.merged_from.add(Unit.objects.get(name=district))
        units.append(unit)
    Unit.objects.filter(group__code="huyen_thi_xa_thanh_pho").update(active=False)  # the district level is gone

    period = Period.objects.create(
        name="Năm 2025 (dữ liệu mẫu)",
        year=2025,
        framework=fw_obj,
        kind=Period.Kind.INPUTS,
        status=Status.FINAL,
        sample=True,
    )
    period.units.set(units)
    for unit in units:
        texts = sample_texts(fw, unit.group.code, rng)
        checked = check_values(fw, unit.group.code, texts)
        assert checked.complete, (unit.name, checked.errors, checked.missing)
        Submission.objects.create(
            period=period,
            unit=unit,
            values=texts,
            sample=True,
            state=Submission.State.SUBMITTED,
            submitted_at=timezone.now(),
        )
    workflow.publish(
        period,
        admin,
        reason="Dữ liệu mẫu: tổ chức bộ máy năm 2025.",
        imported={"source": "dữ liệu mẫu, không có quyết định thật", "date": None},
    )
    return period
