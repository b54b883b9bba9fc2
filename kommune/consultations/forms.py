"""Forms of the consultation pages. They parse input; the rules live in services.py."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kommune.consultations.models import Answer
from kommune.core.cleaning import parse_id, validate_no_control_characters
from kommune.core.comments.models import MAX_COMMENT_LENGTH
from kommune.core.processes.forms import BerlinDateTimeField

MARKDOWN_DRAFT_HINT = _("Markdown: # chapter, ## section, - list item, 1. numbered item, | table | row |, an empty "
                        "line between paragraphs.")


class DraftSourceMixin(forms.Form):
    """The draft: an uploaded DOCX or Markdown file, or a text written here."""

    file = forms.FileField(label=_("Draft as a file"), required=False,
                           help_text=_("A Word document (.docx) or a Markdown file (.md), at most 10 MB. Headings "
                                       "become chapters; lists and tables are kept."))
    text = forms.CharField(label=_("… or write the draft here"), required=False, widget=forms.Textarea(
        attrs={"rows": 12}), max_length=500_000, help_text=MARKDOWN_DRAFT_HINT,
        validators=[validate_no_control_characters])

    def clean(self):
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            raise ValidationError(_("Please upload the draft as a file or write it in the text field."),
                                  code="no_draft")
        return data


class ConsultationForm(DraftSourceMixin):
    phase = forms.ChoiceField(label=_("Process and phase"),
                              help_text=_("Only phases that open “Consultation on a draft” are listed."))
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_no_control_characters])
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False,
                              validators=[validate_no_control_characters])
    opens_at = BerlinDateTimeField(label=_("Comment period starts"))
    closes_at = BerlinDateTimeField(label=_("Comment period ends"))
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    field_order = ["phase", "title", "summary", "opens_at", "closes_at", "file", "text", "publish"]

    def __init__(self, *args, phases, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.phases = {str(phase.pk): phase for phase in phases}
        field = self.fields["phase"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Please choose"))] + [
            (str(phase.pk), f"{phase.process.title}: {phase.display_title}") for phase in phases]


class ConsultationEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_no_control_characters])
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False,
                              validators=[validate_no_control_characters])
    opens_at = BerlinDateTimeField(label=_("Comment period starts"))
    closes_at = BerlinDateTimeField(label=_("Comment period ends"))
    is_published = forms.BooleanField(label=_("Published"), required=False)


class VersionForm(DraftSourceMixin):
    note = forms.CharField(label=_("What changed"), max_length=500, required=False,
                           validators=[validate_no_control_characters])


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=MAX_COMMENT_LENGTH, widget=forms.Textarea(
        attrs={"rows": 5}))
    quote = forms.CharField(
        label=_("Passage you comment on (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Copy the words of the paragraph you mean into this field, or choose a sentence below. Leave it "
                    "empty to comment on the whole paragraph."))
    sentence = forms.ChoiceField(label=_("… or choose a sentence"), required=False)
    # Set by the selection script (consultations/passages.js) with the offsets of the selected text.
    start = forms.IntegerField(required=False, min_value=0, max_value=10_000_000, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, max_value=10_000_000, widget=forms.HiddenInput)

    def __init__(self, *args, sentences: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sentence"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("the whole paragraph, or the passage above"))] + [
            (str(index), sentence if len(sentence) <= 120 else sentence[:117] + "…")
            for index, sentence in enumerate(sentences)]
        self.sentences = sentences

    def passage(self) -> str:
        """The quoted passage: the text field, else the chosen sentence."""
        quote = (self.cleaned_data.get("quote") or "").strip()
        if quote:
            return quote
        choice = self.cleaned_data.get("sentence") or ""
        index = parse_id(choice, max_digits=6)
        return self.sentences[index] if index is not None and index < len(self.sentences) else ""


class AnswerForm(forms.Form):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=[("", _("Please choose"))]
                                    + list(Answer.Disposition.choices), required=False)
    text = forms.CharField(label=_("Reasoned answer"), required=False, max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 5}), validators=[validate_no_control_characters])
    existing = forms.ChoiceField(label=_("… or give the selected comments an existing answer"), required=False)

    def __init__(self, *args, answers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.answers = {str(answer.pk): answer for answer in answers}
        field = self.fields["existing"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("a new answer (above)"))] + [
            (str(answer.pk), f"{answer.get_disposition_display()}: {answer.text[:80]}") for answer in answers]


class AnswerEditForm(forms.Form):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Answer.Disposition.choices)
    text = forms.CharField(label=_("Reasoned answer"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}),
                           validators=[validate_no_control_characters])


class TableFilterForm(forms.Form):
    chapter = forms.ChoiceField(label=_("Chapter"), required=False)
    disposition = forms.ChoiceField(label=_("Disposition"), required=False,
                                    choices=[("", _("all"))] + list(Answer.Disposition.choices))

    def __init__(self, *args, chapters: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["chapter"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("all chapters"))] + [(title, title) for title in chapters]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"chapter": "", "disposition": ""}
        return {"chapter": self.cleaned_data["chapter"], "disposition": self.cleaned_data["disposition"]}
