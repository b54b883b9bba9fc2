from django.urls import path

from kommune.newsletters import views

app_name = "newsletters"

PUBLIC = "<slug:municipality_slug>/newsletter/"
MANAGE = "<slug:municipality_slug>/verwaltung/newsletter/"

urlpatterns = [
    path(PUBLIC, views.archive, name="archive"),
    path(PUBLIC + "abonnieren/", views.subscribe, name="subscribe"),
    path(PUBLIC + "bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path(PUBLIC + "abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(PUBLIC + "<int:newsletter_id>/", views.issue, name="issue"),
    path(PUBLIC + "<int:newsletter_id>/druck/", views.issue_print, name="print"),
    path(PUBLIC + "<int:newsletter_id>.pdf", views.issue_pdf, name="pdf"),
    path(MANAGE, views.manage, name="manage"),
    path(MANAGE + "neu/", views.create, name="create"),
    path(MANAGE + "<int:newsletter_id>/", views.edit, name="edit"),
    path(MANAGE + "<int:newsletter_id>/senden/", views.send, name="send"),
    path(MANAGE + "abonnent/", views.enter_subscriber, name="enter_subscriber"),
    path(MANAGE + "bezirke/", views.districts, name="districts"),
    path(MANAGE + "unzustellbar/", views.bounces, name="bounces"),
]
