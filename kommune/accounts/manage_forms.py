"""Forms of the residency management pages (counter verification, letter codes)."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kommune.accounts.services import MAX_LETTER_CODES_PER_BATCH
from kommune.core.cleaning import validate_no_control_characters
from kommune.core.manage_forms import PersonByEmailField


class CounterSearchForm(forms.Form):
    person = PersonByEmailField(label=_("E-mail address of the person"),
                                help_text=_("Ask the person for the exact address of their account."))


class CounterVerifyForm(forms.Form):
    person = PersonByEmailField(widget=forms.HiddenInput)
    identity_checked = forms.BooleanField(
        label=_("I have seen an official identity document with the person's name and an address in this "
                "municipality."))
    birth_date = forms.DateField(
        label=_("Date of birth (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("From the identity document. Needed only where a minimum age applies, for example to support "
                    "citizen proposals."))

    def clean_birth_date(self):
        from kommune.accounts.services import clean_birth_date

        return clean_birth_date(self.cleaned_data.get("birth_date"))


class LetterCodeBatchForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=MAX_LETTER_CODES_PER_BATCH,
                               initial=100)
    valid_until = forms.DateField(label=_("Valid until"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text=_("The codes work until the end of this day."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False, validators=[validate_no_control_characters],
                           help_text=_("For example the street list or mailing this batch is meant for."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = timezone.localdate() + timedelta(days=90)
        self.fields["count"].help_text = gettext("Between 1 and %(max)d, one code per letter.") % {
            "max": MAX_LETTER_CODES_PER_BATCH}

    def expires_at(self) -> datetime:
        """The end of the chosen day in the site's time zone (Europe/Berlin)."""
        return timezone.make_aware(datetime.combine(self.cleaned_data["valid_until"], time.max))
