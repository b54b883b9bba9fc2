from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/", include("kommune.accounts.urls")),
    path("", include("kommune.core.manage_urls")),
    path("", include("kommune.accounts.manage_urls")),
    path("", include("kommune.core.processes.urls")),
    path("", include("kommune.core.comments.urls")),
    path("", include("kommune.core.moderation.urls")),
    path("", include("kommune.core.notifications.urls")),
    path("", include("kommune.core.search.urls")),
    # Last: the catch-all /<municipality_slug>/... routes.
    path("", include("kommune.core.urls")),
]

handler403 = "kommune.core.errors.permission_denied"
handler404 = "kommune.core.errors.page_not_found"
handler500 = "kommune.core.errors.server_error"
