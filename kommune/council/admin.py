"""Staff enter the council information in the Django admin until the importer and the management pages exist."""

from django.contrib import admin

from kommune.council.models import (
    AgendaItem,
    Consultation,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    OParlImport,
    Organization,
    Paper,
    Person,
)


class CouncilAdmin(admin.ModelAdmin):
    list_filter = ["municipality", "deleted"]
    readonly_fields = ["modified", "oparl_id"]


@admin.register(LegislativeTerm)
class LegislativeTermAdmin(CouncilAdmin):
    list_display = ["name", "municipality", "start_date", "end_date", "deleted"]


@admin.register(Location)
class LocationAdmin(CouncilAdmin):
    list_display = ["description", "street_address", "municipality", "deleted"]
    search_fields = ["description", "street_address"]


@admin.register(Organization)
class OrganizationAdmin(CouncilAdmin):
    list_display = ["name", "organization_type", "municipality", "deleted"]
    list_filter = ["municipality", "organization_type", "deleted"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    fields = ["municipality", "organization", "role", "voting_right", "start_date", "end_date", "on_behalf_of",
              "deleted"]


@admin.register(Person)
class PersonAdmin(CouncilAdmin):
    list_display = ["name", "municipality", "deleted"]
    search_fields = ["name", "family_name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(CouncilAdmin):
    list_display = ["person", "organization", "role", "municipality", "deleted"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["municipality", "number", "order", "name", "public", "result", "deleted"]


@admin.register(Meeting)
class MeetingAdmin(CouncilAdmin):
    list_display = ["name", "start", "organization", "municipality", "cancelled", "deleted"]
    date_hierarchy = "start"
    search_fields = ["name"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(CouncilAdmin):
    list_display = ["number", "name", "meeting", "municipality", "deleted"]
    search_fields = ["name"]


class ConsultationInline(admin.TabularInline):
    model = Consultation
    fk_name = "paper"
    extra = 0
    fields = ["municipality", "organization", "meeting", "agenda_item", "role", "authoritative", "deleted"]


class FileInline(admin.TabularInline):
    model = File
    fk_name = "paper"
    extra = 0
    fields = ["municipality", "name", "file", "file_name", "mime_type", "role", "deleted"]


@admin.register(Paper)
class PaperAdmin(CouncilAdmin):
    list_display = ["reference", "name", "paper_type", "date", "municipality", "deleted"]
    search_fields = ["reference", "name"]
    inlines = [ConsultationInline, FileInline]


@admin.register(Consultation)
class ConsultationAdmin(CouncilAdmin):
    list_display = ["paper", "organization", "role", "authoritative", "municipality", "deleted"]


@admin.register(File)
class FileAdmin(CouncilAdmin):
    list_display = ["name", "file_name", "role", "municipality", "deleted"]
    search_fields = ["name", "file_name"]


@admin.register(OParlImport)
class OParlImportAdmin(admin.ModelAdmin):
    # Emptying "last successful import" makes the next run of import_oparl a full one.
    list_display = ["body_id", "municipality", "last_success"]
    list_filter = ["municipality"]
    readonly_fields = ["municipality", "system_url", "body_id"]
