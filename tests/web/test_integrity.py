"""Integrity: published snapshots cannot be altered through any path (model, queryset, admin,
fixture import, the Excel import), the audit trail is append-only and hash-chained, and
``xephang verify`` names every tampered row."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from xephang.cli import main
from xephang.web.integrity import GENESIS, verify
from xephang.web.models import AuditEntry, Period, Snapshot, audit


def _published(demo) -> Snapshot:
    return demo["p2020"].snapshots.get(published=True)


def test_published_snapshot_cannot_be_altered_by_model_or_queryset(demo):
    snap = _published(demo)
    original = (snap.payload, snap.sha256, snap.published, snap.reason)
    snap.reason = "sửa lặng lẽ"
    with pytest.raises(ValidationError):
        snap.save()
    with pytest.raises(ValidationError), transaction.atomic():  # a refused delete rolls back its own block
        snap.delete()
    for attempt in (lambda qs: qs.update(published=False), lambda qs: qs.update(payload="{}"), lambda qs: qs.delete()):
        with pytest.raises(ValidationError):
            attempt(Snapshot.objects.filter(pk=snap.pk))
    with pytest.raises(ValidationError), transaction.atomic():
        Snapshot.objects.bulk_update([snap], ["reason"])
    # the frozen period refuses (frozen.py) before PROTECT would: it cannot take its snapshots with it
    with pytest.raises((ProtectedError, ValidationError)), transaction.atomic():
        Period.objects.filter(pk=demo["p2020"].pk).delete()
    snap = Snapshot.objects.get(pk=snap.pk)
    assert (snap.payload, snap.sha256, snap.published, snap.reason) == original


def test_published_snapshot_cannot_be_replaced_by_a_fixture_import(demo):
    """``loaddata`` saves raw rows, bypassing ``save()``; the signal still refuses an existing row."""
    snap = _published(demo)
    data = json.loads(serializers.serialize("json", [snap]))
    data[0]["fields"]["payload"] = data[0]["fields"]["payload"].replace('"rank":1', '"rank":2')
    data[0]["fields"]["sha256"] = hashlib.sha256(data[0]["fields"]["payload"].encode()).hexdigest()
    with pytest.raises(ValidationError):
        for obj in serializers.deserialize("json", json.dumps(data)):
            obj.save()
    assert Snapshot.objects.get(pk=snap.pk).sha256 == snap.sha256


def test_admin_shows_snapshots_read_only(client, demo):
    snap = _published(demo)
    client.force_login(demo["quantri"])
    demo["quantri"].is_superuser = True  # even a superuser cannot change or delete one
    demo["quantri"].save()
    url = reverse("admin:web_snapshot_change", args=[snap.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"reason": "x", "payload": "{}", "sha256": "0" * 64, "version": "1"})
    resp = client.post(reverse("admin:web_snapshot_delete", args=[snap.pk]), {"post": "yes"})
    assert resp.status_code == 403
    assert client.get(reverse("admin:web_snapshot_add")).status_code == 403
    fresh = Snapshot.objects.get(pk=snap.pk)
    assert (fresh.payload, fresh.sha256, fresh.reason) == (snap.payload, snap.sha256, snap.reason)
    resp = client.post(reverse("admin:web_auditentry_delete", args=[AuditEntry.objects.first().pk]), {"post": "yes"})
    assert resp.status_code == 403


def test_excel_import_cannot_reach_a_published_period(client, demo):
    p20, own = demo["p2020"], demo["own"]
    client.force_login(demo["baocao"])
    before, count = _published(demo).sha256, p20.snapshots.count()
    resp = client.post(
        reverse("web:report-upload", args=[p20.pk, own.pk]), {"xlsx": SimpleUploadedFile("x.xlsx", b"PK\x03\x04")}
    )
    assert resp.status_code == 403
    assert _published(demo).sha256 == before and p20.snapshots.count() == count


def test_audit_trail_is_append_only(demo):
    entry = AuditEntry.objects.order_by("id").first()
    entry.reason = "viết lại lịch sử"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError), transaction.atomic():
        entry.delete()
    with pytest.raises(ValidationError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(ValidationError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason != "viết lại lịch sử"


def test_deleting_a_period_cannot_take_its_audit_trail_with_it(demo):
    p = Period.objects.create(name="Thử", year=2030, framework=demo["open"].framework)
    audit(demo["quantri"], "period.create", period=p, subject=p.name)
    with pytest.raises(ValidationError), transaction.atomic():
        p.delete()
    assert AuditEntry.objects.filter(period=p).exists()


def test_entries_are_chained_by_hand(demo):
    """Recompute the chain independently: sha256(prev + newline + canonical JSON of the fields)."""
    audit(demo["quantri"], "test.one", subject="một", after={"b": 2, "a": "ả"}, reason="lý do")
    audit(None, "test.two", period=demo["open"], before={"x": None})
    prev = GENESIS
    for e in AuditEntry.objects.order_by("id"):
        assert e.prev_hash == prev
        at = e.at.astimezone(__import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        body = json.dumps(
            {
                "at": at,
                "user": e.user_name,
                "action": e.action,
                "period": e.period_id,
                "unit": e.unit_id,
                "subject": e.subject,
                "before": e.before,
                "after": e.after,
                "reason": e.reason,
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        assert e.hash == hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()
        prev = e.hash
    last = AuditEntry.objects.order_by("-id").first()
    assert last.action == "test.two" and last.user_name == ""
    assert AuditEntry.objects.get(action="test.one").user_name == "quantri"


def _sql(statement, params=()):
    with connection.cursor() as c:
        c.execute(statement, params)


def _verify_cli():
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["verify"])
    return code, out.getvalue()


def test_verify_is_clean_on_an_honest_history(demo, client):
    client.force_login(demo["baocao"])
    url = reverse("web:report", args=[demo["open"].pk, demo["own"].pk])
    client.get(url)
    from xephang.web import workflow

    client.post(url, {"v_so_cbccvc": "40", "version": str(workflow.submission_for(demo["open"], demo["own"]).version)})
    assert AuditEntry.objects.filter(action="report.save", unit=demo["own"]).exists()
    rep = verify()
    assert rep.ok, rep.problems
    assert rep.entries == AuditEntry.objects.count() and rep.snapshots == Snapshot.objects.count()
    code, out = _verify_cli()
    assert code == 0 and "không phát hiện sửa đổi" in out


def test_verify_names_each_tampered_row(demo):
    for k in range(4):
        audit(demo["quantri"], f"test.{k}", subject=str(k))
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    edited, removed, after_removed = ids[-4], ids[-2], ids[-1]
    _sql("UPDATE web_auditentry SET reason = %s WHERE id = %s", ["đã sửa", edited])
    # a delete by SQL, around the guards (the model refuses it)
    _sql("DELETE FROM web_auditentry WHERE id = %s", [removed])
    snap = _published(demo)
    forged = snap.payload.replace('"rank":1,', '"rank":2,', 1)
    assert forged != snap.payload
    # the forger recomputes the snapshot's own hash too: the audit entry that recorded it disagrees
    _sql(
        "UPDATE web_snapshot SET payload = %s, sha256 = %s WHERE id = %s",
        [forged, hashlib.sha256(forged.encode()).hexdigest(), snap.pk],
    )
    rep = verify()
    assert len(rep.problems) == 3, rep.problems
    assert f"id={edited} " in rep.problems[0] and "đã bị sửa" in rep.problems[0]
    assert f"id={after_removed} " in rep.problems[1] and "chuỗi băm bị đứt" in rep.problems[1]
    assert f"kết quả chốt id={snap.pk} " in rep.problems[2] and "nhật ký" in rep.problems[2]
    code, out = _verify_cli()
    assert code == 1 and "PHÁT HIỆN 3 VẤN ĐỀ" in out and f"id={edited} " in out


def test_verify_catches_a_snapshot_edited_without_its_hash(demo):
    snap = _published(demo)
    _sql("UPDATE web_snapshot SET payload = %s WHERE id = %s", [snap.payload.replace("1", "2", 1), snap.pk])
    rep = verify()
    assert [p for p in rep.problems if f"kết quả chốt id={snap.pk} " in p and "SHA-256" in p]


def test_a_correction_is_a_new_version_and_keeps_the_chain(demo):
    from xephang.web import publication

    from .conftest import publish_period

    p20 = demo["p2020"]
    publication.reopen(p20, demo["quantri"], [demo["own"]], "Đính chính thử.")
    publish_period(p20, demo["quantri"], number="99", reason="Đính chính thử.")
    assert [e for e, _ in publication.editions(p20)] == [1, 2]
    assert verify().ok


def test_verify_names_a_changed_or_removed_unit_row(demo):
    """The per-unit rows the pages read are checked against the hashed payload, unit by unit."""
    from .conftest import publish_period

    p = demo["open"]
    publish_period(p, demo["quantri"])
    snap = p.snapshots.filter(published=True).order_by("-version").first()
    first, second = snap.units.order_by("order")[:2]
    assert first.criteria == snap.data["groups"][0]["units"][0]["criteria"]
    forged = json.dumps([{**first.criteria[0], "points": "100"}, *first.criteria[1:]], ensure_ascii=False)
    _sql("UPDATE web_snapshotunit SET criteria = %s WHERE id = %s", [forged, first.pk])
    _sql("DELETE FROM web_snapshotunit WHERE id = %s", [second.pk])
    problems = [x for x in verify().problems if f"kết quả chốt id={snap.pk} " in x]
    assert len(problems) == 2, problems
    assert any(f"đơn vị id={first.unit_id} khác" in x for x in problems)
    assert any(f"đơn vị id={second.unit_id} (đã bị xóa)" in x for x in problems)


def test_a_snapshot_is_written_and_read_as_the_standard_canonical_json_would(demo):
    """The payload's text, written fast, is byte for byte the canonical JSON the standard library writes
    (keys sorted, no spaces, Vietnamese letters kept, control characters escaped), so the SHA-256 keeps
    its definition; reading it back gives the same content; the unit rows read back equal the payload's."""
    from xephang.web.immutable import FastJSONEncoder, canonical_json, canonical_json_fast, load_json

    from .conftest import publish_period

    p = demo["open"]
    publish_period(p, demo["quantri"])
    snaps = list(Snapshot.objects.all())
    assert len(snaps) >= 2
    for snap in snaps:
        data = json.loads(snap.payload)
        assert snap.payload == canonical_json(data) == canonical_json_fast(data)
        assert load_json(snap.payload) == data
        rows = {r.unit_id: r.criteria for r in snap.units.all()}
        assert rows and all(rows[u["unit_id"]] == u.get("criteria", []) for g in data["groups"] for u in g["units"])
    tricky = {
        "b": ['Sở Y tế\n\t"trích" \\ \x01\x1f\x7f \u2028 😀', 1, -(2**63), True, None, []],
        "a": {"ể": 0, "e": {}},
    }
    assert canonical_json_fast(tricky) == canonical_json(tricky)
    assert canonical_json_fast({1: "khóa số"}) == canonical_json({1: "khóa số"})  # handed to the standard library
    assert canonical_json_fast({"n": 2**70}) == canonical_json({"n": 2**70})
    assert json.loads(FastJSONEncoder().encode(tricky)) == tricky
