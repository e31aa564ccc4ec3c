"""A period's data as read from a file or the database: the units and what they reported.

Two kinds: ``inputs`` (every unit's figures, scored by the framework's rules) and ``totals`` (a
published result with just group, unit and total, e.g. the 2020 Thanh Hóa decision). Values are
stored by column (one list per input id, aligned with ``units``) so that scoring works on whole groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

NOT_APPLICABLE = "không áp dụng"


@dataclass
class UnitEntry:
    name: str  # NFC, as written
    group: str  # group id of the framework
    row: int | None = None  # row in the source file, for messages
    total: int | None = None  # fixed point; only for a totals period


@dataclass
class PeriodData:
    source: str
    kind: str  # "inputs" | "totals"
    units: list[UnitEntry]
    #: input id -> one value per unit: fixed-point int (numbers), bool (yes/no), str (choice id)
    values: dict[str, list] = field(default_factory=dict)
    #: criterion id -> indices of the units for which that criterion does not apply
    not_applicable: dict[str, set[int]] = field(default_factory=dict)
    sheet: str | None = None
    #: the set's period parameters as given (period file, command line, web): id -> text or number
    params: dict = field(default_factory=dict)


class _PlainLoader(yaml.SafeLoader):
    """YAML's safe loader without implicit dates: ``2021-02-30`` stays the text the user wrote, so
    that the metadata's own check can name the key and say what is expected (PyYAML's date parsing
    raises a bare ValueError on an impossible date)."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str):
    """Period metadata (``period.yaml``, ``--meta``) as plain data; dates stay strings."""
    return yaml.load(text, Loader=_PlainLoader)  # noqa: S506 (a SafeLoader subclass)
