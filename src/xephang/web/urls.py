from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import accounts, security
from .views import accounts as account_views
from .views import (
    accounts_admin,
    admin_settings,
    administration,
    analysis,
    appraisal,
    period,
    progress,
    public,
    report,
    setup,
    verifiers,
)

app_name = "web"

pages = [
    path("", public.home, name="home"),
    path("dang-nhap/", security.LoginView.as_view(), name="login"),  # throttled after repeated failures
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    # Passwords: Django's auth views, in Vietnamese (accounts.py)
    path("mat-khau/doi/", accounts.password_change, name="password-change"),
    path("mat-khau/doi/xong/", accounts.password_change_done, name="password-change-done"),
    path("mat-khau/quen/", accounts.password_reset, name="password-reset"),
    path("mat-khau/quen/da-gui/", accounts.password_reset_done, name="password-reset-done"),
    path("mat-khau/dat-lai/<uidb64>/<token>/", accounts.password_reset_confirm, name="password-reset-confirm"),
    path("mat-khau/dat-lai/xong/", accounts.password_reset_complete, name="password-reset-complete"),
    # Public results, open data and downloads (views.public)
    path("ket-qua/<int:period_id>/", public.results, name="results"),
    path("ket-qua/<int:period_id>/don-vi/<int:unit_id>/", public.unit_result, name="unit-result"),
    path("ket-qua/<int:period_id>/du-lieu.<str:fmt>", public.open_data, name="open-data"),
    path("ket-qua/<int:period_id>/van-ban/<str:kind>/", public.decision_document, name="decision"),
    path("ket-qua/<int:period_id>/don-vi/<int:unit_id>/phieu-ket-qua.<str:fmt>", public.scorecard, name="scorecard"),
    path("ket-qua/<int:period_id>/quyet-dinh-da-ky/<int:edition>.pdf", public.signed_scan, name="signed-scan"),
    path("api/ket-qua/", public.api_periods, name="api-periods"),
    path("api/ket-qua/<int:period_id>/", public.api_period, name="api-period"),
    # A period's administration (views.period)
    path("bang-dieu-khien/", period.dashboard, name="dashboard"),
    path("ky/moi/", setup.period_new, name="period-new"),
    path("ky/<int:period_id>/", period.period_page, name="period"),
    path("ky/<int:period_id>/thong-tin-quyet-dinh/", period.decision_meta, name="decision-meta"),
    path("ky/<int:period_id>/tham-so/", period.period_params, name="period-params"),
    path("ky/<int:period_id>/so-lieu-do/", period.measured_feed, name="measured"),
    path("ky/<int:period_id>/chuyen-giai-doan/", period.period_transition, name="period-transition"),
    path("ky/<int:period_id>/xac-minh/", verifiers.period_verifiers, name="period-verifiers"),
    path("ky/<int:period_id>/khong-bao-cao/", period.non_reporting, name="non-reporting"),
    path("ky/<int:period_id>/cong-bo/", period.publish_page, name="publish"),
    path("ky/<int:period_id>/dinh-chinh/", period.reopen_page, name="reopen"),
    path("ky/<int:period_id>/du-thao/", period.draft_results, name="draft"),
    path("ky/<int:period_id>/du-thao/van-ban/<str:kind>/", period.draft_document, name="draft-decision"),
    # The coordinator's progress board, reminders, deadline extensions (views.progress)
    path("ky/<int:period_id>/tien-do/", progress.board, name="progress"),
    path("ky/<int:period_id>/tien-do.csv", progress.board_csv, name="progress-csv"),
    path("ky/<int:period_id>/tien-do/nhac/", progress.remind, name="progress-remind"),
    path("ky/<int:period_id>/tien-do/<int:unit_id>/gia-han/", progress.extend, name="deadline-extend"),
    # Reporting and explanations (views.report)
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/", report.report, name="report"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/tinh-diem/", report.report_live, name="report-live"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/bieu-mau.xlsx", report.report_template, name="report-template"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/nhap-excel/", report.report_upload, name="report-upload"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/minh-chung/", report.evidence_upload, name="evidence-upload"),
    path(
        "ky/<int:period_id>/bao-cao/<int:unit_id>/minh-chung/<int:evidence_id>/",
        report.evidence_download,
        name="evidence-download",
    ),
    path(
        "ky/<int:period_id>/bao-cao/<int:unit_id>/minh-chung/<int:evidence_id>/lien-ket/",
        report.evidence_relink,
        name="evidence-relink",
    ),
    path(
        "ky/<int:period_id>/bao-cao/<int:unit_id>/minh-chung/<int:evidence_id>/bo-lien-ket/",
        report.evidence_unlink,
        name="evidence-unlink",
    ),
    path(
        "ky/<int:period_id>/bao-cao/<int:unit_id>/minh-chung/<int:evidence_id>/xoa/",
        report.evidence_delete,
        name="evidence-delete",
    ),
    # Appraisal (views.appraisal)
    path("ky/<int:period_id>/tham-dinh/", appraisal.appraisal_list, name="appraisal"),
    path("ky/<int:period_id>/tham-dinh/<int:unit_id>/", appraisal.appraisal_unit, name="appraisal-unit"),
    path("ky/<int:period_id>/giai-trinh/<int:unit_id>/", report.explanation_page, name="explanation"),
    # Analysis for leaders (views.analysis)
    path("ky/<int:period_id>/phan-tich/", analysis.analysis_page, name="analysis"),
    path("ky/<int:period_id>/phan-tich/do-vung.png", analysis.analysis_chart, name="analysis-chart"),
    # Administration: criteria sets, audit trail (views.administration)
    path("bo-tieu-chi/", administration.frameworks, name="frameworks"),
    path("bo-tieu-chi/<slug:code>/bang.<str:fmt>", administration.framework_table, name="framework-table"),
    path("nhat-ky/", administration.audit_log, name="audit"),
    path("cai-dat/", admin_settings.province_settings, name="province-settings"),
    path("tai-khoan/", accounts_admin.accounts, name="accounts"),
    path("tai-khoan/moi/", accounts_admin.account_edit, name="account-new"),
    path("tai-khoan/<int:account_id>/", accounts_admin.account_edit, name="account-edit"),
    path("tai-khoan/nhap/", account_views.accounts_import, name="accounts-import"),
    path("tai-khoan/mau.xlsx", account_views.accounts_template, name="accounts-template"),
]

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("", include((pages, "web"))),
]

handler400 = "xephang.web.views.public.bad_request"
handler403 = "xephang.web.views.public.denied"
handler404 = "xephang.web.views.public.not_found"
