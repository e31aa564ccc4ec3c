"""Criteria assigned to a verifying agency: the administrator assigns them per period, the agency's
account appraises only their figures, everyone who sees the appraisal sees who verified what."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from xephang.web import verification
from xephang.web.models import Adjustment, AuditEntry, CriterionVerifier, Profile, Role, Status, Submission, Unit

pytestmark = pytest.mark.django_db
STAFF = {"can_bo_cntt", "so_cbccvc_dat_chuan_cntt", "so_cbccvc", "so_luot_boi_duong"}  # what 'nhan_luc' reads


@pytest.fixture
def noi_vu(demo):
    """The demo's verifying agency account (Sở Nội vụ), its demo assignment taken back so that each test
    assigns what it needs."""
    user = get_user_model().objects.get(username="xacminh")
    assert user.profile.role == Role.VERIFIER and user.profile.unit.name == "Sở Nội vụ"
    CriterionVerifier.objects.filter(period=demo["open"]).delete()
    return user


def _submitted(period):
    return Submission.objects.filter(period=period, state=Submission.State.SUBMITTED).select_related("unit").first()


def _appraising(demo, verifier):
    """The open period in appraisal, its staff criteria assigned to ``verifier``; a submitted report."""
    p = demo["open"]
    CriterionVerifier.objects.create(period=p, criterion_id="nhan_luc", user=verifier)
    p.status = Status.APPRAISAL
    p.save()
    return p, _submitted(p)


def test_administrator_assigns_and_unassigns_audited(client, demo, noi_vu):
    p = demo["open"]
    audited = AuditEntry.objects.filter(action="verifier.assign").count()  # the demo's own assignment
    client.force_login(demo["quantri"])
    url = reverse("web:period-verifiers", args=[p.pk])
    page = client.get(url).content.decode()
    assert "Lê Văn Xác (Sở Nội vụ)" in page and 'name="c_nhan_luc"' in page
    bad = client.post(url, {"c_nhan_luc": str(demo["thamdinh"].pk)})  # an appraiser, not a verifying agency's account
    assert bad.status_code == 200 and "Hãy chọn một tài khoản cơ quan xác minh" in bad.content.decode()
    assert not CriterionVerifier.objects.exists()
    assert client.post(url, {"c_nhan_luc": str(noi_vu.pk)}).status_code == 302
    assert list(CriterionVerifier.objects.values_list("criterion_id", "user__username")) == [("nhan_luc", "xacminh")]
    log = client.get(reverse("web:audit")).content.decode()
    title = p.framework.load().criterion("nhan_luc").title
    assert f"giao tiêu chí &#x27;{title}&#x27; của kỳ &#x27;{p.name}&#x27; cho Lê Văn Xác (Sở Nội vụ) xác minh." in log
    client.post(url, {"c_nhan_luc": ""})
    assert "thôi giao tiêu chí" in client.get(reverse("web:audit")).content.decode()
    assert not CriterionVerifier.objects.exists()
    assert AuditEntry.objects.filter(action="verifier.assign").count() == audited + 2


def test_verifier_appraises_only_the_assigned_figures(client, demo, noi_vu):
    p, sub = _appraising(demo, noi_vu)
    url = reverse("web:appraisal-unit", args=[p.pk, sub.unit.pk])
    client.force_login(noi_vu)
    page = client.get(url).content.decode()
    forms = set(re.findall(r'name="input" value="([a-z_0-9]+)"', page))
    fw = p.framework.load()
    assert forms == STAFF & {i.id for i in fw.inputs_for(sub.unit.group.code)} and forms
    assert f"Chấp nhận tất cả {len(forms)} số liệu còn lại" in page
    assert client.post(url, {"input": "so_may_tinh", "action": "accept"}).status_code == 403
    assert not Adjustment.objects.filter(submission=sub).exists()
    resp = client.post(url, {"input": "so_cbccvc", "action": "adjust", "value": "1", "reason": ""})
    assert "Điều chỉnh số liệu phải ghi rõ lý do" in resp.content.decode()  # errors as for any appraiser
    assert client.post(url, {"accept_all": "1"}).status_code == 302
    decided = set(Adjustment.objects.filter(submission=sub).values_list("input_id", flat=True))
    assert decided == forms  # only the staff figures, nothing else
    assert set(Adjustment.objects.filter(submission=sub).values_list("appraiser__username", flat=True)) == {"xacminh"}


def test_others_see_who_verified_what(client, demo, noi_vu):
    p, sub = _appraising(demo, noi_vu)
    client.force_login(noi_vu)
    client.post(reverse("web:appraisal-unit", args=[p.pk, sub.unit.pk]), {"input": "so_cbccvc", "action": "accept"})
    for viewer in ("thamdinh", "lanhdao", "quantri"):
        client.force_login(demo[viewer])
        page = client.get(reverse("web:appraisal-unit", args=[p.pk, sub.unit.pk])).content.decode()
        assert re.search(r'data-testid="verifier-nhan_luc">[^<]*<strong>Lê Văn Xác \(Sở Nội vụ\)</strong>', page), (
            viewer
        )
        assert "✔ Chấp nhận (Lê Văn Xác, Sở Nội vụ)" in page, viewer
    # The period's appraiser still decides every figure, the staff ones included.
    client.force_login(demo["thamdinh"])
    page = client.get(reverse("web:appraisal-unit", args=[p.pk, sub.unit.pk])).content.decode()
    assert 'name="input" value="so_may_tinh"' in page and 'name="input" value="so_luot_boi_duong"' in page


def test_suggestion_follows_the_criteria_sets_verified_by(demo):
    """A criteria set naming its verifying agency (``verified_by``) suggests that agency's one account."""
    from pathlib import Path

    import xephang.framework as pkg
    from xephang.framework.loader import load_framework

    fw = load_framework(Path(pkg.__file__).parent / "data" / "dti-so-xa-nhap.yaml")
    agencies = {c.verified_by for c in verification.assignable(fw) if c.verified_by}
    name = sorted(agencies)[0]
    unit = Unit.objects.filter(name=name).first() or Unit.objects.create(name=name, group=Unit.objects.first().group)
    user = get_user_model().objects.create_user("xm2", first_name="X")
    Profile.objects.create(user=user, role=Role.VERIFIER, unit=unit)
    got = verification.suggested(fw, verification.verifier_accounts())
    expected = {c.id for c in verification.assignable(fw) if c.verified_by == name}
    assert set(got) == expected and all(u == user for u in got.values())


def test_account_form_verifier_needs_its_agency(client, demo):
    client.force_login(demo["quantri"])
    data = {
        "username": "nv1",
        "full_name": "Cán bộ Nội vụ",
        "email": "nv1@snv.example",
        "role": "verifier",
        "active": "on",
    }
    resp = client.post(reverse("web:account-new"), data)
    assert "Cán bộ cơ quan xác minh phải thuộc cơ quan của mình" in resp.content.decode()
    data["unit"] = Unit.objects.get(name="Sở Nội vụ").pk
    assert client.post(reverse("web:account-new"), data).status_code == 302
    assert get_user_model().objects.get(username="nv1").profile.role == Role.VERIFIER


def test_unit_sees_which_agency_adjusted_its_figure(client, demo, noi_vu):
    from xephang.web import workflow

    p = demo["open"]
    CriterionVerifier.objects.create(period=p, criterion_id="nhan_luc", user=noi_vu)
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    sub = _submitted(p)
    client.force_login(noi_vu)
    resp = client.post(
        reverse("web:appraisal-unit", args=[p.pk, sub.unit.pk]),
        {"input": "so_cbccvc", "action": "adjust", "value": "1", "reason": "Theo biên chế được giao"},
    )
    assert resp.status_code == 302
    workflow.transition(p, demo["quantri"], Status.EXPLANATION)
    reporter = get_user_model().objects.create_user("bc_unit", password="x")
    Profile.objects.create(user=reporter, role=Role.REPORTER, unit=sub.unit)
    client.force_login(reporter)
    page = client.get(reverse("web:explanation", args=[p.pk, sub.unit.pk])).content.decode()
    assert 'data-testid="verified-so_cbccvc">(cơ quan xác minh: Sở Nội vụ)' in page


def test_the_demo_has_a_verifying_agency_that_logs_in_with_the_demo_password(client, demo):
    from xephang.web.demo import DEMO_PASSWORD, describe_accounts

    assert client.login(username="xacminh", password=DEMO_PASSWORD)
    user = get_user_model().objects.get(username="xacminh")
    assert user.profile.role == Role.VERIFIER and user.profile.unit.name == "Sở Nội vụ"
    assert list(
        CriterionVerifier.objects.filter(period=demo["open"]).values_list("criterion_id", "user__username")
    ) == [("nhan_luc", "xacminh")]
    assert "xacminh" in describe_accounts() and "Cán bộ cơ quan xác minh (Sở Nội vụ)" in describe_accounts()


def test_a_verifier_counts_its_own_figures_on_the_appraisal_list(client, demo):
    """The demo's verifier sees, for each unit, the figures assigned to it that it has decided (not the
    appraisers' criteria); the Sở's appraiser still sees criteria."""
    from xephang.web import workflow

    p = demo["open"]
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    verifier = get_user_model().objects.get(username="xacminh")
    subs = list(Submission.objects.filter(period=p, state=Submission.State.SUBMITTED).select_related("unit__group"))
    fw = p.framework.load()
    assigned = {s.pk: STAFF & {i.id for i in fw.inputs_for(s.unit.group.code)} for s in subs}
    first = next(s for s in subs if assigned[s.pk])
    one = sorted(assigned[first.pk])[0]
    workflow.appraise(first, verifier, one, True, "", "")
    workflow.appraise(first, demo["thamdinh"], "so_may_tinh", True, "", "")  # the appraiser's, not counted
    url = reverse("web:appraisal", args=[p.pk])
    client.force_login(verifier)
    page = client.get(url).content.decode()
    total = sum(len(v) for v in assigned.values())
    assert re.search(
        rf'data-testid="own-progress">Cơ quan xác minh: bạn đã thẩm định <strong>1/{total}</strong> '
        rf"số liệu được giao của {len(subs)} đơn vị đã nộp",
        page,
    )
    assert f"(tiêu chí: {fw.criterion('nhan_luc').title})" in page
    row = page[page.index(f">{first.unit.name}</a>") :]
    assert row[: row.index("</tr>")].count(f"1/{len(assigned[first.pk])}") == 1
    # Units still to do, for the verifier: every unit but none finished yet.
    page = client.get(url + "?con-lai=1").content.decode()
    assert f"{sum(1 for v in assigned.values() if v)} đơn vị" in page
    # Its own part done for that unit: the unit leaves its "still to do" list.
    for input_id in assigned[first.pk] - {one}:
        workflow.appraise(Submission.objects.get(pk=first.pk), verifier, input_id, True, "", "")
    page = client.get(url + "?con-lai=1").content.decode()
    assert f">{first.unit.name}</a>" not in page
    # The appraiser's list counts criteria, as before.
    client.force_login(demo["thamdinh"])
    page = client.get(url).content.decode()
    assert 'data-testid="own-progress"' not in page and "Tiêu chí đã thẩm định" in page
