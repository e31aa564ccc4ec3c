"""Evidence beside each criterion: uploaded in place (htmx, out-of-band swaps, nothing else on the page
touched), the right file name in messages, criterion names rather than ids, relink/unlink/delete while
the report is editable (audited), and the missing-evidence warning before submission."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xephang.web import workflow
from xephang.web.models import AuditEntry, Evidence, Submission

from .conftest import login

HX = {"HTTP_HX_REQUEST": "true"}


def _pdf(name="ke-hoach-cntt-2022.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def _upload(client, p, unit, **data):
    return client.post(reverse("web:evidence-upload", args=[p.pk, unit.pk]), data, **HX)


def test_upload_beside_a_criterion_answers_in_place(client, demo):
    p, own = demo["open"], demo["own"]
    login(client, "baocao")
    resp = _upload(
        client,
        p,
        own,
        file=_pdf(),
        criteria=["may_tinh"],
        origin="may_tinh",
        summary="KH 12/KH-STTTT",
        locator="trang 2",
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    # Only out-of-band fragments: the criterion's block, the warning, the documents' list; no page, no form.
    assert "<html" not in html and 'id="report-form"' not in html
    assert 'id="ev-may_tinh" hx-swap-oob="true"' in html and 'id="minh-chung"' in html
    assert "Đã tải lên &#x27;ke-hoach-cntt-2022.pdf&#x27;." in html  # the file's own name, not the stored one
    fw = p.framework.load()
    assert fw.criterion("may_tinh").title in html  # the list names the criterion
    ev = Evidence.objects.get(submission__period=p, submission__unit=own)
    assert ev.original_name == "ke-hoach-cntt-2022.pdf" and list(ev.links.values_list("criterion_id", "locator")) == [
        ("may_tinh", "trang 2")
    ]


def test_upload_error_is_shown_beside_the_criterion(client, demo):
    p, own = demo["open"], demo["own"]
    login(client, "baocao")
    resp = _upload(
        client,
        p,
        own,
        file=SimpleUploadedFile("a.html", b"<html><script>x</script>"),
        criteria=["may_tinh"],
        origin="may_tinh",
    )
    html = resp.content.decode()
    block = html[html.index('id="ev-may_tinh"') : html.index('id="thieu-minh-chung"')]
    assert "Chưa tải lên" in block and not Evidence.objects.filter(submission__period=p).exists()


def test_relink_unlink_delete_are_audited(client, demo, django_capture_on_commit_callbacks):
    p, own = demo["open"], demo["own"]
    login(client, "baocao")
    _upload(client, p, own, file=_pdf("qd.pdf"), criteria=["may_tinh", "bang_thong"], origin="")
    ev = Evidence.objects.get(submission__period=p, submission__unit=own)
    stored = ev.file.name
    # Relink: now only bang_thong, with a new place.
    resp = client.post(
        reverse("web:evidence-relink", args=[p.pk, own.pk, ev.pk]),
        {"criteria": ["bang_thong"], "locator": "trang 5", "summary": "QĐ 1"},
        **HX,
    )
    assert resp.status_code == 200 and 'id="ev-may_tinh" hx-swap-oob="true"' in resp.content.decode()
    assert list(ev.links.values_list("criterion_id", "locator")) == [("bang_thong", "trang 5")]
    entry = AuditEntry.objects.get(action="evidence.relink")
    assert entry.before["criteria"] == ["bang_thong", "may_tinh"] and entry.after["criteria"] == ["bang_thong"]
    # Relinking to nothing is refused (delete instead).
    resp = client.post(reverse("web:evidence-relink", args=[p.pk, own.pk, ev.pk]), {"criteria": []}, **HX)
    assert "Hãy chọn ít nhất một tiêu chí" in resp.content.decode() and ev.links.count() == 1
    # Unlinking the last criterion deletes the document and its file.
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion is committed
        resp = client.post(
            reverse("web:evidence-unlink", args=[p.pk, own.pk, ev.pk]), {"criterion": "bang_thong"}, **HX
        )
    assert "Đã xóa &#x27;qd.pdf&#x27;" in resp.content.decode()
    assert not Evidence.objects.filter(pk=ev.pk).exists()
    assert AuditEntry.objects.filter(action="evidence.delete", subject="qd.pdf").exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(stored)


def test_delete_and_no_edit_once_submitted(client, demo):
    p, own = demo["open"], demo["own"]
    login(client, "baocao")
    _upload(client, p, own, file=_pdf("a.pdf"), criteria=["may_tinh"], origin="may_tinh")
    ev = Evidence.objects.get(submission__period=p, submission__unit=own)
    resp = client.post(reverse("web:evidence-delete", args=[p.pk, own.pk, ev.pk]))  # without htmx: back to the page
    assert resp.status_code == 302 and resp["Location"].endswith("#minh-chung")
    assert not Evidence.objects.filter(pk=ev.pk).exists()
    _upload(client, p, own, file=_pdf("b.pdf"), criteria=["may_tinh"], origin="may_tinh")
    ev = Evidence.objects.get(submission__period=p, submission__unit=own)
    Submission.objects.filter(period=p, unit=own).update(state="submitted")
    assert client.post(reverse("web:evidence-delete", args=[p.pk, own.pk, ev.pk])).status_code == 403
    assert (
        client.post(reverse("web:evidence-relink", args=[p.pk, own.pk, ev.pk]), {"criteria": ["may_tinh"]}).status_code
        == 403
    )


def test_missing_evidence_warning_before_submission(client, demo):
    import random

    from xephang.web.demo import sample_texts

    p, own = demo["open"], demo["own"]
    fw = p.framework.load()
    form = {f"v_{k}": v for k, v in sample_texts(fw, own.group.code, random.Random(1)).items()}
    login(client, "baocao")
    url = reverse("web:report", args=[p.pk, own.pk])
    version = lambda: {"version": str(workflow.submission_for(p, own).version)}  # noqa: E731
    client.post(url, {**form, "save": "1", **version()})
    page = client.get(url).content.decode()
    assert "tiêu chí chưa có tài liệu kiểm chứng bắt buộc" in page
    assert fw.criterion("may_tinh").title in page[page.index('id="thieu-minh-chung"') :]
    resp = client.post(url, {**form, "submit": "1", **version()}, follow=True)
    html = resp.content.decode()
    assert "CHƯA NỘP" in html and Submission.objects.get(period=p, unit=own).state == "draft"
    assert "Vẫn nộp báo cáo dù thiếu tài liệu" in html
    # Linking a document to may_tinh takes it off the list (the htmx answer updates the warning too).
    resp = _upload(client, p, own, file=_pdf(), criteria=["may_tinh"], origin="may_tinh")
    warning = resp.content.decode().split('id="thieu-minh-chung"')[1].split('id="minh-chung"')[0]
    assert "#ev-may_tinh" not in warning
    client.post(url, {**form, "submit_anyway": "1", **version()})
    assert Submission.objects.get(period=p, unit=own).state == "submitted"
