from django.urls import path

from kommune.accounts import manage_views

app_name = "manage_accounts"

urlpatterns = [
    path("<slug:municipality_slug>/verwaltung/wohnsitz/", manage_views.residents, name="residents"),
    path("<slug:municipality_slug>/verwaltung/wohnsitz/bestaetigen/", manage_views.verify_resident,
         name="verify_resident"),
    path("<slug:municipality_slug>/verwaltung/briefcodes/", manage_views.letter_codes, name="letter_codes"),
    path("<slug:municipality_slug>/verwaltung/briefcodes/<int:pk>/", manage_views.letter_code_batch,
         name="letter_code_batch"),
    path("<slug:municipality_slug>/verwaltung/briefcodes/<int:pk>/codes.csv", manage_views.letter_code_batch_csv,
         name="letter_code_batch_csv"),
]
