"""Command-line verbs of the documents package (decision, annex, scorecard, report)."""


def register(sub, period_args) -> None:
    """Add this package's sub-commands to the ``xephang`` parser."""
