"""Errors a user can act on. Each names where the problem is and what was expected, in Vietnamese.

The command line prints ``str(error)`` and exits with status 2; the web application shows the same
text. No error of these kinds ever reaches a user as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class XephangError(Exception):
    """Base of every error caused by the user's data or files (not by a bug)."""


@dataclass
class Location:
    """Where in a user's file a problem is. Rows are counted as the spreadsheet shows them (1 = header)."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        parts = [f"tệp {self.file}"]
        if self.sheet:
            parts.append(f"trang tính '{self.sheet}'")
        if self.cell:
            parts.append(f"ô {self.cell}")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột '{self.column}'")
        return ", ".join(parts)


class InputError(XephangError):
    """Bad data in a period file (CSV or Excel)."""

    def __init__(self, location: Location, message: str):
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}")


class InputErrors(InputError):
    """Several bad cells of one file, in the order they were met (``read_period(max_errors=N)``);
    the first one's location and message, and every one in ``errors``."""

    def __init__(self, errors: list[InputError], limit_reached: bool = False):
        self.errors = list(errors)
        self.limit_reached = limit_reached
        XephangError.__init__(self, "\n".join(str(e) for e in self.errors))
        self.location, self.message = self.errors[0].location, self.errors[0].message


class FrameworkError(XephangError):
    """A criteria set (YAML) that does not validate. ``path`` is e.g. ``criteria[3].rule.max``."""

    def __init__(self, file: str, path: str, message: str):
        self.file = file
        self.path = path
        self.message = message
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {message}")
