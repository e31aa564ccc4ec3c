"""Passwords through Django's auth views, in Vietnamese: change while logged in, and "Quên mật khẩu"
with a one-time link by e-mail."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

NEW = "Hoa-sen-2027-xanh"


def test_password_change_in_vietnamese(client, demo):
    client.force_login(demo["baocao"])
    url = reverse("web:password-change")
    page = client.get(url).content.decode()
    assert "Mật khẩu cũ" in page and "Đổi mật khẩu" in page
    resp = client.post(url, {"old_password": "sai", "new_password1": NEW, "new_password2": NEW})
    html = resp.content.decode()
    assert resp.status_code == 200 and "Mật khẩu cũ không chính xác" in html  # beside the field
    resp = client.post(url, {"old_password": "xephang-demo", "new_password1": "123", "new_password2": "123"})
    assert "quá ngắn" in resp.content.decode()  # Django's validators, in Vietnamese
    resp = client.post(url, {"old_password": "xephang-demo", "new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Mật khẩu của bạn đã được đổi." in resp.content.decode()
    assert get_user_model().objects.get(username="baocao").check_password(NEW)


def test_password_change_needs_a_login(client, demo):
    resp = client.get(reverse("web:password-change"))
    assert resp.status_code == 302 and reverse("web:login") in resp["Location"]


def test_forgotten_password_one_time_link(client, demo):
    assert "Quên mật khẩu?" in client.get(reverse("web:login")).content.decode()
    resp = client.post(reverse("web:password-reset"), {"email": "baocao@example.invalid"}, follow=True)
    assert "Liên kết chỉ dùng được một lần" in resp.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "[xephang] Đặt lại mật khẩu"
    link = re.search(r"https?://[^/]+(/mat-khau/dat-lai/\S+/)", mail.outbox[0].body).group(1)
    resp = client.get(link, follow=True)  # Django moves the token into the session, then shows the form
    assert "Đặt mật khẩu mới" in resp.content.decode()
    form_url = resp.redirect_chain[-1][0]
    resp = client.post(form_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Mật khẩu mới đã được lưu" in resp.content.decode()
    assert get_user_model().objects.get(username="baocao").check_password(NEW)
    # The link works once.
    assert "không còn hiệu lực" in client.get(link, follow=True).content.decode()
    # An unknown address: the same answer, no e-mail (nothing tells which addresses exist).
    resp = client.post(reverse("web:password-reset"), {"email": "khong-co@example.invalid"}, follow=True)
    assert "Liên kết chỉ dùng được một lần" in resp.content.decode() and len(mail.outbox) == 1
