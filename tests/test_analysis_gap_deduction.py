"""The road to the next level names only the causes of a deduction that cost points."""

from __future__ import annotations

from pathlib import Path

from xephang.analysis import road_to_next_level
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.ranking import rank
from xephang.scoring import score

D = Path(__file__).parent / "data"


def test_deduction_names_the_yes_no_cause_and_not_the_zero_counts(tmp_path):
    # mini's penalties with a second cause, a yes/no incident (3 points): Sở A, 1 late report (2 points)
    # and an incident: 5 deducted; Huyện C: 10 late reports capped at 10 points, no incident.
    text = (
        (D / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "    inputs: [{id: late, label: Số báo cáo nộp muộn, type: count}]\n    rule: {type: count, input: late, per: 2}\n",
            "    criteria:\n"
            "      - {id: p_late, title: Nộp muộn, max: 10, inputs: [{id: late, label: Số báo cáo nộp muộn, type: count}],\n"
            "         rule: {type: count, input: late, per: 2}}\n"
            "      - {id: p_incident, title: Sự cố, max: 3, inputs: [{id: incident, label: Có sự cố không báo cáo, type: yesno}],\n"
            "         rule: {type: yesno, input: incident}}\n",
        )
    )
    assert "p_incident" in text
    (tmp_path / "fw.yaml").write_text(text, encoding="utf-8")
    csv = (D / "mini.csv").read_text(encoding="utf-8").splitlines()
    csv[0] += ",incident"
    csv[1] += ",có"
    csv[2] += ",không"
    csv[3] += ",không"
    (tmp_path / "p.csv").write_text("\n".join(csv) + "\n", encoding="utf-8")
    fw = load_framework(tmp_path / "fw.yaml")
    gaps = {g.name: g for g in road_to_next_level(rank(score(fw, read_period(tmp_path / "p.csv", fw))))}
    a = next(o for o in gaps["Sở A"].opportunities if o.deduction)
    assert a.points == 5 * 10**15
    assert a.action == "tránh bị trừ điểm: Số báo cáo nộp muộn hiện là 1; Có sự cố không báo cáo: có"
    c = next(o for o in gaps["Huyện C"].opportunities if o.deduction)
    assert c.action == "tránh bị trừ điểm: Số báo cáo nộp muộn hiện là 10"
