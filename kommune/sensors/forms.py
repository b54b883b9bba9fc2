from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CoordinateField(forms.Field):
    """A latitude or longitude in decimal degrees; a comma works as the decimal separator too."""

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


class SensorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("Shown on the map, e.g. “Feinstaub Lindenweg”."))
    place = forms.CharField(label=_("Street or district"), max_length=100, required=False,
                            help_text=_("Optional; shown publicly. Do not give your house number."))
    chip_id = forms.CharField(label=_("Sensor ID"), max_length=30,
                              help_text=_("The number the sensor shows as “Sensor ID” on its configuration page "
                                          "(or in its network name airRohr-12345678)."))
    latitude = CoordinateField(label=_("Latitude"), limit=90, help_text=_("For example 51.9607."))
    longitude = CoordinateField(label=_("Longitude"), limit=180, help_text=_("For example 7.6261."))
    exact_location_public = forms.BooleanField(
        label=_("Show the exact place publicly"), required=False,
        help_text=_("Otherwise maps and open data show the place rounded to about one kilometre, so that nobody "
                    "can find your home."))

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["chip_id"]
