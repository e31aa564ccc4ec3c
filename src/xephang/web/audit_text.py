"""The audit trail read by people: each entry as a Vietnamese sentence that names the person, the unit,
the figures and criteria by their labels (never ids) and the values as users write them.

("Quản trị Sở TTTT chuyển kỳ 'Năm 2022' từ Dự thảo sang Đang nhận báo cáo.")
The stored entries are unchanged (they are hash-chained); only their reading is.
"""

from __future__ import annotations

import re

from xephang.display import yes_no

from .models import Status

#: Keys of before/after records, as a person names them.
FIELD_LABELS = {
    "status": "trạng thái",
    "state": "trạng thái báo cáo",
    "deadline": "hạn báo cáo",
    "reason": "lý do",
    "criteria": "tiêu chí",
    "summary": "số, ngày, trích yếu",
    "locator": "vị trí trong tài liệu",
    "type": "loại tệp",
    "accepted": "chấp nhận",
    "value": "số liệu thẩm định",
    "reported": "số liệu đơn vị báo cáo",
    "text": "nội dung",
    "decision": "quyết định",
    "sha256": "mã SHA-256",
    "published": "công bố",
    "to": "gửi tới",
    "number": "số quyết định",
    "date": "ngày ký",
    "signer": "người ký",
    "legal_bases": "căn cứ",
    "province": "tên tỉnh",
    "parent_agency": "cơ quan chủ quản",
    "department": "Sở chủ trì đánh giá",
    "decimal_separator": "dấu thập phân trên trang",
    "username": "tên đăng nhập",
    "name": "họ tên",
    "email": "thư điện tử",
    "role": "vai trò",
    "unit": "đơn vị",
    "active": "đang sử dụng",
    "report_number": "số báo cáo",
    "report_date": "ngày báo cáo",
    "recipients": "nơi nhận",
    "evidence": "tài liệu",
}
VALUE_LABELS = {
    "draft": "Đang soạn",
    "submitted": "Đã nộp",
    "pending": "Chờ xem xét",
    "accepted": "Chấp nhận giải trình",
    "rejected": "Giữ kết quả thẩm định",
    ",": "dấu phẩy",
    ".": "dấu chấm",
    **{s.value: s.label for s in Status},
}
LIST_LIMIT = 8

#: Actions of the trail, as the audit table names them.
ACTIONS = {
    "period.transition": "Chuyển giai đoạn",
    "snapshot.create": "Chốt kết quả",
    "snapshot.publish": "Công bố",
    "report.save": "Lưu báo cáo",
    "report.submit": "Nộp báo cáo",
    "evidence.add": "Thêm minh chứng",
    "appraisal.accept": "Chấp nhận số liệu",
    "appraisal.adjust": "Điều chỉnh số liệu",
    "explanation.add": "Giải trình",
    "explanation.decide": "Quyết định về giải trình",
    "framework.save": "Lưu bộ tiêu chí",
    "period.params": "Tham số của kỳ",
    "measured.import": "Nhập số liệu đo, điều tra",
    "measured.refused": "Từ chối tệp số liệu đo (ngoài vòng đính chính)",
    "appraisal.accept_all": "Chấp nhận tất cả số liệu còn lại",
    "report.remind": "Nhắc báo cáo",
    "deadline.extend": "Gia hạn báo cáo",
    "evidence.relink": "Sửa liên kết minh chứng",
    "evidence.unlink": "Bỏ liên kết minh chứng",
    "evidence.delete": "Xóa minh chứng",
    "period.decision_meta": "Thông tin quyết định",
    "period.create": "Tạo kỳ đánh giá",
    "account.import": "Nhập tài khoản",
    "settings.update": "Thông tin tỉnh",
    "account.create": "Tạo tài khoản",
    "account.update": "Sửa tài khoản",
    "verifier.assign": "Giao tiêu chí cho cơ quan xác minh",
}


def action_label(action: str) -> str:
    """An action as the audit table names it (its code when unnamed)."""
    return ACTIONS.get(action, action)


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def person(entry) -> str:
    user = entry.user
    if user is not None:
        return user.get_full_name() or user.get_username()
    return entry.user_name or "Hệ thống"


def value_text(value) -> str:
    """A recorded value as a person reads it: dates dd/mm/yyyy, decimal commas, yes/no, lists joined."""
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dict):
        parts = [value_text(v) for v in value.values() if v not in (None, "", [], {})]
        return " ".join(parts) if parts else "(trống)"
    if isinstance(value, (list, tuple)):
        return "; ".join(value_text(v) for v in value) if value else "(trống)"
    text = str(value)
    if m := _ISO_DATE.fullmatch(text):
        return f"{m[3]}/{m[2]}/{m[1]}"
    if re.fullmatch(r"-?\d+\.\d+", text):
        return text.replace(".", ",")
    return VALUE_LABELS.get(text, text)


class _Labels:
    """Input and criterion labels of an entry's period (its criteria set), falling back to the id."""

    def __init__(self, entry):
        self.fw = None
        period = entry.period
        if period is not None:
            try:
                self.fw = period.framework.load()
            except Exception:  # a criteria set that no longer loads must not hide the trail
                self.fw = None

    def input(self, iid: str) -> str:
        inp = self.fw.inputs.get(iid) if self.fw else None
        return inp.label if inp else iid

    def criterion(self, cid: str) -> str:
        if self.fw is None:
            return cid
        try:
            return self.fw.criterion(cid).title
        except KeyError:
            return cid

    def criteria(self, ids) -> str:
        return "; ".join(f"'{self.criterion(c)}'" for c in ids or [])


def _changes(entry, labels: _Labels) -> str:
    """'label: before → after' for each figure changed in a report save, at most ``LIST_LIMIT``."""
    before, after = entry.before or {}, entry.after or {}
    keys = [k for k in after if k != "state"]
    parts = [f"{labels.input(k)}: {value_text(before.get(k))} → {value_text(after.get(k))}" for k in keys[:LIST_LIMIT]]
    if len(keys) > LIST_LIMIT:
        parts.append(f"và {len(keys) - LIST_LIMIT} chỉ tiêu khác")
    return "; ".join(parts)


def _generic(entry, labels: _Labels) -> str:
    before, after = entry.before or {}, entry.after or {}
    keys = list(dict.fromkeys([*before, *after])) if isinstance(before, dict) and isinstance(after, dict) else []
    parts = []
    for k in keys[:LIST_LIMIT]:
        label = FIELD_LABELS.get(k) or (labels.input(k) if labels.fw and k in labels.fw.inputs else k.replace("_", " "))
        if k in before and k in after:
            parts.append(f"{label}: {value_text(before[k])} → {value_text(after[k])}")
        elif k in after:
            parts.append(f"{label}: {value_text(after[k])}")
        else:
            parts.append(f"{label}: bỏ {value_text(before[k])}")
    return "; ".join(parts)


def describe(entry) -> str:
    """One entry as a sentence."""
    who = person(entry)
    labels = _Labels(entry)
    a, b = entry.after or {}, entry.before or {}
    unit = entry.unit.name if entry.unit_id else ""
    period = f"'{entry.period.name}'" if entry.period_id else ""
    act = entry.action
    if act == "period.transition":
        return f"{who} chuyển kỳ {period} từ {value_text(b.get('status'))} sang {value_text(a.get('status'))}."
    if act == "period.create":
        copied = f", sao chép từ '{a['copied_from']}'" if a.get("copied_from") else ""
        return (
            f"{who} tạo kỳ {period} (năm {a.get('year')}, bộ tiêu chí {a.get('framework')}, {a.get('units')} đơn vị"
            f"{copied}; hạn báo cáo {value_text(a.get('deadline'))}, hạn giải trình {value_text(a.get('explanation_deadline'))})."
        )
    if act == "account.import":
        accounts = a.get("accounts") or []
        return f"{who} nhập {len(accounts)} tài khoản từ Excel và gửi thư mời: {'; '.join(accounts[:LIST_LIMIT])}" + (
            f" và {len(accounts) - LIST_LIMIT} tài khoản khác." if len(accounts) > LIST_LIMIT else "."
        )
    if act == "account.create":
        unit_text = f", {a['unit']}" if a.get("unit") else ""
        return f"{who} tạo tài khoản '{entry.subject}' ({a.get('name')}, {a.get('email')}, {a.get('role')}{unit_text}) và gửi thư mời."
    if act == "account.update":
        return f"{who} sửa tài khoản '{entry.subject}': {_generic(entry, labels)}."
    if act == "verifier.assign":
        crit = labels.criteria([entry.subject])
        if a.get("verifier"):
            return f"{who} giao tiêu chí {crit} của kỳ {period} cho {a['verifier']} xác minh."
        return f"{who} thôi giao tiêu chí {crit} của kỳ {period} cho {b.get('verifier')}; Sở tự thẩm định."
    if act == "settings.update":
        return f"{who} sửa thông tin tỉnh: {_generic(entry, labels)}."
    if act == "snapshot.create":
        return f"{who} chốt kết quả kỳ {period} ({entry.subject}, mã SHA-256 {str(a.get('sha256', ''))[:12]}…)."
    if act == "snapshot.publish":
        return f"{who} công bố kết quả kỳ {period} ({entry.subject})."
    if act in ("report.save", "report.submit"):
        verb = "nộp báo cáo" if act == "report.submit" else "lưu bản nháp báo cáo"
        changes = _changes(entry, labels)
        return f"{who} {verb} của {unit}" + (f": {changes}." if changes else ".")
    if act == "report.remind":
        return f"{who} gửi thư nhắc báo cáo cho {unit} (tới {value_text(a.get('to'))})."
    if act == "deadline.extend":
        return (
            f"{who} gia hạn báo cáo của {unit} từ {value_text(b.get('deadline'))} đến {value_text(a.get('deadline'))}."
        )
    if act == "evidence.add":
        where = f", {a['locator']}" if a.get("locator") else ""
        return f"{who} tải lên tài liệu '{entry.subject}' của {unit} cho tiêu chí {labels.criteria(a.get('criteria'))}{where}."
    if act == "evidence.relink":
        return (
            f"{who} sửa liên kết tài liệu '{entry.subject}' của {unit}: từ {labels.criteria(b.get('criteria'))} "
            f"sang {labels.criteria(a.get('criteria'))}."
        )
    if act == "evidence.unlink":
        return f"{who} bỏ tài liệu '{entry.subject}' của {unit} khỏi tiêu chí {labels.criteria(b.get('criteria'))}."
    if act == "evidence.delete":
        return f"{who} xóa tài liệu '{entry.subject}' của {unit} (đã gắn với {labels.criteria(b.get('criteria')) or 'không tiêu chí nào'})."
    if act == "appraisal.accept":
        return f"{who} chấp nhận số liệu '{labels.input(entry.subject)}' của {unit} ({value_text(a.get('reported'))})."
    if act == "appraisal.adjust":
        return (
            f"{who} điều chỉnh '{labels.input(entry.subject)}' của {unit} từ {value_text(a.get('reported'))} "
            f"thành {value_text(a.get('value'))}."
        )
    if act == "appraisal.accept_all":
        n = len(a.get("accepted") or [])
        return f"{who} chấp nhận {n} số liệu còn lại của {unit} (một thao tác)."
    if act == "explanation.add":
        return f"{who} gửi giải trình của {unit} về '{labels.input(entry.subject)}'."
    if act == "explanation.decide":
        verb = (
            "chấp nhận giải trình"
            if a.get("decision") == "accepted"
            else "giữ kết quả thẩm định, không chấp nhận giải trình"
        )
        return f"{who} {verb} của {unit} về '{labels.input(entry.subject)}'."
    if act == "framework.save":
        return f"{who} lưu bộ tiêu chí '{entry.subject}'."
    if act == "period.decision_meta":
        filled = [
            f"{FIELD_LABELS[k]} {value_text(a[k])}"
            for k in ("number", "date", "signer")
            if a.get(k) not in (None, "", {}, [])
        ]
        return f"{who} lưu thông tin quyết định của kỳ {period}" + (f": {'; '.join(filled)}." if filled else ".")
    # An action this reader does not know yet: its name, the subject and the changes with labels.
    changes = _generic(entry, labels)
    target = " — ".join(x for x in (unit, entry.subject if entry.subject != unit else "") if x)
    return (
        f"{who}: {action_label(act).lower()}"
        + (f" ({target})" if target else "")
        + (f": {changes}." if changes else ".")
    )
