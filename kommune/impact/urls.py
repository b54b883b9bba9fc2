from django.urls import path

from kommune.impact import views

app_name = "impact"

PUBLIC = "<slug:municipality_slug>/wirkung/"
MANAGE = "<slug:municipality_slug>/verwaltung/wirkung/"
ONE = MANAGE + "<int:model_id>/"

urlpatterns = [
    path(PUBLIC, views.model_list, name="list"),
    path(PUBLIC + "<int:model_id>/", views.model_detail, name="detail"),
    path(MANAGE, views.manage_list, name="manage_list"),
    path(MANAGE + "neu/", views.model_new, name="new"),
    path(ONE, views.model_edit, name="edit"),
    path(ONE + "schritte/<slug:level>/", views.step_save, name="step"),
    path(ONE + "indikatoren/", views.indicator_add, name="indicator_add"),
    path(ONE + "indikatoren/<int:indicator_id>/werte/", views.value_enter, name="value"),
    path(ONE + "indikatoren/<int:indicator_id>/entfernen/", views.indicator_delete, name="indicator_delete"),
    path(ONE + "messen/", views.snapshot, name="snapshot"),
]
