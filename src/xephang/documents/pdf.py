"""DOCX -> PDF through LibreOffice headless, from the very DOCX the clerk may edit.

Each conversion runs with its own throw-away LibreOffice profile (``-env:UserInstallation``): two
conversions that share a profile, e.g. two web requests or parallel tests, make the second one exit
0 without writing its PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from ..errors import XephangError

INSTALL_HINT = (
    "cài LibreOffice và phông chữ (Debian/Ubuntu, quyền root): "
    "apt-get install --no-install-recommends libreoffice-writer-nogui fonts-liberation2 "
    "(hoặc chạy scripts/system-deps.sh)"
)


def soffice() -> str | None:
    """The LibreOffice executable, or None where it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


@lru_cache(maxsize=1)
def has_times_metrics() -> bool:
    """Times New Roman or its metric twin Liberation Serif (fonts-liberation2) is installed."""
    fc = shutil.which("fc-list")
    if fc is None:
        return True  # cannot tell; LibreOffice will substitute
    out = subprocess.run([fc, ":", "family"], capture_output=True, text=True).stdout
    return "Times New Roman" in out or "Liberation Serif" in out


def to_pdf(docx: Path, pdf: Path | None = None, timeout: float = 180) -> Path:
    """Convert ``docx`` to ``pdf`` (default: the same name with .pdf) and return the PDF's path."""
    docx = Path(docx).resolve()
    pdf = Path(pdf).resolve() if pdf else docx.with_suffix(".pdf")
    return _convert([(docx, pdf)], timeout)[0]


def to_pdf_many(files: list[Path], timeout: float = 600) -> list[Path]:
    """Convert many DOCX files in one LibreOffice start (a start costs about a second)."""
    pairs = [(Path(f).resolve(), Path(f).resolve().with_suffix(".pdf")) for f in files]
    return _convert(pairs, timeout) if pairs else []


def to_pdf_pairs(pairs: list[tuple[Path, Path]], timeout: float = 600) -> list[Path]:
    """Convert each (docx, pdf) pair in one LibreOffice start."""
    return _convert([(Path(d).resolve(), Path(p).resolve()) for d, p in pairs], timeout) if pairs else []


def _convert(pairs: list[tuple[Path, Path]], timeout: float) -> list[Path]:
    exe = soffice()
    if exe is None:
        raise XephangError(f"không tạo được PDF: không tìm thấy LibreOffice (soffice); {INSTALL_HINT}")
    if not has_times_metrics():
        # Still convert: the text is right, only line breaks may differ from Word's.
        print(
            "Cảnh báo: thiếu phông Times New Roman hoặc Liberation Serif (fonts-liberation2); "
            "PDF dùng phông thay thế nên dòng và trang có thể lệch so với bản Word.",
            file=sys.stderr,
        )
    names = [d.stem for d, _ in pairs]
    if len(set(names)) != len(names):
        raise XephangError("không tạo được PDF: hai tệp trùng tên")  # pragma: no cover - callers name uniquely
    with tempfile.TemporaryDirectory(prefix="xephang-lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        outdir = Path(tmp, "out")
        outdir.mkdir()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            *(str(d) for d, _ in pairs),
        ]
        env = {**os.environ, "HOME": tmp}  # LibreOffice writes caches under HOME too
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise XephangError(
                f"không tạo được PDF từ {pairs[0][0].name}: LibreOffice không trả lời sau {timeout:.0f} giây"
            ) from None
        out = []
        for docx, pdf in pairs:
            produced = outdir / (docx.stem + ".pdf")
            if not produced.exists():
                detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["không có thông báo"]
                raise XephangError(f"không tạo được PDF từ {docx.name}: LibreOffice báo: {detail[0]}")
            pdf.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(produced), pdf)
            out.append(pdf)
    return out


def to_png(pdf: Path, prefix: Path, dpi: int = 80) -> list[Path]:
    """PNG previews of every page (``pdftoppm``): prefix-1.png, prefix-2.png, …"""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise XephangError("không tạo được ảnh xem trước: thiếu pdftoppm (apt-get install poppler-utils)")
    prefix.parent.mkdir(parents=True, exist_ok=True)
    for old in prefix.parent.glob(prefix.name + "-*.png"):
        old.unlink()
    subprocess.run([exe, "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, capture_output=True)
    pages = sorted(prefix.parent.glob(prefix.name + "-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return pages
