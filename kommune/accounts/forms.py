from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kommune.accounts.models import User
from kommune.core import ratelimit
from kommune.core.cleaning import validate_no_control_characters
from kommune.core.models import Municipality


class RegistrationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             help_text=_("We send you a link to confirm it. It is never shown publicly."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    display_name = forms.CharField(label=_("Public name"), max_length=80, validators=[validate_no_control_characters],
                                   help_text=_("Shown with your contributions. A pseudonym is allowed."),
                                   widget=forms.TextInput(attrs={"autocomplete": "nickname"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               help_text=_("At least 10 characters; not only digits, not a common password."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    municipality = forms.ModelChoiceField(label=_("Your municipality"), required=False,
                                          queryset=Municipality.objects.order_by("name"),
                                          empty_label=_("Choose later"))
    accept_privacy = forms.BooleanField(label=_("I have read the privacy notice and agree that my contributions "
                                                "are published under my public name."))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        password = cleaned.get("password")
        if password:
            probe = User(email=cleaned.get("email", ""), display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail address"),
                                widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    error_messages = {
        "invalid_login": _("The e-mail address or the password is not correct. After several failed attempts "
                           "logging in is paused for a while."),
        "inactive": _("This account is deactivated."),
        "unconfirmed": _("Please confirm your e-mail address first: open the link in the e-mail we sent you. "
                         "You can ask for a new link below."),
        "too_many_failures": _("Too many failed logins from your network. Logging in is paused for %(minutes)d "
                               "minutes; please try again then."),
    }

    def clean(self):
        """Failed logins count per client address across all accounts (password spraying), on top of the
        lockout per account and address of django-axes; above the limit no password is even checked. Every
        attempt counts before its password is checked and is taken back when the password was right, so that
        parallel attempts cannot all pass one check."""
        limit = ratelimit.login_address_limit()
        address = ratelimit.client_address(self.request) if self.request else ""
        verdict = ratelimit.hit(limit, address, sliding=True)
        if not verdict.allowed:
            raise forms.ValidationError(self.error_messages["too_many_failures"], code="too_many_failures",
                                        params={"minutes": ratelimit.minutes(verdict)})
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if error.code != "invalid_login":  # the password was right (an unconfirmed or deactivated account)
                ratelimit.release(limit, address)
            raise
        ratelimit.release(limit, address)
        return cleaned

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if user.email_confirmed_at is None:
            raise forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Public name"), max_length=80, validators=[validate_no_control_characters],
                                   help_text=_("Shown with your contributions. A pseudonym is allowed."))
    real_name = forms.CharField(label=_("Real name"), max_length=200, required=False,
                                validators=[validate_no_control_characters],
                                help_text=_("Private. Only staff of your municipality see it, for example when "
                                            "they verify your residency."))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    public_profile = forms.BooleanField(
        label=_("Show a public profile page"), required=False,
        help_text=_("Shows your proposals and comments under your public name on one page, which others can "
                    "follow. Off by default; turning it off ends everyone's follows of you."))
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=_("Private. Needed only where a minimum age applies, for example to support citizen proposals."))

    def clean_birth_date(self):
        from kommune.accounts.services import clean_birth_date

        return clean_birth_date(self.cleaned_data.get("birth_date"))


class JoinMunicipalityForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.order_by("name"),
                                          empty_label=_("Choose a municipality"))


class LetterCodeForm(forms.Form):
    code = forms.CharField(label=_("Code from your letter"), max_length=30,
                           help_text=_("Twelve letters and digits, for example ABCD-EFGH-JKMN."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                         "autocapitalize": "characters"}))


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user: User, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
