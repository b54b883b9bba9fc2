from typing import cast

from django import forms
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
