"""Reading and writing period files: CSV and Excel (.xlsx), with errors that point to the cell."""

from .reader import parse_total, parse_value, read_period, read_table

__all__ = ["parse_total", "parse_value", "read_period", "read_table", "write_template"]


def __getattr__(name: str):
    # The template writer needs openpyxl, whose import costs a quarter of a second: not for reading.
    if name == "write_template":
        from .template import write_template

        return write_template
    raise AttributeError(name)
