"""Backup and restore: ``xephang backup`` of the live database (SQLite online backup, or
pg_dump when the tests run on PostgreSQL) with the evidence files; ``xephang restore`` into an empty
database in another process finds every period, submission, evidence file, snapshot and audit entry
identical; a damaged or malicious archive restores nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from xephang.web import workflow
from xephang.web.backup import backup, fingerprint

PDF = b"%PDF-1.4\n% minh chung\n%%EOF\n"


@pytest.fixture
def target(tmp_path):
    """An empty database and media folder for the restore, in another process's settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "xephang.web.settings",
            "XEPHANG_INSECURE_KEY_OK": "1",
            "XEPHANG_STATE_DIR": str(tmp_path / "state"),
            "XEPHANG_MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    dropped = None
    if connection.vendor == "postgresql":
        name = f"xephang_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as c:
            c.execute(f'CREATE DATABASE "{name}"')
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"
        dropped = name
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    yield env
    if dropped:
        with connection.cursor() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


def _run(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "xephang.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


def _fingerprint(env) -> dict:
    code = "import django, json; django.setup(); from xephang.web.backup import fingerprint; print(json.dumps(fingerprint()))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_into_an_empty_database_is_identical(demo, target, tmp_path):
    sub = workflow.submission_for(demo["open"], demo["own"])
    workflow.save_report(sub, demo["baocao"], {"so_cbccvc": "40"}, [], set(), submit=False)
    ev = workflow.add_evidence(
        sub, demo["baocao"], SimpleUploadedFile("Quyết định.pdf", PDF), ["may_tinh"], "trang 2", "QĐ"
    )
    from xephang.web import publication

    from .conftest import publish_period

    publication.reopen(demo["p2020"], demo["quantri"], [demo["own"]], "Đính chính để có hai phiên bản.")
    publish_period(demo["p2020"], demo["quantri"], number="3", reason="Đính chính để có hai phiên bản.")
    archive = tmp_path / "sao-luu.tar.gz"
    manifest = backup(archive)
    assert manifest["verified"] and ev.file.name in manifest["media"]

    done = _run(target, "restore", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Toàn vẹn: đã kiểm tra" in done.stdout
    restored = _fingerprint(target)
    here = fingerprint()
    for table in ("units", "periods", "submissions", "evidence", "links", "snapshots", "audit", "files"):
        assert restored[table] == here[table], table
    assert len(restored["snapshots"]) >= 3 and restored["files"][ev.file.name] is not None
    assert (Path(target["XEPHANG_MEDIA_ROOT"]) / ev.file.name).read_bytes() == PDF
    done = _run(target, "verify")
    assert done.returncode == 0 and "không phát hiện sửa đổi" in done.stdout

    # restoring again over data is refused unless asked for
    done = _run(target, "restore", str(archive))
    assert done.returncode == 2 and "--replace" in done.stderr and "Traceback" not in done.stderr


def _rewrite(src: Path, dst: Path, change):
    with tarfile.open(src, "r:gz") as tin, tarfile.open(dst, "w:gz") as tout:
        for m in tin.getmembers():
            data = tin.extractfile(m).read() if m.isfile() else None
            m, data = change(m, data)
            if data is not None:
                m.size = len(data)
                tout.addfile(m, io.BytesIO(data))
            else:
                tout.addfile(m)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_or_malicious_archive_restores_nothing(demo, target, tmp_path):
    sub = workflow.submission_for(demo["open"], demo["own"])
    ev = workflow.add_evidence(sub, demo["baocao"], SimpleUploadedFile("a.pdf", PDF), ["may_tinh"], "", "")
    good = tmp_path / "good.tar.gz"
    backup(good)

    swapped = tmp_path / "swapped.tar.gz"
    _rewrite(good, swapped, lambda m, d: (m, b"%PDF-1.4 forged" if m.name == f"media/{ev.file.name}" else d))
    escaping = tmp_path / "escaping.tar.gz"

    def add_escape(m, d):
        if m.name == "manifest.json":
            extra = tarfile.TarInfo("../../xephang-escaped.txt")
            return extra, b"x"
        return m, d

    _rewrite(good, escaping, add_escape)
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(good.read_bytes()[:2000])
    for archive, words in ((swapped, "không khớp SHA-256"), (escaping, "không hợp lệ"), (broken, "hỏng")):
        done = _run(target, "restore", str(archive))
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, (archive, done.stderr)
        assert not (tmp_path.parent / "xephang-escaped.txt").exists()
        assert not Path(target["XEPHANG_MEDIA_ROOT"]).exists() or not any(
            Path(target["XEPHANG_MEDIA_ROOT"]).rglob("*.pdf")
        )
    assert settings.MEDIA_ROOT  # the source is untouched
    assert Path(ev.file.path).read_bytes() == PDF
