"""Regenerate the PNG previews of the documents in docs/previews/ (LibreOffice -> PDF -> pdftoppm).

    .venv/bin/python scripts/previews.py [--dpi 100]

Writes quyet-dinh-2020-<page>.png (the decision for the embedded 2020 data, every page), and the
first page of a scorecard and every page of the report made from the embedded sample period
(mau-thanhhoa-2016, made-up figures marked "SỐ LIỆU MẪU"), so a reviewer can look at the layout without installing anything.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from xephang.datasets import resolve
from xephang.documents.decision import write_decision
from xephang.documents.meta import build_meta
from xephang.documents.pdf import to_pdf, to_png
from xephang.documents.report import write_report
from xephang.documents.scorecard import write_scorecard
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.ranking import rank
from xephang.scoring import score

OUT = Path(__file__).resolve().parents[1] / "docs" / "previews"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=100)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    pf = resolve("thanhhoa-2020")
    fw = load_framework(pf.framework)
    ranking = rank(score(fw, read_period(pf.path, fw)), pf.ties)
    meta = build_meta(pf.meta)
    spf = resolve("mau-thanhhoa-2016")  # the sample period: made-up figures, marked as such
    sample = rank(score(fw, read_period(spf.path, fw)), spf.ties)
    sample_meta = build_meta(spf.meta)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docx = write_decision(ranking, meta, tmp / "quyet-dinh-2020.docx")[0]
        pages = to_png(to_pdf(docx), OUT / "quyet-dinh-2020", args.dpi)
        # Thanh tra tỉnh: criteria that do not apply, so its shares are on the applicable max.
        unit = next(u for g in sample.groups for u in g.units if u.unit.not_applicable)
        card = write_scorecard(sample, unit, tmp / "phieu.docx", sample=True)[0]
        pages += to_png(to_pdf(card), OUT / "phieu-ket-qua-mau", args.dpi)[:2]
        report = write_report(sample, sample_meta, tmp / "bao-cao.docx")[0]
        pages += to_png(to_pdf(report), OUT / "bao-cao-mau", args.dpi)
        # The ranking rules on the same sample: a unit assessed but not ranked, the districts with
        # levels of their own, pillars, points and percentage side by side.
        variant = rules_variant(spf.framework)
        rules = rank(
            score(variant, read_period(spf.path, variant)),
            None,
            {"Sở Thông tin và Truyền thông": "cơ quan thường trực của Hội đồng đánh giá"},
        )
        docx = write_decision(rules, sample_meta, tmp / "quy-tac.docx")[0]
        pages += to_png(to_pdf(docx), OUT / "quy-tac-xep-hang-quyet-dinh", args.dpi)
        report = write_report(rules, sample_meta, tmp / "quy-tac-bao-cao.docx")[0]
        pages += to_png(to_pdf(report), OUT / "quy-tac-xep-hang-bao-cao", args.dpi)
        card = write_scorecard(
            rules, rules.unit("Sở Thông tin và Truyền thông"), tmp / "quy-tac-phieu.docx", sample=True
        )[0]
        pages += to_png(to_pdf(card), OUT / "quy-tac-xep-hang-phieu", args.dpi)[:1]
        for extra in (
            sorted(OUT.glob("bao-cao-mau-*.png"))
            + sorted(OUT.glob("phieu-ket-qua-mau-*.png"))
            + sorted(OUT.glob("quy-tac-xep-hang-*.png"))
        ):
            if extra not in pages:
                extra.unlink()
    for p in pages:
        print(p.relative_to(OUT.parents[1]))
    return 0


def rules_variant(name: str):
    """The sample's criteria set with the ranking rules added, for the previews only: the districts'
    own levels (Tốt from 80), two pillars, ``report: points-percent`` and dense ties."""
    import yaml

    from xephang.framework.loader import DATA_DIR, parse_framework

    data = yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    data.update(id="mau-quy-tac-xep-hang", report="points-percent", ties="dense")
    district = next(g for g in data["groups"] if g["id"] == "huyen_thi_xa_thanh_pho")
    district["levels"] = [
        {"id": "tot", "name": "Tốt", "min": 80, "max": 100},
        {"id": "kha", "name": "Khá", "min": 65, "below": 80},
        {"id": "trung_binh", "name": "Trung bình", "min": 50, "below": 65},
        {"id": "yeu", "name": "Yếu", "min": 0, "below": 50},
    ]
    data["pillars"] = [
        {
            "id": "ha_tang_ung_dung",
            "name": "Hạ tầng và ứng dụng",
            "criteria": ["ha_tang_ky_thuat", "ung_dung_noi_bo", "thong_tin_dich_vu_cong"],
        },
        {
            "id": "nen_tang",
            "name": "An toàn, nhân lực, cơ chế",
            "criteria": ["an_toan_thong_tin", "nhan_luc", "co_che_chinh_sach"],
        },
    ]
    return parse_framework(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "mau-quy-tac-xep-hang")


if __name__ == "__main__":
    sys.exit(main())
