"""Open311 GeoReport v2 at its fixed paths (docs/open311.md); jurisdiction_id = the municipality's slug."""

from django.urls import path

from kommune.reports import open311_views as views

app_name = "open311"

BASE = "open311/v2/"

urlpatterns = [path(BASE, views.root, name="root")]
for fmt in ("xml", "json"):
    urlpatterns += [
        path(f"{BASE}discovery.{fmt}", views.discovery, {"fmt": fmt}, name=f"discovery_{fmt}"),
        path(f"{BASE}services.{fmt}", views.service_list, {"fmt": fmt}, name=f"services_{fmt}"),
        path(f"{BASE}services/<slug:service_code>.{fmt}", views.service_definition, {"fmt": fmt},
             name=f"service_{fmt}"),
        path(f"{BASE}requests.{fmt}", views.requests, {"fmt": fmt}, name=f"requests_{fmt}"),
        path(f"{BASE}requests/<str:service_request_id>.{fmt}", views.request_detail, {"fmt": fmt},
             name=f"request_{fmt}"),
        path(f"{BASE}tokens/<str:token>.{fmt}", views.token, {"fmt": fmt}, name=f"token_{fmt}"),
    ]
