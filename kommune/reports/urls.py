from django.urls import path

from kommune.reports import manage_views, views

app_name = "reports"

PUBLIC = "<slug:municipality_slug>/meldungen/"
ONE = PUBLIC + "<int:issue_id>/"
MANAGE = "<slug:municipality_slug>/verwaltung/meldungen/"

urlpatterns = [
    path(PUBLIC, views.report_list, name="list"),
    path(PUBLIC + "neu/", views.choose_category, name="choose"),
    path(PUBLIC + "neu/<slug:service_code>/", views.create, name="create"),
    path(ONE, views.report_detail, name="detail"),
    path(ONE + "foto/", views.photo, name="photo"),
    path(MANAGE, manage_views.overview, name="manage"),
    path(MANAGE + "<int:issue_id>/", manage_views.report, name="manage_report"),
    path(MANAGE + "erfassen/", manage_views.assisted_choose, name="manage_assisted_choose"),
    path(MANAGE + "erfassen/<slug:service_code>/", manage_views.assisted, name="manage_assisted"),
    path(MANAGE + "einstellungen/", manage_views.edit_settings, name="manage_settings"),
    path(MANAGE + "schluessel/", manage_views.api_keys, name="manage_keys"),
    path(MANAGE + "schluessel/<int:key_id>/widerrufen/", manage_views.revoke_key, name="manage_revoke_key"),
]
