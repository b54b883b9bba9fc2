"""Forms of the management area (roles, feedback, pages)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kommune.core import selectors
from kommune.core.forms import choice_field, model_choice_field
from kommune.core.models import Organisation, Role


class PersonByEmailField(forms.EmailField):
    """An e-mail address that must belong to an active account; cleans to that person."""

    default_error_messages = {
        "unknown": _("No account uses this e-mail address. Please check the spelling, or ask the person to "
                     "register first."),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def clean(self, value):
        email = super().clean(value)
        if not email:
            return None
        person = selectors.person_by_email(email)
        if person is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return person


class GrantRoleForm(forms.Form):
    person = PersonByEmailField(label=_("E-mail address of the person"),
                                help_text=_("The exact address the person registered with."))
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(), required=False,
                                          empty_label=_("No organisation"),
                                          help_text=_("Only for partners: the organisation the person acts for."))

    def __init__(self, *args, roles: list[tuple[str, str]], organisations: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "role").choices = roles
        model_choice_field(self, "organisation").queryset = organisations

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        # Only a partner acts for an organisation; anything chosen for another role is ignored.
        if cleaned.get("role") != Role.PARTNER:
            cleaned["organisation"] = None
        return cleaned


class RoleFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "role").choices = [("", _("All roles")), *roles]


class FeedbackFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("open", _("Open feedback")), ("handled", _("Handled feedback")), ("all", _("All feedback"))])


class ConfirmForm(forms.Form):
    """A confirmation without fields; carries the errors a service raises."""
