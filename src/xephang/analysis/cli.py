"""Command-line verbs of the analysis package."""


def register(sub, period_args) -> None:
    """Add this package's sub-commands to the ``xephang`` parser."""
