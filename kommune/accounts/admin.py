from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kommune.accounts.models import LetterCodeBatch, Residency, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "email_confirmed_at", "deleted_at"]
    search_fields = ["email", "display_name", "real_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "real_name", "language"]}),
        (_("Status"), {"fields": ["is_active", "email_confirmed_at", "deleted_at", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})]


@admin.register(Residency)
class ResidencyAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "method", "verified_at"]
    raw_id_fields = ["user", "verified_by"]


@admin.register(LetterCodeBatch)
class LetterCodeBatchAdmin(admin.ModelAdmin):
    list_display = ["municipality", "note", "created_at", "expires_at"]
