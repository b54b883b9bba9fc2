"""Residency management under /<slug>/verwaltung/: verification at the counter and letter codes."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.accounts import services
from kommune.accounts.manage_forms import CounterSearchForm, CounterVerifyForm, LetterCodeBatchForm
from kommune.accounts.models import LetterCodeBatch, Residency
from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.manage_pages import paginate, tenant_context
from kommune.core.models import Municipality
from kommune.core.spreadsheets import spreadsheet_safe
from kommune.core.types import AuthenticatedHttpRequest

# --- Residency at the counter ---------------------------------------------------------------------------------


def _residents_page(request: HttpRequest, municipality: Municipality, *, search_form: CounterSearchForm,
                    verify_form: CounterVerifyForm | None = None, found=None) -> HttpResponse:
    recent = Residency.objects.filter(municipality=municipality).select_related("user", "verified_by").order_by(
        "-verified_at", "-id")
    already = found is not None and Residency.objects.filter(user=found, municipality=municipality).exists()
    return render(request, "manage_accounts/residents.html", {
        **tenant_context(municipality),
        "search_form": search_form,
        "verify_form": verify_form,
        "found": found,
        "already_verified": already,
        "page_obj": paginate(request, recent),
    })


@municipality_view("accounts.verify_residents")
def residents(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    # The search is a POST although it changes nothing, so that e-mail addresses stay out of URLs and logs.
    search_form = CounterSearchForm(request.POST or None)
    found = verify_form = None
    if request.method == "POST" and search_form.is_valid():
        found = search_form.cleaned_data["person"]
        verify_form = CounterVerifyForm(initial={"person": found.email})
    return _residents_page(request, municipality, search_form=search_form, verify_form=verify_form, found=found)


@municipality_view("accounts.verify_residents")
@require_POST
def verify_resident(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    verify_form = CounterVerifyForm(request.POST)
    if verify_form.is_valid():
        person = verify_form.cleaned_data["person"]
        try:
            services.do_verify_at_counter(municipality=municipality, actor=request.user, user=person,
                                          birth_date=verify_form.cleaned_data.get("birth_date"))
        except ValidationError as error:
            verify_form.add_error(None, error)
        else:
            messages.success(request, _("%(person)s is now verified as a resident of %(name)s.")
                             % {"person": person.display_name, "name": municipality.name})
            return redirect("manage_accounts:residents", municipality_slug=municipality.slug)
    found = verify_form.cleaned_data.get("person")
    search_form = CounterSearchForm(initial={"person": found.email if found else ""})
    return _residents_page(request, municipality, search_form=search_form, verify_form=verify_form, found=found)


# --- Letter codes ---------------------------------------------------------------------------------------------


def residency_entry_url() -> str:
    """The address printed on the letters, where a resident enters their code."""
    return settings.SITE_URL + reverse("accounts:residency")


@municipality_view("accounts.manage_letter_codes")
def letter_codes(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = LetterCodeBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.do_create_letter_codes(municipality=municipality, actor=request.user,
                                                    count=form.cleaned_data["count"], expires_at=form.expires_at(),
                                                    note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(count)d codes have been generated. Print them or download them for a "
                                        "mail merge.") % {"count": form.cleaned_data["count"]})
            return redirect("manage_accounts:letter_code_batch", municipality_slug=municipality.slug, pk=batch.pk)
    batches = (LetterCodeBatch.objects.filter(municipality=municipality)
               .annotate(total=Count("codes"), used=Count("codes", filter=Q(codes__used_at__isnull=False)))
               .select_related("created_by").order_by("-created_at", "-id"))
    return render(request, "manage_accounts/letter_codes.html", {
        **tenant_context(municipality),
        "form": form,
        "page_obj": paginate(request, batches),
        "now": timezone.now(),
    })


@municipality_view("accounts.manage_letter_codes")
def letter_code_batch(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    batch = get_for_tenant(LetterCodeBatch.objects.select_related("created_by"), municipality, pk=pk)
    # The whole batch on one page, for printing; a batch holds at most MAX_LETTER_CODES_PER_BATCH codes.
    codes = list(batch.codes.only("code", "used_at").order_by("id"))
    return render(request, "manage_accounts/letter_code_batch.html", {
        **tenant_context(municipality),
        "batch": batch,
        "codes": codes,
        "used": sum(1 for code in codes if code.used_at is not None),
        "expired": batch.expires_at <= timezone.now(),
        "entry_url": residency_entry_url(),
    })


@municipality_view("accounts.manage_letter_codes")
def letter_code_batch_csv(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    batch = get_for_tenant(LetterCodeBatch, municipality, pk=pk)
    # Dates as the letters are written: in the platform's language (German), whatever the staff's own.
    with translation.override(settings.LANGUAGE_CODE):
        valid_until = formats.date_format(timezone.localtime(batch.expires_at), "SHORT_DATE_FORMAT")
    url = residency_entry_url()
    buffer = io.StringIO()
    # The byte order mark tells Excel the file is UTF-8; the semicolon is the list separator German Excel expects.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["code", "valid_until", "url"])
    for code in batch.codes.only("code").order_by("id"):
        writer.writerow([spreadsheet_safe(cell) for cell in (code.formatted, valid_until, url)])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="briefcodes-{municipality.slug}-{batch.pk}.csv"'
    return response
