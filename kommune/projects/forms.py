"""Forms of the Vorhabenliste: they parse input; the services decide (kommune/projects/services.py)."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kommune.core.cleaning import validate_no_control_characters
from kommune.core.forms import choice_field
from kommune.core.linkables import linkables
from kommune.projects.models import Status

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MARKDOWN_HELP = _("Markdown: ## heading, - list item, **bold**, [link](https://…).")


def _status_choices() -> list[tuple[str, str | Promise]]:
    return [(value, capfirst(label)) for value, label in Status.choices]


class ProjectFilterForm(forms.Form):
    text = forms.CharField(label=_("Search words"), required=False, max_length=100,
                           validators=[validate_no_control_characters])
    status = forms.ChoiceField(label=_("Status"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(self, *args: Any, departments: list[str], areas: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "status").choices = [("", _("all statuses")), *_status_choices()]
        choice_field(self, "department").choices = [("", _("all departments"))] + [(d, d) for d in departments]
        choice_field(self, "area").choices = [("", _("all areas"))] + [(a, a) for a in areas]

    def filters(self) -> dict[str, str]:
        """status, department, area and text; invalid values are reported on the form and ignored."""
        result = {"status": "", "department": "", "area": "", "text": ""}
        if not self.is_bound:
            return result
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for name in result:
            result[name] = data.get(name) or ""
        return result

    def query(self) -> dict[str, str]:
        return {key: value for key, value in self.filters().items() if value}


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False,
                              help_text=_("One or two sentences for the list."))
    description = forms.CharField(label=_("Description"), max_length=20_000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 10}), help_text=MARKDOWN_HELP)
    department = forms.CharField(label=_("Responsible department"), max_length=200, required=False,
                                 help_text=_("For example “Office for Roads and Traffic”."))
    area = forms.CharField(label=_("Area"), max_length=200, required=False,
                           help_text=_("The part of the municipality concerned, for example a district."))
    location_name = forms.CharField(label=_("Place"), max_length=200, required=False,
                                    help_text=_("For example a street or a building."))
    latitude = forms.DecimalField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                                  max_digits=9, decimal_places=6, help_text=_("For example 51.962510."))
    longitude = forms.DecimalField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                                   max_digits=9, decimal_places=6, help_text=_("For example 7.625570."))
    estimated_costs = forms.DecimalField(label=_("Estimated costs in euro"), required=False, min_value=0,
                                         max_digits=14, decimal_places=2)
    actual_costs = forms.DecimalField(label=_("Actual costs in euro"), required=False, min_value=0,
                                      max_digits=14, decimal_places=2, help_text=_("When the bills are in."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors:
            self.add_error("latitude", _("Please give both latitude and longitude, or neither."))
        return data


class NewProjectForm(ProjectForm):
    status = forms.ChoiceField(label=_("Status"), choices=_status_choices, initial=Status.IDEA)
    status_changed_on = forms.DateField(label=_("Status since"), required=False, widget=DATE_WIDGET,
                                        help_text=_("Today when left empty."))
    status_note = forms.CharField(label=_("Note for the public"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["title", "summary", "description", "status", "status_changed_on", "status_note"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=_status_choices, widget=forms.RadioSelect)
    changed_on = forms.DateField(label=_("Date"), required=False, widget=DATE_WIDGET,
                                 help_text=_("The day the project reached the status; today when left empty."))
    note = forms.CharField(label=_("Note for the public"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What happened, and what comes next. Followers of the project get it."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["changed_on"].initial = timezone.localdate()


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200,
                            help_text=_("For example “Start of construction” or “Opening”."))
    planned_on = forms.DateField(label=_("Planned for"), required=False, widget=DATE_WIDGET)
    reached_on = forms.DateField(label=_("Reached on"), required=False, widget=DATE_WIDGET,
                                 help_text=_("Leave empty until the milestone is reached."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class FundingForm(forms.Form):
    source = forms.CharField(label=_("Funding source"), max_length=200,
                             help_text=_("For example “Municipal budget” or a state funding programme."))
    amount = forms.DecimalField(label=_("Amount in euro"), min_value=0, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class LinkSearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to link"))
    text = forms.CharField(label=_("Title or number"), max_length=100, required=False,
                           help_text=_("Part of the title, or the number of the object."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [(linkable.kind, linkable.label) for linkable in linkables()]
