from django.urls import path

from kommune.projects import feeds, manage_views, views

app_name = "projects"

PUBLIC = "<slug:municipality_slug>/vorhaben/"
ONE = PUBLIC + "<int:project_id>/"
MANAGE = "<slug:municipality_slug>/verwaltung/vorhaben/"
MANAGE_ONE = MANAGE + "<int:project_id>/"

urlpatterns = [
    path(PUBLIC, views.project_list, name="list"),
    path(PUBLIC + "karte/", views.project_map, name="map"),
    path(PUBLIC + "feed/", feeds.status_feed, name="feed"),
    path(ONE, views.project_detail, name="detail"),
    path(ONE + "feed/", feeds.project_feed, name="project_feed"),
    path(MANAGE, manage_views.overview, name="manage"),
    path(MANAGE + "neu/", manage_views.create, name="manage_create"),
    path(MANAGE_ONE + "bearbeiten/", manage_views.edit, name="manage_edit"),
    path(MANAGE_ONE + "status/", manage_views.change_status, name="manage_status"),
    path(MANAGE_ONE + "meilensteine/", manage_views.milestones, name="manage_milestones"),
    path(MANAGE_ONE + "meilensteine/<int:milestone_id>/", manage_views.edit_milestone, name="manage_milestone"),
    path(MANAGE_ONE + "meilensteine/<int:milestone_id>/loeschen/", manage_views.delete_milestone,
         name="manage_delete_milestone"),
    path(MANAGE_ONE + "finanzierung/", manage_views.funding, name="manage_funding"),
    path(MANAGE_ONE + "finanzierung/<int:funding_id>/loeschen/", manage_views.remove_funding,
         name="manage_remove_funding"),
    path(MANAGE_ONE + "verknuepfungen/", manage_views.links, name="manage_links"),
    path(MANAGE_ONE + "verknuepfungen/<int:link_id>/loeschen/", manage_views.unlink, name="manage_unlink"),
]
