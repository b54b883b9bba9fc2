from decimal import Decimal, InvalidOperation
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kommune.core.cleaning import validate_no_control_characters
from kommune.core.models import AccessibilityFeedback


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name`` as the choice field it is, to set its choices for one request."""
    return cast(forms.ChoiceField, form.fields[name])


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's field ``name`` as the model choice field it is, to scope its queryset to one tenant."""
    return cast(forms.ModelChoiceField, form.fields[name])


class AccessibilityFeedbackForm(forms.ModelForm):
    class Meta:
        model = AccessibilityFeedback
        fields = ["message", "page_url", "name", "email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "message": _("Describe what did not work for you and, if you know it, which aid you use."),
            "page_url": _("The address or title of the page."),
            "email": _("Only if you would like an answer."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("message", "page_url", "name"):
            self.fields[name].validators.append(validate_no_control_characters)


class PageForm(forms.Form):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}), required=False,
                           max_length=50_000, validators=[validate_no_control_characters],
                           help_text=_("Markdown: ## heading, - list item, **bold**, [link](https://…)."))


class CoordinateField(forms.Field):
    """A latitude or longitude in decimal degrees (``limit`` 90 or 180), rounded to six places; a comma works as the
    decimal separator too. Shared by the forms that take a point on the map."""

    def __init__(self, *, limit: int, **kwargs) -> None:
        self.limit = limit
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                           "maxlength": "20"}))
        super().__init__(**kwargs)

    def to_python(self, value) -> Decimal | None:
        value = str(value or "").strip().replace(",", ".").replace(" ", "")
        if not value:
            return None
        try:
            number = Decimal(value[:30])
        except InvalidOperation:
            raise ValidationError(_("Please enter a decimal number, for example 51.9607."), code="invalid") from None
        if not number.is_finite() or not -self.limit <= number <= self.limit:
            raise ValidationError(_("Please enter a number between -%(limit)d and %(limit)d.")
                                  % {"limit": self.limit}, code="range")
        return number.quantize(Decimal("0.000001"))

    def prepare_value(self, value):
        return "" if value is None else str(value)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: each message on its field where the form has it, else on the
    whole form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
