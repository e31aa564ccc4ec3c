"""The ``xephang`` command line: one module per group of verbs, over the core's ``xephang.pipeline``.

* ``ranking``: rank, explain;
* ``framework``: frameworks, framework check|import|export;
* ``data``: template, import-measured (a period's input data);
* ``documents``: decision, annex, scorecard, report;
* ``analysis``: robustness, gap, compare, components, checks;
* ``web``: verify, backup, restore (the web application's database; Django loads only when they run).

Every error caused by the user's files is printed as one Vietnamese message that names the file, the
row or cell and the column, and the command exits with status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import XephangError
from ..pipeline import DEFAULT_FRAMEWORK
from . import analysis, data, documents, framework, ranking, web
from .period import add_period_arguments, load


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="xephang",
        description="Đánh giá, xếp hạng mức độ ứng dụng CNTT / chuyển đổi số của cơ quan nhà nước.",
    )
    p.add_argument("--version", action="version", version=f"xephang {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="LỆNH")
    ranking.register(sub)
    framework.register(sub)
    data.register(sub)
    documents.register(sub)
    analysis.register(sub)
    web.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args, sys.stdout)
    except XephangError as e:
        print(f"Lỗi: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head
        return 0


__all__ = ["DEFAULT_FRAMEWORK", "add_period_arguments", "build_parser", "load", "main"]
