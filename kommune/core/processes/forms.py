"""Forms of the process pages. They parse input; the rules live in services.py."""

from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.forms import choice_field, model_choice_field
from kommune.core.models import Organisation
from kommune.core.processes import features
from kommune.core.processes.models import Phase, Topic
from kommune.core.processes.services import MAX_PHASES
from kommune.core.processes.timing import PhaseState

BERLIN = ZoneInfo("Europe/Berlin")
STATE_ORDER = [PhaseState.RUNNING, PhaseState.UPCOMING, PhaseState.FINISHED]
MARKDOWN_HINT = _("Markdown: ## heading, - list item, **bold**, [link](https://…).")


class BerlinDateTimeField(forms.DateTimeField):
    """A datetime-local input, read and shown in Europe/Berlin whatever the active time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(BERLIN):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(BERLIN):
            return super().prepare_value(value)


# --- Public list filter ---------------------------------------------------------------------------------------


class ProcessFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Time"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args, topics: list[Topic], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.topics = {topic.slug: topic for topic in topics}
        choice_field(self, "state").choices = [("", _("all"))] + [(state.value, state.label) for state in STATE_ORDER]
        choice_field(self, "topic").choices = [("", _("all topics"))] + [(topic.slug, topic.name) for topic in topics]

    def filters(self) -> tuple[PhaseState | None, Topic | None]:
        """The chosen state and topic; an invalid choice is reported on the field and filters nothing."""
        if not self.is_bound or not self.is_valid():
            return None, None
        state = self.cleaned_data["state"]
        return (PhaseState(state) if state else None), self.topics.get(self.cleaned_data["topic"])

    def show_counts(self, counts: dict[PhaseState, int]) -> None:
        total = sum(counts.values())
        choice_field(self, "state").choices = [("", _("all (%(count)d)") % {"count": total})] + [
            (state.value, _("%(state)s (%(count)d)") % {"state": state.label, "count": counts[state]})
            for state in STATE_ORDER]


# --- Management -----------------------------------------------------------------------------------------------


class ProcessForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(label=_("Address"), max_length=80, required=False,
                           help_text=_("Part of the page address: lower-case letters, digits and hyphens. Leave "
                                       "empty to make it from the title."))
    summary = forms.CharField(label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One or two sentences for the list of processes and the feed."))
    description = forms.CharField(label=_("Description"), max_length=50_000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 14}), help_text=MARKDOWN_HINT)
    organisation = forms.ModelChoiceField(label=_("Organiser"), queryset=Organisation.objects.none(), required=False,
                                          empty_label=_("the municipality itself"))
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(), required=False,
                                   empty_label=_("no topic"))
    area = forms.CharField(label=_("Area"), max_length=200, required=False,
                           help_text=_("The part of the municipality concerned, for example a district."))

    def __init__(self, *args, municipality, slug_required: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = municipality.organisations.order_by("name")
        model_choice_field(self, "topic").queryset = Topic.objects.filter(municipality=municipality).order_by("name")
        if slug_required:
            self.fields["slug"].required = True
            self.fields["slug"].help_text = _("Part of the page address: lower-case letters, digits and hyphens. "
                                              "Changing it breaks links to the old address.")


class PhaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("please choose"))] + Phase.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty to use the kind as the title."))
    starts_at = BerlinDateTimeField(label=_("Starts"), help_text=_("Date and time, German time."))
    ends_at = BerlinDateTimeField(label=_("Ends"), help_text=_("Date and time, German time."))
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    features = forms.MultipleChoiceField(label=_("Open in this phase"), choices=features.feature_choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)


class BasePhaseFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this phase")


PhaseFormSet = forms.formset_factory(PhaseForm, formset=BasePhaseFormSet, extra=2, can_delete=True,
                                     can_delete_extra=False, max_num=MAX_PHASES, validate_max=True,
                                     absolute_max=MAX_PHASES + 5)


def phase_initial(phases) -> list[dict]:
    return [{"kind": phase.kind, "title": phase.title, "description": phase.description,
             "starts_at": phase.starts_at, "ends_at": phase.ends_at, "features": list(phase.features)}
            for phase in phases]


def phases_from(formset) -> list[dict]:
    """The phases the formset keeps: filled rows that are not marked for deletion."""
    # An untouched empty row has no cleaned data; an untouched existing phase has all of it.
    return [form.cleaned_data for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class TopicForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.SlugField(label=_("Address"), max_length=60, required=False,
                           help_text=_("Used in filter addresses. Leave empty to make it from the name."))


class NewsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=MARKDOWN_HINT)
