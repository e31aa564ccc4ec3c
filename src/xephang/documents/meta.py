"""What changes in the decision from year to year: number, date, signer, legal bases, report, recipients.

Read from the ``decision:`` section of a period's ``period.yaml`` and from ``--meta META.yaml`` (the
same keys, at the top level or under ``decision:``; the file overrides the period). Nothing of one
year is carried into another: what a period does not give stays blank (the number and the date, to be
written in at signing) or shows a visible "…" (the report cited, the signer, the recipients kept
on file), and ``DecisionMeta.missing()`` lists it for a warning before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import day_text, month_text, short_date  # noqa: F401 (short_date is part of this module's API)
from ..errors import XephangError
from ..period import load_yaml
from ..text import nfc

#: The blank a draft leaves for a day or a month to be written in at signing.
BLANK = "\u00a0" * 6
#: The blank for a handwritten document number: room for four or five digits at 13 pt.
NUMBER_BLANK = "\u00a0" * 16
#: What stands where the metadata lacks a text the clerk must supply (report cited, signer, …).
PLACEHOLDER = "…"

#: Recipients when the period names none: the decree's two fixed lines, the office's initials left to fill.
DEFAULT_RECIPIENTS = ("Như Điều 2;", f"Lưu: VT, {PLACEHOLDER}.")

KEYS = {
    "province",
    "issuer",
    "number",
    "symbol",
    "place",
    "date",
    "year",
    "title",
    "authority",
    "legal_bases",
    "proposer",
    "report_number",
    "report_date",
    "article1",
    "group_titles",
    "effective",
    "executors",
    "recipients",
    "signer",
    "decimal_separator",
    "subject",
    "subject_short",
    "abbreviation",
    "report_issuer",
    "report_signer",
    "tie_note",
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
    prefix: str = ""  # quyền hạn: TM., KT., Q., TL., TUQ. or empty when the head signs
    title: str = ""  # chức vụ; blank shows the placeholder
    name: str = ""

    def lines(self) -> tuple[list[str], str]:
        """(quyền hạn if any and chức vụ, above the signature; the name below), "…" where not given."""
        return [x for x in (self.prefix,) if x] + [self.title or PLACEHOLDER], self.name or PLACEHOLDER


@dataclass
class DecisionMeta:
    province: str = "Thanh Hóa"
    issuer: list[str] = field(default_factory=list)  # default: ỦY BAN NHÂN DÂN / TỈNH <PROVINCE>
    number: str | None = None  # "76" -> "Số: 76/QĐ-UBND"; None -> "Số:" and a blank to write in
    symbol: str = "QĐ-UBND"
    place: str | None = None  # default: the province
    date: dt.date | None = None
    year: int | None = None  # of the decision; default: the date's, else the period's year + 1
    period_year: int | None = None
    title: list[str] = field(default_factory=list)  # trích yếu, one entry per line
    authority: str | None = None
    legal_bases: list[str] | None = None
    proposer: str = "Giám đốc Sở Thông tin và Truyền thông"
    report_number: str | None = None
    report_date: dt.date | None = None
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
    #: A short neutral note under the decision's tables where equal shown totals have different ranks
    #: (the full explanation is in the report and the annex; the decision need not carry it).
    tie_note: bool = False
    #: Made-up figures (``sample: true`` in period.yaml): every document says so on every page.
    sample: bool = False
    #: The keys the period or ``--meta`` gave (non-empty), for ``missing()``.
    given: frozenset = frozenset()

    def missing(self) -> list[str]:
        """What the metadata does not give and the documents leave blank or as "…", in words."""
        out = []
        if self.number is None:
            out.append("số quyết định (number; để trống để ghi khi ký)")
        if self.date is None:
            out.append("ngày ký (date; để trống để ghi khi ký)")
        if self.report_number is None:
            out.append("số báo cáo của Sở (report_number)")
        if self.report_date is None:
            out.append("ngày báo cáo (report_date)")
        if not self.signer.title:
            out.append("chức vụ người ký (signer.title)")
        if not self.signer.name:
            out.append("họ tên người ký (signer.name)")
        if "recipients" not in self.given:
            out.append("nơi nhận (recipients)")
        return out

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
        if self.number is None:
            return f"Số:{NUMBER_BLANK}/{self.symbol}"
        number = int(self.number)
        # Phụ lục I: numbers below 10 take a leading 0.
        return f"Số: {number:02d}/{self.symbol}"

    def place_date(self) -> str:
        place = self.place or self.province
        if self.date is None:
            return f"{place}, {decree_date(None, None, self.decision_year)}"
        return f"{place}, {decree_date(self.date.day, self.date.month, self.date.year)}"

    def annex_line(self) -> str:
        """Phụ lục I: "(Kèm theo Quyết định số …/QĐ-UBND ngày … tháng … năm … của Chủ tịch UBND tỉnh …)",
        with "…" where the number or the date is still to be written in."""
        number = f"{int(self.number):02d}" if self.number else PLACEHOLDER
        d = self.date
        date = (
            decree_date(d.day, d.month, d.year)
            if d
            else f"ngày {PLACEHOLDER} tháng {PLACEHOLDER} năm {self.decision_year}"
        )
        who = "Chủ tịch UBND" if self.authority_line().startswith("CHỦ TỊCH") else "UBND"
        return f"(Kèm theo Quyết định số {number}/{self.symbol} {date} của {who} tỉnh {self.province})"

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
        items = (
            list(self.legal_bases)
            if self.legal_bases is not None
            else ["Luật Tổ chức chính quyền địa phương ngày 19/6/2015"]
        )
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
        number = self.report_number or PLACEHOLDER
        date = short_date(self.report_date) if self.report_date else PLACEHOLDER
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
            title = "khối " + name[len("Khối ") :] if name.startswith("Khối ") else name
        return f"Xếp hạng {self.subject_short} của {title}:"

    def executors_text(self, groups=()) -> str:
        """Who executes the decision: the provincial office and the heads of the kinds of units ranked
        (only the districts' chairmen where districts are ranked)."""
        if self.executors:
            return self.executors
        import unicodedata

        def plain(text: str) -> str:  # lower case without any diacritic: "huyện" -> "huyen"
            text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
            return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).replace(",", " ").split())

        names = [plain(getattr(g, "name", g)) for g in groups]
        heads = []
        if not names or any("so" in n.split() or "ban" in n.split() or "nganh" in n for n in names):
            heads.append("Giám đốc các sở, Trưởng các ban, ngành cấp tỉnh")
        if not names or any("huyen" in n or "thi xa" in n for n in names):
            heads.append("Chủ tịch UBND các huyện, thị xã, thành phố")
        if not heads:
            heads.append("Thủ trưởng các cơ quan, đơn vị có tên tại Điều 1")
        return f"Chánh Văn phòng UBND tỉnh, {'; '.join(heads)} chịu trách nhiệm thi hành Quyết định này./."


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
    raise XephangError(f"{where}: ngày '{value}' không hợp lệ; cần dạng 2021-01-27 hoặc 27/01/2021 (một ngày có thật)")


def _strings(value, where: str) -> list[str]:
    if isinstance(value, str):
        return [nfc(line) for line in value.splitlines() if line.strip()]
    if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        return [nfc(str(v)) for v in value if str(v).strip()]
    raise XephangError(f"{where}: cần một danh sách các dòng chữ")


def _number(value, where: str) -> str | None:
    """A document number: a positive integer, or blank (written in by hand at signing)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) <= 0:
        raise XephangError(f"{where}: số '{value}' không hợp lệ; cần một số nguyên dương (ví dụ 76) hoặc để trống")
    return str(int(text))


def _recipients(value, where: str) -> list[str]:
    """Phụ lục I: each entry "- …;", the last "- Lưu: VT, <drafting unit> (copies)."."""
    lines = _strings(value, where)
    if not lines:
        raise XephangError(f"{where}: cần ít nhất một nơi nhận, dòng cuối là 'Lưu: VT, …' (Nghị định 30/2020)")
    if not lines[-1].lstrip("-– ").startswith("Lưu: VT"):
        raise XephangError(
            f"{where}: dòng cuối '{lines[-1]}' không hợp lệ; cần dòng 'Lưu: VT, …' (Nghị định 30/2020, Phụ lục I)"
        )
    return lines


def read_meta_file(path: str | Path) -> dict:
    """The decision fields of a ``--meta`` YAML file (top level or under ``decision:``).

    Read without YAML's implicit dates, so that ``date: 2021-02-30`` is a string checked here (with
    a message) rather than an exception inside the YAML library."""
    p = Path(path)
    try:
        raw = load_yaml(p.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise XephangError(f"tệp {p}: không tìm thấy tệp thông tin quyết định (--meta)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise XephangError(f"tệp {p}: không đọc được ({e}); cần tệp YAML mã UTF-8") from None
    except Exception as e:  # yaml.YAMLError: the library's own exception types
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


def build_meta(
    period_meta: dict | None = None, override: dict | None = None, source: str = "period.yaml"
) -> DecisionMeta:
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
    m.sample = period_meta.get("sample") is True
    m.given = frozenset(k for k, v in fields.items() if v not in (None, "", [], {}))
    where = lambda k: f"{source}: decision.{k}"  # noqa: E731
    for key in (
        "province",
        "symbol",
        "place",
        "authority",
        "proposer",
        "report_number",
        "article1",
        "effective",
        "executors",
        "subject",
        "subject_short",
        "abbreviation",
    ):
        if key in fields:
            v = fields[key]
            if v is not None and (not isinstance(v, (str, int)) or isinstance(v, bool)):
                raise XephangError(f"{where(key)}: cần một dòng chữ")
            setattr(m, key, None if v is None or str(v).strip() == "" else nfc(str(v)))
    for key in ("province", "symbol", "proposer", "effective", "subject", "subject_short"):
        if getattr(m, key) is None:
            raise XephangError(f"{where(key)}: không được để trống; cần một dòng chữ")
    if "number" in fields:
        m.number = _number(fields["number"], where("number"))
    for key in ("year", "period_year"):
        if key in fields and fields[key] is not None:
            v = fields[key]
            if isinstance(v, bool) or not str(v).strip().isdigit() or not 1900 <= int(str(v).strip()) <= 2200:
                raise XephangError(f"{where(key)}: năm '{v}' không hợp lệ; cần dạng 2021")
            setattr(m, key, int(str(v).strip()))
    for key in ("date", "report_date"):
        if key in fields:
            d = _date(fields[key], where(key))
            if d is not None and m.period_year is not None and d < dt.date(m.period_year, 12, 31):
                raise XephangError(
                    f"{where(key)}: ngày {short_date(d)} trước khi kết thúc năm đánh giá {m.period_year}; "
                    f"cần từ 31/12/{m.period_year} trở đi"
                )
            setattr(m, key, d)
    if m.date and m.report_date and m.report_date > m.date:
        raise XephangError(
            f"{where('report_date')}: ngày báo cáo {short_date(m.report_date)} sau ngày quyết định "
            f"{short_date(m.date)}; cần ngày báo cáo trước hoặc cùng ngày quyết định"
        )
    for key in ("issuer", "title", "report_issuer"):
        if key in fields and fields[key] is not None:
            setattr(m, key, _strings(fields[key], where(key)))
    if "recipients" in fields and fields["recipients"] is not None:
        m.recipients = _recipients(fields["recipients"], where("recipients"))
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
            if (
                not isinstance(s, dict)
                or set(s) - {"prefix", "title", "name"}
                or not all(v is None or isinstance(v, str) for v in s.values())
            ):
                raise XephangError(
                    f"{where(key)}: cần các khóa prefix (KT. CHỦ TỊCH), title (PHÓ CHỦ TỊCH), "
                    "name (Nguyễn Văn A), mỗi khóa một dòng chữ"
                )
            base = getattr(m, key).__dict__
            setattr(m, key, Signer(**{k: nfc(str(v or "")) for k, v in {**base, **s}.items()}))
    if "decimal_separator" in fields:
        sep = fields["decimal_separator"]
        if sep not in (".", ","):
            raise XephangError(f"{where('decimal_separator')}: cần '.' (như quyết định năm 2020) hoặc ','")
        m.decimal_separator = sep
    if "tie_note" in fields and fields["tie_note"] is not None:
        if not isinstance(fields["tie_note"], bool):
            raise XephangError(f"{where('tie_note')}: cần true (ghi chú ngắn dưới bảng) hoặc false")
        m.tie_note = fields["tie_note"]
    return m
