"""Criteria sets as data: one YAML file per regulation and version, validated on load."""

from .loader import DATA_DIR, installed_frameworks, load_framework, parse_framework
from .model import Criterion, Framework, Group, Input, LegalBasis, Level

__all__ = [
    "DATA_DIR",
    "Criterion",
    "Framework",
    "Group",
    "Input",
    "LegalBasis",
    "Level",
    "installed_frameworks",
    "load_framework",
    "parse_framework",
]
