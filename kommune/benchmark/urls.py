"""Routed only when the benchmark app is installed (BENCHMARK=true, see config/urls.py)."""

from django.urls import path

from kommune.benchmark import views

app_name = "benchmark"

urlpatterns = [
    path("bench/floor/", views.floor, name="floor"),
]
