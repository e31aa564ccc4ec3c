"""Reading and writing period files: CSV and Excel (.xlsx), with errors that point to the cell."""

from .reader import parse_total, parse_value, read_period, read_table
from .template import write_template

__all__ = ["parse_total", "parse_value", "read_period", "read_table", "write_template"]
