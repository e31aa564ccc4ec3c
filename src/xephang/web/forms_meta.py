"""The decision's metadata as a form: number, date, signer, legal bases, report number and date,
recipients. Validated by ``xephang.documents.meta.build_meta``, the rules ``xephang decision --meta``
applies, so a period's metadata is accepted here exactly when the command line would accept it.
"""

from __future__ import annotations

import re

from django import forms

from xephang.documents.meta import build_meta
from xephang.errors import XephangError

#: Form field -> the key of ``decision:`` it sets (the signer is one key with three parts).
FIELDS = {
    "number": "number",
    "date": "date",
    "signer_prefix": "signer",
    "signer_title": "signer",
    "signer_name": "signer",
    "legal_bases": "legal_bases",
    "report_number": "report_number",
    "report_date": "report_date",
    "recipients": "recipients",
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _date_text(value) -> str:
    """A stored date (ISO or date) as the clerk types it: 27/01/2021."""
    if not value:
        return ""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value))
    return f"{m[3]}/{m[2]}/{m[1]}" if m else str(value)


class DecisionMetaForm(forms.Form):
    number = forms.CharField(
        label="Số quyết định",
        required=False,
        max_length=20,
        help_text="Chỉ phần số, ví dụ 76; để trống nếu ghi tay khi ký.",
    )
    date = forms.CharField(
        label="Ngày ký quyết định",
        required=False,
        max_length=10,
        help_text="Dạng 27/01/2021; để trống nếu ghi tay khi ký.",
    )
    signer_prefix = forms.CharField(
        label="Quyền hạn ký", required=False, max_length=40, help_text="Ví dụ: KT. CHỦ TỊCH; trống khi Chủ tịch ký"
    )
    signer_title = forms.CharField(
        label="Chức vụ người ký", required=False, max_length=80, help_text="Ví dụ: PHÓ CHỦ TỊCH"
    )
    signer_name = forms.CharField(
        label="Họ tên người ký", required=False, max_length=80, help_text="Ví dụ: Mai Xuân Liêm"
    )
    legal_bases = forms.CharField(
        label="Căn cứ ban hành",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Mỗi căn cứ một dòng, không cần chữ 'Căn cứ' ở đầu. Quy định về bộ tiêu chí "
        "luôn được dẫn, dù không ghi ở đây.",
    )
    report_number = forms.CharField(
        label="Số báo cáo của Sở TTTT", required=False, max_length=40, help_text="Ví dụ: 165/BC-STTTT"
    )
    report_date = forms.CharField(label="Ngày báo cáo", required=False, max_length=10, help_text="Dạng 27/01/2021.")
    recipients = forms.CharField(
        label="Danh sách nơi nhận",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Mỗi nơi nhận một dòng, như trong quyết định (kết thúc bằng dấu ;).",
    )

    def __init__(self, *args, period, **kwargs):
        self.period = period
        current = dict(period.meta.get("decision") or {})
        if not args and "initial" not in kwargs:
            meta = build_meta({"decision": current, "year": period.year}, source="thông tin kỳ")
            kwargs["initial"] = {
                "number": meta.number or "",
                "date": _date_text(current.get("date")),
                "signer_prefix": meta.signer.prefix,
                "signer_title": meta.signer.title,
                "signer_name": meta.signer.name,
                "legal_bases": "\n".join(meta.legal_bases or []),
                "report_number": meta.report_number or "",
                "report_date": _date_text(
                    current.get("report_date", meta.report_date and meta.report_date.isoformat())
                ),
                "recipients": "\n".join(meta.recipients),
            }
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.setdefault("aria-describedby", "")

    def decision_fields(self) -> dict:
        """The period's ``decision:`` section with this form's fields replaced (others kept)."""
        return self._fields

    def clean(self):
        data = super().clean()
        current = dict(self.period.meta.get("decision") or {})
        fields = {
            "number": (data.get("number") or "").strip() or None,
            "date": (data.get("date") or "").strip() or None,
            "signer": {
                "prefix": (data.get("signer_prefix") or "").strip(),
                "title": (data.get("signer_title") or "").strip(),
                "name": (data.get("signer_name") or "").strip(),
            },
            "legal_bases": _lines(data.get("legal_bases")) or None,
            "report_number": (data.get("report_number") or "").strip() or None,
            "report_date": (data.get("report_date") or "").strip() or None,
            "recipients": _lines(data.get("recipients")) or None,
        }
        merged = {**current, **fields}
        try:
            meta = build_meta({"decision": merged, "year": self.period.year}, source="thông tin quyết định")
        except XephangError as e:
            text = str(e)
            key = re.search(r"decision\.(\w+)", text)
            field = next((f for f, k in FIELDS.items() if key and k == key[1]), None)
            self.add_error(field, text.split(": ", 2)[-1] if field else text)
            return data
        if fields["number"] is not None and not re.fullmatch(r"[0-9A-Za-zĐđ./-]+", fields["number"]):
            self.add_error("number", "số quyết định chỉ gồm chữ số (và ký hiệu), ví dụ 76")
        # Stored as ISO dates (the form's dd/mm/yyyy is what the clerk types; the file keeps one form).
        merged["date"] = meta.date.isoformat() if meta.date else None
        merged["report_date"] = meta.report_date.isoformat() if meta.report_date else None
        self._fields = {k: v for k, v in merged.items() if v is not None}
        return data
