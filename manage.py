#!/usr/bin/env python
"""Django's command line for xephang's web application (``python manage.py xephang_run``)."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xephang.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
