"""``python -m xephang.web``: the demo in one command (migrate, preload, run on 127.0.0.1:8000).

Debug is on here only: this is the local demonstration, never a production server (docs/deploy.md)."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xephang.web.settings")
os.environ.setdefault("XEPHANG_DEBUG", "1")


def main() -> None:
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        from ..cli.web import WEB_EXTRA_MISSING

        print(f"Lỗi: {WEB_EXTRA_MISSING}", file=sys.stderr)
        sys.exit(2)

    execute_from_command_line([sys.argv[0], "xephang_run", *sys.argv[1:]])


if __name__ == "__main__":
    main()
