"""Forms of the co-design. They only parse input; the rules live in services.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.codesign.models import Channel, Rating, Service, Step, Theme
from kommune.core.processes.models import Process

EFFORT_CHOICES = [("1", _("1 – very little effort")), ("2", _("2 – little effort")), ("3", _("3 – some effort")),
                  ("4", _("4 – much effort")), ("5", _("5 – very much effort"))]
CLARITY_CHOICES = [("1", _("1 – very unclear")), ("2", _("2 – rather unclear")), ("3", _("3 – partly clear")),
                   ("4", _("4 – rather clear")), ("5", _("5 – very clear"))]


class ServiceForm(forms.Form):
    title = forms.CharField(label=_("Name of the service"), max_length=200,
                            help_text=_("As residents know it, e.g. “Wohnsitz anmelden oder ummelden”."))
    leika_key = forms.CharField(label=_("Leistungsschlüssel (LeiKa)"), max_length=20, required=False,
                                help_text=_("The 14-digit key of the service in the LeiKa catalogue, if known."))
    department = forms.CharField(label=_("Responsible department"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                  max_length=5000)
    process = forms.ModelChoiceField(label=_("Participation process"), queryset=Process.objects.none(),
                                     required=False,
                                     help_text=_("Optional. Then a running phase of the process that opens "
                                                 "“Co-design of a public service” decides when residents can rate."))
    accepts_ratings = forms.BooleanField(label=_("Open for ratings (without a process)"), required=False,
                                         initial=True)

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = Process.objects.filter(municipality=municipality).order_by("title")  # type: ignore[attr-defined]


def service_initial(service: Service) -> dict:
    return {"title": service.title, "leika_key": service.leika_key, "department": service.department,
            "description": service.description, "process": service.process_id,
            "accepts_ratings": service.accepts_ratings}


class StepForm(forms.Form):
    title = forms.CharField(label=_("Title of the step"), max_length=200)
    description = forms.CharField(label=_("What happens in this step"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False, max_length=3000)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, widget=forms.RadioSelect,
                                initial=Channel.ONLINE)
    position = forms.IntegerField(label=_("Position"), min_value=1, max_value=30, required=False,
                                  help_text=_("Empty: at the end."))


def step_initial(step: Step) -> dict:
    return {"title": step.title, "description": step.description, "channel": step.channel,
            "position": step.position}


class RatingForm(forms.Form):
    """One group of fields per step: effort and clarity (radio groups), a problem and an idea. A step left
    empty is not rated."""

    used_on = forms.DateField(label=_("When did you use the service?"), widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("The day, roughly; it lets us compare ratings before and after a change."))

    def __init__(self, *args, steps: list[Step], existing: dict[int, Rating] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.steps = steps
        existing = existing or {}
        self.fields["used_on"].initial = (min((r.used_on for r in existing.values()), default=None)
                                          or timezone.localdate())
        for step in steps:
            rating = existing.get(step.pk)
            self.fields[f"effort_{step.pk}"] = forms.ChoiceField(
                label=_("Effort of this step"), choices=EFFORT_CHOICES, widget=forms.RadioSelect, required=False,
                initial=str(rating.effort) if rating else None)
            self.fields[f"clarity_{step.pk}"] = forms.ChoiceField(
                label=_("Clarity of this step"), choices=CLARITY_CHOICES, widget=forms.RadioSelect, required=False,
                initial=str(rating.clarity) if rating else None)
            self.fields[f"problem_{step.pk}"] = forms.CharField(
                label=_("What was a problem?"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                max_length=2000, initial=rating.problem if rating else "")
            self.fields[f"idea_{step.pk}"] = forms.CharField(
                label=_("What would make it better?"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                max_length=2000, initial=rating.idea if rating else "")

    def step_fields(self, step: Step) -> list:
        return [self[f"{name}_{step.pk}"] for name in ("effort", "clarity", "problem", "idea")]

    def clean(self):
        cleaned = super().clean() or {}
        rated = 0
        for step in self.steps:
            values = [cleaned.get(f"{name}_{step.pk}") for name in ("effort", "clarity", "problem", "idea")]
            if not any(values):
                continue
            for name in ("effort", "clarity"):
                if not cleaned.get(f"{name}_{step.pk}"):
                    self.add_error(f"{name}_{step.pk}", _("Please choose a value from 1 to 5 for step %(number)d.")
                                   % {"number": step.position})
            rated += 1
        if not rated and not self.errors:
            raise forms.ValidationError(_("Please rate at least one step."))
        return cleaned

    def rated_steps(self) -> list[tuple[Step, dict]]:
        result = []
        for step in self.steps:
            values = {name: self.cleaned_data.get(f"{name}_{step.pk}") or "" for name in
                      ("effort", "clarity", "problem", "idea")}
            if values["effort"] and values["clarity"]:
                result.append((step, values))
        return result


class AssistedRatingForm(RatingForm):
    channel = forms.ChoiceField(label=_("How did the rating reach you?"), widget=forms.RadioSelect,
                                choices=[choice for choice in Rating.EntryChannel.choices
                                         if choice[0] != Rating.EntryChannel.ONLINE])
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("For example the date of the call or the file number of the letter; "
                                            "no names."))


class ThemeForm(forms.Form):
    title = forms.CharField(label=_("Theme"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  max_length=2000)


class ChangeForm(forms.Form):
    title = forms.CharField(label=_("What changed"), max_length=200)
    description = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                  max_length=5000)
    changed_on = forms.DateField(label=_("In effect since"), widget=forms.DateInput(attrs={"type": "date"}))
    step = forms.ModelChoiceField(label=_("Step it changes"), queryset=Step.objects.none(), required=False)
    theme = forms.ModelChoiceField(label=_("Theme it answers"), queryset=Theme.objects.none(), required=False)

    def __init__(self, *args, service: Service, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = service.steps.order_by("position")  # type: ignore[attr-defined]
        self.fields["theme"].queryset = service.themes.order_by("title")  # type: ignore[attr-defined]
