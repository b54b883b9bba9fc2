from django.urls import path

from kommune.core.comments import views

app_name = "comments"

# target_type is the commentable model's label ("processes.process"), target_id its primary key.
urlpatterns = [
    path("<slug:municipality_slug>/kommentare/<str:target_type>/<int:target_id>/", views.thread, name="thread"),
    path("<slug:municipality_slug>/kommentare/<str:target_type>/<int:target_id>/schreiben/", views.post,
         name="post"),
    path("<slug:municipality_slug>/verwaltung/kommentare/<str:target_type>/<int:target_id>/erfassen/",
         views.assisted, name="assisted"),
    path("<slug:municipality_slug>/kommentare/<int:comment_id>/antworten/", views.replies, name="replies"),
    path("<slug:municipality_slug>/kommentare/<int:comment_id>/antworten/schreiben/", views.reply, name="reply"),
    path("<slug:municipality_slug>/kommentare/<int:comment_id>/bearbeiten/", views.edit, name="edit"),
    path("<slug:municipality_slug>/kommentare/<int:comment_id>/reagieren/", views.react, name="react"),
]
