"""OParl 1.1 routes at the fixed paths that OParl clients expect (docs/council.md)."""

from django.urls import path

from kommune.council import views
from kommune.council.oparl import KINDS

app_name = "council"

BODY = "oparl/v1.1/body/<slug:municipality_slug>"

urlpatterns = [
    path("oparl/v1.1/system", views.system, name="system"),
    path("oparl/v1.1/body", views.bodies, name="bodies"),
    path(BODY, views.body, name="body"),
    path(f"{BODY}/file/<int:object_id>/download", views.file_download, name="file_download"),
    path(f"{BODY}/file/<int:object_id>/access", views.file_access, name="file_access"),
]
for kind in KINDS:
    urlpatterns += [
        path(f"{BODY}/{kind}", views.object_list, {"kind": kind}, name=f"{kind}_list"),
        path(f"{BODY}/{kind}/<int:object_id>", views.object_detail, {"kind": kind}, name=kind),
    ]
