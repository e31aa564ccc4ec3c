"""The repository itself: no file is committed with a merge's conflict markers in it."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def test_no_conflict_markers_in_tracked_text_files():
    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]
    found = []
    for name in files:
        path = ROOT / name
        if path.suffix in (".png", ".pdf", ".docx", ".xlsx", ".sqlite3", ".ico", ".woff", ".woff2"):
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{name}:{i}" for i, line in enumerate(lines, 1) if line.startswith(MARKERS)]
    assert not found, f"conflict markers left by a merge: {found}"


def test_no_test_module_imports_another():
    """Shared test code lives in helper modules (``documents_helpers``, ``per_unit_reader``, conftest
    fixtures): a test module imported by another would run its tests twice and tie the two together."""
    import ast

    tests = ROOT / "tests"
    wrong = []
    for path in tests.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            wrong += [f"{path.relative_to(ROOT)} imports {n}" for n in names if n.split(".")[-1].startswith("test_")]
    assert wrong == []
