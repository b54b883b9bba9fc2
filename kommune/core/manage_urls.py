from django.urls import path

from kommune.core import manage_views

app_name = "manage"

urlpatterns = [
    path("<slug:municipality_slug>/verwaltung/", manage_views.dashboard, name="dashboard"),
]
