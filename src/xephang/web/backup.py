"""Backup and restore of the web application: the database (SQLite through its online backup API,
PostgreSQL through pg_dump/pg_restore) and the evidence files, in one .tar.gz with a manifest of
SHA-256 sums, so that a restore can prove it brought back exactly what was saved.

    xephang backup out/xephang-2026-11-27.tar.gz
    xephang restore out/xephang-2026-11-27.tar.gz     # into an empty database (--replace otherwise)

Django must be set up (the CLI does it). The archive holds:
``manifest.json``, ``db.sqlite3`` or ``db.pgdump``, ``media/...``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

FORMAT = 1


class BackupError(Exception):
    """Message in Vietnamese; the CLI prints it and exits 2."""


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _pg_env_args(db: dict) -> tuple[dict, list[str]]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args


def _run(cmd: list[str], env: dict) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"Không tìm thấy chương trình '{cmd[0]}' (cài gói postgresql-client).") from None
    if done.returncode != 0:
        raise BackupError(f"'{cmd[0]}' báo lỗi: {done.stderr.strip()[:2000]}")


def _media_files(root: Path):
    if not root.is_dir():
        return
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            yield p


def backup(out: Path) -> dict:
    """Write the archive; returns its manifest."""
    from django.conf import settings
    from django.db import connection

    from . import integrity

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    media_root = Path(settings.MEDIA_ROOT)
    chain = integrity.verify()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if vendor == "sqlite":
            db_file = tmp / "db.sqlite3"
            connection.ensure_connection()
            dst = sqlite3.connect(db_file)
            try:
                # Online: pages are copied while others keep working; a consistent snapshot results.
                connection.connection.backup(dst)
            finally:
                dst.close()
        elif vendor == "postgresql":
            db_file = tmp / "db.pgdump"
            db = connection.settings_dict
            env, args = _pg_env_args(db)
            _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(db_file), db["NAME"]], env)
        else:
            raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại '{vendor}'.")
        from .models import Evidence

        # Only files an evidence row refers to: an upload cut off by a crash left an orphan behind.
        referenced = set(Evidence.objects.values_list("file", flat=True))
        files = {
            rel: _sha256_file(p)
            for p in _media_files(media_root)
            if (rel := p.relative_to(media_root).as_posix()) in referenced
        }
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "vendor": vendor,
            "database": db_file.name,
            "database_sha256": _sha256_file(db_file),
            "media": files,
            "audit_entries": chain.entries,
            "audit_head": chain.head,
            "snapshots": chain.snapshots,
            "verified": chain.ok,
        }
        part = out.with_name(out.name + ".part")
        with tarfile.open(part, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for rel in files:
                tar.add(media_root / rel, arcname=f"media/{rel}")
        part.replace(out)  # never a half-written archive under the final name
    return manifest


def _database_is_empty(connection) -> bool:
    tables = set(connection.introspection.table_names())
    if "web_period" not in tables:
        return True
    with connection.cursor() as c:
        for t in ("web_period", "web_unit", "web_auditentry"):
            if t in tables:
                c.execute(f"SELECT 1 FROM {connection.ops.quote_name(t)} LIMIT 1")
                if c.fetchone():
                    return False
    return True


def _refuse_paths_outside(manifest: dict, media_root: Path) -> None:
    """Every media entry of the manifest must land inside the media folder: a forged manifest naming
    '../static/web/planted.js' or an absolute path is refused before anything is written."""
    root = media_root.resolve()
    media = manifest.get("media")
    if not isinstance(media, dict):
        raise BackupError("manifest.json không hợp lệ (thiếu danh sách tệp minh chứng).")
    for rel in media:
        target = (root / str(rel)).resolve()
        parts = Path(str(rel)).parts
        if not rel or Path(str(rel)).is_absolute() or "\\" in str(rel) or ".." in parts or root not in target.parents:
            raise BackupError(f"Tệp sao lưu có đường dẫn '{rel}' nằm ngoài thư mục minh chứng; không khôi phục gì.")


def restore(archive: Path, replace: bool = False) -> dict:
    """Restore the archive into the configured database and media folder, after checking every sum."""
    from django.conf import settings
    from django.db import connection

    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Không có tệp sao lưu '{archive}'.")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                # 'data' refuses absolute paths, '..', links out of the folder and device files.
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError, EOFError) as e:
            raise BackupError(f"Tệp sao lưu '{archive}' hỏng hoặc không hợp lệ: {e}") from None
        try:
            manifest = json.loads((tmp / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            raise BackupError(f"Tệp sao lưu '{archive}' thiếu manifest.json.") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Tệp sao lưu định dạng {manifest.get('format')}, phiên bản này đọc định dạng {FORMAT}.")
        _refuse_paths_outside(manifest, media_root)
        db_file = tmp / Path(manifest["database"]).name
        if not db_file.is_file() or _sha256_file(db_file) != manifest["database_sha256"]:
            raise BackupError("Bản sao cơ sở dữ liệu trong tệp sao lưu không khớp mã SHA-256 (tệp hỏng hoặc bị sửa).")
        for rel, digest in manifest["media"].items():
            p = tmp / "media" / rel
            if not p.is_file() or _sha256_file(p) != digest:
                raise BackupError(f"Tệp minh chứng '{rel}' trong bản sao lưu thiếu hoặc không khớp SHA-256.")
        vendor = connection.vendor
        if manifest["vendor"] != vendor:
            raise BackupError(
                f"Bản sao lưu của {manifest['vendor']}, không khôi phục vào {vendor} được "
                "(dùng dumpdata/loaddata để chuyển loại cơ sở dữ liệu)."
            )
        if not replace and not _database_is_empty(connection):
            raise BackupError("Cơ sở dữ liệu đích đã có dữ liệu; thêm --replace nếu chắc chắn muốn thay toàn bộ.")
        if vendor == "sqlite":
            connection.ensure_connection()
            src = sqlite3.connect(db_file)
            try:
                src.backup(connection.connection)  # every page replaced, in one step
            finally:
                src.close()
        else:
            db = connection.settings_dict
            connection.close()
            env, args = _pg_env_args(db)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    *args,
                    "-d",
                    db["NAME"],
                    str(db_file),
                ],
                env,
            )
        if replace and media_root.exists():
            shutil.rmtree(media_root)
        for rel in manifest["media"]:
            target = media_root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(tmp / "media" / rel, target)
    return manifest


def fingerprint() -> dict:
    """Every period, submission, evidence (with its file's SHA-256), snapshot and audit entry, as plain
    data: two databases hold the same records exactly when their fingerprints are equal."""
    from django.conf import settings

    from .models import AuditEntry, Evidence, EvidenceLink, Period, Snapshot, Submission, Unit

    def rows(qs):
        return [{k: str(v) for k, v in r.items()} for r in qs.order_by("pk").values()]

    media_root = Path(settings.MEDIA_ROOT)
    files = {}
    for ev in Evidence.objects.order_by("pk"):
        p = media_root / ev.file.name
        files[ev.file.name] = _sha256_file(p) if p.is_file() else None
    return {
        "units": rows(Unit.objects.all()),
        "periods": rows(Period.objects.all()),
        "submissions": rows(Submission.objects.all()),
        "evidence": rows(Evidence.objects.all()),
        "links": rows(EvidenceLink.objects.all()),
        "snapshots": rows(Snapshot.objects.all()),
        "audit": rows(AuditEntry.objects.all()),
        "files": files,
    }
