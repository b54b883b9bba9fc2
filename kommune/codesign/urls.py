from django.urls import path

from kommune.codesign import views

app_name = "codesign"

PUBLIC = "<slug:municipality_slug>/dienstleistungen/"
ONE = PUBLIC + "<int:service_id>/"
MANAGE = "<slug:municipality_slug>/verwaltung/dienstleistungen/"
MANAGE_ONE = MANAGE + "<int:service_id>/"

urlpatterns = [
    path(PUBLIC, views.service_list, name="list"),
    path(ONE, views.service_detail, name="detail"),
    path(ONE + "schritte/<int:step_id>/", views.step_detail, name="step"),
    path(ONE + "bewerten/", views.rate, name="rate"),
    path(MANAGE, views.manage, name="manage"),
    path(MANAGE_ONE, views.manage_service, name="manage_service"),
    path(MANAGE_ONE + "veroeffentlichen/", views.manage_publish, name="manage_publish"),
    path(MANAGE_ONE + "schritte/neu/", views.manage_add_step, name="manage_add_step"),
    path(MANAGE_ONE + "schritte/<int:step_id>/", views.manage_step, name="manage_step"),
    path(MANAGE_ONE + "schritte/<int:step_id>/entfernen/", views.manage_remove_step, name="manage_remove_step"),
    path(MANAGE_ONE + "rueckmeldungen/", views.manage_feedback, name="manage_feedback"),
    path(MANAGE_ONE + "themen/neu/", views.manage_add_theme, name="manage_add_theme"),
    path(MANAGE_ONE + "rueckmeldungen/zuordnen/", views.manage_assign_theme, name="manage_assign_theme"),
    path(MANAGE_ONE + "aenderungen/", views.manage_change, name="manage_change"),
    path(MANAGE_ONE + "telefonisch/", views.manage_assisted, name="manage_assisted"),
]
