from django.urls import path

from kommune.accounts import manage_views, views

app_name = "manage_accounts"

urlpatterns = [
    # A person's public page in a municipality (opt-in; kommune/accounts/profiles.py): scoped by the municipality
    # like its management pages, so it lives here rather than under /konto/.
    path("<slug:municipality_slug>/personen/<int:user_id>/", views.person, name="person"),
    path("<slug:municipality_slug>/verwaltung/wohnsitz/", manage_views.residents, name="residents"),
    path("<slug:municipality_slug>/verwaltung/wohnsitz/bestaetigen/", manage_views.verify_resident,
         name="verify_resident"),
    path("<slug:municipality_slug>/verwaltung/briefcodes/", manage_views.letter_codes, name="letter_codes"),
    path("<slug:municipality_slug>/verwaltung/briefcodes/<int:pk>/", manage_views.letter_code_batch,
         name="letter_code_batch"),
    path("<slug:municipality_slug>/verwaltung/briefcodes/<int:pk>/codes.csv", manage_views.letter_code_batch_csv,
         name="letter_code_batch_csv"),
]
