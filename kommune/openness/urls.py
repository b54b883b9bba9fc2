from django.urls import path

from kommune.openness import views

app_name = "openness"

PUBLIC = "<slug:municipality_slug>/offenheit/"
MANAGE = "<slug:municipality_slug>/verwaltung/offenheit/"
LAB_PUBLIC = "labs/<slug:lab_slug>/offenheit/"
LAB_MANAGE = "labs/<slug:lab_slug>/verwaltung/offenheit/"

urlpatterns = [
    path(PUBLIC, views.reports, name="reports"),
    path(PUBLIC + "<str:year>/", views.report_page, name="report"),
    path(PUBLIC + "<str:year>/bericht.pdf", views.report_pdf, name="report_pdf"),
    path(MANAGE, views.manage, name="manage"),
    path(MANAGE + "runde/", views.open_round, name="open_round"),
    path(MANAGE + "bericht/", views.publish_report, name="publish_report"),
    path(MANAGE + "<str:year>/", views.questionnaire, name="questionnaire"),
    path(MANAGE + "<str:year>/ergebnis/", views.result, name="result"),
    path(MANAGE + "<str:year>/abschliessen/", views.close_round, name="close_round"),
    path(MANAGE + "<str:year>/freigabe/", views.sharing, name="sharing"),
    path(LAB_PUBLIC, views.lab_reports, name="lab_reports"),
    path(LAB_PUBLIC + "<str:year>/", views.lab_report, name="lab_report"),
    path(LAB_PUBLIC + "<str:year>/bericht.pdf", views.lab_report_pdf, name="lab_report_pdf"),
    path(LAB_MANAGE, views.lab_manage, name="lab_manage"),
    path(LAB_MANAGE + "bericht/", views.lab_publish_report, name="lab_publish_report"),
]
