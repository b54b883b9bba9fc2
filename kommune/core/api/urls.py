from django.urls import path

from kommune.core.api import views

app_name = "api"

# The API itself (/api/v1/…) is included by config/urls.py from kommune.core.api.api.urls() after these.
urlpatterns = [
    path("konto/zugangsschluessel/", views.tokens, name="tokens"),
    path("konto/zugangsschluessel/<int:token_id>/widerrufen/", views.revoke_token, name="revoke_token"),
    path("api/v1/docs/", views.documentation, name="docs"),
]
