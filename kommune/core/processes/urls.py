from django.urls import path

from kommune.core.processes import feeds, manage_views, views

app_name = "processes"

PUBLIC = "<slug:municipality_slug>/verfahren/"
MANAGE = "<slug:municipality_slug>/verwaltung/verfahren/"

urlpatterns = [
    path(PUBLIC, views.process_list, name="list"),
    path(PUBLIC + "feed.atom", feeds.processes_feed, name="feed"),
    path(PUBLIC + "<slug:process_slug>/", views.process_detail, name="detail"),
    path(PUBLIC + "<slug:process_slug>/neuigkeiten/", views.process_news, name="news"),
    path(PUBLIC + "<slug:process_slug>/neuigkeiten.atom", feeds.news_feed, name="news_feed"),
    # The process's activity stream (recorded by kommune/core/notifications), beside the municipality's.
    path("<slug:municipality_slug>/aktivitaet/verfahren/<slug:process_slug>/", views.activity, name="activity"),
    path("<slug:municipality_slug>/aktivitaet/verfahren/<slug:process_slug>.atom", feeds.activity_feed,
         name="activity_feed"),
    path(MANAGE, manage_views.manage_list, name="manage_list"),
    path(MANAGE + "neu/", manage_views.manage_create, name="manage_create"),
    path(MANAGE + "themen/", manage_views.manage_topics, name="manage_topics"),
    path(MANAGE + "<slug:process_slug>/bearbeiten/", manage_views.manage_edit, name="manage_edit"),
    path(MANAGE + "<slug:process_slug>/phasen/", manage_views.manage_phases, name="manage_phases"),
    path(MANAGE + "<slug:process_slug>/veroeffentlichen/", manage_views.manage_publish, name="manage_publish"),
    path(MANAGE + "<slug:process_slug>/zurueckziehen/", manage_views.manage_unpublish, name="manage_unpublish"),
    path(MANAGE + "<slug:process_slug>/neuigkeiten/", manage_views.manage_news, name="manage_news"),
    path(MANAGE + "<slug:process_slug>/auswertung.zip", manage_views.manage_evaluation_csv,
         name="manage_evaluation_csv"),
    path(MANAGE + "<slug:process_slug>/auswertung.xlsx", manage_views.manage_evaluation_xlsx,
         name="manage_evaluation_xlsx"),
]
