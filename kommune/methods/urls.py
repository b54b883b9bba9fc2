from django.urls import path

from kommune.methods import views

app_name = "methods"

LIBRARY = "methoden/"
METHOD = LIBRARY + "<slug:method_slug>/"
MANAGE = "<slug:municipality_slug>/verwaltung/"
LAB_MANAGE = "labs/<slug:lab_slug>/verwaltung/methoden/"

urlpatterns = [
    path(LIBRARY, views.library, name="library"),
    path(LIBRARY + "daten.<str:file_format>", views.library_file, name="library_file"),
    path(LIBRARY + "vorlagen/", views.template_list, name="templates"),
    path(LIBRARY + "vorlagen/<int:template_id>/", views.template_detail, name="template"),
    path(METHOD, views.method_detail, name="method"),
    path(METHOD + "versionen/", views.history, name="history"),
    path(METHOD + "versionen/<int:number>/", views.version, name="version"),
    path("<slug:municipality_slug>/methoden/", views.municipality_methods, name="municipality"),
    path(MANAGE + "methoden/", views.manage, name="manage"),
    path(MANAGE + "methoden/neu/", views.create_method, name="create"),
    path(MANAGE + "methoden/<slug:method_slug>/bearbeiten/", views.edit_method, name="edit"),
    path(MANAGE + "methoden/verfahren/<slug:process_slug>/", views.process_methods, name="process_methods"),
    path(MANAGE + "vorlagen/neu/", views.publish_template, name="publish_template"),
    path(MANAGE + "vorlagen/<int:template_id>/kopieren/", views.copy_template, name="copy_template"),
    path(LAB_MANAGE + "neu/", views.lab_create_method, name="lab_create"),
    path(LAB_MANAGE + "<slug:method_slug>/bearbeiten/", views.lab_edit_method, name="lab_edit"),
]
