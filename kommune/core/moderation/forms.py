from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.moderation.models import Report
from kommune.core.moderation.services import (
    MAX_ANSWER_LENGTH,
    MAX_REASON_LENGTH,
    MAX_REPORT_TEXT_LENGTH,
    MAX_REVIEW_TEXT_LENGTH,
)

PUBLIC_REASON_HINT = _("Appears in the public moderation log. Please name the rule that was broken, not people.")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong with this contribution?"), choices=Report.Reason.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("Please choose a reason.")})
    text = forms.CharField(label=_("Explanation"), required=False, max_length=MAX_REPORT_TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Helps the moderators decide. Only they read it."))


class RuleChoiceMixin(forms.Form):
    """A choice of the municipality's netiquette rules (kommune.core.moderation.netiquette.netiquette_rules),
    named in the decision and in the statement of reasons the affected person receives."""

    def __init__(self, *args: Any, rules: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"] = forms.ChoiceField(
            label=_("Rule of the netiquette"), choices=[(rule, rule) for rule in rules],
            help_text=_("The person concerned is told which rule the decision applies."),
            error_messages={"required": _("Please choose a rule of the netiquette."),
                            "invalid_choice": _("Please choose a rule of the netiquette.")})


class HideForm(RuleChoiceMixin):
    reason = forms.CharField(label=_("Reason for hiding"), max_length=MAX_REASON_LENGTH, help_text=PUBLIC_REASON_HINT,
                             error_messages={"required": _("Please give a reason. It appears in the public "
                                                           "moderation log.")})


class UnhideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for showing it again"), max_length=MAX_REASON_LENGTH,
                             help_text=PUBLIC_REASON_HINT,
                             error_messages={"required": _("Please give a reason. It appears in the public "
                                                           "moderation log.")})


class BlockForm(RuleChoiceMixin):
    DURATIONS = {"1": timedelta(days=1), "7": timedelta(days=7), "30": timedelta(days=30),
                 "90": timedelta(days=90), "365": timedelta(days=365)}

    duration = forms.ChoiceField(label=_("Block for"), choices=[
        ("1", _("1 day")), ("7", _("1 week")), ("30", _("30 days")), ("90", _("90 days")), ("365", _("1 year"))],
        initial="7")
    reason = forms.CharField(label=_("Reason for the block"), max_length=MAX_REASON_LENGTH,
                             help_text=PUBLIC_REASON_HINT,
                             error_messages={"required": _("Please give a reason. It appears in the public "
                                                           "moderation log.")})

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "block")
        super().__init__(*args, **kwargs)

    @property
    def length(self) -> timedelta:
        return self.DURATIONS[self.cleaned_data["duration"]]


class UnblockForm(forms.Form):
    reason = forms.CharField(label=_("Reason for lifting the block"), required=False, max_length=MAX_REASON_LENGTH,
                             help_text=PUBLIC_REASON_HINT)


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, initial="answer", choices=[
        ("answer", _("Answer the report")), ("dismiss", _("Dismiss the report (no rule was broken)"))])
    answer = forms.CharField(label=_("Answer to the person who reported"), required=False,
                             max_length=MAX_ANSWER_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Only that person reads it. Required unless you dismiss the report."))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "answer" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Please write an answer to the person who reported."))
        return data


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(choices=Report.Status.choices, required=False)


class ReviewRequestForm(forms.Form):
    text = forms.CharField(label=_("Why should the decision be reviewed?"), max_length=MAX_REVIEW_TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Only the moderators read it. You can ask once per decision."),
                           error_messages={"required": _("Please tell the moderators why the decision should be "
                                                         "reviewed.")})


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        ("uphold", _("Uphold the decision")),
        ("reverse", _("Reverse the decision (show the contribution again, lift the block)"))],
        error_messages={"required": _("Please choose an outcome.")})
    answer = forms.CharField(label=_("Explanation to the person"), max_length=MAX_ANSWER_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": _("Please explain the outcome to the person who asked "
                                                           "for the review.")})
