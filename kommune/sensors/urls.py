from django.urls import path

from kommune.sensors import views

app_name = "sensors"

PUBLIC = "<slug:municipality_slug>/sensoren/"
ONE = PUBLIC + "<int:sensor_id>/"

urlpatterns = [
    path("sensors/push", views.push, name="push"),  # the firmware's "custom API" (DESIGN.md: fixed path)
    path(PUBLIC, views.sensor_list, name="list"),
    path(PUBLIC + "anmelden/", views.register, name="register"),
    path(PUBLIC + "meine/", views.mine, name="mine"),
    path(ONE, views.sensor_detail, name="detail"),
    path(ONE + "bearbeiten/", views.edit, name="edit"),
    path(ONE + "schluessel/", views.renew_token, name="renew_token"),
    path(ONE + "entfernen/", views.remove, name="remove"),
    path(ONE + "datapackage.json", views.datapackage, name="datapackage"),
    path(ONE + "<str:day>.csv", views.day_csv, name="day_csv"),
]
