from django.urls import path

from kommune.inclusion import views

app_name = "inclusion"

EVENTS = "<slug:municipality_slug>/veranstaltungen/"
PARTNERS = "<slug:municipality_slug>/treffpunkte/"

urlpatterns = [
    # The feed's address is fixed by DESIGN.md ("Tenancy and URLs").
    path("<slug:municipality_slug>/events.ics", views.municipality_ics, name="ics"),
    path(EVENTS, views.event_list, name="list"),
    path(EVENTS + "monat/", views.month, name="month_current"),
    path(EVENTS + "monat/<int:year>/<int:month_number>/", views.month, name="month"),
    path(EVENTS + "programm/", views.programme, name="programme"),
    path(EVENTS + "programm.pdf", views.programme_pdf, name="programme_pdf"),
    path(EVENTS + "thema/<str:category>/", views.category_events, name="category"),
    path(EVENTS + "thema/<str:category>.ics", views.category_ics, name="category_ics"),
    path(EVENTS + "neu/", views.event_create, name="create"),
    path(EVENTS + "<int:event_id>/", views.event_detail, name="event"),
    path(EVENTS + "<int:event_id>/anmelden/", views.register_event, name="register_event"),
    path(EVENTS + "kurs/<int:course_id>/", views.course_detail, name="course"),
    path(EVENTS + "kurs/<int:course_id>/anmelden/", views.register_course, name="register_course"),
    path(EVENTS + "angemeldet/<str:token>/", views.registered, name="registered"),
    path(EVENTS + "abmelden/<str:token>/", views.cancel, name="cancel"),
    path(EVENTS + "<int:event_id>/teilnehmende/", views.participants, name="participants_event"),
    path(EVENTS + "<int:event_id>/teilnehmende.csv", views.participants_csv, name="participants_csv_event"),
    path(EVENTS + "<int:event_id>/teilnehmende/<int:registration_id>/abmelden/", views.participant_cancel,
         name="participant_cancel_event"),
    path(EVENTS + "kurs/<int:course_id>/teilnehmende/", views.participants, name="participants_course"),
    path(EVENTS + "kurs/<int:course_id>/teilnehmende.csv", views.participants_csv, name="participants_csv_course"),
    path(EVENTS + "kurs/<int:course_id>/teilnehmende/<int:registration_id>/abmelden/", views.participant_cancel,
         name="participant_cancel_course"),
    path(PARTNERS, views.partner_list, name="partners"),
    path(PARTNERS + "neu/", views.partner_propose, name="partner_propose"),
    path(PARTNERS + "<slug:partner_slug>/", views.partner_detail, name="partner"),
    path(PARTNERS + "<slug:partner_slug>/bearbeiten/", views.partner_edit, name="partner_edit"),
    path(PARTNERS + "<slug:partner_slug>/veranstaltungen.ics", views.partner_ics, name="partner_ics"),
    path("<slug:municipality_slug>/verwaltung/treffpunkte/", views.manage_partners, name="manage_partners"),
    path("labs/<slug:lab_slug>/verwaltung/treffpunkte/", views.lab_partners, name="lab_partners"),
]
