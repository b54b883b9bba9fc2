"""Forms of surveys and opinion maps. The answer form is built from a survey's questions: one field per question
(``q<id>``), a ranking as one select per option (``q<id>_<option>``)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kommune.core.cleaning import validate_no_control_characters
from kommune.core.processes.models import Process
from kommune.surveys.models import Question, Statement, Survey

Kind = Question.Kind


def field_name(question: Question, option: int | None = None) -> str:
    return f"q{question.pk}" if option is None else f"q{question.pk}_{option}"


def _question_fields(question: Question) -> dict[str, forms.Field]:
    label, hint = question.text, question.help_text
    if question.kind == Kind.SINGLE:
        return {field_name(question): forms.ChoiceField(
            label=label, help_text=hint, required=question.is_required, widget=forms.RadioSelect,
            choices=[(str(index), option) for index, option in enumerate(question.options)])}
    if question.kind == Kind.MULTIPLE:
        return {field_name(question): forms.MultipleChoiceField(
            label=label, help_text=hint or gettext("Several answers are possible."), required=question.is_required,
            widget=forms.CheckboxSelectMultiple,
            choices=[(str(index), option) for index, option in enumerate(question.options)])}
    if question.kind == Kind.RATING:
        def scale_label(value: int) -> str:
            if value == question.scale_min and question.scale_min_label:
                return f"{value} – {question.scale_min_label}"
            if value == question.scale_max and question.scale_max_label:
                return f"{value} – {question.scale_max_label}"
            return str(value)
        return {field_name(question): forms.ChoiceField(
            label=label, help_text=hint, required=question.is_required, widget=forms.RadioSelect,
            choices=[(str(value), scale_label(value)) for value in question.scale])}
    if question.kind == Kind.RANKING:
        places = [("", gettext("Choose a place"))] + [(str(place), str(place))
                                                        for place in range(1, len(question.options) + 1)]
        return {field_name(question, index): forms.ChoiceField(label=option, required=question.is_required,
                                                               choices=places)
                for index, option in enumerate(question.options)}
    return {field_name(question): forms.CharField(
        label=label, help_text=hint, required=question.is_required, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_control_characters])}


class AnswerForm(forms.Form):
    """The fields of ``questions`` (one step of the survey, or all of them on the staff's paper entry page)."""

    def __init__(self, questions: Sequence[Question], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields.update(_question_fields(question))

    def full_clean(self) -> None:
        """The service checks the answers (services.clean_answers): the form only shows its errors."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def ranking_fields(self, question: Question) -> list[forms.BoundField]:
        return [self[field_name(question, index)] for index in range(len(question.options))]

    def add_question_errors(self, errors: Mapping[str, list[str]]) -> None:
        for question in self.questions:
            for message in errors.get(str(question.pk), []):
                name = field_name(question, 0) if question.kind == Kind.RANKING else field_name(question)
                self.add_error(name, message)


def raw_answers(questions: Sequence[Question], data: Mapping[str, Any]) -> dict[int, Any]:
    """What the person sent per question, as services.clean_answers takes it."""
    raw: dict[int, Any] = {}
    getlist = getattr(data, "getlist", None)
    for question in questions:
        if question.kind == Kind.MULTIPLE:
            raw[question.pk] = getlist(field_name(question)) if getlist else data.get(field_name(question), [])
        elif question.kind == Kind.RANKING:
            raw[question.pk] = {index: data.get(field_name(question, index), "")
                                for index in range(len(question.options))}
        else:
            raw[question.pk] = data.get(field_name(question), "")
    return raw


def carried(questions: Sequence[Question], data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The answers of earlier steps as hidden inputs (name, value): the next step sends them again, and the
    service checks everything once more when the response is stored."""
    pairs: list[tuple[str, str]] = []
    getlist = getattr(data, "getlist", None)
    for question in questions:
        names = ([field_name(question, index) for index in range(len(question.options))]
                 if question.kind == Kind.RANKING else [field_name(question)])
        for name in names:
            values = getlist(name) if getlist else [data.get(name, "")]
            pairs.extend((name, str(value)[:2000]) for value in values if value not in (None, ""))
    return pairs


class ConsentForm(forms.Form):
    shares_name = forms.BooleanField(
        label=_("My name may appear in the municipality's evaluation of this survey."), required=False,
        help_text=_("Without your consent the evaluation shows only a pseudonym."))


class PaperForm(forms.Form):
    reference = forms.CharField(label=_("Reference of the questionnaire"), max_length=100, required=False,
                                validators=[validate_no_control_characters],
                                help_text=_("E.g. the number written on the paper, to find it again."))


class SurveyForm(forms.Form):
    process = forms.ModelChoiceField(label=_("Participation process"), queryset=Process.objects.none(),
                                     empty_label=_("Choose a process"))
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_no_control_characters])
    description = forms.CharField(label=_("Introduction"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  validators=[validate_no_control_characters])
    is_anonymous = forms.BooleanField(label=_("Anonymous: store the answers without a link to the account"),
                                      required=False, initial=True)
    audience = forms.ChoiceField(label=_("Who may answer"), choices=Survey.Audience.choices,
                                 initial=Survey.Audience.REGISTERED)

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["process"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Process.objects.filter(municipality=municipality).order_by("-created_at")


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500, validators=[validate_no_control_characters])
    help_text = forms.CharField(label=_("Hint"), max_length=500, required=False,
                                validators=[validate_no_control_characters])
    is_required = forms.BooleanField(label=_("Required"), required=False)
    options = forms.CharField(label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                              max_length=5000, validators=[validate_no_control_characters],
                              help_text=_("For choice and ranking questions: one option per line."))
    scale_min = forms.IntegerField(label=_("Rating scale from"), initial=1, min_value=-10, max_value=10)
    scale_max = forms.IntegerField(label=_("Rating scale to"), initial=5, min_value=-10, max_value=10)
    scale_min_label = forms.CharField(label=_("Label of the lowest value"), max_length=60, required=False)
    scale_max_label = forms.CharField(label=_("Label of the highest value"), max_length=60, required=False)
    condition = forms.ChoiceField(label=_("Show only if"), required=False,
                                  help_text=_("An earlier question and the answer that shows this question."))

    def __init__(self, *args, questions: Sequence[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", gettext("Always show"))]
        for question in questions:
            if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
                choices += [(f"{question.pk}:{index}", f"{question.position}. {question.text} = {option}")
                            for index, option in enumerate(question.options)]
            elif question.kind == Kind.RATING:
                choices += [(f"{question.pk}:{value}", f"{question.position}. {question.text} = {value}")
                            for value in question.scale]
        field = self.fields["condition"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class OpinionMapForm(forms.Form):
    process = forms.ModelChoiceField(label=_("Participation process"), queryset=Process.objects.none(),
                                     empty_label=_("Choose a process"))
    title = forms.CharField(label=_("Question of the debate"), max_length=200,
                            validators=[validate_no_control_characters])
    description = forms.CharField(label=_("Introduction"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  validators=[validate_no_control_characters])
    statements = forms.CharField(label=_("First statements"), required=False, max_length=20_000,
                                 widget=forms.Textarea(attrs={"rows": 6}),
                                 validators=[validate_no_control_characters],
                                 help_text=_("One statement per line, to start the debate."))

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["process"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Process.objects.filter(municipality=municipality).order_by("-created_at")


class StatementForm(forms.Form):
    text = forms.CharField(label=_("Your statement"), max_length=Statement.MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}), validators=[validate_no_control_characters],
                           help_text=_("One clear thought in one or two sentences, so others can agree or "
                                       "disagree."))
