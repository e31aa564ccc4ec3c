"""Reading and writing period files: CSV and Excel (.xlsx), with errors that point to the cell."""

from .reader import read_period, read_table
from .template import write_template

__all__ = ["read_period", "read_table", "write_template"]
