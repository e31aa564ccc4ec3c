"""The report form's sections are rendered once per criteria set, group and editable or not, and filled
with each unit's own figures: a unit never sees another unit's figures, errors, criteria not applicable
or evidence; what it typed is escaped; the option it chose is selected, by label or by option id."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xephang.web import workflow
from xephang.web.cache import REPORT_SKELETONS
from xephang.web.models import Submission

from .conftest import login

pytestmark = pytest.mark.django_db


def _field(page: str, input_id: str) -> str:
    """One figure's block on the report form: its label, input and error."""
    block = page[page.rindex("<div", 0, page.index(f'id="i-{input_id}"')) :]
    return block[: block.index("</div>")]


def _form(client, period, unit) -> str:
    resp = client.get(reverse("web:report", args=[period.pk, unit.pk]))
    assert resp.status_code == 200
    return resp.content.decode()


def _draft(period, unit, values, **fields) -> Submission:
    sub = workflow.submission_for(period, unit)
    Submission.objects.filter(pk=sub.pk).update(
        **{"values": values, "state": "draft", "submitted_at": None, "carried": [], "not_applicable": [], **fields}
    )
    sub.refresh_from_db()
    return sub


def test_units_of_one_group_share_the_skeleton_and_see_only_their_own_figures(client, demo, people):
    p, own, other = demo["open"], demo["own"], demo["other"]
    assert own.group_id == other.group_id
    _draft(p, own, {"so_cbccvc": "120", "co_tuong_lua": "có", "can_bo_cntt": "chuyen_trach"}, carried=["so_cbccvc"])
    _draft(p, other, {"so_cbccvc": "75", "co_tuong_lua": "không", "can_bo_cntt": "Kiêm nhiệm"})
    REPORT_SKELETONS.clear()
    first = _form(login(client, "baocao"), p, own)
    second = _form(login(client, "baocao2"), p, other)
    assert len(REPORT_SKELETONS) == 1  # one skeleton served both units
    mine, theirs = _field(first, "so_cbccvc"), _field(second, "so_cbccvc")
    assert 'value="120"' in mine and 'value="75"' in theirs and "120" not in theirs
    # carried from last year, to confirm: only the unit whose figure was carried is asked
    assert "cần xác nhận" in mine and 'name="confirm"' in mine and "cần xác nhận" not in theirs
    # the answer chosen is the one selected: a yes/no, and a choice stored by its id or by its label
    assert re.search(r'<option value="có" selected>', _field(first, "co_tuong_lua"))
    assert re.search(r'<option value="không" selected>', _field(second, "co_tuong_lua"))
    assert len(re.findall(r"selected>", _field(first, "can_bo_cntt"))) == 1
    assert re.search(r'<option value="[^"]+" selected>Chuyên trách', _field(first, "can_bo_cntt"))
    assert re.search(r'<option value="Kiêm nhiệm" selected>', _field(second, "can_bo_cntt"))


def test_typed_figures_and_errors_are_escaped_and_shown_beside_their_field(client, demo):
    p, own = demo["open"], demo["own"]
    sub = _draft(p, own, {})
    login(client, "baocao")
    typed = '<script>alert("x")</script>'
    resp = client.post(
        reverse("web:report", args=[p.pk, own.pk]), {"v_so_cbccvc": typed, "version": str(sub.version), "save": "1"}
    )
    page = resp.content.decode()
    block = _field(page, "so_cbccvc")
    assert typed not in page and html.escape(typed, quote=True).replace("&#x27;", "'") in block.replace("&#x27;", "'")
    assert 'class="field invalid"' in block and 'role="alert"' in block
    assert html.unescape(re.search(r'id="v_so_cbccvc-err"[^>]*>([^<]*)<', block).group(1)).strip()
    # a field without error has neither the class nor the alert
    clean = _field(page, "so_may_tinh")
    assert 'class="field"' in clean and 'role=""' in clean
    # the next unit to open the form (same skeleton) sees none of it
    assert "invalid" not in _field(_form(client, p, own), "so_cbccvc")


def test_evidence_and_criteria_not_applicable_are_the_units_own(client, demo, people):
    p, own, other = demo["open"], demo["own"], demo["other"]
    fw = p.framework.load()
    na = next(c.id for c in fw.all_criteria() if c.may_be_not_applicable and c.applies_to(own.group.code))
    sub = _draft(p, own, {}, not_applicable=[na])
    _draft(p, other, {})
    login(client, "baocao")
    workflow.add_evidence(
        sub, demo["baocao"], SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n%x\n"), ["may_tinh"], "trang 2", ""
    )
    mine = _form(client, p, own)
    theirs = _form(login(client, "baocao2"), p, other)
    assert re.search(rf'name="na" value="{na}" checked', mine) and not re.search(rf'value="{na}" checked', theirs)
    block = mine[mine.index('id="ev-may_tinh"') :]
    assert "ke-hoach.pdf" in block[: block.index("</details>")] and "(trang 2)" in block
    assert "ke-hoach.pdf" not in theirs


def test_a_changed_criteria_set_gets_its_own_skeleton(client, demo):
    from xephang.web.cache import framework_key
    from xephang.web.report_form import skeleton

    p, own = demo["open"], demo["own"]
    fw = p.framework.load()
    REPORT_SKELETONS.clear()
    skeleton(fw, own.group.code, True)
    skeleton(fw, own.group.code, False)
    obj = p.framework
    obj.yaml_text = obj.yaml_text.replace(fw.title, fw.title + " (sửa)", 1)
    changed = obj.load()
    assert framework_key(changed) != framework_key(fw)
    sk = skeleton(changed, own.group.code, True)
    assert len(REPORT_SKELETONS) == 3 and sk is not skeleton(fw, own.group.code, True)


def test_the_status_bar_is_read_for_pages_not_for_the_fragments_swapped_in(client, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p, own = demo["open"], demo["own"]
    sub = _draft(p, own, {})
    login(client, "baocao")

    def status_reads(go):
        with CaptureQueriesContext(connection) as ctx:
            resp = go()
        assert resp.status_code == 200
        # the status bar's one query: the reporter's periods, each with his report's state and extension
        sql = [q["sql"] for q in ctx.captured_queries]
        return resp, [q for q in sql if q.startswith('SELECT "web_period"') and '"web_deadlineextension"' in q]

    page, reads = status_reads(lambda: client.get(reverse("web:report", args=[p.pk, own.pk])))
    assert reads and 'data-testid="my-reports"' in page.content.decode()  # the page shows the status bar
    live = {"v_so_cbccvc": "100", "version": str(sub.version)}
    fragment, reads = status_reads(
        lambda: client.post(reverse("web:report-live", args=[p.pk, own.pk]), live, HTTP_HX_REQUEST="true")
    )
    assert "Điểm" in fragment.content.decode() or "điểm" in fragment.content.decode()
    assert reads == []  # the live score's fragment has no status bar, so it is not read


def test_a_failed_save_keeps_criteria_not_applicable_as_ticked(client, demo):
    """A save refused for a bad figure shows every "not applicable" box as the reporter left it, at
    any depth of the criteria tree, not as last saved: ticked boxes stay ticked, cleared ones clear."""
    p, own = demo["open"], demo["own"]
    fw = p.framework.load()
    may = [c.id for c in fw.all_criteria() if c.may_be_not_applicable and c.applies_to(own.group.code)]
    assert any(fw.criterion(c).parent is not None for c in may)  # a sub-criterion among them
    for saved, typed in ((may, []), ([], may)):
        sub = _draft(p, own, {}, not_applicable=saved)
        login(client, "baocao")
        page = client.post(
            reverse("web:report", args=[p.pk, own.pk]),
            {"v_so_cbccvc": "một trăm", "na": typed, "version": str(sub.version), "save": "1"},
        ).content.decode()
        assert 'class="field invalid"' in _field(page, "so_cbccvc")
        for cid in may:
            assert bool(re.search(rf'name="na" value="{cid}" checked', page)) == (cid in typed), (cid, typed)
