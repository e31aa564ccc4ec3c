"""Reading and writing period files: CSV and Excel (.xlsx), with errors that point to the cell."""

from .reader import read_period, read_table

__all__ = ["read_period", "read_table"]
