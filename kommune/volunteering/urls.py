from django.urls import path

from kommune.volunteering import views

app_name = "volunteering"

BASE = "<slug:municipality_slug>/mitmachen/"
PROJECT = BASE + "projekt/<int:volunteer_project_id>/"
SHIFT = BASE + "schicht/<int:shift_id>/"

urlpatterns = [
    path(BASE, views.shift_list, name="list"),
    path(BASE + "meine/", views.mine, name="mine"),
    path(BASE + "meine/bescheinigung.pdf", views.certificate, name="certificate"),
    path(BASE + "abmelden/<str:token>/", views.cancel, name="cancel"),
    path(BASE + "organisieren/", views.organise, name="organise"),
    path(BASE + "neu/", views.project_create, name="project_create"),
    path(PROJECT, views.project_detail, name="project"),
    path(PROJECT + "bearbeiten/", views.project_edit, name="project_edit"),
    path(PROJECT + "schicht-neu/", views.shift_create, name="shift_create"),
    path(SHIFT, views.shift_detail, name="shift"),
    path(SHIFT + "eintragen/", views.sign_up, name="sign_up"),
    path(SHIFT + "liste/", views.roster, name="roster"),
    path(SHIFT + "liste.csv", views.roster_csv, name="roster_csv"),
    path(SHIFT + "liste.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path(SHIFT + "liste/<int:sign_up_id>/abmelden/", views.roster_cancel, name="roster_cancel"),
    path(SHIFT + "liste/<int:sign_up_id>/teilnahme/", views.attendance, name="attendance"),
]
