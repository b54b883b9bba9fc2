"""Forms of the issue-report pages. They parse input and give early, clear errors; services.py checks again."""

from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kommune.core.forms import CoordinateField
from kommune.core.photos import MAX_BYTES
from kommune.reports.models import Department, Report, ReportSettings, Service, ServiceAttribute

PENDING_SALT = "reports.pending_photo"
ATTRIBUTE_PREFIX = "attr_"
Datatype = ServiceAttribute.Datatype




def sign_pending(pk: int) -> str:
    return signing.dumps(pk, salt=PENDING_SALT)


def unsign_pending(value: str) -> int | None:
    try:
        pk = signing.loads(value, salt=PENDING_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) else None


def _attribute_field(attribute: ServiceAttribute) -> forms.Field:
    options: dict[str, Any] = {"label": attribute.description, "required": attribute.required,
                               "help_text": attribute.datatype_description}
    choices = [(str(v.get("key", "")), str(v.get("name", ""))) for v in attribute.values if isinstance(v, dict)]
    if attribute.datatype == Datatype.SINGLEVALUELIST:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
    if attribute.datatype == Datatype.MULTIVALUELIST:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **options)
    if attribute.datatype == Datatype.TEXT:
        return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), **options)
    if attribute.datatype == Datatype.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=4, localize=True,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}), **options)
    if attribute.datatype == Datatype.DATETIME:
        return forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **options)
    return forms.CharField(max_length=300, **options)


class ReportForm(forms.Form):
    """A report of one category (the service is chosen on the page before, so its questions are known)."""

    description = forms.CharField(label=_("What is the problem?"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("Describe it so that the staff can find and judge it."))
    address = forms.CharField(label=_("Address or place"), max_length=300, required=False,
                              help_text=_("For example: Marktstraße 12, or: the playground in the town park. "
                                          "Needed when you set no point."))
    latitude = CoordinateField(label=_("Latitude"), limit=90, required=False)
    longitude = CoordinateField(label=_("Longitude"), limit=180, required=False)
    photo = forms.FileField(label=_("Photo"), required=False,
                            help_text=_("JPEG, PNG or WebP, at most 10 MB. We remove the location and all other "
                                        "data of the camera before the photo is published."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    pending_photo = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, service: Service, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        for attribute in service.attributes.all():
            self.fields[ATTRIBUTE_PREFIX + attribute.code] = _attribute_field(attribute)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_BYTES:
            raise ValidationError(_("The photo is too large. Please choose a photo of at most 10 MB."))
        return photo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Please enter both numbers of the point, or neither."))
        return data

    def attribute_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith(ATTRIBUTE_PREFIX) or value in (None, "", []):
                continue
            values[name[len(ATTRIBUTE_PREFIX):]] = value.isoformat() if hasattr(value, "isoformat") else (
                value if isinstance(value, list) else str(value))
        return values

    def attribute_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith(ATTRIBUTE_PREFIX)]


class AssistedReportForm(ReportForm):
    """Staff enter a report for a resident who phoned or came by; the contact stays internal."""

    contact_name = forms.CharField(label=_("Name of the resident"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("E-mail address of the resident"), required=False)
    contact_phone = forms.CharField(label=_("Telephone of the resident"), max_length=50, required=False)


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("all"))] + list(Report.Status.choices))
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, services: list[Service], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.services = {service.code: service for service in services}
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", _("all"))] + [(s.code, s.name) for s in services]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"status": "", "service": None}
        return {"status": self.cleaned_data["status"], "service": self.services.get(self.cleaned_data["category"])}

    def query(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Report.Status.choices)
    note = forms.CharField(label=_("Public note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Shown on the report and sent to the people who follow it. Required when "
                                       "closing: say what was done."))


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False,
                                        empty_label=_("none"))

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(municipality=municipality)  # type: ignore[attr-defined]  # ModelChoiceField


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Number of the report it duplicates"), min_value=1, max_value=2**62)
    note = forms.CharField(label=_("Public note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Leave empty for: “This is the same problem as report no. …”."))


class ManageFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("all"))] + list(Report.Status.choices))
    overdue = forms.BooleanField(label=_("only overdue reports"), required=False)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = ["answer_days", "duplicate_radius", "contact"]


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name of the client"), max_length=150,
                           help_text=_("Who uses the key, e.g. the app of a neighbouring district."))
