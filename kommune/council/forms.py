"""The filters of the council pages: the calendar (month, committee) and the paper list (type, committee, dates).

Filters are GET forms: an invalid value is reported next to its field and ignored, never an error page.
"""

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.forms import choice_field
from kommune.council.models import Organization

MONTH_RE = re.compile(r"(\d{4})-(\d{2})")


def _committee_choices(committees: list[Organization], empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [(str(committee.pk), committee.name) for committee in committees]


class CalendarForm(forms.Form):
    gremium = forms.ChoiceField(label=_("Committee"), required=False)

    def __init__(self, *args, committees: list[Organization], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.committees = {str(committee.pk): committee for committee in committees}
        choice_field(self, "gremium").choices = _committee_choices(committees, str(_("all committees")))

    def committee(self) -> Organization | None:
        if not self.is_bound or not self.is_valid():
            return None
        return self.committees.get(self.cleaned_data.get("gremium") or "")


def parse_month(raw: str | None, today: date) -> tuple[int, int] | None:
    """``YYYY-MM`` as (year, month), the current month when empty; None when it is no month we can show."""
    if not raw:
        return today.year, today.month
    match = MONTH_RE.fullmatch(raw.strip())
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        return None
    return year, month


class PaperFilterForm(forms.Form):
    typ = forms.ChoiceField(label=_("Type of paper"), required=False)
    gremium = forms.ChoiceField(label=_("Consulted by"), required=False)
    von = forms.DateField(label=_("Dated from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    bis = forms.DateField(label=_("Dated until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, paper_types: list[str], committees: list[Organization], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.committees = {str(committee.pk): committee for committee in committees}
        choice_field(self, "typ").choices = [("", _("all types"))] + [(kind, kind) for kind in paper_types]
        choice_field(self, "gremium").choices = _committee_choices(committees, str(_("all committees")))

    def filters(self) -> dict[str, Any]:
        """paper_type, organization, date_from and date_to for selectors.papers_for_list; invalid ones left out."""
        result: dict[str, Any] = {"paper_type": "", "organization": None, "date_from": None, "date_to": None}
        if not self.is_bound:
            return result
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        result["paper_type"] = data.get("typ") or ""
        result["organization"] = self.committees.get(data.get("gremium") or "")
        result["date_from"] = data.get("von")
        result["date_to"] = data.get("bis")
        return result

    def query(self) -> dict[str, str]:
        """The valid filters as URL parameters, for the page links."""
        filters = self.filters()
        query = {"typ": filters["paper_type"],
                 "gremium": str(filters["organization"].pk) if filters["organization"] else "",
                 "von": filters["date_from"].isoformat() if filters["date_from"] else "",
                 "bis": filters["date_to"].isoformat() if filters["date_to"] else ""}
        return {key: value for key, value in query.items() if value}
