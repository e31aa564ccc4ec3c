"""Writing a set of files all or nothing: each is written under a hidden folder beside its target and
moved into place only when the whole set is done, so that an error (a bad unit name, a full disk,
LibreOffice failing) never leaves some files of a set new and others old or missing."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


class Stage:
    def __init__(self, folder: Path):
        self.folder = folder
        self.moves: list[tuple[Path, Path]] = []

    def place(self, target: Path) -> Path:
        """Where to write what will become ``target``."""
        target = Path(target)
        tmp = self.folder / f"{len(self.moves)}" / target.name
        tmp.parent.mkdir()
        self.moves.append((tmp, target))
        return tmp


@contextmanager
def staged(folder: Path):
    """``with staged(out.parent) as st: doc.save(st.place(out))``: the files appear together at the end."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".xephang-", dir=folder))
    try:
        stage = Stage(tmp)
        yield stage
        for src, dst in stage.moves:
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)  # same file system: a rename, never a partial file
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
