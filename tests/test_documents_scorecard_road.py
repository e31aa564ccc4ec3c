"""The road to the next level on a unit's scorecard (mini set, figures worked out by hand)."""

from __future__ import annotations

from pathlib import Path

import docx

from documents_helpers import run

DATA = Path(__file__).parent / "data"
MINI = ("--framework", DATA / "mini.yaml")


def _card(tmp_path, unit):
    out = tmp_path / "card.docx"
    code, _, err = run("scorecard", DATA / "mini.csv", *MINI, "--unit", unit, "--out", out)
    assert code == 0, err
    return [p.text for p in docx.Document(out).paragraphs]


def test_road_lists_the_criteria_most_within_reach_with_the_figure(tmp_path):
    t = _card(tmp_path, "Sở A")
    # Sở A: 74.5 points, Khá; Tốt from 85. Bandwidth earns 2.5 of 10: 200 Mbps for 100 staff = 2 per
    # person against the group's best 8 (Sở B: 400 / 50), so 800 Mbps reaches the maximum.
    k = t.index("Để đạt mức Tốt: các tiêu chí còn nhiều điểm chưa đạt nhất")
    assert t[k + 1] == "- Băng thông trên cán bộ: 2.50/10.00 điểm, còn 7.50 điểm."
    assert "nâng từ 200 lên 800 Mbps" in t[k + 2]
    # then the antivirus ratio 0.5 of 10 points: 5 unearned, 100 % for the maximum
    assert t[k + 3] == "- Tỷ lệ máy có phần mềm diệt virus: 5.00/10.00 điểm, còn 5.00 điểm."
    assert "lên 100%" in t[k + 4]
    # five criteria at most, before the table of points; the first lines say what is lacking
    assert sum(1 for line in t[k + 1 : t.index("Điểm theo từng tiêu chí")] if line.startswith("- ")) == 5
    assert t[k - 1] == "Còn thiếu 10.50 điểm để đạt mức Tốt (từ 85 điểm đến 100 điểm)."


def test_no_road_at_the_top_level(tmp_path):
    t = _card(tmp_path, "Sở B")
    assert not any(line.startswith("Để đạt mức") for line in t)
