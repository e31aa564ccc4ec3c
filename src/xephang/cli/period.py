"""The arguments every verb that reads a period takes, and reading that period from them.

``add_period_arguments`` puts FILE, --framework, --ties, --sheet and --param on a verb's parser;
``load(args)`` turns them into the ranking through the core's ``xephang.pipeline``.
"""

from __future__ import annotations

import argparse

from ..datasets import PeriodFile, resolve
from ..errors import XephangError
from ..pipeline import DEFAULT_FRAMEWORK, rank_period
from ..ranking import Ranking


def parse_ties(value: str):
    """``--ties``: a named rule, or criterion ids separated by commas."""
    if value in ("shared", "dense", "input-order"):
        return value
    return tuple(v.strip() for v in value.split(",") if v.strip())


def add_period_arguments(sp: argparse.ArgumentParser) -> None:
    """The arguments every verb that reads a period takes; ``load(args)`` reads them."""
    sp.add_argument("file", metavar="FILE", help="tệp CSV/Excel của kỳ đánh giá, hoặc tên kỳ có sẵn (thanhhoa-2020)")
    sp.add_argument("--framework", metavar="ID|PATH", help=f"bộ tiêu chí (mặc định: {DEFAULT_FRAMEWORK})")
    sp.add_argument(
        "--ties", type=parse_ties, metavar="shared|dense|input-order|ID,ID", help="quy tắc khi tổng điểm bằng nhau"
    )
    sp.add_argument("--sheet", help="trang tính Excel (mặc định: trang đầu tiên có dữ liệu)")
    sp.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="ID=GIÁ_TRỊ",
        help="giá trị một tham số của kỳ (lặp lại được; thay giá trị ở 'params:' của period.yaml)",
    )


def load(args) -> tuple[Ranking, PeriodFile]:
    """The period the arguments name, scored and ranked, with its file and metadata."""
    pf = resolve(args.file)
    ranking = rank_period(
        pf, args.framework, args.ties, parse_params(getattr(args, "param", None) or []), getattr(args, "sheet", None)
    )
    return ranking, pf


def load_other(file: str, framework: str | None = None) -> tuple[Ranking, PeriodFile]:
    """Another period than the verb's own (the one compared with), read with its own metadata."""
    pf = resolve(file)
    return rank_period(pf, framework), pf


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``--param ID=VALUE`` repeated -> {id: value}."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise XephangError(f"--param '{pair}': cần dạng ID=GIÁ_TRỊ, ví dụ --param so_van_ban_yeu_cau=4")
        out[key.strip()] = value.strip()
    return out
