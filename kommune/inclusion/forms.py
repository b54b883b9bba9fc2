"""Forms of the digital-help network: they parse and label; the services decide."""

from datetime import date, timedelta
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.cleaning import refuse_control_characters
from kommune.inclusion.models import Category, Level, Partner
from kommune.inclusion.selectors import EventFilters, PartnerFilters


def _no_control(value: str) -> str:
    return refuse_control_characters(value or "")


class PartnerFilterForm(forms.Form):
    district = forms.ChoiceField(label=_("Part of town"), required=False)
    offer = forms.ChoiceField(label=_("Offer"), required=False,
                              choices=[("", _("all topics")), *Category.choices])
    step_free = forms.BooleanField(label=_("step-free access"), required=False)
    hearing_loop = forms.BooleanField(label=_("hearing loop"), required=False)
    accessible_toilet = forms.BooleanField(label=_("accessible toilet"), required=False)
    network = forms.BooleanField(label=_("also in the other places of our lab"), required=False)

    def __init__(self, *args, districts: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = [("", _("all districts")),
                                                                    *((d, d) for d in districts)]

    def filters(self) -> PartnerFilters:
        if not self.is_bound or not self.is_valid():
            return PartnerFilters()
        return PartnerFilters(**self.cleaned_data)


class EventFilterForm(forms.Form):
    when = forms.ChoiceField(label=_("When"), required=False, choices=[
        ("upcoming", _("all coming dates")), ("today", _("today")), ("week", _("this week"))])
    category = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("all topics")), *Category.choices])
    district = forms.ChoiceField(label=_("Part of town"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("all levels")), *Level.choices])
    online = forms.BooleanField(label=_("only online"), required=False)
    step_free = forms.BooleanField(label=_("only step-free places"), required=False)
    free_places = forms.BooleanField(label=_("only with free places"), required=False)

    def __init__(self, *args, districts: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = [("", _("all districts")),
                                                                    *((d, d) for d in districts)]

    def filters(self, **extra) -> EventFilters:
        if not self.is_bound or not self.is_valid():
            return EventFilters(**extra)
        data = {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}
        data.setdefault("when", "upcoming")
        return EventFilters(**data, **extra)


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False,
                            help_text=_("Phone or e-mail: please give at least one."))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             help_text=_("Then we send you a confirmation and a reminder the day before."))
    note = forms.CharField(label=_("Note for the organisers"), max_length=500, required=False,
                           help_text=_("For example: I use a wheelchair, or I bring my own tablet."))
    waiting_list = forms.BooleanField(label=_("Put me on the waiting list if all places are taken"),
                                      required=False, initial=True)

    def clean_name(self) -> str:
        return _no_control(self.cleaned_data["name"]).strip()

    def clean_phone(self) -> str:
        return _no_control(self.cleaned_data["phone"]).strip()

    def clean_note(self) -> str:
        return _no_control(self.cleaned_data["note"]).strip()

    def clean(self):
        data = super().clean() or {}
        if not self.errors and not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("Please give a phone number or an e-mail address, so that the "
                                          "organisers can reach you if something changes."))
        return data


class PartnerForm(forms.ModelForm):
    offers = forms.MultipleChoiceField(label=_("What you offer"), choices=Category.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Partner
        fields = ["name", "kind", "description", "street", "postcode", "city", "district", "latitude", "longitude",
                  "opening_hours", "step_free", "hearing_loop", "accessible_toilet", "accessibility_notes",
                  "contact_name", "phone", "email", "website"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "opening_hours": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["offers"].initial = self.instance.offers

    def clean(self):
        data = super().clean() or {}
        for name, value in list(data.items()):
            if isinstance(value, str):
                try:
                    data[name] = _no_control(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    def _post_clean(self) -> None:  # the service validates the model
        pass


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("In simple words: what will people learn, what should they bring?"))
    category = forms.ChoiceField(label=_("Topic"), choices=Category.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    language = forms.CharField(label=_("Language"), max_length=50, initial="Deutsch")
    partner = forms.ModelChoiceField(label=_("Place"), queryset=Partner.objects.none(), required=False)
    is_online = forms.BooleanField(label=_("Online event"), required=False)
    online_url = forms.URLField(label=_("Address of the online meeting"), required=False)
    first_day = forms.DateField(label=_("Date (of the first session)"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Begins at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    sessions = forms.IntegerField(label=_("Number of weekly sessions"), min_value=1, max_value=26, initial=1,
                                  help_text=_("1 for a single event; more for a weekly course."))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000, required=False,
                                  help_text=_("Empty: no registration needed."))
    waiting_list = forms.BooleanField(label=_("Waiting list when full"), required=False, initial=True)
    cost = forms.CharField(label=_("Cost"), max_length=100, required=False, help_text=_("Empty means free of charge."))
    accessibility_notes = forms.CharField(label=_("Accessibility"), max_length=500, required=False)

    def __init__(self, *args, partners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = partners

    def clean_first_day(self) -> date:
        day = self.cleaned_data["first_day"]
        if day < timezone.localdate() or day > timezone.localdate() + timedelta(days=730):
            raise forms.ValidationError(_("Please choose a date from today to two years ahead."))
        return day

    def clean(self):
        data = super().clean() or {}
        for name in ("title", "description", "language", "cost", "accessibility_notes"):
            if isinstance(data.get(name), str):
                try:
                    data[name] = _no_control(data[name]).strip()
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    def event_data(self) -> dict:
        names = ("title", "description", "category", "level", "language", "partner", "is_online", "online_url",
                 "accessibility_notes", "cost", "capacity", "waiting_list")
        return {name: self.cleaned_data[name] for name in names}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("approve")), ("reject", _("reject"))])
