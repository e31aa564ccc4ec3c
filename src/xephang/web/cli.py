"""Command-line verbs that work on the web application's database (verify, backup, restore).

Registered into ``xephang`` by ``xephang.cli``; Django is imported only when one of them runs, so the
core's verbs stay quick.
"""


def register(sub, period_args) -> None:
    """Add this package's sub-commands to the ``xephang`` parser."""
