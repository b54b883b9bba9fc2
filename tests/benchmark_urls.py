"""The project's URLs with the benchmark's floor page, as BENCHMARK=true routes them (config/urls.py), for tests that
need the benchmark app in a test run where the default install leaves it out."""

from django.urls import include, path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("", include("kommune.benchmark.urls")), *project_urlpatterns]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
