from django.urls import path

from kommune.opendata import manage_views, views

app_name = "opendata"

PUBLIC = "<slug:municipality_slug>/daten/"
MANAGE = "<slug:municipality_slug>/verwaltung/daten/"
MANAGE_DATASET = MANAGE + "<slug:dataset_slug>/"

urlpatterns = [
    path(PUBLIC, views.catalogue, name="catalogue"),
    path(PUBLIC + "<slug:dataset_slug>/", views.dataset_detail, name="dataset"),
    path(PUBLIC + "<slug:dataset_slug>/ressourcen/<int:resource_id>/<str:filename>", views.resource_download,
         name="resource_download"),
    path(MANAGE, manage_views.manage_list, name="manage_list"),
    path(MANAGE + "neu/", manage_views.manage_create, name="manage_create"),
    path(MANAGE_DATASET + "bearbeiten/", manage_views.manage_edit, name="manage_edit"),
    path(MANAGE_DATASET + "veroeffentlichen/", manage_views.manage_publish, name="manage_publish"),
    path(MANAGE_DATASET + "zurueckziehen/", manage_views.manage_unpublish, name="manage_unpublish"),
    path(MANAGE_DATASET + "loeschen/", manage_views.manage_delete, name="manage_delete"),
    path(MANAGE_DATASET + "ressourcen/neu/", manage_views.manage_add_resource, name="manage_add_resource"),
    path(MANAGE_DATASET + "ressourcen/<int:resource_id>/ersetzen/", manage_views.manage_replace_resource,
         name="manage_replace_resource"),
    path(MANAGE_DATASET + "ressourcen/<int:resource_id>/loeschen/", manage_views.manage_delete_resource,
         name="manage_delete_resource"),
]
