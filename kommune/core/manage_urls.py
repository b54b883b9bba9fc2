from django.urls import path

from kommune.core import manage_views

app_name = "manage"

urlpatterns = [
    path("<slug:municipality_slug>/verwaltung/", manage_views.dashboard, name="dashboard"),
    path("<slug:municipality_slug>/verwaltung/rollen/", manage_views.roles, name="roles"),
    path("<slug:municipality_slug>/verwaltung/rollen/<int:pk>/entziehen/", manage_views.revoke_role,
         name="revoke_role"),
    path("<slug:municipality_slug>/verwaltung/protokoll/", manage_views.audit_log, name="audit_log"),
    path("<slug:municipality_slug>/verwaltung/assistiert/", manage_views.assisted, name="assisted"),
    path("<slug:municipality_slug>/verwaltung/seiten/<str:kind>/", manage_views.edit_page, name="edit_page"),
    path("<slug:municipality_slug>/verwaltung/rueckmeldungen/", manage_views.feedback, name="feedback"),
    path("<slug:municipality_slug>/verwaltung/rueckmeldungen/<int:pk>/erledigt/", manage_views.feedback_handled,
         name="feedback_handled"),
    path("labs/<slug:lab_slug>/verwaltung/", manage_views.lab_dashboard, name="lab_dashboard"),
    path("labs/<slug:lab_slug>/verwaltung/rollen/", manage_views.lab_roles, name="lab_roles"),
    path("labs/<slug:lab_slug>/verwaltung/rollen/<int:pk>/entziehen/", manage_views.lab_revoke_role,
         name="lab_revoke_role"),
    path("labs/<slug:lab_slug>/verwaltung/protokoll/", manage_views.lab_audit_log, name="lab_audit_log"),
]
