from django.urls import path

from kommune.consultations import manage_views, views

app_name = "consultations"

PUBLIC = "<slug:municipality_slug>/konsultationen/"
ONE = PUBLIC + "<int:consultation_id>/"
MANAGE = "<slug:municipality_slug>/verwaltung/konsultationen/"
MANAGE_ONE = MANAGE + "<int:consultation_id>/"

urlpatterns = [
    path(PUBLIC, views.consultation_list, name="list"),
    path(ONE, views.consultation_detail, name="detail"),
    path(ONE + "absatz/<int:paragraph_id>/", views.paragraph, name="paragraph"),
    path(ONE + "absatz/<int:paragraph_id>/kommentieren/", views.comment, name="comment"),
    path(ONE + "abwaegung/", views.considerations, name="considerations"),
    path(ONE + "abwaegung.<str:file_format>", views.considerations_file, name="considerations_file"),
    path(ONE + "fassungen/<int:number>/", views.version_changes, name="changes"),
    path(MANAGE, manage_views.overview, name="manage"),
    path(MANAGE + "neu/", manage_views.create, name="manage_create"),
    path(MANAGE_ONE, manage_views.edit, name="manage_edit"),
    path(MANAGE_ONE + "fassung/", manage_views.add_version, name="manage_version"),
    path(MANAGE_ONE + "abwaegung/", manage_views.considerations, name="manage_considerations"),
    path(MANAGE_ONE + "abwaegung/antwort/<int:answer_id>/", manage_views.edit_answer, name="manage_answer"),
    path(MANAGE_ONE + "abwaegung/veroeffentlichen/", manage_views.publish_considerations,
         name="manage_publish_considerations"),
    path(MANAGE_ONE + "fassungen/<int:number>/gruende/", manage_views.change_reasons, name="manage_change_reasons"),
]
