"""Forms of the lab workspace: they parse and label; the services decide."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kommune.core.cleaning import parse_id, validate_no_control_characters
from kommune.core.models import Lab, Municipality
from kommune.labs import selectors
from kommune.labs.models import SubProject, Visibility

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
VISIBILITY_HELP = _("Public: everyone sees it. Internal: only the lab's members.")


def visibility_field(initial: str = Visibility.INTERNAL) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Who sees it"), choices=Visibility.choices, initial=initial,
                             widget=forms.RadioSelect, help_text=VISIBILITY_HELP)


def text_field(label, max_length: int, *, required: bool = True, textarea: bool = False,
               help_text="") -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, help_text=help_text,
                           validators=[validate_no_control_characters],
                           widget=forms.Textarea(attrs={"rows": 6}) if textarea else None)


class IdChoiceField(forms.ModelChoiceField):
    """A choice of a row by its id; anything but a short ASCII number is an invalid choice, not a database error."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        items = value if isinstance(value, list | tuple) else [value]
        if value and any(parse_id(str(item)) is None for item in items):
            raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                  params={"pk": ""})
        return super().clean(value)


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal onto the form: per field where the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class SubProjectForm(forms.Form):
    title = text_field(_("Title"), 200)
    goal = text_field(_("Goal"), 2000, textarea=True, help_text=_("What should be different when it is done?"))
    description = text_field(_("Description"), 10000, required=False, textarea=True)
    municipalities = IdsChoiceField(label=_("Municipalities that run it"),
                                                    queryset=Municipality.objects.none(),
                                                    widget=forms.CheckboxSelectMultiple)
    state = forms.ChoiceField(label=_("State"), choices=SubProject.State.choices)
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("End"), required=False, widget=DATE_WIDGET)
    visibility = visibility_field()

    def __init__(self, *args: Any, lab: Lab, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = lab.municipalities.order_by("name")  # type: ignore[attr-defined]


class TaskForm(forms.Form):
    title = text_field(_("Task"), 200)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET)
    owner = IdChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False,
                                   empty_label=_("nobody yet"))
    visibility = visibility_field()

    def __init__(self, *args: Any, lab: Lab, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.lab_members(lab)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]


class ResponsibleForm(forms.Form):
    user = IdChoiceField(label=_("Person"), queryset=get_user_model().objects.none())
    task = text_field(_("Task in the sub-project"), 100, required=False)

    def __init__(self, *args: Any, lab: Lab, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.lab_members(lab)  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    title = text_field(_("Title"), 200)
    met_on = forms.DateField(label=_("Date of the meeting"), widget=DATE_WIDGET)
    text = text_field(_("Notes"), 50000, textarea=True, help_text=_("Markdown: **bold**, lists, links."))
    visibility = visibility_field()


class DocumentForm(forms.Form):
    title = text_field(_("Title"), 200)
    file = forms.FileField(label=_("File"), help_text=_("At most 20 MB."))
    visibility = visibility_field()


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to link"))
    municipality = IdChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    object_id = forms.CharField(label=_("Number"), max_length=18,
                                help_text=_("The number of the process, proposal, dataset or project in that "
                                            "municipality (it is in its address)."))

    def __init__(self, *args: Any, lab: Lab, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = lab.municipalities.order_by("name")  # type: ignore[attr-defined]


class NewsForm(forms.Form):
    title = text_field(_("Title"), 200)
    text = text_field(_("Text"), 20000, textarea=True, help_text=_("Markdown: **bold**, lists, links."))
    subproject = IdChoiceField(label=_("Sub-project"), queryset=SubProject.objects.none(), required=False,
                                        empty_label=_("the whole lab"))
    visibility = visibility_field(Visibility.PUBLIC)

    def __init__(self, *args: Any, lab: Lab, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subproject"].queryset = SubProject.objects.filter(lab=lab)  # type: ignore[attr-defined]


class EventForm(NewsForm):
    text = None  # type: ignore[assignment]
    starts_at = forms.DateTimeField(label=_("Begins"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                                   format="%Y-%m-%dT%H:%M"))
    place = text_field(_("Place"), 200, required=False)
    description = text_field(_("Description"), 5000, required=False, textarea=True)
    field_order = ["title", "starts_at", "place", "description", "subproject", "visibility"]


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(choices=Visibility.choices)
