"""What changes in the decision from year to year: number, date, signer, legal bases, report, recipients.

Read from the ``decision:`` section of a period's ``period.yaml`` and from ``--meta META.yaml`` (the
same keys, at the top level or under ``decision:``; the file overrides the period). Missing fields
fall back to the 2020 Thanh Hóa draft (tests/data/reference/seed-decision-thanhhoa-2020.txt); a missing
number or date leaves the blanks that draft leaves, to be filled in by hand at signing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..dates import day_text, month_text, short_date  # noqa: F401 (short_date is part of this module's API)
from ..errors import XephangError
from ..text import nfc

#: The blank a draft leaves for a number or a day/month to be written in at signing.
BLANK = "\u00a0" * 6

DEFAULT_RECIPIENTS = (
    "Như Điều 2 QĐ;",
    "TTr Tỉnh ủy, TTr HĐND tỉnh (để BC);",
    "Chủ tịch UBND tỉnh (để BC);",
    "Các PCT UBND tỉnh;",
    "Thành viên BCĐ XDCQ ĐT tỉnh (để biết);",
    "Lưu: VT, THKH, CNTT.",
)

KEYS = {
    "province", "issuer", "number", "symbol", "place", "date", "year", "title", "authority",
    "legal_bases", "proposer", "report_number", "report_date", "article1", "group_titles", "effective",
    "executors", "recipients", "signer", "decimal_separator", "subject", "subject_short", "abbreviation",
    "report_issuer", "report_signer",
}


def decree_date(day: int | None, month: int | None, year: int) -> str:
    """'ngày 05 tháng 01 năm 2021' the decree's way (Phụ lục I: day < 10 and months 1, 2 take a 0).

    Django's and Babel's Vietnamese formats write 'tháng 1' or '05/1'; hence this function. ``None``
    leaves a blank for the clerk ('ngày      tháng      năm 2021').
    """
    d = BLANK if day is None else day_text(day)
    m = BLANK if month is None else month_text(month)
    return f"ngày {d} tháng {m} năm {year}"


@dataclass
class Signer:
    prefix: str = "KT. CHỦ TỊCH"  # quyền hạn: TM., KT., Q., TL., TUQ. or empty when the head signs
    title: str = "PHÓ CHỦ TỊCH"
    name: str = "Mai Xuân Liêm"


@dataclass
class DecisionMeta:
    province: str = "Thanh Hóa"
    issuer: list[str] = field(default_factory=list)  # default: ỦY BAN NHÂN DÂN / TỈNH <PROVINCE>
    number: str | None = None  # "76" -> "Số: 76/QĐ-UBND"; None -> "Số:      /QĐ-UBND"
    symbol: str = "QĐ-UBND"
    place: str | None = None  # default: the province
    date: dt.date | None = None
    year: int | None = None  # of the decision; default: the date's, else the period's year + 1
    period_year: int | None = None
    title: list[str] = field(default_factory=list)  # trích yếu, one entry per line
    authority: str | None = None
    legal_bases: list[str] | None = None
    proposer: str = "Giám đốc Sở Thông tin và Truyền thông"
    report_number: str | None = "165/BC-STTTT"
    report_date: dt.date | None = dt.date(2021, 1, 27)
    article1: str | None = None
    group_titles: dict[str, str] = field(default_factory=dict)
    effective: str = "Quyết định này có hiệu lực kể từ ngày ký."
    executors: str | None = None
    recipients: list[str] = field(default_factory=lambda: list(DEFAULT_RECIPIENTS))
    signer: Signer = field(default_factory=Signer)
    decimal_separator: str = "."
    subject: str = "mức độ ứng dụng công nghệ thông tin"
    subject_short: str = "mức độ ứng dụng CNTT"
    report_issuer: list[str] = field(default_factory=list)  # default: UBND TỈNH … / SỞ THÔNG TIN VÀ TRUYỀN THÔNG
    report_signer: Signer = field(default_factory=lambda: Signer(prefix="", title="GIÁM ĐỐC", name=""))
    abbreviation: str = "CNTT"  # of the subject, given once in Điều 1 as the decree asks

    # --- derived texts ------------------------------------------------------------------------------
    @property
    def decision_year(self) -> int:
        if self.date is not None:
            return self.date.year
        if self.year is not None:
            return self.year
        if self.period_year is not None:
            return self.period_year + 1
        return dt.date.today().year

    @property
    def year_of_period(self) -> int:
        return self.period_year if self.period_year is not None else self.decision_year - 1

    def issuer_lines(self) -> list[str]:
        return self.issuer or ["ỦY BAN NHÂN DÂN", f"TỈNH {self.province.upper()}"]

    def report_issuer_lines(self) -> tuple[list[str], list[str]]:
        """(parent agency lines, issuing body lines) of the Sở TTTT's report."""
        if self.report_issuer:
            return self.report_issuer[:1], self.report_issuer[1:] or self.report_issuer[:1]
        return [f"UBND TỈNH {self.province.upper()}"], ["SỞ THÔNG TIN VÀ", "TRUYỀN THÔNG"]

    def number_line(self) -> str:
        number = self.number
        if number is None or str(number).strip() == "":
            return f"Số:{BLANK}/{self.symbol}"
        number = str(number).strip()
        if number.isdigit() and int(number) < 10:  # Phụ lục I: numbers below 10 take a leading 0
            number = f"{int(number):02d}"
        return f"Số: {number}/{self.symbol}"

    def place_date(self) -> str:
        place = self.place or self.province
        if self.date is None:
            return f"{place}, {decree_date(None, None, self.decision_year)}"
        return f"{place}, {decree_date(self.date.day, self.date.month, self.date.year)}"

    def title_lines(self) -> list[str]:
        if self.title:
            return self.title
        return [
            f"Về việc xếp hạng {self.subject}",
            f"trong các cơ quan hành chính nhà nước tỉnh {self.province} năm {self.year_of_period}",
        ]

    def authority_line(self) -> str:
        return self.authority or f"CHỦ TỊCH UBND TỈNH {self.province.upper()}"

    def bases(self, framework) -> list[str]:
        """The căn cứ, each a full sentence ending ';' except the proposal (added by the caller).

        The criteria set's regulation is always cited: where the metadata's list does not mention
        its number, it is inserted after the first entry (the law)."""
        items = list(self.legal_bases) if self.legal_bases is not None else [
            "Luật Tổ chức chính quyền địa phương ngày 19/6/2015"
        ]
        if framework.legal_basis:
            lb = framework.legal_basis[0]
            key = lb.number.replace("Quyết định số", "").strip()
            if not any(key in item for item in items):
                items.insert(min(1, len(items)), lb.cite())
        out = []
        for item in items:
            text = item.strip().rstrip(";.").strip()
            if not text.startswith("Căn cứ"):
                text = "Căn cứ " + text
            out.append(text + ";")
        return out

    def proposal(self) -> str:
        number = self.report_number or f"{BLANK}/BC-STTTT"
        date = short_date(self.report_date) if self.report_date else f"{BLANK}/{BLANK}/{self.decision_year}"
        return f"Theo đề nghị của {self.proposer} tại Báo cáo số {number} ngày {date}."

    def article1_text(self) -> str:
        return self.article1 or (
            f"Xếp hạng {self.subject}{f' ({self.abbreviation})' if self.abbreviation else ''} trong các cơ quan nhà nước tỉnh "
            f"{self.province} năm {self.year_of_period} như sau:"
        )

    def group_title(self, group) -> str:
        title = self.group_titles.get(group.id)
        if not title:
            name = group.name
            title = "khối " + name[len("Khối "):] if name.startswith("Khối ") else name
        return f"Xếp hạng {self.subject_short} của {title}:"

    def executors_text(self) -> str:
        return self.executors or (
            "Chánh Văn phòng UBND tỉnh, Giám đốc các sở, Trưởng các ban, ngành cấp tỉnh; Chủ tịch UBND "
            "các huyện, thị xã, thành phố chịu trách nhiệm thi hành Quyết định này./."
        )


def _date(value, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise XephangError(f"{where}: ngày '{value}' không hợp lệ; cần dạng 2021-01-27 hoặc 27/01/2021")


def _strings(value, where: str) -> list[str]:
    if isinstance(value, str):
        return [nfc(line) for line in value.splitlines() if line.strip()]
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return [nfc(str(v)) for v in value]
    raise XephangError(f"{where}: cần một danh sách các dòng chữ")


def read_meta_file(path: str | Path) -> dict:
    """The decision fields of a ``--meta`` YAML file (top level or under ``decision:``)."""
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise XephangError(f"tệp {p}: không tìm thấy tệp thông tin quyết định (--meta)") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f", dòng {mark.line + 1}" if mark else ""
        raise XephangError(f"tệp {p}{where}: không đọc được YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(raw, dict):
        raise XephangError(f"tệp {p}: cần các khóa thông tin quyết định (number, date, signer, …)")
    section = raw.get("decision", raw)
    if not isinstance(section, dict):
        raise XephangError(f"tệp {p}: mục 'decision' phải là các khóa thông tin quyết định")
    section = dict(section)
    if "year" in raw and "decision" in raw and "period_year" not in section:
        section["period_year"] = raw["year"]
    return section


def build_meta(period_meta: dict | None = None, override: dict | None = None, source: str = "period.yaml") -> DecisionMeta:
    """Merge the period's ``decision:`` section with ``--meta`` and validate every field."""
    period_meta = period_meta or {}
    fields = dict(period_meta.get("decision") or {})
    if period_meta.get("year") is not None:
        fields.setdefault("period_year", period_meta["year"])
    for k, v in (override or {}).items():
        if k == "signer" and isinstance(v, dict) and isinstance(fields.get("signer"), dict):
            fields["signer"] = {**fields["signer"], **v}
        else:
            fields[k] = v
    unknown = set(fields) - KEYS - {"period_year"}
    if unknown:
        raise XephangError(
            f"{source}: khóa không hợp lệ trong thông tin quyết định: {', '.join(sorted(unknown))}; "
            f"các khóa dùng được: {', '.join(sorted(KEYS))}"
        )
    m = DecisionMeta()
    where = lambda k: f"{source}: decision.{k}"  # noqa: E731
    for key in ("province", "symbol", "place", "authority", "proposer", "report_number", "article1",
                "effective", "executors", "subject", "subject_short", "abbreviation"):
        if key in fields:
            v = fields[key]
            if v is not None and not isinstance(v, (str, int)):
                raise XephangError(f"{where(key)}: cần một dòng chữ")
            setattr(m, key, None if v is None else nfc(str(v)))
    if "number" in fields:
        v = fields["number"]
        m.number = None if v is None else nfc(str(v))
    for key in ("date", "report_date"):
        if key in fields:
            setattr(m, key, _date(fields[key], where(key)))
    for key in ("year", "period_year"):
        if key in fields and fields[key] is not None:
            try:
                setattr(m, key, int(fields[key]))
            except (TypeError, ValueError):
                raise XephangError(f"{where(key)}: năm '{fields[key]}' không hợp lệ; cần dạng 2021") from None
    for key in ("issuer", "title", "recipients", "report_issuer"):
        if key in fields and fields[key] is not None:
            setattr(m, key, _strings(fields[key], where(key)))
    if "legal_bases" in fields and fields["legal_bases"] is not None:
        m.legal_bases = _strings(fields["legal_bases"], where("legal_bases"))
    if "group_titles" in fields and fields["group_titles"] is not None:
        gt = fields["group_titles"]
        if not isinstance(gt, dict):
            raise XephangError(f"{where('group_titles')}: cần dạng mã_khối: tên khối trong câu")
        m.group_titles = {str(k): nfc(str(v)) for k, v in gt.items()}
    for key in ("signer", "report_signer"):
        if key in fields and fields[key] is not None:
            s = fields[key]
            if isinstance(s, str):
                s = {"name": s}
            if not isinstance(s, dict) or set(s) - {"prefix", "title", "name"}:
                raise XephangError(f"{where(key)}: cần các khóa prefix (KT. CHỦ TỊCH), title (PHÓ CHỦ TỊCH), name")
            base = getattr(m, key).__dict__
            setattr(m, key, Signer(**{k: nfc(str(v or "")) for k, v in {**base, **s}.items()}))
    if "decimal_separator" in fields:
        sep = fields["decimal_separator"]
        if sep not in (".", ","):
            raise XephangError(f"{where('decimal_separator')}: cần '.' (như quyết định năm 2020) hoặc ','")
        m.decimal_separator = sep
    return m
