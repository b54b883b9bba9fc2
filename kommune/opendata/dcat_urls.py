"""DCAT-AP.de catalogue routes: the whole installation under /dcat/, one municipality under /<slug>/dcat/."""

from django.urls import path

from kommune.opendata import dcat_views

app_name = "dcat"

urlpatterns = [
    path("dcat/catalog", dcat_views.catalogue, name="catalogue"),
    path("dcat/catalog.ttl", dcat_views.catalogue, {"extension": "ttl"}, name="catalogue_ttl"),
    path("dcat/catalog.rdf", dcat_views.catalogue, {"extension": "rdf"}, name="catalogue_rdf"),
    path("dcat/catalog.jsonld", dcat_views.catalogue, {"extension": "jsonld"}, name="catalogue_jsonld"),
    path("<slug:municipality_slug>/dcat/catalog", dcat_views.municipality_catalogue, name="municipality"),
    path("<slug:municipality_slug>/dcat/catalog.ttl", dcat_views.municipality_catalogue, {"extension": "ttl"},
         name="municipality_ttl"),
    path("<slug:municipality_slug>/dcat/catalog.rdf", dcat_views.municipality_catalogue, {"extension": "rdf"},
         name="municipality_rdf"),
    path("<slug:municipality_slug>/dcat/catalog.jsonld", dcat_views.municipality_catalogue,
         {"extension": "jsonld"}, name="municipality_jsonld"),
]
