"""The command line without the web application: `pip install xephang` brings no Django, so every core
verb must run without it, and the verbs that need the web database must say which extra to install."""

from __future__ import annotations

import subprocess
import sys

# Django made unimportable in a fresh interpreter, as in an installation without the [web] extra.
WITHOUT_DJANGO = "import sys; sys.modules['django'] = None; {}"


def _run(code: str, *args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_DJANGO.format(code), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def test_core_verbs_run_without_django(tmp_path):
    done = _run("from xephang.cli import main; sys.exit(main(sys.argv[1:]))", "rank", "thanhhoa-2020", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Sở Thông tin và Truyền thông" in done.stdout
    done = _run(
        "from xephang.cli import main; sys.exit(main(sys.argv[1:]))",
        "decision",
        "thanhhoa-2020",
        "--out",
        "qd.docx",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "qd.docx").stat().st_size > 0


def test_web_verbs_name_the_extra_to_install(tmp_path):
    for verb in (["verify"], ["backup", "sao-luu.tar.gz"], ["restore", "sao-luu.tar.gz"]):
        done = _run("from xephang.cli import main; sys.exit(main(sys.argv[1:]))", *verb, cwd=tmp_path)
        assert done.returncode == 2, (verb, done.stderr)
        assert "pip install 'xephang[web]'" in done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "var").exists()  # nothing created on the way


def test_web_server_names_the_extra_to_install(tmp_path):
    done = _run("from xephang.web.__main__ import main; main()", cwd=tmp_path)
    assert done.returncode == 2
    assert "pip install 'xephang[web]'" in done.stderr and "Traceback" not in done.stderr
