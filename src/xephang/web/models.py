"""The cycle's records: units and groups as data, criteria sets as YAML text, periods with their status
workflow, what units report (figures and evidence), appraisal adjustments, explanations, published
snapshots and the audit trail.

Figures are stored as the text the user typed (validated by the core's reader on save) so that an
exact number never passes through a binary float.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import m2m_changed
from django.utils import timezone

from xephang.framework.loader import parse_framework
from xephang.framework.model import Framework as CoreFramework

from . import frozen, immutable
from .cache import FRAMEWORKS, SNAPSHOT_SUMMARIES
from .frozen import FROZEN_FIELDS, FROZEN_MESSAGE, FrozenError, acting_user, is_frozen
from .immutable import AuditQuerySet, FastJSONEncoder, SnapshotQuerySet, load_json, sha256_text


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị (Sở TTTT)"
    REPORTER = "reporter", "Cán bộ báo cáo của đơn vị"
    APPRAISER = "appraiser", "Thẩm định viên"
    LEADER = "leader", "Lãnh đạo / theo dõi"
    #: An account of a verifying agency (e.g. Sở Nội vụ for staff figures): its unit is the agency; it
    #: appraises only the criteria assigned to it in a period (``CriterionVerifier``).
    VERIFIER = "verifier", "Cán bộ cơ quan xác minh"


#: Roles whose account belongs to a unit (the reporter's own unit; the verifier's agency); the others none.
ROLES_WITH_UNIT = (Role.REPORTER, Role.VERIFIER)


def grant_admin_site(user, role: str) -> None:
    """The Sở TTTT's administrators manage units, groups and accounts in /quan-tri/ (Django's admin, which
    lets in staff only): every account given that role gets in, as the demo's does; any other role not."""
    user.is_staff = user.is_superuser = role == Role.ADMIN


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField("vai trò", max_length=16, choices=Role.choices)
    unit = models.ForeignKey("Unit", verbose_name="đơn vị", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "vai trò tài khoản"

    def clean(self):
        if self.role == Role.REPORTER and self.unit_id is None:
            raise ValidationError("Cán bộ báo cáo phải thuộc một đơn vị.")
        if self.role == Role.VERIFIER and self.unit_id is None:
            raise ValidationError("Cán bộ cơ quan xác minh phải thuộc cơ quan của mình (một đơn vị).")

    def __str__(self):
        return f"{self.user.get_username()} ({self.get_role_display()})"


class ProvinceSettings(models.Model):
    """The province's settings, set once by the administrator (one row, pk 1): the name every page's
    header gives, the parent agency and the Sở that issues the ranking, and how pages write decimals."""

    class Separator(models.TextChoices):
        COMMA = ",", "Dấu phẩy (85,03)"
        POINT = ".", "Dấu chấm (85.03)"

    province = models.CharField(
        "tên tỉnh",
        max_length=120,
        default="Thanh Hóa",
        help_text="Ví dụ: Thanh Hóa (trang nào cũng ghi 'Tỉnh Thanh Hóa').",
    )
    parent_agency = models.CharField(
        "cơ quan chủ quản", max_length=200, default="UBND tỉnh Thanh Hóa", help_text="Ví dụ: UBND tỉnh Thanh Hóa."
    )
    department = models.CharField(
        "tên Sở chủ trì đánh giá",
        max_length=200,
        default="Sở Thông tin và Truyền thông",
        help_text="Sở ban hành kết quả, ví dụ: Sở Khoa học và Công nghệ.",
    )
    decimal_separator = models.CharField(
        "dấu thập phân trên trang",
        max_length=1,
        choices=Separator.choices,
        default=Separator.COMMA,
        help_text="Chỉ cho các trang web; văn bản (DOCX/PDF) giữ cách ghi riêng của chúng.",
    )

    class Meta:
        verbose_name = "thông tin tỉnh"
        verbose_name_plural = "thông tin tỉnh"

    def __str__(self):
        return f"Tỉnh {self.province}"

    def save(self, *args, **kwargs):
        self.pk = 1  # one row only
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "ProvinceSettings":
        """The row, or the defaults (not stored) before the administrator has saved it."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class UnitGroup(models.Model):
    """A block of units ranked together. ``code`` matches the criteria set's group id."""

    code = models.SlugField("mã khối", max_length=64, unique=True)
    name = models.CharField("tên khối", max_length=200)
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "khối"
        verbose_name_plural = "khối đơn vị"

    def __str__(self):
        return self.name


class Unit(models.Model):
    name = models.CharField("tên đơn vị", max_length=200)
    group = models.ForeignKey(UnitGroup, verbose_name="khối", on_delete=models.PROTECT, related_name="units")
    email = models.EmailField("thư điện tử", blank=True)
    active = models.BooleanField("đang hoạt động", default=True)
    #: Lineage across reorganisations (2025: district level removed, communes merged).
    merged_from = models.ManyToManyField(
        "self", verbose_name="hợp nhất từ", symmetrical=False, blank=True, related_name="merged_into"
    )
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["group__order", "order", "name"]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        constraints = [models.UniqueConstraint(fields=["name"], name="unit_name_unique")]

    def __str__(self):
        return self.name


class Framework(models.Model):
    """A criteria set, kept as the YAML text the core validates (``xephang.framework``)."""

    code = models.SlugField("mã", max_length=64, unique=True)
    title = models.CharField("tên", max_length=400)
    yaml_text = models.TextField("nội dung YAML")
    uploaded_at = models.DateTimeField("ngày tải lên", default=timezone.now)

    class Meta:
        verbose_name = "bộ tiêu chí"
        verbose_name_plural = "bộ tiêu chí"

    def __str__(self):
        return f"{self.title} ({self.code})"

    @property
    def sha256(self) -> str:
        return sha256_text(self.yaml_text)

    def load(self) -> CoreFramework:
        text, code = self.yaml_text, self.code
        return FRAMEWORKS.get((code, text), lambda: parse_framework(text, f"{code}.yaml"))

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def _refuse_if_frozen(self) -> None:
        """The criteria set of a frozen period keeps its text (its SHA-256 is in the snapshot)."""
        if self.pk is None:
            return
        stored = Framework.objects.filter(pk=self.pk).values_list("yaml_text", flat=True).first()
        if stored is None or stored == self.yaml_text:
            return
        for period in Period.objects.filter(framework_id=self.pk):
            if is_frozen(period):
                refuse_frozen(period, f"bộ tiêu chí '{self.code}'", {"framework": self.code})


class Status(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    OPEN = "open", "Đang nhận báo cáo"
    APPRAISAL = "appraisal", "Đang thẩm định"
    EXPLANATION = "explanation", "Giải trình"
    FINAL = "final", "Đã chốt kết quả"
    PUBLISHED = "published", "Đã công bố"


#: The workflow: each status and the one it may move to next (by the administrator).
NEXT_STATUS = {
    Status.DRAFT: Status.OPEN,
    Status.OPEN: Status.APPRAISAL,
    Status.APPRAISAL: Status.EXPLANATION,
    Status.EXPLANATION: Status.FINAL,
    Status.FINAL: Status.PUBLISHED,
}


def refuse_frozen(period, what: str, attempted=None):
    """Refuse a change to a frozen period (``frozen``): audit the attempt, with the acting user, and raise
    ``FrozenError``."""
    message = FROZEN_MESSAGE.format(name=period.name, what=what)
    audit(acting_user.get(), "frozen.refused", period=period, subject=what, after=attempted, reason=message)
    raise FrozenError(message)


class PeriodQuerySet(models.QuerySet):
    """``update`` of a frozen period's frozen fields, and ``delete`` of a frozen period, refused."""

    def update(self, **kwargs):
        touched = frozen.touched_fields(kwargs)
        if touched:
            for period in self:
                if is_frozen(period):
                    refuse_frozen(
                        period,
                        ", ".join(FROZEN_FIELDS[f] for f in touched),
                        {k: frozen.plain(v) for k, v in kwargs.items()},
                    )
        return super().update(**kwargs)

    def delete(self):
        for period in self:
            if is_frozen(period):
                refuse_frozen(period, "(xóa kỳ)")
        return super().delete()


class Period(models.Model):
    """A year's evaluation. Once frozen (final or published) its name, year, criteria set, kind,
    tie rule, units and decision metadata cannot change (``frozen``): save and delete check the
    stored row first."""

    class Kind(models.TextChoices):
        INPUTS = "inputs", "Số liệu chi tiết (chấm theo bộ tiêu chí)"
        TOTALS = "totals", "Chỉ tổng điểm (kết quả đã công bố)"

    name = models.CharField("tên kỳ", max_length=200)
    year = models.PositiveIntegerField("năm")
    framework = models.ForeignKey(Framework, verbose_name="bộ tiêu chí", on_delete=models.PROTECT)
    kind = models.CharField("loại", max_length=8, choices=Kind.choices, default=Kind.INPUTS)
    status = models.CharField("trạng thái", max_length=16, choices=Status.choices, default=Status.DRAFT)
    ties = models.CharField("quy tắc đồng điểm", max_length=200, blank=True, help_text="để trống: theo bộ tiêu chí")
    deadline = models.DateField("hạn báo cáo", null=True, blank=True)
    explanation_deadline = models.DateField("hạn giải trình", null=True, blank=True)
    appraisers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="thẩm định viên", blank=True)
    units = models.ManyToManyField(Unit, verbose_name="đơn vị tham gia", related_name="periods")
    sample = models.BooleanField("dữ liệu mẫu", default=False)
    meta = models.JSONField("thông tin quyết định", default=dict, blank=True)

    objects = PeriodQuerySet.as_manager()  # update() of a frozen period's fields refused

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = "kỳ đánh giá"
        verbose_name_plural = "kỳ đánh giá"

    def __str__(self):
        return self.name

    def clean(self):
        # The rule of the setup form, for /quan-tri/ too: the explanations come after the reports.
        d, e = self.deadline, self.explanation_deadline
        if d and e and e <= d:
            raise ValidationError(
                {"explanation_deadline": f"Hạn giải trình ({e:%d/%m/%Y}) phải sau hạn nộp báo cáo ({d:%d/%m/%Y})."}
            )

    def save(self, *args, **kwargs):
        stored = self._stored()
        if stored is not None and is_frozen(stored):
            changed = frozen.changed_fields(stored, self, kwargs.get("update_fields"))
            if changed:
                refuse_frozen(
                    stored,
                    ", ".join(changed.values()),
                    {f.removesuffix("_id"): frozen.plain(getattr(self, f)) for f in changed},
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = self._stored()
        if stored is not None and is_frozen(stored):
            refuse_frozen(stored, "(xóa kỳ)")
        return super().delete(*args, **kwargs)

    def _stored(self):
        return Period._base_manager.filter(pk=self.pk).first() if self.pk else None

    @property
    def next_status(self) -> str | None:
        return NEXT_STATUS.get(self.status)

    def latest_snapshot(self):
        """The last version, its payload read only when asked for (``data``, ``summary``)."""
        return self.snapshots.order_by("-version").defer("payload").first()

    @property
    def params(self) -> dict:
        """The values of the criteria set's period parameters as the administrator set them (text)."""
        return dict(self.meta.get("params") or {})

    def tie_rule(self):
        if not self.ties:
            return None
        parts = [p.strip() for p in self.ties.split(",") if p.strip()]
        if parts in (["shared"], ["input-order"]):
            return parts[0]
        return tuple(parts)


class Submission(models.Model):
    """What one unit reports for one period: its figures (text as typed) and, for a totals period, the
    published total."""

    class State(models.TextChoices):
        DRAFT = "draft", "Đang soạn"
        SUBMITTED = "submitted", "Đã nộp"

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions")
    state = models.CharField("trạng thái", max_length=16, choices=State.choices, default=State.DRAFT)
    values = models.JSONField("số liệu", default=dict, blank=True)  # input id -> text as typed
    not_applicable = models.JSONField("tiêu chí không áp dụng", default=list, blank=True)
    #: Input ids carried over from last year's figures and not yet confirmed by the unit.
    carried = models.JSONField("số liệu chuyển từ năm trước", default=list, blank=True)
    total = models.CharField("tổng điểm đã công bố", max_length=40, blank=True)  # totals periods only
    submitted_at = models.DateTimeField("ngày nộp", null=True, blank=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)
    sample = models.BooleanField("dữ liệu mẫu", default=False)
    #: Optimistic locking: +1 on every save; a form saved from an older version is refused.
    version = models.PositiveIntegerField("phiên bản", default=0)
    #: Returned to the unit by the administrator (with this reason): editable again until resubmitted,
    #: whatever the period's stage before publication.
    returned_reason = models.TextField("lý do trả lại báo cáo", blank=True)
    #: Figures imported from a feed of measured indicators (system-measured, survey), not editable by
    #: the unit: input id -> {source, date, feed, imported, answers}.
    measured = models.JSONField("số liệu đo, điều tra", default=dict, blank=True)

    class Meta:
        verbose_name = "báo cáo của đơn vị"
        verbose_name_plural = "báo cáo của đơn vị"
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="one_submission_per_unit")]

    def __str__(self):
        return f"{self.unit} — {self.period}"


class ScoringRevision(models.Model):
    """A period's revisions of what its scores are computed from: ``revision``, of its reports (units,
    states, figures, criteria not applicable, totals) and the names, groups and order of its units and
    groups; ``appraisal``, of the appraisers' adjustments and the decisions on explanations (so that a
    decision leaves the self-scores and the data checks cached). Each drawn anew (a random 64-bit
    number) by the database itself on every change (triggers, migration ``0009``), so a change made
    anywhere (another worker, a queryset ``update()``, the admin site, SQL) is seen, and scores cached
    under an earlier revision are never served again. Random rather than counted: a rolled-back change would bring a
    count back to a value already used for what that transaction scored.

    The period's own fields (kind, name, tie rule, parameters) and its criteria set's text are read with
    the period on every request and keyed directly (``scoring.score_period``). ``period_id`` is no foreign
    key: a period being deleted deletes its reports, whose triggers write one more revision.

    The cost: a transaction that changes a period's reports holds that period's row until it ends, so
    two saves of one period's reports commit one after the other (each request is one short
    transaction; scoring is never done while holding it, as saving redirects)."""

    period_id = models.BigIntegerField(primary_key=True)
    revision = models.BigIntegerField(default=0)
    appraisal = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "phiên bản dữ liệu chấm điểm của kỳ"

    @classmethod
    def of(cls, period_id: int) -> tuple[int, int]:
        """The period's (reports revision, appraisal revision), one indexed read; 0 before any change."""
        return cls.objects.filter(period_id=period_id).values_list("revision", "appraisal").first() or (0, 0)


class ReportRevision(models.Model):
    """One report's revision of what its score is computed from: its unit, state, figures, criteria not
    applicable and total; the name, group and order of its unit and the code and order of that group;
    and the appraisers' adjustments of its figures with the decisions on their explanations. Drawn anew
    (a random 64-bit number) by the same database triggers as ``ScoringRevision`` (migration ``0011``),
    whichever process or statement made the change; never written by the application.

    When a period's revision changes, the scores cached for it are brought up to date by reading these
    numbers for all its reports (one narrow query) and the figures of the changed reports only
    (``scoring.score_period``). A table of its own rather than a column of ``Submission``: a report
    saved from a model instance read earlier would write its older number back."""

    submission = models.OneToOneField(
        Submission,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the triggers delete it with its report
        db_constraint=False,
        related_name="scoring_revision",
    )
    revision = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "phiên bản dữ liệu chấm điểm của báo cáo"


def evidence_path(instance, filename):
    # The stored name is generated (safe on every file system); the original name is kept in the row.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"minh-chung/{instance.submission.period_id}/{instance.submission.unit_id}/{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class Evidence(models.Model):
    """An evidence document (tài liệu kiểm chứng). One document can serve several criteria."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("tệp", upload_to=evidence_path)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng", default=0)
    summary = models.CharField("số, ngày, trích yếu", max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(default=timezone.now)
    carried = models.BooleanField("chuyển từ năm trước, chưa xác nhận", default=False)

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"

    def __str__(self):
        return self.original_name


class EvidenceLink(models.Model):
    """Which criterion a document supports, and where inside it (page, article)."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="links")
    criterion_id = models.CharField("tiêu chí", max_length=100)
    locator = models.CharField("vị trí trong tài liệu (trang, điều)", max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evidence", "criterion_id"], name="one_link_per_criterion")]


class DeadlineExtension(models.Model):
    """A later report deadline for one unit, granted by the coordinator with a reason (audited).
    Without one, the period's deadline applies and editing locks the day after it."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="deadline_extensions")
    until = models.DateField("gia hạn đến ngày")
    reason = models.TextField("lý do gia hạn")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "gia hạn báo cáo"
        verbose_name_plural = "gia hạn báo cáo"
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="one_extension_per_unit")]

    def __str__(self):
        return f"{self.unit} — {self.period}: đến {self.until:%d/%m/%Y}"


class Adjustment(models.Model):
    """The appraiser's decision on one reported figure: accepted as is, or adjusted with a reason."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="adjustments")
    input_id = models.CharField("chỉ tiêu", max_length=100)
    accepted = models.BooleanField("chấp nhận số liệu của đơn vị", default=True)
    value = models.TextField("số liệu thẩm định", blank=True)  # a list input's items: one per line
    reason = models.TextField("lý do", blank=True)
    appraiser = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now)
    #: Optimistic locking: two appraisers deciding the same figure; the second, older decision is refused.
    version = models.PositiveIntegerField("phiên bản", default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "input_id"], name="one_adjustment_per_input")]

    def clean(self):
        if not self.accepted and not self.reason.strip():
            raise ValidationError("Điều chỉnh số liệu phải có lý do.")


class CriterionVerifier(models.Model):
    """A criterion whose figures, in one period, an account of a verifying agency appraises (the criteria
    set's ``verified_by`` names the agency; the administrator picks its account). That account decides
    only the figures these criteria read; the Sở's appraisers keep deciding every figure."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="verifiers")
    criterion_id = models.CharField("tiêu chí", max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="cán bộ xác minh", on_delete=models.PROTECT, related_name="verifying"
    )

    class Meta:
        verbose_name = "tiêu chí giao cơ quan xác minh"
        verbose_name_plural = "tiêu chí giao cơ quan xác minh"
        constraints = [models.UniqueConstraint(fields=["period", "criterion_id"], name="one_verifier_per_criterion")]


class Explanation(models.Model):
    """The unit's answer (giải trình) to one adjustment, and the appraiser's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Chờ xem xét"
        ACCEPTED = "accepted", "Chấp nhận giải trình"
        REJECTED = "rejected", "Giữ kết quả thẩm định"

    adjustment = models.OneToOneField(Adjustment, on_delete=models.CASCADE, related_name="explanation")
    text = models.TextField("nội dung giải trình")
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.SET_NULL)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField("lý do quyết định", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)


class Snapshot(models.Model):
    """Frozen results of a period (immutable). A correction is a new version with a reason."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveIntegerField("phiên bản")
    payload = models.TextField("kết quả (JSON)")
    sha256 = models.CharField(max_length=64)
    reason = models.TextField("lý do", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    published = models.BooleanField("đã công bố", default=False)

    objects = SnapshotQuerySet.as_manager()  # update()/delete() refused (immutable.py)

    class Meta:
        ordering = ["period", "-version"]
        constraints = [models.UniqueConstraint(fields=["period", "version"], name="snapshot_version_unique")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            old = Snapshot.objects.get(pk=self.pk)
            if (old.payload, old.sha256, old.version, old.period_id) != (
                self.payload,
                self.sha256,
                self.version,
                self.period_id,
            ):
                raise ValidationError("Kết quả đã chốt không được sửa; hãy tạo phiên bản mới kèm lý do.")
        if sha256_text(self.payload) != self.sha256:
            raise ValidationError("Mã SHA-256 không khớp với nội dung kết quả.")
        creating = self.pk is None
        with transaction.atomic():
            super().save(*args, **kwargs)
            if creating:
                self._write_derived_rows()

    def delete(self, *args, **kwargs):
        raise ValidationError("Kết quả đã chốt không được xóa.")

    @property
    def data(self) -> dict:
        """The whole frozen content (every unit's criteria rows too): documents and verification."""
        return load_json(self.payload)

    def _write_derived_rows(self) -> None:
        """The rows the pages read instead of the payload: the summary (``SnapshotSummary``) and one row
        per unit (``SnapshotUnit``). Written from the content being frozen (``content``), or, for a
        snapshot that changes only top-level keys of another one (publication of the draft), from
        ``summary_content`` with the units' rows copied by the database from that snapshot
        (``units_from``): the criteria rows are equal, and never go through Python again."""
        content = getattr(self, "content", None)
        short = getattr(self, "summary_content", None)
        if short is None:
            short = summarise(content if content is not None else self.data)
        SnapshotSummary.objects.create(snapshot=self, text=immutable.canonical_json_fast(short))
        source = getattr(self, "units_from", None)
        if source is not None and content is None:
            copy_unit_rows(source, self)
        else:
            SnapshotUnit.objects.bulk_create(unit_rows(self), batch_size=500)

    @property
    def summary(self) -> dict:
        """The frozen content without the units' criteria rows, for the pages that list units; shared
        between requests (read-only). Read from its ``SnapshotSummary`` row (a few hundred KB, where the
        payload of a national result is tens of MB); a snapshot stored before summaries were kept is
        summarised from its payload. One unit's rows: ``criteria_of``."""
        return SNAPSHOT_SUMMARIES.get((self.pk, self.sha256), self._read_summary)

    def _read_summary(self) -> dict:
        text = SnapshotSummary.objects.filter(snapshot_id=self.pk).values_list("text", flat=True).first()
        return load_json(text) if text is not None else summarise(self.data)

    def criteria_of(self, unit_id: int) -> list:
        row = self.units.filter(unit_id=unit_id).only("criteria").first()
        return row.criteria if row is not None else []


def summarise(data: dict) -> dict:
    """A snapshot's content with every unit's ``criteria`` left out."""
    out = {k: v for k, v in data.items() if k != "groups"}
    out["groups"] = []
    for g in data["groups"]:
        short = {**g, "units": [{k: v for k, v in u.items() if k != "criteria"} for u in g["units"]]}
        if "unranked" in g:
            short["unranked"] = [{k: v for k, v in u.items() if k != "criteria"} for u in g["unranked"]]
        out["groups"].append(short)
    return out


def assessed_units(group: dict) -> list:
    """A frozen group's units: the ranked ones in rank order, then those assessed but not ranked."""
    return [*group["units"], *group.get("unranked", ())]


def unit_rows(snap: Snapshot) -> list:
    """One ``SnapshotUnit`` per unit of a snapshot's content, in the order of its groups and ranks.

    From ``snap.content`` when the snapshot is being created from that dict (parsing tens of MB of
    the text just written again costs seconds): its JSON is the payload's, since the rows' JSON field
    refuses whatever the payload's text would have written otherwise."""
    rows, order = [], 0
    content = getattr(snap, "content", None)
    for g in (content if content is not None else snap.data)["groups"]:
        for u in assessed_units(g):
            rows.append(
                SnapshotUnit(
                    snapshot=snap, unit_id=u["unit_id"], group=g["id"], order=order, criteria=u.get("criteria") or []
                )
            )
            order += 1
    return rows


def copy_unit_rows(source: Snapshot, target: Snapshot) -> None:
    """``target``'s unit rows as a copy of ``source``'s, made by the database (INSERT … SELECT): a
    national result's criteria rows are tens of MB that need not be read, encoded and sent again."""
    from django.db import connection

    qn = connection.ops.quote_name
    fields = [SnapshotUnit._meta.get_field(f).column for f in ("unit_id", "group", "order", "criteria")]
    snapshot = SnapshotUnit._meta.get_field("snapshot").column
    columns = ", ".join(qn(c) for c in fields)
    table = qn(SnapshotUnit._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({qn(snapshot)}, {columns}) SELECT %s, {columns} FROM {table} "
            f"WHERE {qn(snapshot)} = %s ORDER BY {qn(fields[2])}",
            [target.pk, source.pk],
        )


class SnapshotSummary(models.Model):
    """A snapshot's content without its units' criteria rows (``summarise``), as canonical JSON, written
    with the snapshot: the pages that list units and the ranking rebuilt for documents read it instead
    of the payload. Derived data, as ``SnapshotUnit``: ``xephang verify`` checks it still equals the
    payload; a snapshot without one (stored before summaries were kept) is summarised from its payload."""

    snapshot = models.OneToOneField(Snapshot, on_delete=models.CASCADE, primary_key=True, related_name="+")
    text = models.TextField("kết quả không kèm điểm từng tiêu chí (JSON)")

    objects = SnapshotQuerySet.as_manager()  # update()/delete() refused, as for snapshots

    def save(self, *args, **kwargs):
        if SnapshotSummary.objects.filter(pk=self.pk).exists():
            raise ValidationError("Kết quả đã chốt không được sửa; hãy tạo phiên bản mới kèm lý do.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Kết quả đã chốt không được xóa.")


class SnapshotUnit(models.Model):
    """One unit's criteria rows of a snapshot, copied from its content when the snapshot is created, so
    that a unit's page and the exports read one unit at a time. Derived data: the snapshot's payload
    (and its SHA-256) stays the record, and ``xephang verify`` checks that these rows still equal it."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="units")
    unit_id = models.IntegerField("mã đơn vị")
    group = models.CharField("khối", max_length=64)
    order = models.PositiveIntegerField("thứ tự")
    criteria = models.JSONField("điểm từng tiêu chí", default=list, encoder=FastJSONEncoder)

    objects = SnapshotQuerySet.as_manager()  # update()/delete() refused, as for snapshots

    class Meta:
        ordering = ["snapshot", "order"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "unit_id"], name="snapshot_unit_unique")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Kết quả đã chốt không được sửa; hãy tạo phiên bản mới kèm lý do.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Kết quả đã chốt không được xóa.")


class NonReporting(models.Model):
    """The administrator's record that a unit of the period sent no report and that the criteria set's
    ``non_reporting`` rule applies to it (with the reason). Freezing needs one for every such unit."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="non_reporting")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField("quy định áp dụng", max_length=16)  # the set's non_reporting: zero | unranked
    reason = models.TextField("lý do")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "đơn vị không báo cáo"
        verbose_name_plural = "đơn vị không báo cáo"
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="one_non_reporting_per_unit")]


class CorrectionRound(models.Model):
    """Appraisal reopened for named units, with a reason: before publication (a correction of the
    draft) or after it (a correction published as the next version). While open, only these units'
    figures may be appraised again."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="corrections")
    unit_ids = models.JSONField("đơn vị được đính chính", default=list)
    criteria = models.JSONField("tiêu chí được thẩm định lại", default=list, blank=True)  # empty: all
    reason = models.TextField("lý do")
    after_publication = models.BooleanField("đính chính sau công bố", default=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]


def signed_scan_path(instance, filename):
    return f"quyet-dinh/{instance.period_id}/{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class SignedScan(models.Model):
    """The signed decision as scanned (PDF), kept as evidence of the act; its SHA-256 is in the
    published snapshot."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="signed_scans")
    file = models.FileField("bản quét quyết định đã ký", upload_to=signed_scan_path)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)


class AuditEntry(models.Model):
    """Who changed what, when, from what to what, and why."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField("hành động", max_length=64)
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE)
    subject = models.CharField("đối tượng", max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField("lý do", blank=True)
    # The hash chain (immutable.py): the user's name as it was, the previous entry's hash, this one's.
    user_name = models.CharField("tài khoản", max_length=150, blank=True)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()  # append-only: update()/delete() refused

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"


def audit(user, action: str, *, period=None, unit=None, subject: str = "", before=None, after=None, reason: str = ""):
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        period=period,
        unit=unit,
        subject=subject,
        before=before,
        after=after,
        reason=reason,
    )


class LoginFailure(models.Model):
    """A failed login, for throttling (security.py); rows older than a day are removed."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=45, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)


def _on_units_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A frozen period's list of units refused, from either side of the relation."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        if is_frozen(instance):
            refuse_frozen(instance, "danh sách đơn vị tham gia", {"action": action, "units": sorted(pk_set or [])})
        return
    periods = Period.objects.filter(pk__in=pk_set) if pk_set is not None else instance.periods.all()
    for period in periods:
        if is_frozen(period):
            refuse_frozen(period, "danh sách đơn vị tham gia", {"action": action, "unit": instance.pk})


immutable.connect(Snapshot, AuditEntry)
m2m_changed.connect(_on_units_changed, sender=Period.units.through, dispatch_uid="xephang-frozen-units")
