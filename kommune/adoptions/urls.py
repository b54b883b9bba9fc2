from django.urls import path

from kommune.adoptions import views

app_name = "adoptions"

PUBLIC = "<slug:municipality_slug>/patenschaften/"
ONE = PUBLIC + "<int:asset_id>/"

urlpatterns = [
    path(PUBLIC, views.asset_list, name="list"),
    path(PUBLIC + "karte/", views.asset_map, name="map"),
    path(ONE, views.asset_detail, name="asset"),
    path(ONE + "adoptieren/", views.adopt, name="adopt"),
    path(ONE + "pflege/", views.record_care, name="care"),
    path(ONE + "zurueckgeben/", views.end_adoption, name="end"),
    path(ONE + "fuer-person/adoptieren/", views.adopt_for_resident, name="adopt_assisted"),
    path(ONE + "fuer-person/pflege/", views.record_care_for_adopters, name="care_assisted"),
    path(ONE + "fotos/<int:entry_id>/", views.photo, name="photo"),
    path("<slug:municipality_slug>/verwaltung/patenschaften/import/", views.import_assets, name="import"),
]
