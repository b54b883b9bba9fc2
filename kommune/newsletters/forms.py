"""Forms of the newsletters: they parse and label; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kommune.core.cleaning import refuse_control_characters
from kommune.core.models import Municipality
from kommune.core.newsletter_blocks import blocks
from kommune.core.processes.models import Topic
from kommune.newsletters import selectors
from kommune.newsletters.models import District


def _no_control(value: str) -> None:
    refuse_control_characters(value or "")


class InterestsMixin(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), required=False, queryset=Topic.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to get every newsletter."))
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"), required=False, queryset=District.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to get the newsletters for the whole municipality and every district."))

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = selectors.topics_of(municipality)  # type: ignore[attr-defined]
        self.fields["districts"].queryset = selectors.districts_of(municipality)  # type: ignore[attr-defined]


class SubscribeForm(InterestsMixin):
    email = forms.CharField(label=_("Your e-mail address"), max_length=254)
    consent = forms.BooleanField(label=_("I want to receive the newsletter and have read the privacy notice."),
                                 error_messages={"required": _("Please confirm that you want the newsletter.")})
    field_order = ["email", "topics", "districts", "consent"]


class AssistedSubscriberForm(InterestsMixin):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.CharField(label=_("E-mail address of the person"), max_length=254)
    consent = forms.BooleanField(
        label=_("The person asked for the newsletter on the phone or in person."),
        error_messages={"required": _("Please confirm that the person asked for the newsletter.")})
    field_order = ["name", "email", "topics", "districts", "consent"]


class NewsletterForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=150, validators=[_no_control])
    intro = forms.CharField(label=_("Teaser"), max_length=300, required=False,
                            help_text=_("One or two sentences shown in the archive."))
    body = forms.CharField(label=_("Text"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("Markdown: ## heading, - list item, **bold**, [link](https://…)."))
    blocks = forms.MultipleChoiceField(label=_("Blocks"), required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text=_("Filled in when the newsletter is sent."))
    topic = forms.ModelChoiceField(label=_("Topic"), required=False, queryset=Topic.objects.none(),
                                   empty_label=_("all topics"),
                                   help_text=_("Only subscribers of this topic (and those who chose none) get it."))
    district = forms.ModelChoiceField(label=_("District"), required=False, queryset=District.objects.none(),
                                      empty_label=_("the whole municipality"))

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["blocks"].choices = [(block.kind, block.label) for block in blocks()]  # type: ignore[attr-defined]
        self.fields["topic"].queryset = selectors.topics_of(municipality)  # type: ignore[attr-defined]
        self.fields["district"].queryset = selectors.districts_of(municipality)  # type: ignore[attr-defined]


class DistrictForm(forms.Form):
    name = forms.CharField(label=_("New district"), max_length=100)


class BounceForm(forms.Form):
    addresses = forms.CharField(label=_("Addresses that bounced"), widget=forms.Textarea(attrs={"rows": 4}),
                                max_length=100_000, help_text=_("One e-mail address per line."))

    def clean_addresses(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["addresses"].splitlines() if line.strip()]
        if len(lines) > 1000:
            raise ValidationError(_("Please enter at most 1000 addresses at once."))
        return lines


