from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.indicators import Unit, indicators
from kommune.core.linkables import linkables
from kommune.impact.models import Indicator, Level


class ModelForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("What should the project achieve?"), required=False, max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    is_public = forms.BooleanField(label=_("Show the model publicly and publish its indicators as open data"),
                                   required=False)
    lab = forms.ChoiceField(label=_("Sub-project of a lab"), required=False, choices=(),
                            help_text=_("The platform then measures over all member municipalities of the lab."))
    link_kind = forms.ChoiceField(label=_("Describes"), required=False, choices=())
    link_id = forms.IntegerField(label=_("Number of what it describes"), required=False, min_value=1,
                                 max_value=2**62, help_text=_("For example the number of the project."))

    def __init__(self, *args, labs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].choices = [("", _("– none –")), *((str(lab.pk), lab.name) for lab in labs)]  # type: ignore[attr-defined]
        self.fields["link_kind"].choices = [  # type: ignore[attr-defined]
            ("", _("– nothing –")), *((item.kind, item.label) for item in linkables())]


class StepForm(forms.Form):
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


def _measured_choices() -> list[tuple[str, object]]:
    return [("", _("– none, the value is entered by hand –")),
            *((item.key, f"{item.label} ({Unit(item.unit).label})") for item in indicators())]


class IndicatorForm(forms.Form):
    level = forms.ChoiceField(label=_("Step of the chain"), choices=Level.choices)
    measured_key = forms.ChoiceField(label=_("Measured by the platform"), required=False, choices=(),
                                     help_text=_("Choose what the platform measures, or leave it empty and enter the "
                                                 "values by hand."))
    title = forms.CharField(label=_("Title"), required=False, max_length=200,
                            help_text=_("Needed for a value entered by hand; a measured one is named by the platform."))
    unit = forms.ChoiceField(label=_("Unit (entered by hand)"), choices=Unit.choices, initial=Unit.COUNT)
    target_value = forms.CharField(label=_("Target value"), required=False, max_length=30,
                                   help_text=_("For example 25 or 37,5."))
    target_date = forms.DateField(label=_("Target date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measured_key"].choices = _measured_choices()  # type: ignore[attr-defined]

    @property
    def source(self) -> str:
        return Indicator.Source.MEASURED if self.cleaned_data.get("measured_key") else Indicator.Source.ENTERED


class ValueForm(forms.Form):
    value = forms.CharField(label=_("Value"), max_length=30, help_text=_("For example 25 or 37,5."))
    measured_on = forms.DateField(label=_("Date of the value"), widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("The value counts for the month of this date."))
    source = forms.CharField(label=_("Source"), max_length=300,
                             help_text=_("Where the value comes from, e.g. “Feedback forms of the courses”."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measured_on"].initial = timezone.localdate()
