from django.urls import path

from kommune.core.search import views

app_name = "search"

urlpatterns = [
    path("suche/", views.search_all, name="search"),
    path("<slug:municipality_slug>/suche/", views.municipality_search, name="municipality_search"),
]
