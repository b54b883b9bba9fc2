import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.accounts import profiles, services
from kommune.accounts.forms import (
    DeleteAccountForm,
    JoinMunicipalityForm,
    LetterCodeForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResendConfirmationForm,
)
from kommune.accounts.models import User
from kommune.core import ratelimit
from kommune.core.access import login_view, municipality_view, public_view
from kommune.core.models import Municipality
from kommune.core.privacy import export_sections
from kommune.core.selectors import managed_tenants, management_url
from kommune.core.services import do_join_municipality
from kommune.core.types import AuthenticatedHttpRequest

LOGIN_BACKEND = "kommune.accounts.backends.EmailBackend"


def landing_url(user) -> str:
    """Where a login without ``next`` leads: the management area for a team member of exactly one municipality
    or lab, a choice of areas for someone in several teams, the account page for everyone else."""
    tenants = managed_tenants(user)
    if len(tenants) == 1:
        return management_url(tenants[0])
    if tenants:
        return reverse("accounts:management_areas")
    return reverse("accounts:profile")


class LoginView(auth_views.LoginView):
    """Django's login: lands a person where they work (landing_url) and answers 429 while the client's address is
    paused (LoginForm.clean)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "too_many_failures"):
            response.status_code = 429
        return response


@login_view
def management_areas(request: HttpRequest) -> HttpResponse:
    areas = [(tenant, management_url(tenant)) for tenant in managed_tenants(request.user)]
    return render(request, "accounts/management_areas.html", {"areas": areas})


def mail_refusal(request: HttpRequest, email: str) -> str | None:
    """Count one e-mail asked for to ``email`` from the client's address: a message when either limit is
    reached. Counted whether or not an account has the address, so that a refusal reveals nothing about it."""
    verdicts = [ratelimit.hit(ratelimit.mail_address_limit(), ratelimit.client_address(request)),
                ratelimit.hit(ratelimit.mail_account_limit(), email.strip().lower())]
    refused = [verdict for verdict in verdicts if not verdict.allowed]
    if not refused:
        return None
    wait = max(refused, key=lambda verdict: verdict.retry_after)
    return _("Too many e-mails have been requested. Please wait %(minutes)d minutes and try again.") % {
        "minutes": ratelimit.minutes(wait)}


def _refused(request: HttpRequest, template: str, form, message: str) -> HttpResponse:
    form.add_error(None, message)
    return render(request, template, {"form": form}, status=429)


@public_view
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if refusal := mail_refusal(request, form.cleaned_data["email"]):
            return _refused(request, "accounts/register.html", form, refusal)
        data = form.cleaned_data
        services.do_register(email=data["email"], password=data["password"], display_name=data["display_name"],
                             language=request.LANGUAGE_CODE, municipality=data["municipality"])
        request.session["registered_email"] = data["email"]
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@public_view
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html", {
        "email": request.session.get("registered_email", ""),
        "days": settings.EMAIL_CONFIRMATION_MAX_AGE.days,
    })


@public_view
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.do_confirm_email(token=token)
    except services.ConfirmationError as error:
        return render(request, "accounts/confirm_failed.html",
                      {"error": str(error), "form": ResendConfirmationForm()}, status=400)
    if not request.user.is_authenticated:
        login(request, user, backend=LOGIN_BACKEND)
    messages.success(request, _("Thank you, your e-mail address is confirmed. Welcome!"))
    return redirect("accounts:profile")


@public_view
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if refusal := mail_refusal(request, form.cleaned_data["email"]):
            return _refused(request, "accounts/resend_confirmation.html", form, refusal)
        services.do_resend_confirmation(email=form.cleaned_data["email"])
        request.session["registered_email"] = form.cleaned_data["email"]
        return redirect("accounts:register_done")
    return render(request, "accounts/resend_confirmation.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, within the e-mail limits per client address and per e-mail address."""

    def form_valid(self, form) -> HttpResponse:
        if refusal := mail_refusal(self.request, form.cleaned_data["email"]):
            form.add_error(None, refusal)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


@public_view
def login_locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@login_view
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, initial={
        "display_name": user.display_name, "real_name": user.real_name, "language": user.language,
        "birth_date": user.birth_date, "public_profile": user.public_profile})
    if request.method == "POST" and form.is_valid():
        services.do_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    memberships = user.memberships.select_related("municipality", "lab", "organisation").order_by("created_at")
    return render(request, "accounts/profile.html", {
        "form": form,
        "memberships": memberships,
        "residencies": user.residencies.select_related("municipality"),
        "join_form": JoinMunicipalityForm(),
    })


@municipality_view()
def person(request: HttpRequest, municipality: Municipality, user_id: int) -> HttpResponse:
    """A person's public page: a 404 for a person without one, as for an account that does not exist."""
    found = User.objects.filter(pk=user_id).first()
    if found is None or not profiles.has_public_page(found):
        raise Http404
    return render(request, "accounts/person.html", {
        "municipality": municipality, "person": found, "sections": profiles.sections_of(found, municipality),
    })


@login_view
@require_POST
def join_municipality(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = JoinMunicipalityForm(request.POST)
    if form.is_valid():
        do_join_municipality(user=request.user, municipality=form.cleaned_data["municipality"])
        messages.success(request, _("%(name)s is now one of your municipalities.")
                         % {"name": form.cleaned_data["municipality"].name})
    else:
        messages.error(request, _("Please choose a municipality from the list."))
    return redirect("accounts:profile")


@login_view
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@login_view
def residency(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LetterCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = services.do_redeem_letter_code(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("Thank you. You are now verified as a resident of %(name)s.")
                             % {"name": verified.municipality.name})
            return redirect("accounts:profile")
    return render(request, "accounts/residency.html", {
        "form": form, "residencies": request.user.residencies.select_related("municipality")})


@login_view
def export_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    payload = {"exported_at": timezone.now().isoformat(), **export_sections(request.user)}
    response = HttpResponse(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="offene-kommune-daten-{timezone.localdate()}.json"'
    return response


@login_view
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_delete_account(user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted. Thank you for taking part."))
            return redirect("core:start")
    return render(request, "accounts/delete.html", {"form": form})
