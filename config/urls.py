from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from kommune.accounts import views as accounts_views
from kommune.core.api.api import urls as api_v1_urls
from kommune.core.resolver import cached_patterns

# A person's public page in a municipality (opt-in; kommune/accounts/profiles.py): under the municipality, not
# under /konto/ (the person's own pages).
people_urls = ([path("<slug:municipality_slug>/personen/<int:user_id>/", accounts_views.person, name="person")],
               "people")

patterns = [
    path("admin/", admin.site.urls),
    path("konto/", include("kommune.accounts.urls")),
    path("", include("kommune.core.api.urls")),  # /konto/zugangsschluessel/…, /api/v1/docs/
    path("api/v1/", api_v1_urls()),  # the REST API; every path below answers in the API's error format
    path("", include("kommune.core.manage_urls")),
    path("", include("kommune.accounts.manage_urls")),
    path("", include(people_urls)),
    path("", include("kommune.core.processes.urls")),
    path("", include("kommune.core.comments.urls")),
    path("", include("kommune.core.moderation.urls")),
    path("", include("kommune.core.notifications.urls")),
    path("", include("kommune.core.search.urls")),
    path("", include("kommune.proposals.urls")),
    path("", include("kommune.opendata.dcat_urls")),  # /dcat/catalog.* and /<slug>/dcat/catalog.*
    path("", include("kommune.opendata.ckan.urls")),  # /api/3/action/<action> and /api/action/<action>
    path("", include("kommune.opendata.urls")),  # /<slug>/daten/… and /<slug>/verwaltung/daten/…
    path("", include("kommune.council.urls")),  # /oparl/v1.1/…
    path("", include("kommune.adoptions.urls")),  # /<slug>/patenschaften/…
    path("", include("kommune.codesign.urls")),  # /<slug>/dienstleistungen/…
    path("", include("kommune.council.page_urls")),  # /<slug>/rat/…
    path("", include("kommune.council.trail_urls")),  # /<slug>/verwaltung/rat/ueberweisungen/…
    path("", include("kommune.projects.urls")),  # /<slug>/vorhaben/… and /<slug>/verwaltung/vorhaben/…
    path("", include("kommune.consultations.urls")),  # /<slug>/konsultationen/…
    path("", include("kommune.surveys.urls")),  # /<slug>/umfragen/… and /<slug>/meinungsbilder/…
    path("", include("kommune.inclusion.urls")),  # /<slug>/events.ics, /<slug>/veranstaltungen/, /<slug>/treffpunkte/
    path("", include("kommune.volunteering.urls")),  # /<slug>/mitmachen/
    path("", include("kommune.reports.open311_urls")),  # /open311/v2/…
    path("", include("kommune.reports.urls")),  # /<slug>/meldungen/… and /<slug>/verwaltung/meldungen/…
    path("", include("kommune.sensors.urls")),  # POST /sensors/push and /<slug>/sensoren/…
    path("", include("kommune.newsletters.urls")),  # /<slug>/newsletter/…
    path("", include("kommune.labs.urls")),  # /labs/<lab>/… (the lab page and its workspace)
    path("", include("kommune.methods.urls")),  # /methoden/… and /<slug>/verwaltung/methoden/…
    path("", include("kommune.impact.urls")),  # /<slug>/wirkung/… and /<slug>/verwaltung/wirkung/…
    path("", include("kommune.openness.urls")),  # /<slug>/offenheit/… and /<slug>/verwaltung/offenheit/…
    # Last: the catch-all /<municipality_slug>/... routes.
    path("", include("kommune.core.urls")),
]

if apps.is_installed("kommune.benchmark"):  # BENCHMARK=true: the benchmark's floor page
    patterns.insert(0, path("", include("kommune.benchmark.urls")))

# Resolved once per path and process (kommune/core/resolver.py): there are hundreds of patterns.
urlpatterns = cached_patterns(patterns)

handler403 = "kommune.core.errors.permission_denied"
handler404 = "kommune.core.errors.page_not_found"
handler500 = "kommune.core.errors.server_error"
