"""Staff pages of the accountability trail (kommune/council/trail_views.py), included from config/urls.py."""

from django.urls import path

from kommune.council import trail_views

app_name = "council_trail"

MANAGE = "<slug:municipality_slug>/verwaltung/rat/ueberweisungen/"

urlpatterns = [
    path(MANAGE, trail_views.referrals, name="referrals"),
    path(MANAGE + "<int:referral_id>/vorlage/", trail_views.attach_paper, name="attach_paper"),
]
