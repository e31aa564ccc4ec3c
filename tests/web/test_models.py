"""The stored data, the adapter to the core and the frozen snapshot."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from xephang.web.models import Framework, Snapshot, Status, Submission
from xephang.web.scoring import check_values, score_period

PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "reference" / "thanhhoa-2020-published.csv"


def test_demo_has_47_units_in_two_groups(demo):
    from collections import Counter

    # The 2020 province; the 2025 sample period adds merged departments and communes (test_demo2025).
    assert demo["p2020"].units.count() == 47
    counts = Counter(demo["p2020"].units.values_list("group__code", flat=True))
    assert counts == {"so_ban_nganh": 20, "huyen_thi_xa_thanh_pho": 27}
    assert demo["open"].status == Status.OPEN and demo["open"].sample
    assert Submission.objects.filter(period=demo["open"], sample=False).count() == 0


def test_2020_snapshot_matches_the_published_decision(demo):
    """Ranks and levels of the frozen 2020 results, checked against the decision's own table."""
    snap = demo["p2020"].snapshots.get(published=True)
    got = {u["name"]: (u["rank"], u["shown"], u["level"]) for g in snap.data["groups"] for u in g["units"]}
    with PUBLISHED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 47 == len(got)
    for r in rows:
        assert got[r["unit"]] == (int(r["rank"]), r["total"], r["level"]), r["unit"]


def test_snapshot_hash_is_sha256_of_its_payload_and_it_cannot_change(demo):
    snap = demo["p2020"].snapshots.get(published=True)
    assert hashlib.sha256(snap.payload.encode("utf-8")).hexdigest() == snap.sha256
    snap.payload = snap.payload.replace("99", "98", 1)
    with pytest.raises(ValidationError):
        snap.save()
    with pytest.raises(ValidationError):
        Snapshot.objects.get(pk=snap.pk).delete()


def test_framework_is_kept_as_yaml_and_loaded_by_the_core(demo):
    fw = Framework.objects.get(code="thanhhoa-2016").load()
    assert fw.id == "thanhhoa-2016" and [g.id for g in fw.groups] == ["so_ban_nganh", "huyen_thi_xa_thanh_pho"]


def test_check_values_uses_the_core_rules_with_vietnamese_messages(demo):
    fw = demo["open"].framework.load()
    checked = check_values(fw, "so_ban_nganh", {"so_cbccvc": "10", "so_cbccvc_co_may_tinh": "12", "so_may_tinh": "abc"})
    assert "so_cbccvc_co_may_tinh" in checked.errors and "lớn hơn" in checked.errors["so_cbccvc_co_may_tinh"]
    assert "so_may_tinh" in checked.errors
    assert "so_van_ban_di" in checked.missing and not checked.complete


def test_score_period_scores_only_submitted_complete_units(demo):
    p = demo["open"]
    ps = score_period(p, "reported")
    submitted = set(p.submissions.filter(state=Submission.State.SUBMITTED).values_list("unit_id", flat=True))
    assert set(ps.unit_ids) == submitted and submitted
    # The same figures scored by the core directly from a CSV give the same totals.
    fw = p.framework.load()
    import tempfile

    from xephang.io.reader import read_period
    from xephang.ranking import rank
    from xephang.scoring.engine import score

    subs = list(p.submissions.filter(state=Submission.State.SUBMITTED).select_related("unit__group"))
    ids = sorted({i.id for s in subs for i in fw.inputs_for(s.unit.group.code)})
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["khối", "đơn vị", *ids])
        for s in subs:
            w.writerow([s.unit.group.code, s.unit.name, *[s.values.get(i, "0") for i in ids]])
    direct = rank(score(fw, read_period(f.name, fw)))
    by_name = {u.name: (u.total, u.rank) for u in direct.units()}
    for u in ps.ranking.units():
        assert by_name[u.name] == (u.total, u.rank)


def test_snapshot_payload_is_canonical_json(demo):
    snap = demo["p2020"].snapshots.get(published=True)
    data = json.loads(snap.payload)
    assert json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) == snap.payload
