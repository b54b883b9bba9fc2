"""Forms of the openness pages: the questionnaire (one radio group and one evidence field per statement), a
year (a new round, a report) and the consent to compare in the labs."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.cleaning import validate_no_control_characters
from kommune.core.perspectives import Perspective
from kommune.openness.models import Answer
from kommune.openness.questionnaire import Statement, statements

RATING_CHOICES = [
    ("1", _("1 – does not apply")),
    ("2", _("2 – rather does not apply")),
    ("3", _("3 – partly applies")),
    ("4", _("4 – rather applies")),
    ("5", _("5 – fully applies")),
]


def _name(statement: Statement) -> str:
    return statement.key.replace(".", "_")


class QuestionnaireForm(forms.Form):
    def __init__(self, *args, version: str, answers: dict[str, Answer] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.statements = statements(version)
        answers = answers or {}
        for number, statement in enumerate(self.statements, start=1):
            name = _name(statement)
            answer = answers.get(statement.key)
            self.fields[f"rating_{name}"] = forms.ChoiceField(
                label=f"{number}. {statement.text}", choices=RATING_CHOICES, widget=forms.RadioSelect,
                initial=str(answer.rating) if answer else None,
                error_messages={"required": _("Please rate this statement.")})
            self.fields[f"evidence_{name}"] = forms.CharField(
                label=_("Evidence for statement %(number)d") % {"number": number}, required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}), initial=answer.evidence if answer else "",
                validators=[validate_no_control_characters],
                help_text=_("What shows it: a decision, a page, a figure (optional)."))

    def groups(self) -> list[tuple[Perspective, list[tuple[forms.BoundField, forms.BoundField]]]]:
        grouped: dict[Perspective, list] = {}
        for statement in self.statements:
            name = _name(statement)
            grouped.setdefault(statement.perspective, []).append((self[f"rating_{name}"], self[f"evidence_{name}"]))
        return list(grouped.items())

    def ratings(self) -> dict[str, int]:
        return {s.key: int(self.cleaned_data[f"rating_{_name(s)}"]) for s in self.statements}

    def evidence(self) -> dict[str, str]:
        return {s.key: self.cleaned_data[f"evidence_{_name(s)}"] for s in self.statements}


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              error_messages={"required": _("Please give the year."),
                                              "invalid": _("Please give the year as a number, e.g. 2025.")})


class SharingForm(forms.Form):
    shared = forms.BooleanField(label=_("Share this result with the labs we belong to"), required=False,
                                help_text=_("Members of the lab see the result next to theirs. Without consent "
                                            "the municipality does not appear in the comparison."))
