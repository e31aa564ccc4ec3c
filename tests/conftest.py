from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def mini():
    from xephang.framework import load_framework

    return load_framework(DATA / "mini.yaml")


@pytest.fixture
def write(tmp_path):
    """Write a text file (dedented) into a temporary folder and return its path."""

    def _write(name: str, text: str, encoding: str = "utf-8") -> Path:
        p = tmp_path / name
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding=encoding)
        return p

    return _write
