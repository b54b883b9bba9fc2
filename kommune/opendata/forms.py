"""Forms of the catalogue pages. They parse input; the rules live in services.py and uploads.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.forms import choice_field, model_choice_field
from kommune.core.models import Organisation
from kommune.opendata.models import Frequency, License, Resource, Theme
from kommune.opendata.selectors import CatalogueFilter, Facets
from kommune.opendata.services import MAX_KEYWORD_LENGTH

# --- Public catalogue filter ----------------------------------------------------------------------------------


def _with_count(label, count: int) -> str:
    return _("%(label)s (%(count)d)") % {"label": label, "count": count}


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search term"), max_length=200, required=False, widget=forms.SearchInput,
                        help_text=_("Searches titles, descriptions and keywords."))
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)
    keyword = forms.ChoiceField(label=_("Keyword"), required=False)

    def __init__(self, *args, facets: Facets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "theme").choices = [("", _("all themes"))] + [
            (facet.value, _with_count(facet.label, facet.count)) for facet in facets.themes]
        choice_field(self, "format").choices = [("", _("all formats"))] + [
            (facet.value, _with_count(facet.label, facet.count)) for facet in facets.formats]
        keywords = [(facet.value, _with_count(facet.label, facet.count)) for facet in facets.keywords]
        # A keyword linked from a dataset page may not be among the most used ones: offer it too.
        asked = (self.data.get("keyword") or "").strip()[:MAX_KEYWORD_LENGTH] if self.is_bound else ""
        if asked and asked.casefold() not in {value.casefold() for value, _label in keywords}:
            keywords.append((asked, asked))
        choice_field(self, "keyword").choices = [("", _("all keywords")), *keywords]

    def chosen(self) -> CatalogueFilter:
        """The filter asked for; an invalid choice is reported on its field and filters nothing."""
        if not self.is_bound or not self.is_valid():
            return CatalogueFilter()
        data = self.cleaned_data
        return CatalogueFilter(query=data["q"].strip(), theme=data["theme"], format=data["format"],
                               keyword=data["keyword"])


# --- Management -----------------------------------------------------------------------------------------------


class KeywordsField(forms.CharField):
    """Keywords as one line separated by commas, a list in ``cleaned_data``."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, (list, tuple)) else value

    def to_python(self, value) -> list[str]:  # type: ignore[override]  # a list in cleaned_data, by design
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DatasetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(label=_("Address"), max_length=100, required=False,
                           help_text=_("Part of the page address: lower-case letters, digits and hyphens. Leave "
                                       "empty to make it from the title."))
    description = forms.CharField(label=_("Description"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("What the data contains, where it comes from, what a row means."))
    publisher = forms.ModelChoiceField(label=_("Publisher"), queryset=Organisation.objects.none(),
                                       required=False, empty_label=_("the municipality itself"))
    contact_name = forms.CharField(label=_("Contact point"), max_length=200,
                                   help_text=_("The office or team that answers questions about the data."))
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254)
    keywords = KeywordsField(label=_("Keywords"), required=False, max_length=3000,
                             help_text=_("Separate keywords with commas, for example: Haushalt, Finanzen, Steuern."))
    themes = forms.MultipleChoiceField(label=_("Themes"), choices=Theme.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("The EU data themes the data belongs to."))
    license = forms.ChoiceField(label=_("Licence"), choices=License.choices, initial=License.DL_BY_DE_2_0,
                                help_text=_("From the DCAT-AP.de licence vocabulary. The data licence Germany "
                                            "(attribution) is the usual choice of German authorities."))
    temporal_start = forms.DateField(label=_("Covers the time from"), required=False, widget=DateInput())
    temporal_end = forms.DateField(label=_("Covers the time until"), required=False, widget=DateInput())
    accrual_periodicity = forms.ChoiceField(label=_("Update frequency"), choices=Frequency.choices,
                                            initial=Frequency.IRREG)

    def __init__(self, *args, municipality, slug_required: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "publisher").queryset = municipality.organisations.order_by("name")
        if slug_required:
            self.fields["slug"].required = True
            self.fields["slug"].help_text = _("Part of the page address: lower-case letters, digits and hyphens. "
                                              "Changing it breaks links to the old address.")


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("For example: Haushaltsplan 2026 (Ergebnisplan)."))
    format = forms.ChoiceField(label=_("Format"), choices=[("", _("please choose")), *Resource.Format.choices])
    file = forms.FileField(label=_("File"), required=False, widget=forms.FileInput)
    url = forms.URLField(label=_("Or: address of the file"), max_length=1000, required=False,
                         help_text=_("For data published elsewhere. Leave empty when you upload a file."))
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, max_mb: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV, JSON, GeoJSON, XLSX or PDF, at most %(max)d MB. Text files must be encoded as UTF-8.") % {
            "max": max_mb}


class ReplaceFileForm(forms.Form):
    file = forms.FileField(label=_("New file"), widget=forms.FileInput)

    def __init__(self, *args, resource: Resource, max_mb: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Format %(format)s, at most %(max)d MB.") % {
            "format": resource.get_format_display(), "max": max_mb}
