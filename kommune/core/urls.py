from django.urls import path

from kommune.core import views
from kommune.core.models import PageKind

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("sprache/", views.set_language, name="set_language"),
    path("healthz/", views.healthz, name="healthz"),
    path("<slug:municipality_slug>/", views.municipality_home, name="municipality_home"),
    path("<slug:municipality_slug>/impressum/", views.page, {"kind": PageKind.IMPRINT}, name="imprint"),
    path("<slug:municipality_slug>/datenschutz/", views.page, {"kind": PageKind.PRIVACY}, name="privacy"),
    path("<slug:municipality_slug>/leichte-sprache/", views.page, {"kind": PageKind.EASY_LANGUAGE},
         name="easy_language"),
    path("<slug:municipality_slug>/barrierefreiheit/", views.accessibility, name="accessibility"),
    path("<slug:municipality_slug>/logo/<str:filename>", views.logo, name="logo"),
]
