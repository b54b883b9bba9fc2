from django.contrib import admin

from kommune.core.models import AccessibilityFeedback, AuditLogEntry, Lab, Membership, Municipality, Organisation, Page


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "official_key", "kind", "federal_state", "parent"]
    list_filter = ["kind", "federal_state"]
    search_fields = ["name", "slug", "official_key"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    filter_horizontal = ["municipalities", "organisations"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "municipality", "lab", "organisation"]
    list_filter = ["role"]
    raw_id_fields = ["user"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["municipality", "kind", "updated_at"]
    readonly_fields = ["body_html"]


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["municipality", "created_at", "handled_at"]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "municipality", "lab", "actor", "action", "subject"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
