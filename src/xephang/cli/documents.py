"""Verbs that write documents: decision, annex, scorecard, report.

Each reads the period as ``xephang rank`` does (``xephang.pipeline``), writes its file(s) and prints
the paths written. Errors in the user's files or metadata exit with status 2 and one Vietnamese line.
"""

from __future__ import annotations

from pathlib import Path

from .period import add_period_arguments, load, load_other


def register(sub) -> None:
    """Add this package's sub-commands to the ``xephang`` parser."""
    sp = sub.add_parser("decision", help="soạn quyết định xếp hạng (DOCX, PDF) theo Nghị định 30/2020")
    add_period_arguments(sp)
    sp.add_argument("--meta", metavar="META.yaml", help="số, ngày, người ký, căn cứ… (ghi đè mục decision: của kỳ)")
    sp.add_argument("--out", required=True, help="tệp .docx sẽ tạo (.pdf: tạo cả DOCX và PDF)")
    sp.add_argument("--pdf", action="store_true", help="tạo thêm bản PDF bằng LibreOffice")
    sp.add_argument(
        "--decimal-separator",
        choices=[".", ","],
        metavar=". hoặc ,",
        help="dấu thập phân của điểm (mặc định như kỳ: '.')",
    )
    sp.add_argument("--units", metavar="FILE", help="danh mục tên đơn vị chính thức, để cảnh báo tên viết khác")
    sp.set_defaults(func=cmd_decision)

    sp = sub.add_parser("annex", help="phụ lục Excel: điểm từng tiêu chí, tổng, mức, hạng của mọi đơn vị")
    add_period_arguments(sp)
    sp.add_argument("--meta", metavar="META.yaml", help="số, ngày của quyết định kèm theo (như với decision)")
    sp.add_argument("--out", required=True, help="tệp .xlsx sẽ tạo")
    sp.set_defaults(func=cmd_annex)

    sp = sub.add_parser("scorecard", help="phiếu kết quả của một đơn vị (DOCX hoặc PDF)")
    add_period_arguments(sp)
    who = sp.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", help="tên đơn vị")
    who.add_argument("--all", action="store_true", help="mỗi đơn vị một phiếu, vào thư mục --out")
    sp.add_argument("--out", required=True, help="tệp .docx/.pdf (một đơn vị) hoặc thư mục (--all)")
    sp.add_argument("--pdf", action="store_true", help="với --all: tạo thêm PDF")
    sp.set_defaults(func=cmd_scorecard)

    sp = sub.add_parser("report", help="báo cáo kết quả đánh giá của Sở TTTT, có biểu đồ (DOCX hoặc PDF)")
    add_period_arguments(sp)
    sp.add_argument("--meta", metavar="META.yaml", help="thông tin kỳ, như với decision")
    sp.add_argument("--out", required=True, help="tệp .docx hoặc .pdf sẽ tạo")
    sp.add_argument(
        "--previous", metavar="OLD", help="kỳ trước (tệp hoặc tên kỳ có sẵn): thêm mục so sánh với năm trước"
    )
    sp.add_argument(
        "--previous-framework", metavar="ID|PATH", help="bộ tiêu chí của kỳ trước (mặc định như kỳ trước tự khai)"
    )
    sp.add_argument("--lineage", metavar="YAML", help="quan hệ đơn vị (đổi tên, hợp nhất, chia tách) giữa hai kỳ")
    sp.add_argument("--draws", type=int, default=1000, help="số lần mô phỏng độ vững của thứ hạng (0: bỏ mục này)")
    sp.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên của mô phỏng")
    sp.add_argument(
        "--total-uncertainty",
        type=float,
        default=0.0,
        help="độ bất định của tổng điểm (điểm), để tính độ vững cho kỳ chỉ có tổng điểm",
    )
    sp.set_defaults(func=cmd_report)


def _meta(args, pf, warn: bool = True):
    """The period's metadata with ``--meta`` over it; what is missing is said on stderr first."""
    import sys

    from ..documents.meta import build_meta, read_meta_file

    period_source = str(pf.path.parent / "period.yaml") if pf.meta else "period.yaml"
    build_meta(pf.meta, source=period_source)  # the period's own fields, blamed on its own file
    override = read_meta_file(args.meta) if getattr(args, "meta", None) else {}
    if getattr(args, "decimal_separator", None):
        override["decimal_separator"] = args.decimal_separator
    meta = build_meta(pf.meta, override, source=str(args.meta) if getattr(args, "meta", None) else period_source)
    missing = meta.missing()
    if warn and missing:
        print(
            "Cảnh báo: thông tin quyết định chưa có: " + "; ".join(missing) + ". Văn bản để trống hoặc ghi "
            "'…' ở các chỗ đó; bổ sung trong mục decision: của period.yaml hoặc --meta.",
            file=sys.stderr,
        )
    if meta.sample:
        print("Cảnh báo: kỳ này là số liệu mẫu (sample: true); mọi văn bản ghi 'SỐ LIỆU MẪU'.", file=sys.stderr)
    return meta


def _check_names(args, ranking, pf) -> None:
    """Unit names that differ from the registry or from Phụ lục II's capitalisation, on stderr before
    anything is written: the decision prints the names as the data has them."""
    import sys

    from ..analysis.checks import check_unit_names, registry_for

    findings = check_unit_names(ranking.scored, registry_for(pf, getattr(args, "units", None)))
    for f in findings:
        print(f"Cảnh báo: tên đơn vị '{f.unit}' (dòng {f.row}): {f.message}", file=sys.stderr)


def _out(path: str, suffixes: tuple[str, ...]) -> Path:
    """The --out path, refused early (before any work) when its type is not one this verb writes."""
    from ..errors import XephangError

    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise XephangError(f"--out {path}: cần tệp {' hoặc '.join(suffixes)}")
    return p


def _writing(fn, *args, **kwargs):
    """Run a writer; a file that cannot be written (folder missing rights, file open in Word) is the
    user's to fix, so it is reported in one line like any other input error."""
    from ..errors import XephangError

    try:
        return fn(*args, **kwargs)
    except OSError as e:
        raise XephangError(f"không ghi được tệp {e.filename or ''}: {e.strerror or e}") from None


def _done(out, paths) -> int:
    for p in paths:
        out.write(f"Đã tạo {p}\n")
    return 0


def cmd_decision(args, out) -> int:
    from ..documents.decision import write_decision

    target = _out(args.out, (".docx", ".pdf"))
    ranking, pf = load(args)
    meta = _meta(args, pf)
    _check_names(args, ranking, pf)
    return _done(out, _writing(write_decision, ranking, meta, target, pdf=args.pdf))


def cmd_annex(args, out) -> int:
    from ..documents.annex import write_annex

    target = _out(args.out, (".xlsx",))
    ranking, pf = load(args)
    return _done(out, [_writing(write_annex, ranking, target, _meta(args, pf, warn=False))])


def cmd_scorecard(args, out) -> int:
    from ..documents.scorecard import write_all_scorecards, write_scorecard
    from ..errors import XephangError

    target = Path(args.out) if args.all else _out(args.out, (".docx", ".pdf"))
    ranking, pf = load(args)
    sample = pf.meta.get("sample") is True
    if args.all:
        return _done(out, _writing(write_all_scorecards, ranking, target, pdf=args.pdf, sample=sample))
    try:
        unit = ranking.unit(args.unit)
    except KeyError as e:
        raise XephangError(str(e.args[0])) from None
    return _done(out, _writing(write_scorecard, ranking, unit, target, sample=sample))


def cmd_report(args, out) -> int:
    from ..documents.report import Analyses, write_report
    from ..errors import XephangError

    target = _out(args.out, (".docx", ".pdf"))
    if args.draws < 0 or args.total_uncertainty < 0:
        raise XephangError("--draws và --total-uncertainty không được âm")
    ranking, pf = load(args)
    analyses = Analyses(args.draws, args.seed, args.total_uncertainty)
    if args.previous:
        from ..analysis import load_lineage

        previous, ppf = load_other(args.previous, args.previous_framework)
        analyses.previous = previous
        analyses.previous_label = str(ppf.meta.get("name") or ppf.path.name)
        label = analyses.previous_label
        # "Năm 2020" reads "so sánh với năm 2020"; a file name "so sánh với kỳ ket-qua-2020.csv".
        analyses.previous_label = (
            label[0].lower() + label[1:]
            if label.startswith(("Năm ", "Kỳ "))
            else (label if label.lower().startswith(("năm", "kỳ")) else f"kỳ {label}")
        )
        analyses.lineage = load_lineage(args.lineage) if args.lineage else None
    elif args.lineage:
        raise XephangError("--lineage chỉ dùng cùng --previous")
    return _done(out, _writing(write_report, ranking, _meta(args, pf), target, analyses))
