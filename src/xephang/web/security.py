"""Defences of the web application against people who want a better rank and against accidents:
evidence checked by its content (never by its name), Office files checked for zip bombs, names made
safe, files served only as downloads; login throttling; a reporter's unsaved figures kept across an
expired session.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone

# ---------------------------------------------------------------------------------------------
# Uploads: what a file is, from its first bytes


@dataclass(frozen=True)
class Kind:
    ext: str  # the extension the stored file gets (from the content, not the name)
    mime: str
    label: str


PDF = Kind("pdf", "application/pdf", "PDF")
PNG = Kind("png", "image/png", "ảnh PNG")
JPEG = Kind("jpg", "image/jpeg", "ảnh JPEG")
GIF = Kind("gif", "image/gif", "ảnh GIF")
WEBP = Kind("webp", "image/webp", "ảnh WebP")
OLE = Kind("doc", "application/octet-stream", "tệp Office 97-2003")  # .doc/.xls/.ppt share one container
OOXML = {
    "word/": Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "xl/": Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "ppt/": Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"),
}
ODF = {
    "application/vnd.oasis.opendocument.text": Kind("odt", "application/vnd.oasis.opendocument.text", "ODF văn bản"),
    "application/vnd.oasis.opendocument.spreadsheet": Kind(
        "ods", "application/vnd.oasis.opendocument.spreadsheet", "ODF bảng tính"
    ),
    "application/vnd.oasis.opendocument.presentation": Kind(
        "odp", "application/vnd.oasis.opendocument.presentation", "ODF trình chiếu"
    ),
}
#: The old Office extensions that the OLE container may carry under its own name.
OLE_EXTS = {"doc", "xls", "ppt"}

#: Office files are zips: refuse one whose content would expand beyond this, or by more than RATIO
#: per member (a zip bomb), or that has too many members.
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200
ZIP_MAX_MEMBERS = 5000

ACCEPTED = "PDF, ảnh (PNG, JPEG, GIF, WebP) hoặc tệp Office (Word, Excel, PowerPoint, OpenDocument)"


class UploadRefused(ValueError):
    """The message says, in Vietnamese, why a file was refused."""


def _head(upload, n: int = 4096) -> bytes:
    upload.seek(0)
    data = upload.read(n)
    upload.seek(0)
    return data


def sniff(upload, name: str) -> Kind:
    """The file's kind from its content; ``UploadRefused`` for anything else (HTML, SVG, scripts,
    archives, executables, a zip bomb)."""
    head = _head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return Kind(ext, OLE.mime, OLE.label) if ext in OLE_EXTS else OLE
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(upload, name)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<", b"<?xml")) or b"<svg" in text or b"<html" in text or b"<script" in text:
        raise UploadRefused(f"Tệp '{name}' là HTML/SVG/XML, có thể chứa mã chạy được; không nhận. Chỉ nhận {ACCEPTED}.")
    raise UploadRefused(
        f"Tệp '{name}': chỉ nhận {ACCEPTED}; nội dung tệp này không thuộc loại nào trong số đó "
        "(kiểm tra theo nội dung tệp, không theo tên)."
    )


def _office_zip(upload, name: str) -> Kind:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as z:
            infos = z.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                raise UploadRefused(f"Tệp '{name}' có {len(infos)} thành phần nén; không nhận (nghi tệp độc hại).")
            total = packed = 0
            for info in infos:
                if info.filename.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", info.filename):
                    raise UploadRefused(f"Tệp '{name}' chứa đường dẫn không hợp lệ ({info.filename!r}); không nhận.")
                total += info.file_size
                packed += info.compress_size
                ratio = info.file_size / max(info.compress_size, 1)
                # Each member and the whole: many members of just under 1 MB each are a bomb too.
                overall = total / max(packed, 1)
                if (
                    total > ZIP_MAX_UNCOMPRESSED
                    or (info.file_size > 1024 * 1024 and ratio > ZIP_MAX_RATIO)
                    or (total > 1024 * 1024 and overall > ZIP_MAX_RATIO)
                ):
                    ratio = max(ratio, overall)
                    raise UploadRefused(
                        f"Tệp '{name}' giải nén ra quá lớn ({total // (1024 * 1024)} MB trở lên, tỷ lệ nén {ratio:.0f}:1); "
                        "không nhận (nghi 'bom nén')."
                    )
            names = {i.filename for i in infos}
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return kind
            if "mimetype" in names:
                mime = z.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mime in ODF:
                    return ODF[mime]
    except zipfile.BadZipFile:
        raise UploadRefused(f"Tệp '{name}' bị hỏng (tệp nén không đọc được).") from None
    finally:
        upload.seek(0)
    raise UploadRefused(f"Tệp '{name}' là tệp nén nhưng không phải tài liệu Office; chỉ nhận {ACCEPTED}.")


def check_spreadsheet(upload, name: str) -> None:
    """An uploaded Excel template must be an .xlsx (a zip) without a bomb, before openpyxl opens it."""
    kind = sniff(upload, name)
    if kind.ext != "xlsx":
        raise UploadRefused(f"Tệp '{name}' là {kind.label}, không phải bảng tính Excel (.xlsx) của biểu mẫu.")


_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]")


def safe_name(name: str, ext: str | None = None) -> str:
    """The name shown to users and offered on download: no folders, control or reserved characters,
    NFC, at most 200 characters; the extension follows the content when given."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, old = name.rpartition(".")
    if not dot:
        stem, old = name, ""
    stem = stem[:180] or "tai-lieu"
    if ext:
        return f"{stem}.{ext}" if old.lower() != ext or not dot else f"{stem}.{old}"
    return f"{stem}.{old}" if old else stem


def download(fileobj, name: str, content_type: str = "application/octet-stream") -> FileResponse:
    """A stored file as a download only: never rendered by the browser, never sniffed."""
    resp = FileResponse(fileobj, as_attachment=True, filename=safe_name(name), content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


def kind_of_stored(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for k in (PDF, PNG, JPEG, GIF, WEBP, *OOXML.values(), *ODF.values()):
        if k.ext == ext:
            return k.mime
    return "application/octet-stream"


# ---------------------------------------------------------------------------------------------
# Response headers: a Content-Security-Policy on every page, private caching for logged-in users

#: Scripts and styles from the site only (inline style attributes allowed: bars' widths); no plugins,
#: no framing, forms post to the site only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class HeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import patch_cache_control

        resp = self.get_response(request)
        if resp.get("Content-Type", "").startswith("text/html") and "Content-Security-Policy" not in resp:
            resp["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # A shared proxy or browser cache must never hand one user's pages to another.
            patch_cache_control(resp, private=True, no_cache=True)
        return resp


# ---------------------------------------------------------------------------------------------
# Parameters from the URL or a form: a number that is not one is a 400 with a message, never a 500


def int_param(value, what: str, required: bool = True) -> int | None:
    """``value`` as a whole number ≥ 0, or ``BadRequest`` naming the parameter (``what``) and what was
    expected; None when absent and not required."""
    from django.core.exceptions import BadRequest

    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise BadRequest(f"Thiếu {what}.")
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise BadRequest(f"{what[:1].upper() + what[1:]} phải là một số nguyên dương, không phải '{text[:40]}'.")
    return int(text)


# ---------------------------------------------------------------------------------------------
# Login throttling: failures counted in the database, so every application server sees them


def _client_ip(request) -> str:
    """The client's address. Behind N trusted reverse proxies (XEPHANG_PROXY_COUNT, nginx: 1) it is the
    N-th address from the right of X-Forwarded-For, the part no client can forge; otherwise REMOTE_ADDR
    (every client would otherwise share the proxy's address, and one attacker could lock everyone out)."""
    if request is None:
        return ""
    hops = int(getattr(settings, "XEPHANG_PROXY_COUNT", 0) or 0)
    if hops > 0:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(chain) >= hops:
            return chain[-hops][:45]
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def _window():
    return timezone.now() - timedelta(seconds=settings.XEPHANG_LOGIN_WINDOW_SECONDS)


def login_locked(username: str, ip: str) -> int:
    """Seconds until the next attempt is allowed (0: allowed)."""
    from .models import LoginFailure

    limit = settings.XEPHANG_LOGIN_FAILURES
    since = _window()
    recent = LoginFailure.objects.filter(at__gte=since)
    by_user = recent.filter(username=username.strip().lower()).order_by("-at")
    by_ip = recent.filter(ip=ip).order_by("-at") if ip else recent.none()
    for qs, n in ((by_user, limit), (by_ip, limit * 4)):
        rows = list(qs.values_list("at", flat=True)[:n])
        if len(rows) >= n:
            return max(1, int((rows[-1] - since).total_seconds()))
    return 0


def record_login_failure(username: str, ip: str) -> None:
    from .models import LoginFailure

    LoginFailure.objects.create(username=(username or "").strip().lower()[:150], ip=ip)
    # Old rows are of no use: keep the table small.
    LoginFailure.objects.filter(at__lt=_window() - timedelta(days=1)).delete()


class ThrottledLogin:
    """The one login policy, mixed into every login form (the site's and the admin's): refused while
    the account or the address is locked, each failure counted, a success clearing the account's
    failures."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = _client_ip(self.request)
        wait = login_locked(username, ip)
        if wait:
            minutes = (wait + 59) // 60
            raise ValidationError(
                f"Đăng nhập sai quá nhiều lần; tài khoản tạm khóa. Hãy thử lại sau {minutes} phút "
                "hoặc liên hệ quản trị (Sở TTTT).",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_login_failure(username, ip)
            raise
        from .models import LoginFailure

        user = self.get_user()
        if user is not None:  # no username or password given: nothing was checked, nothing to clear
            LoginFailure.objects.filter(username=user.get_username().lower()).delete()
        return cleaned


class ThrottledAuthenticationForm(ThrottledLogin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khóa; liên hệ quản trị (Sở TTTT).",
    }


def admin_login_form():
    """The admin site's login form under the same policy (only staff accounts pass it)."""
    from django.contrib.admin.forms import AdminAuthenticationForm

    class ThrottledAdminAuthenticationForm(ThrottledLogin, AdminAuthenticationForm):
        error_messages = {
            **AdminAuthenticationForm.error_messages,
            "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản không có quyền quản trị.",
        }

    return ThrottledAdminAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form):
        resp = super().form_valid(form)
        if self.request.session.get(DRAFT_KEY):
            messages.warning(
                self.request,
                "Phiên làm việc đã hết hạn trước khi lưu; số liệu bạn đã nhập được giữ lại "
                "bên dưới. Hãy kiểm tra rồi bấm Lưu.",
            )
        return resp


# ---------------------------------------------------------------------------------------------
# A reporter's draft across an expired session

DRAFT_KEY = "xephang_pending_draft"


def keep_draft(request) -> None:
    """Called when a POST arrives without a login: keep the form's fields (not files) in the anonymous
    session, which Django carries into the session created at login."""
    if request.method != "POST" or getattr(request.resolver_match, "url_name", None) != "report":
        return
    fields = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
    if fields:
        request.session[DRAFT_KEY] = {"path": request.path, "fields": fields, "at": timezone.now().isoformat()}


def pending_draft(request):
    """The kept fields for this page (a QueryDict), once, or None."""
    from django.http import QueryDict

    kept = request.session.get(DRAFT_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[DRAFT_KEY]
    q = QueryDict(mutable=True)
    for k, vs in kept["fields"].items():
        q.setlist(k, vs)
    return q
