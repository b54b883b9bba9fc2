from django.urls import path  # noqa: F401

app_name = "manage_accounts"

urlpatterns: list = []
