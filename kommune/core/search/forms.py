from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.forms import choice_field
from kommune.core.models import Municipality
from kommune.core.search.registry import kind_choices

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search term"), max_length=MAX_QUERY_LENGTH, strip=True,
        error_messages={
            "required": _("Please enter a search term."),
            "max_length": _("Please enter at most %(limit_value)d characters (you entered %(show_value)d)."),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.MultipleChoiceField(
        label=_("Type"), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not a type that can be searched.")},
    )

    def __init__(self, *args, with_municipality: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = kind_choices()
        if with_municipality:
            self.fields["municipality"] = forms.ModelChoiceField(
                label=_("Municipality"), required=False, queryset=Municipality.objects.order_by("name"),
                to_field_name="slug", empty_label=_("All municipalities"),
                error_messages={"invalid_choice": _("There is no such municipality.")},
            )
            self.order_fields(["q", "municipality", "kind"])
