from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.cleaning import validate_no_control_characters
from kommune.core.perspectives import Perspective
from kommune.methods.models import Method

MARKDOWN_HINT = _("Markdown: ## heading, - list item, **bold**, [link](https://…).")


def _text(label, *, max_length: int, required: bool = True, rows: int = 0, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget,
                           validators=[validate_no_control_characters], help_text=help_text)


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        validators=[validate_no_control_characters],
                        help_text=_("For example “Workshop”, “Bürgerrat” or “Daten”."))
    perspective = forms.ChoiceField(label=_("Perspective of openness"), required=False,
                                    choices=[("", _("All perspectives")), *Perspective.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Method.Kind.choices])


class MethodForm(forms.Form):
    title = _text(_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Method.Kind.choices)
    summary = _text(_("Summary"), max_length=500, help_text=_("One or two sentences for the list."))
    purpose = _text(_("Purpose"), max_length=10_000, rows=5, help_text=MARKDOWN_HINT)
    perspectives = forms.MultipleChoiceField(label=_("Perspectives of openness"), choices=Perspective.choices,
                                             widget=forms.CheckboxSelectMultiple)
    effort = forms.ChoiceField(label=_("Effort"), choices=Method.Effort.choices)
    group_size_min = forms.IntegerField(label=_("Smallest group (people)"), required=False, min_value=1,
                                        max_value=100_000)
    group_size_max = forms.IntegerField(label=_("Largest group (people)"), required=False, min_value=1,
                                        max_value=100_000)
    duration = _text(_("Duration"), max_length=200, help_text=_("For example “two Saturdays” or “3 hours”."))
    steps = _text(_("Steps"), max_length=20_000, rows=8, help_text=MARKDOWN_HINT)
    materials = _text(_("Materials"), max_length=10_000, rows=4, required=False, help_text=MARKDOWN_HINT)
    pitfalls = _text(_("Pitfalls"), max_length=10_000, rows=4, required=False, help_text=MARKDOWN_HINT)


class EditMethodForm(MethodForm):
    note = _text(_("What did you change?"), max_length=300, required=False,
                 help_text=_("Shown in the history of versions."))


class ProcessMethodsForm(forms.Form):
    methods = forms.MultipleChoiceField(label=_("Methods used"), required=False, widget=forms.CheckboxSelectMultiple)


class PublishTemplateForm(forms.Form):
    source = forms.ChoiceField(label=_("Setup"), help_text=_("What to publish as a template for other "
                                                             "municipalities."))
    title = _text(_("Title of the template"), max_length=200, required=False,
                  help_text=_("Leave empty to use the setup's title."))
    summary = _text(_("What others should know"), max_length=500, required=False, rows=3)
    method = forms.ChoiceField(label=_("Method it follows"), required=False)


class CopyTemplateForm(forms.Form):
    start = forms.DateField(label=_("Start of the copy"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("All dates of the template are shifted so that its first day is this day."))
