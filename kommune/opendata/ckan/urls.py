"""CKAN Action API routes; the action name may carry a trailing slash, so no APPEND_SLASH redirect interferes."""

from django.urls import path, register_converter

from kommune.opendata.ckan import views


class ActionNameConverter:
    # Any name, so that an unknown one gets CKAN's "Action name not known" in its envelope, not an HTML 404.
    regex = r"[^/]+/?"

    def to_python(self, value: str) -> str:
        return value.rstrip("/")

    def to_url(self, value: str) -> str:
        return value


register_converter(ActionNameConverter, "ckan_action")

app_name = "ckan"

urlpatterns = [
    path("api/3/action/<ckan_action:action>", views.action, name="action"),
    path("api/action/<ckan_action:action>", views.action, name="action_unversioned"),
]
