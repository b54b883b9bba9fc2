
from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.forms import CoordinateField


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
