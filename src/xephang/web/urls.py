from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import security, views, views_analysis

app_name = "web"

pages = [
    path("", views.home, name="home"),
    path("dang-nhap/", security.LoginView.as_view(), name="login"),  # throttled after repeated failures
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    # Public results and open data
    path("ket-qua/<int:period_id>/", views.results, name="results"),
    path("ket-qua/<int:period_id>/don-vi/<int:unit_id>/", views.unit_result, name="unit-result"),
    path("ket-qua/<int:period_id>/du-lieu.<str:fmt>", views.open_data, name="open-data"),
    path("ket-qua/<int:period_id>/van-ban/<str:kind>/", views.decision_document, name="decision"),
    path("ket-qua/<int:period_id>/don-vi/<int:unit_id>/phieu-ket-qua.<str:fmt>", views_analysis.scorecard,
         name="scorecard"),
    path("api/ket-qua/", views.api_periods, name="api-periods"),
    path("api/ket-qua/<int:period_id>/", views.api_period, name="api-period"),
    # Work
    path("bang-dieu-khien/", views.dashboard, name="dashboard"),
    path("ky/<int:period_id>/", views.period_page, name="period"),
    path("ky/<int:period_id>/thong-tin-quyet-dinh/", views_analysis.decision_meta, name="decision-meta"),
    path("ky/<int:period_id>/phan-tich/", views_analysis.analysis_page, name="analysis"),
    path("ky/<int:period_id>/phan-tich/do-vung.png", views_analysis.analysis_chart, name="analysis-chart"),
    path("ky/<int:period_id>/chuyen-giai-doan/", views.period_transition, name="period-transition"),
    path("ky/<int:period_id>/dinh-chinh/", views.period_correct, name="period-correct"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/", views.report, name="report"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/tinh-diem/", views.report_live, name="report-live"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/bieu-mau.xlsx", views.report_template, name="report-template"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/nhap-excel/", views.report_upload, name="report-upload"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/minh-chung/", views.evidence_upload, name="evidence-upload"),
    path("ky/<int:period_id>/bao-cao/<int:unit_id>/minh-chung/<int:evidence_id>/", views.evidence_download,
         name="evidence-download"),
    path("ky/<int:period_id>/tham-dinh/", views.appraisal_list, name="appraisal"),
    path("ky/<int:period_id>/tham-dinh/<int:unit_id>/", views.appraisal_unit, name="appraisal-unit"),
    path("ky/<int:period_id>/giai-trinh/<int:unit_id>/", views.explanation_page, name="explanation"),
    path("bo-tieu-chi/", views.frameworks, name="frameworks"),
    path("nhat-ky/", views.audit_log, name="audit"),
]

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("", include((pages, "web"))),
]

handler403 = "xephang.web.views.denied"
handler404 = "xephang.web.views.not_found"
