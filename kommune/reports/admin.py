"""The categories (Open311 services) with their questions, and the departments, kept by the operator or a
municipality's admin in the Django admin. Reports are handled on the management pages, not here."""

from django.contrib import admin

from kommune.reports.models import Department, ReportSettings, Service, ServiceAttribute


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0
    fields = ["code", "description", "datatype", "required", "datatype_description", "order", "values"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "municipality", "department", "is_active"]
    list_filter = ["municipality", "is_active"]
    search_fields = ["name", "code"]
    inlines = [ServiceAttributeInline]

    def save_formset(self, request, form, formset, change):
        for attribute in formset.save(commit=False):
            attribute.municipality = form.instance.municipality
            attribute.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]


@admin.register(ReportSettings)
class ReportSettingsAdmin(admin.ModelAdmin):
    list_display = ["municipality", "answer_days", "duplicate_radius"]
