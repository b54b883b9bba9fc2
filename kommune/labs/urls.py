from django.urls import path

from kommune.labs import views

app_name = "labs"

LAB = "labs/<slug:lab_slug>/"
SUB = LAB + "teilprojekte/<int:subproject_id>/"

urlpatterns = [
    # The lab's page: this app's workspace replaces core's plain lab page at the same address.
    path(LAB, views.lab_home, name="home"),
    path(LAB + "teilprojekte/neu/", views.subproject_create, name="subproject_create"),
    path(SUB, views.subproject, name="subproject"),
    path(SUB + "bearbeiten/", views.subproject_edit, name="subproject_edit"),
    path(SUB + "aufgaben/neu/", views.task_create, name="task_create"),
    path(SUB + "aufgaben/<int:task_id>/erledigt/", views.task_done, name="task_done"),
    path(SUB + "aufgaben/<int:task_id>/bearbeiten/", views.task_edit, name="task_edit"),
    path(SUB + "aufgaben/<int:task_id>/loeschen/", views.task_delete, name="task_delete"),
    path(SUB + "notizen/neu/", views.note_create, name="note_create"),
    path(SUB + "notizen/<int:note_id>/", views.note, name="note"),
    path(SUB + "notizen/<int:note_id>/bearbeiten/", views.note_edit, name="note_edit"),
    path(SUB + "notizen/<int:note_id>/loeschen/", views.note_delete, name="note_delete"),
    path(SUB + "dokumente/neu/", views.document_create, name="document_create"),
    path(SUB + "dokumente/<int:document_id>/", views.document, name="document"),
    path(SUB + "dokumente/<int:document_id>/loeschen/", views.document_delete, name="document_delete"),
    path(SUB + "verantwortliche/neu/", views.responsible_add, name="responsible_add"),
    path(SUB + "verantwortliche/<int:responsible_id>/entfernen/", views.responsible_remove,
         name="responsible_remove"),
    path(SUB + "verknuepfungen/neu/", views.link_create, name="link_create"),
    path(SUB + "verknuepfungen/<int:link_id>/entfernen/", views.link_remove, name="link_remove"),
    path(LAB + "sichtbarkeit/<slug:item_kind>/<int:item_id>/", views.set_visibility, name="set_visibility"),
    path(LAB + "neuigkeiten/", views.news_list, name="news_list"),
    path(LAB + "neuigkeiten/feed/", views.news_feed, name="news_feed"),
    path(LAB + "neuigkeiten/neu/", views.news_create, name="news_create"),
    path(LAB + "neuigkeiten/<int:news_id>/", views.news, name="news"),
    path(LAB + "neuigkeiten/<int:news_id>/bearbeiten/", views.news_edit, name="news_edit"),
    path(LAB + "neuigkeiten/<int:news_id>/loeschen/", views.news_delete, name="news_delete"),
    path(LAB + "termine/neu/", views.event_create, name="event_create"),
]
