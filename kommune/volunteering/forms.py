"""Forms of the volunteer projects: they parse and label; the services decide."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.cleaning import validate_no_control_characters
from kommune.core.forms import CoordinateField, choice_field
from kommune.volunteering.models import Accessibility, Skill
from kommune.volunteering.selectors import ShiftFilters

BERLIN = ZoneInfo("Europe/Berlin")
TEXT = [validate_no_control_characters]




class ShiftFilterForm(forms.Form):
    skill = forms.ChoiceField(label=_("Skill"), required=False, choices=[("", _("all skills")), *Skill.choices])
    district = forms.ChoiceField(label=_("Part of town"), required=False)
    date_from = forms.DateField(label=_("From (day)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until (day)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    free_only = forms.BooleanField(label=_("only with free places"), required=False)

    def __init__(self, *args, districts: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "district").choices = [("", _("all districts")), *((d, d) for d in districts)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value is not None and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
                self.add_error(name, _("Please give a day between 2000 and 2100."))
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The last day must not be before the first day."))
        return data

    def filters(self) -> ShiftFilters:
        if not self.is_bound or not self.is_valid():
            return ShiftFilters()
        data = self.cleaned_data
        return ShiftFilters(skill=data["skill"] or "", district=data["district"] or "", date_from=data["date_from"],
                            date_to=data["date_to"], free_only=bool(data["free_only"]))


class SelfSignUpForm(forms.Form):
    phone = forms.CharField(label=_("Phone (optional)"), max_length=50, required=False, validators=TEXT,
                            help_text=_("So that the organisers can reach you on the day."))


class AssistedSignUpForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=TEXT)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False, validators=TEXT)
    email = forms.EmailField(label=_("E-mail"), required=False)


class AttendanceForm(forms.Form):
    attended = forms.ChoiceField(label=_("Took part?"), choices=[("yes", _("took part")), ("no", _("did not come"))])
    hours = forms.DecimalField(label=_("Hours"), required=False, min_value=Decimal("0.25"), max_value=Decimal("24"),
                               max_digits=5, decimal_places=2, localize=True,
                               help_text=_("Empty: the length of the shift."))


class PreferenceForm(forms.Form):
    show_on_profile = forms.BooleanField(
        label=_("Show my volunteering (projects and hours) on my person page"), required=False,
        help_text=_("Your person page must be switched on in your profile as well."))


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=TEXT)
    summary = forms.CharField(label=_("Summary"), max_length=300, validators=TEXT,
                              help_text=_("One or two sentences for the list."))
    description = forms.CharField(label=_("Description"), max_length=5000, required=False, validators=TEXT,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    publisher = forms.ChoiceField(label=_("Who runs the project"))
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=50, required=False, validators=TEXT)

    def __init__(self, *args, publishers: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "publisher").choices = publishers


class ShiftForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200, validators=TEXT)
    description = forms.CharField(label=_("What to do"), max_length=3000, required=False, validators=TEXT,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          help_text=_("Empty for an ongoing task without a date."))
    starts = forms.TimeField(label=_("Begins at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    place_name = forms.CharField(label=_("Place"), max_length=200, validators=TEXT,
                                 help_text=_("For example “Stadtpark, entrance at the pond”."))
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False, validators=TEXT)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False, validators=TEXT)
    city = forms.CharField(label=_("Town"), max_length=100, required=False, validators=TEXT)
    district = forms.CharField(label=_("Part of town"), max_length=100, required=False, validators=TEXT)
    latitude = CoordinateField(label=_("Latitude"), limit=90, required=False,
                               help_text=_("For example 51.9607."))
    longitude = CoordinateField(label=_("Longitude"), limit=180, required=False)
    skills = forms.MultipleChoiceField(label=_("Skills"), required=False, choices=Skill.choices,
                                       widget=forms.CheckboxSelectMultiple)
    capacity = forms.IntegerField(label=_("People needed"), min_value=1, max_value=1000)
    accessibility = forms.ChoiceField(label=_("Accessibility of the task"), choices=Accessibility.choices)
    accessibility_notes = forms.CharField(label=_("More on accessibility"), max_length=500, required=False,
                                          validators=TEXT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day is not None and starts is None:
            self.add_error("starts", _("Please give the time the shift begins."))
        if day is None and (starts or ends):
            self.add_error("day", _("Please give the day, or leave the times empty for an ongoing task."))
        return data

    def shift_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        day, starts, ends = data.pop("day"), data.pop("starts"), data.pop("ends")
        data.pop("skills")
        data["starts_at"] = datetime.combine(day, starts or time(9), BERLIN) if day else None
        data["ends_at"] = datetime.combine(day, ends, BERLIN) if day and ends else None
        return data
