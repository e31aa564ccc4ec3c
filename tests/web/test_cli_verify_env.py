"""``xephang verify`` as an administrator runs it: a fresh shell in the folder of the embedded database
(var/, made by `make run`), without XEPHANG_SECRET_KEY, which only the web server needs."""

from __future__ import annotations

import os
import subprocess
import sys


def _shell_env() -> dict:
    """The environment of a fresh shell: none of the web application's settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("XEPHANG_", "DJANGO_")) and k != "DATABASE_URL"}


def test_verify_needs_no_secret_key_on_the_embedded_database(tmp_path):
    env = _shell_env()
    migrate = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "xephang.web.settings", "XEPHANG_DEBUG": "1"},
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "var" / "xephang.sqlite3").exists()

    done = subprocess.run(
        [sys.executable, "-m", "xephang.cli", "verify"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Toàn vẹn: không phát hiện sửa đổi." in done.stdout
    assert "XEPHANG_SECRET_KEY" not in done.stderr
