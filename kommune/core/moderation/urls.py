from django.urls import path

from kommune.core.moderation import views

app_name = "moderation"

urlpatterns = [
    # Public
    path("<slug:municipality_slug>/moderation/", views.log, name="log"),
    path("<slug:municipality_slug>/netiquette/", views.netiquette, name="netiquette"),
    path("<slug:municipality_slug>/kommentare/<int:comment_id>/melden/", views.report_comment, name="report_comment"),
    path("<slug:municipality_slug>/melden/<slug:reportable>/<int:object_id>/", views.report_contribution,
         name="report_contribution"),
    path("<slug:municipality_slug>/moderation/entscheidungen/<int:act_id>/", views.request_review,
         name="request_review"),
    # Moderators
    path("<slug:municipality_slug>/verwaltung/moderation/", views.queue, name="queue"),
    path("<slug:municipality_slug>/verwaltung/moderation/meldungen/<int:report_id>/", views.report_detail,
         name="report_detail"),
    path("<slug:municipality_slug>/verwaltung/moderation/kommentare/<int:comment_id>/", views.comment, name="comment"),
    path("<slug:municipality_slug>/verwaltung/moderation/kommentare/<int:comment_id>/verbergen/", views.hide,
         name="hide"),
    path("<slug:municipality_slug>/verwaltung/moderation/kommentare/<int:comment_id>/wieder-zeigen/", views.unhide,
         name="unhide"),
    path("<slug:municipality_slug>/verwaltung/moderation/kommentare/<int:comment_id>/sperren/", views.block_author,
         name="block_author"),
    path("<slug:municipality_slug>/verwaltung/moderation/beitraege/<slug:reportable>/<int:object_id>/",
         views.contribution, name="contribution"),
    path("<slug:municipality_slug>/verwaltung/moderation/beitraege/<slug:reportable>/<int:object_id>/verbergen/",
         views.hide_contribution, name="hide_contribution"),
    path("<slug:municipality_slug>/verwaltung/moderation/beitraege/<slug:reportable>/<int:object_id>/"
         "wieder-zeigen/", views.unhide_contribution, name="unhide_contribution"),
    path("<slug:municipality_slug>/verwaltung/moderation/sperren/", views.blocks, name="blocks"),
    path("<slug:municipality_slug>/verwaltung/moderation/sperren/<int:block_id>/aufheben/", views.unblock,
         name="unblock"),
    path("<slug:municipality_slug>/verwaltung/moderation/pruefungen/", views.reviews, name="reviews"),
    path("<slug:municipality_slug>/verwaltung/moderation/pruefungen/<int:review_id>/", views.review_detail,
         name="review_detail"),
    # Staff
    path("<slug:municipality_slug>/verwaltung/netiquette/", views.edit_netiquette, name="edit_netiquette"),
]
