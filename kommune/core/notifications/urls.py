from django.urls import path

from kommune.core.notifications import views

app_name = "notifications"

urlpatterns = [
    # The person's own pages, beside the account pages under /konto/.
    path("konto/folgen/", views.follow, name="follow"),
    path("konto/benachrichtigungen/", views.inbox, name="inbox"),
    path("konto/benachrichtigungen/alle-gelesen/", views.mark_all_read, name="mark_all_read"),
    path("konto/benachrichtigungen/<int:notification_id>/gelesen/", views.mark_read, name="mark_read"),
    path("konto/benachrichtigungen/einstellungen/", views.notification_settings, name="settings"),
    path("konto/benachrichtigungen/abbestellen/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Public activity streams and their Atom feeds.
    path("<slug:municipality_slug>/aktivitaet/", views.municipality_stream, name="municipality_stream"),
    path("<slug:municipality_slug>/aktivitaet.atom", views.municipality_feed, name="municipality_feed"),
    # A process's own stream is routed by the processes app (processes:activity).
]
