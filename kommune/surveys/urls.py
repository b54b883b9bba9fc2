from django.urls import path

from kommune.surveys import manage_views, views

app_name = "surveys"

SURVEYS = "<slug:municipality_slug>/umfragen/"
SURVEY = SURVEYS + "<int:survey_id>/"
MAP = "<slug:municipality_slug>/meinungsbilder/<int:map_id>/"
MANAGE = "<slug:municipality_slug>/verwaltung/umfragen/"

urlpatterns = [
    path(SURVEYS, views.overview, name="overview"),
    path(SURVEY, views.survey_detail, name="detail"),
    path(SURVEY + "antworten/", views.answer, name="answer"),
    path(SURVEY + "ergebnisse/", views.results, name="results"),
    path(SURVEY + "ergebnisse.csv", views.results_csv, name="results_csv"),
    path(MAP, views.map_detail, name="map_detail"),
    path(MAP + "abstimmen/", views.vote, name="vote"),
    path(MAP + "aussage/", views.post_statement, name="post_statement"),
    path(MANAGE, manage_views.overview, name="manage"),
    path(MANAGE + "<int:survey_id>/", manage_views.survey, name="manage_survey"),
    path(MANAGE + "<int:survey_id>/veroeffentlichen/", manage_views.publish_survey, name="manage_publish_survey"),
    path(MANAGE + "<int:survey_id>/papier/", manage_views.paper, name="manage_paper"),
    path(MANAGE + "meinungsbilder/<int:map_id>/", manage_views.opinion_map, name="manage_map"),
    path(MANAGE + "meinungsbilder/<int:map_id>/veroeffentlichen/", manage_views.publish_map,
         name="manage_publish_map"),
    path(MANAGE + "meinungsbilder/<int:map_id>/berechnen/", manage_views.compute_map, name="manage_compute_map"),
]
