from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kommune.accounts import views
from kommune.core.access import public_view

app_name = "accounts"

urlpatterns = [
    path("registrieren/", views.register, name="register"),
    path("registrieren/fertig/", views.register_done, name="register_done"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("bestaetigen/", views.resend_confirmation, name="resend_confirmation"),
    path("anmelden/", public_view(views.LoginView.as_view()), name="login"),
    path("verwaltung/", views.management_areas, name="management_areas"),
    path("abmelden/", public_view(auth_views.LogoutView.as_view()), name="logout"),
    path("passwort/", views.password_change, name="password_change"),
    path("passwort/vergessen/", public_view(views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"))), name="password_reset"),
    path("passwort/vergessen/gesendet/", public_view(auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html")), name="password_reset_done"),
    path("passwort/neu/<uidb64>/<token>/", public_view(auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"))), name="password_reset_confirm"),
    path("passwort/neu/fertig/", public_view(auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html")), name="password_reset_complete"),
    path("", views.profile, name="profile"),
    path("kommune/", views.join_municipality, name="join_municipality"),
    path("wohnsitz/", views.residency, name="residency"),
    path("daten.json", views.export_data, name="export"),
    path("loeschen/", views.delete_account, name="delete"),
]
