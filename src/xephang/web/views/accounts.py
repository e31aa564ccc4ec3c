"""Accounts in bulk: the sheet to fill, and its import with invitations (accounts_import.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render

from ..accounts_import import AccountImportError, create_accounts, read_accounts, template
from ..permissions import allow
from ..security import UploadRefused, check_spreadsheet, safe_name


class AccountsUploadForm(forms.Form):
    xlsx = forms.FileField(
        label="Tệp Excel danh sách tài khoản (.xlsx)",
        error_messages={"required": "Hãy chọn tệp Excel danh sách tài khoản."},
    )


@allow("account.import")
def accounts_import(request):
    problems, created = [], []
    if request.method == "POST":
        form = AccountsUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["xlsx"]
            name = safe_name(upload.name, "xlsx")
            try:
                check_spreadsheet(upload, name)  # by content, no zip bomb reaches openpyxl
                rows = read_accounts(upload, name)
            except UploadRefused as e:
                problems = [str(e)]
            except AccountImportError as e:
                problems = e.problems
            else:
                created = create_accounts(rows, request.user, request.build_absolute_uri("/"))
                messages.success(request, f"Đã tạo {len(created)} tài khoản và gửi thư mời đặt mật khẩu.")
                return render(request, "web/accounts_import.html", {"form": AccountsUploadForm(), "created": created})
            messages.error(request, f"Không tạo tài khoản nào: {len(problems)} lỗi trong tệp (xem danh sách).")
    else:
        form = AccountsUploadForm()
    return render(request, "web/accounts_import.html", {"form": form, "problems": problems, "created": created})


@allow("account.import")
def accounts_template(request):
    resp = HttpResponse(template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = 'attachment; filename="danh-sach-tai-khoan.xlsx"'
    return resp
