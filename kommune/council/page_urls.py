"""The council's web pages for residents, under /<municipality>/rat/ (German paths; pages.py). A namespace of
their own, apart from the OParl server's JSON routes (urls.py, namespace ``council``)."""

from django.urls import path

from kommune.council import pages

app_name = "council_pages"

COUNCIL = "<slug:municipality_slug>/rat/"

urlpatterns = [
    path(COUNCIL, pages.home, name="home"),
    path(COUNCIL + "sitzungen/", pages.meeting_calendar, name="calendar"),
    path(COUNCIL + "sitzungen.ics", pages.calendar_feed, name="calendar_feed"),
    path(COUNCIL + "sitzungen/<int:meeting_id>/", pages.meeting_detail, name="meeting"),
    path(COUNCIL + "vorlagen/", pages.paper_list, name="papers"),
    path(COUNCIL + "vorlagen/<int:paper_id>/", pages.paper_detail, name="paper"),
    path(COUNCIL + "gremien/", pages.organization_list, name="organizations"),
    path(COUNCIL + "gremien/<int:organization_id>/", pages.organization_detail, name="organization"),
    path(COUNCIL + "personen/", pages.person_list, name="people"),
    path(COUNCIL + "personen/<int:person_id>/", pages.person_detail, name="person"),
]
