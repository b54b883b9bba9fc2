"""Forms of the citizen-proposal pages. They parse input and give early, clear errors; the rules live in
services.py, which checks everything again."""

from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kommune.core.forms import CoordinateField, choice_field, model_choice_field
from kommune.proposals import services
from kommune.proposals.models import Category, Proposal, ProposalSettings, ProposalUpdate

SORTS = {
    "supports": _("most supports"),
    "newest": _("newest"),
    "answered": _("recently answered"),
    "deadline": _("nearest deadline"),
}
PUBLIC_STATES = [state for state in Proposal.State if state != Proposal.State.DRAFT]


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


def _accept(extensions) -> str:
    return ",".join(f".{extension}" for extension in sorted(extensions))


def _types(extensions) -> str:
    return ", ".join(sorted(extension.upper() for extension in extensions if extension != "jpeg"))




class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


# --- Writing a proposal -----------------------------------------------------------------------------------------


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150,
                            help_text=_("A short sentence that says what should happen, for example “More benches "
                                        "on the market square”."))
    text = forms.CharField(label=_("Your proposal"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 12}),
                           help_text=_("What should the municipality do, and why? Markdown: ## heading, - list "
                                       "item, **bold**, [link](https://…)."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False,
                                      empty_label=_("no category"))
    area = forms.CharField(label=_("Area"), max_length=200, required=False,
                           help_text=_("The part of the municipality concerned, for example a district."))
    latitude = CoordinateField(label=_("Latitude"), limit=90, required=False, help_text=_("For example 51.9607."))
    longitude = CoordinateField(label=_("Longitude"), limit=180, required=False, help_text=_("For example 7.6261."))
    image = forms.FileField(label=_("Image"), required=False, widget=forms.FileInput)
    image_alt = forms.CharField(label=_("Description of the image"), max_length=300, required=False,
                                help_text=_("Needed with an image: say in one sentence what it shows, for people "
                                            "who cannot see it."))
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, municipality, proposal: Proposal | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        categories = Category.objects.filter(municipality=municipality).order_by("name")
        model_choice_field(self, "category").queryset = categories
        self.fields["image"].help_text = _("Optional. JPEG, PNG or WebP, at most %(max)d MB.") % {
            "max": _megabytes(services.MAX_IMAGE_SIZE)}
        self.fields["image"].widget.attrs["accept"] = _accept(services.IMAGE_EXTENSIONS)
        self.fields["attachments"].widget.attrs["accept"] = _accept(services.ATTACHMENT_EXTENSIONS)
        self.existing_attachments = len(proposal.attachments.all()) if proposal else 0
        self.fields["attachments"].help_text = _(
            "Optional: plans, photos or documents (%(types)s), each at most %(max)d MB, up to %(count)d files. "
            "The file name becomes the title.") % {
            "types": _types(services.ATTACHMENT_EXTENSIONS), "max": _megabytes(services.MAX_ATTACHMENT_SIZE),
            "count": services.MAX_ATTACHMENTS}
        if proposal is None or not proposal.image:
            del self.fields["remove_image"]

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        if self.existing_attachments + len(files) > services.MAX_ATTACHMENTS:
            raise ValidationError(_("A proposal can have at most %(max)d attachments.")
                                  % {"max": services.MAX_ATTACHMENTS})
        return files

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not (
                self.has_error("latitude") or self.has_error("longitude")):
            missing = "longitude" if data.get("longitude") is None else "latitude"
            self.add_error(missing, _("Please enter both latitude and longitude, or leave both empty."))
        return data

    def proposal_fields(self) -> dict:
        """The cleaned values for do_create_proposal / do_update_proposal (the file checks happen there)."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("title", "text", "category", "area", "latitude", "longitude",
                                                "image_alt")}
        if data.get("image"):
            fields["image"] = data["image"]
        elif data.get("remove_image"):
            fields["image"], fields["image_alt"] = False, ""  # False removes the image
        elif self.proposal is None or not self.proposal.image:
            fields["image_alt"] = ""  # a description without an image describes nothing
        return fields


def attachment_title(upload) -> str:
    """The title of an uploaded attachment: its file name without the extension, readable."""
    stem = Path(upload.name or "").stem.replace("_", " ").strip()
    return (stem or str(_("Attachment")))[:200]


# --- The public list --------------------------------------------------------------------------------------------


class ProposalFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORTS.items()))

    def __init__(self, *args, categories: list[Category], areas: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {category.slug: category for category in categories}
        choice_field(self, "state").choices = [("", _("all states"))] + [(state.value, state.label) for state in
                                                                         PUBLIC_STATES]
        choice_field(self, "category").choices = [("", _("all categories"))] + [
            (category.slug, category.name) for category in categories]
        choice_field(self, "area").choices = [("", _("all areas"))] + [(area, area) for area in areas]

    def filters(self) -> dict:
        """state, category (a Category or None), area and sort; invalid values are reported and ignored."""
        result: dict[str, Any] = {"state": None, "category": None, "area": "", "sort": "supports"}
        if not self.is_bound:
            return result
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("state"):
            result["state"] = data["state"]
        if data.get("category"):
            result["category"] = self.categories.get(data["category"])
        result["area"] = data.get("area") or ""
        result["sort"] = data.get("sort") or "supports"
        return result

    def query(self) -> dict:
        """The valid filters as URL parameters, for pagination links and the map/list switch."""
        filters = self.filters()
        query = {"state": filters["state"] or "", "category": filters["category"].slug if filters["category"] else "",
                 "area": filters["area"], "sort": filters["sort"] if filters["sort"] != "supports" else ""}
        return {key: value for key, value in query.items() if value}


# --- Management -------------------------------------------------------------------------------------------------


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ProposalSettings
        fields = list(services.SETTINGS_FIELDS)
        widgets = {"supporters": forms.RadioSelect, "threshold_kind": forms.RadioSelect}
        localized_fields = ["threshold_share"]  # "0,5" in German

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["threshold_absolute"].help_text = _("Used when the threshold is a fixed number, and when the "
                                                        "population is not recorded.")
        self.fields["threshold_share"].help_text = _("Used when the threshold is a share of the population, for "
                                                     "example 0.5 for half a percent.")
        # The model fields have defaults, so their form fields offer exactly the model's choices.
        for name, choices in (("supporters", ProposalSettings.Supporters.choices),
                              ("threshold_kind", ProposalSettings.ThresholdKind.choices)):
            choice_field(self, name).choices = [(value, capfirst(label)) for value, label in choices]
        self.fields["collection_days"].help_text = _("How long a published proposal collects supports. Changes "
                                                     "apply to proposals published from now on.")


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect,
                                choices=lambda: [(value, capfirst(label)) for value, label in Proposal.Outcome.choices])
    answer = forms.CharField(label=_("Official answer"), max_length=20_000,
                             widget=forms.Textarea(attrs={"rows": 12}),
                             help_text=_("What will happen, and why; published on the proposal's page. Markdown: ## "
                                         "heading, - list item, **bold**, [link](https://…)."))
    department = forms.CharField(label=_("Responsible department"), max_length=200,
                                 help_text=_("For example “Office for Roads and Traffic”."))
    paper_reference = forms.CharField(label=_("Council paper reference"), max_length=100, required=False,
                                      help_text=_("Only when handed to the council, if already known: for example "
                                                  "“Drucksache 2026/0815”."))
    paper_url = forms.URLField(label=_("Address of the council paper"), max_length=500, required=False,
                               assume_scheme="https",
                               help_text=_("Only when handed to the council, if already known: the paper in the "
                                           "council information system."))

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("outcome") != Proposal.Outcome.COUNCIL:
            for name in ("paper_reference", "paper_url"):
                if data.get(name):
                    self.add_error(name, _("A council paper belongs only to the outcome “handed to the council”."))
        return data


class SignatureListForm(forms.Form):
    count = forms.IntegerField(label=_("Number of valid signatures"), min_value=1, max_value=10_000_000)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                 format="%Y-%m-%d"))
    scan = forms.FileField(label=_("Scan of the lists"), required=False, widget=forms.FileInput)
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("For example who handed the lists in, or how many signatures were invalid."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scan"].help_text = _("Optional. %(types)s, at most %(max)d MB. Only staff can open it.") % {
            "types": _types(services.SCAN_EXTENSIONS), "max": _megabytes(services.MAX_SCAN_SIZE)}
        self.fields["scan"].widget.attrs["accept"] = _accept(services.SCAN_EXTENSIONS)
        self.fields["received_on"].initial = timezone.localdate()


class WithdrawProposalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw your proposal?"), max_length=500, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the proposal for everyone, and told to the people who follow it."),
        error_messages={"required": _("Please tell the supporters why you withdraw the proposal.")})


class ProposalUpdateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of update"),
                             choices=lambda: [(value, capfirst(label))
                                              for value, label in ProposalUpdate.Kind.choices])
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text=_("The day it happened, for example the day of the council's decision."))
    title = forms.CharField(label=_("Title"), max_length=150,
                            help_text=_("Short, for example “Der Rat hat zugestimmt” or “Baubeginn”."))
    text = forms.CharField(label=_("Text"), max_length=5_000, required=False,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Optional: what was decided or done, and what comes next. Markdown: ## "
                                       "heading, - list item, **bold**, [link](https://…)."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].initial = timezone.localdate()
