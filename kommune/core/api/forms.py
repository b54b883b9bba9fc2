"""Forms of the access-token pages. They parse input; the rules live in services.py."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.api.models import AccessToken

BERLIN = ZoneInfo("Europe/Berlin")


class AccessTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What you use the token for, e.g. “Ratsinfo-App” or “Auswertung 2026”."))
    scope = forms.ChoiceField(label=_("Permissions"), choices=AccessToken.Scope.choices,
                              initial=AccessToken.Scope.READ, widget=forms.RadioSelect,
                              help_text=_("“Read” is enough for evaluations and apps that only show data."))
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text=_("Optional. The token stops working at the end of this day."))

    def expires_at(self) -> datetime | None:
        """The end of the chosen day in Berlin (the start of the next one), or None."""
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=BERLIN)
