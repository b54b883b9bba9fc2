from django.urls import path

from kommune.proposals import feeds, manage_views, views

app_name = "proposals"

PUBLIC = "<slug:municipality_slug>/vorschlaege/"
ONE = PUBLIC + "<int:proposal_id>/"
MANAGE = "<slug:municipality_slug>/verwaltung/vorschlaege/"

urlpatterns = [
    path(PUBLIC, views.proposal_list, name="list"),
    path(PUBLIC + "karte/", views.proposal_map, name="map"),
    path(PUBLIC + "feed/", feeds.proposals_feed, name="feed"),
    path(ONE + "feed/", feeds.updates_feed, name="updates_feed"),
    path(PUBLIC + "neu/", views.create, name="create"),
    path(PUBLIC + "aehnliche/", views.similar, name="similar"),
    path(ONE, views.proposal_detail, name="detail"),
    path(ONE + "bearbeiten/", views.edit, name="edit"),
    path(ONE + "veroeffentlichen/", views.publish, name="publish"),
    path(ONE + "unterstuetzen/", views.support, name="support"),
    path(ONE + "zurueckziehen/", views.withdraw, name="withdraw"),
    path(ONE + "zuruecknehmen/", views.withdraw_proposal, name="withdraw_proposal"),
    path(ONE + "loeschen/", views.delete_draft, name="delete_draft"),
    path(ONE + "bild/<str:filename>", views.image, name="image"),
    path(ONE + "anhaenge/<int:attachment_id>/", views.attachment, name="attachment"),
    path(MANAGE, manage_views.overview, name="manage"),
    path(MANAGE + "einstellungen/", manage_views.edit_settings, name="manage_settings"),
    path(MANAGE + "kategorien/", manage_views.categories, name="manage_categories"),
    path(MANAGE + "<int:proposal_id>/antwort/", manage_views.answer, name="manage_answer"),
    path(MANAGE + "<int:proposal_id>/neuigkeiten/", manage_views.updates, name="manage_updates"),
    path(MANAGE + "<int:proposal_id>/unterschriften/", manage_views.signature_lists, name="manage_signatures"),
    path(MANAGE + "<int:proposal_id>/unterschriften/<int:signature_list_id>/scan/", manage_views.signature_scan,
         name="manage_signature_scan"),
]
