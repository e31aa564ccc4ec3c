"""How a snapshot is stored beside its payload: publication copies the draft's text and unit rows
(never scoring or encoding them again) and gives exactly the payload the draft read whole would give;
each snapshot keeps its summary, which the list pages read; ``verify`` names a tampered summary; a
snapshot stored before summaries were kept still renders and verifies."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from xephang.web import cache
from xephang.web.immutable import canonical_json, with_top_level
from xephang.web.integrity import verify
from xephang.web.models import Snapshot, SnapshotSummary, summarise
from xephang.web.publication import PUBLICATION_KEPT

from .conftest import publish_period

pytestmark = pytest.mark.django_db


def _sql(statement, params=()):
    with connection.cursor() as c:
        c.execute(statement, params)


def _rows(snap):
    return [(r.unit_id, r.group, r.order, r.criteria) for r in snap.units.order_by("order")]


def test_publication_gives_the_payload_of_the_draft_read_whole_with_its_rows_and_summary(demo):
    p = demo["open"]
    published = publish_period(p, demo["quantri"], number="42/QĐ-UBND")
    draft = p.snapshots.get(version=published.version - 1)
    assert not draft.published and published.published
    # What publication added: the decision, edition, reason, moment and state; nothing else changed.
    now = json.loads(published.payload)
    then = json.loads(draft.payload)
    added = {k: v for k, v in now.items() if then.get(k) != v}
    assert set(added) == {"decision", "edition", "published_at", "reason", "state"}
    assert added["decision"]["number"] == "42/QĐ-UBND" and added["state"] == "published"
    assert published.payload == canonical_json({**then, **added})  # as if the draft were read whole
    # The units' rows are the draft's, copied; the summary is the published payload's.
    assert _rows(published) == _rows(draft) and len(_rows(published)) == sum(len(g["units"]) for g in now["groups"])
    for snap, data in ((draft, then), (published, now)):
        assert SnapshotSummary.objects.get(pk=snap.pk).text == canonical_json(summarise(data))
    assert verify().ok


def test_an_imported_result_is_read_whole_and_gives_the_same_storage(demo):
    """``imported`` sorts inside the run publication copies as text: that draft is read and written whole."""
    from xephang.web import workflow

    p = demo["open"]
    publish_period(p, demo["quantri"])  # published once, then corrected and published as imported
    from xephang.web import publication

    publication.reopen(p, demo["quantri"], [demo["own"]], "Đính chính thử.")
    from xephang.web.models import Status

    workflow.transition(p, demo["quantri"], Status.EXPLANATION)
    workflow.transition(p, demo["quantri"], Status.FINAL)
    snap = workflow.publish(p, demo["quantri"], "Nhập kết quả đã ban hành.", imported={"source": "thử", "date": None})
    data = json.loads(snap.payload)
    assert data["imported"] == {"source": "thử", "date": None} and data["edition"] == 2
    assert snap.payload == canonical_json(data)
    draft = p.snapshots.get(version=snap.version - 1)
    assert _rows(snap) == _rows(draft)
    assert SnapshotSummary.objects.get(pk=snap.pk).text == canonical_json(summarise(data))
    assert verify().ok


def test_the_cut_is_found_at_the_top_level_only():
    """Keys named as the cuts inside strings and nested objects do not mislead the copy as text."""
    tricky = {
        "a": {"figures": [1, {"left_out": 2}], "x": ',"figures":', "y": ',"left_out":[]'},
        "figures": [{"left_out": {"figures": 3}}, ',"left_out":'],
        "groups": [{"name": 'Sở "Nội vụ"', "left_out": [], "z": {"figures": {}}}],
        "left_out": [["Xã A", "chưa nộp báo cáo"]],
        "state": "draft",
        "units": [{"figures": 1, "left_out": 1}],
    }
    text = canonical_json(tricky)
    changes = {"state": "published", "edition": 2, "decision": {"number": "1"}, "published_at": "2026-11-27"}
    assert with_top_level(text, changes, PUBLICATION_KEPT) == canonical_json({**tricky, **changes})
    # A change between the cuts, or a cut that is not there: the caller reads the text whole.
    assert with_top_level(text, {"imported": {}}, PUBLICATION_KEPT) is None
    assert with_top_level(canonical_json({"a": 1, "left_out": []}), changes, PUBLICATION_KEPT) is None
    assert with_top_level(canonical_json({"a": {"figures": 1}, "left_out": []}), changes, PUBLICATION_KEPT) is None


def test_verify_names_a_tampered_summary(demo):
    snap = demo["p2020"].snapshots.get(published=True)
    text = SnapshotSummary.objects.get(pk=snap.pk).text
    forged = text.replace('"rank":1,', '"rank":2,', 1)
    assert forged != text
    _sql("UPDATE web_snapshotsummary SET text = %s WHERE snapshot_id = %s", [forged, snap.pk])
    problems = verify().problems
    assert len(problems) == 1 and f"kết quả chốt id={snap.pk} " in problems[0] and "bản tóm tắt" in problems[0]


def test_a_snapshot_stored_before_summaries_were_kept_still_renders_and_verifies(demo):
    """No summary row (a snapshot stored, or restored, from before they were kept): the pages, the
    documents' ranking and verify read the payload itself."""
    p, unit = demo["p2020"], demo["other"]
    snap = p.snapshots.get(published=True)
    expected = summarise(snap.data)
    _sql("DELETE FROM web_snapshotsummary")
    cache.clear_all()
    assert Snapshot.objects.get(pk=snap.pk).summary == expected
    client = Client()
    results = client.get(reverse("web:results", args=[p.pk])).content.decode()
    assert unit.name in results
    page = client.get(reverse("web:unit-result", args=[p.pk, unit.pk]))
    assert page.status_code == 200 and unit.name in page.content.decode()
    docx = client.get(reverse("web:decision", args=[p.pk, "docx"]))
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert verify().ok
