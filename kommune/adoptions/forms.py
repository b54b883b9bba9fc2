from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.adoptions.models import AssetKind, AssistedChannel, CareKind


class AssetFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *AssetKind.choices])
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("All")), ("free", _("Free to adopt")), ("adopted", _("Adopted"))])


class AdoptForm(forms.Form):
    public_name = forms.CharField(
        label=_("Name shown on the map"), required=False, max_length=100,
        help_text=_("For example “Familie Yilmaz” or “Kita Sonnenschein”. Leave it empty to stay anonymous."))


ASSISTED_CHANNEL_CHOICES = [(value, label) for value, label in AssistedChannel.choices if value]


class AssistedAdoptForm(forms.Form):
    public_name = forms.CharField(label=_("Name shown on the map"), max_length=100,
                                  help_text=_("The name the adopters chose, for example “Familie Yilmaz”."))
    contact = forms.CharField(label=_("Phone or e-mail (not public)"), max_length=100,
                              help_text=_("So that the municipality can reach the adopters."))
    channel = forms.ChoiceField(label=_("How did the adopters reach you?"), choices=ASSISTED_CHANNEL_CHOICES,
                                widget=forms.RadioSelect)


class CareForm(forms.Form):
    kind = forms.ChoiceField(label=_("What did you do?"), choices=CareKind.choices)
    done_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Day and month, for example 14.06.2026."))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(label=_("Photo"), required=False,
                             help_text=_("Optional. We remove the location and camera data from the photo."))
    photo_alt = forms.CharField(label=_("What does the photo show?"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON file"),
                           help_text=_("A FeatureCollection of points and lines with the properties “name” and "
                                       "“kind” (hedge, tree, bed, bench, water_point), at most 5 MB."))


class AssistedCareForm(CareForm):
    channel = forms.ChoiceField(label=_("How did the adopters tell you?"), choices=ASSISTED_CHANNEL_CHOICES,
                                widget=forms.RadioSelect)
