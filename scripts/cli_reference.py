"""Write docs/cli.md, the command-line reference, from the ``--help`` of every ``xephang`` verb.

    python scripts/cli_reference.py            # rewrite docs/cli.md
    python scripts/cli_reference.py --check    # exit 1 when docs/cli.md is out of date

The help is formatted 100 columns wide whatever the terminal; argparse's layout changes a little
between Python versions, so the file records the version it was made with (tests/test_docs.py compares
only under that version).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "cli.md"
WIDTH = "100"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _walk(parser: argparse.ArgumentParser, path: tuple[str, ...]):
    yield path, parser
    for name, sub in _subcommands(parser).items():
        yield from _walk(sub, (*path, name))


def python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def reference() -> str:
    from xephang.cli import build_parser

    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH  # argparse wraps to the terminal's width
    try:
        parts = [
            "# Command-line reference\n\n"
            f"Generated from `xephang --help` by `python scripts/cli_reference.py` (Python {python_version()});"
            " do not edit by hand: `tests/test_docs.py` fails when this file no longer matches the command.\n"
            "Examples: [README](../README.md#command-line), [documents](documents.md), [analysis](analysis.md).\n"
        ]
        for path, parser in _walk(build_parser(), ("xephang",)):
            title = " ".join(path)
            parts.append(f"\n## `{title}`\n\n```text\n{parser.format_help().rstrip()}\n```\n")
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="only compare; exit 1 when docs/cli.md is out of date")
    args = p.parse_args(argv)
    text = reference()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
