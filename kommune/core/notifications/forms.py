from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.notifications.models import NotificationSettings


class SettingsForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mails about notifications"), choices=NotificationSettings.Email.choices,
        widget=forms.RadioSelect,
        help_text=_("You always find your notifications on this site as well."))
