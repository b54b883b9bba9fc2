"""Pages of the openness app: the team's self-assessment (questionnaire, result with radar, spread, change, the
platform's evidence and the lab comparison), the management of rounds and reports, and the public annual
reports of a municipality or a lab (HTML and PDF)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, lab_view, municipality_view
from kommune.core.cleaning import parse_id
from kommune.core.models import Lab, Municipality
from kommune.core.perspectives import Perspective
from kommune.core.types import AuthenticatedHttpRequest
from kommune.openness import charts, report, selectors, services
from kommune.openness.forms import QuestionnaireForm, SharingForm, YearForm
from kommune.openness.models import Report, Round

ASSESS = services.ASSESS_PERMISSION
MANAGE = services.MANAGE_PERMISSION


def _year(value: str) -> int:
    """A year from the address; anything else (letters, huge numbers) is a 404."""
    year = parse_id(value, max_digits=4)
    if year is None or not services.FIRST_YEAR <= year <= 2100:
        raise Http404
    return year


def _round(municipality: Municipality, year: str) -> Round:
    return get_for_tenant(Round, municipality, year=_year(year))


# --- Management of a municipality -------------------------------------------------------------------------------


def _manage_page(request: HttpRequest, municipality: Municipality, *, round_form: YearForm | None = None,
                 report_form: YearForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "openness/manage.html", {
        "municipality": municipality, "rounds": selectors.rounds_with_counts(municipality),
        "reports": selectors.published_reports(municipality),
        "round_form": round_form or YearForm(prefix="round"),
        "report_form": report_form or YearForm(prefix="report"),
        "can_manage": request.user.has_perm(MANAGE, municipality),
    }, status=status)


@municipality_view(ASSESS)
def manage(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    return _manage_page(request, municipality)


@municipality_view(MANAGE)
@require_POST
def open_round(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = YearForm(request.POST, prefix="round")
    if form.is_valid():
        try:
            round_ = services.do_open_round(municipality=municipality, actor=request.user,
                                            year=form.cleaned_data["year"])
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(request, _("The self-assessment %(year)d is open. Your team can answer now.")
                             % {"year": round_.year})
            return redirect("openness:questionnaire", municipality_slug=municipality.slug, year=round_.year)
    return _manage_page(request, municipality, round_form=form, status=400)


@municipality_view(MANAGE)
@require_POST
def publish_report(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = YearForm(request.POST, prefix="report")
    if form.is_valid():
        try:
            published = services.do_publish_report(tenant=municipality, actor=request.user,
                                                    year=form.cleaned_data["year"])
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(request, _("The report %(year)d has been published.") % {"year": published.year})
            return redirect(published.get_absolute_url())
    return _manage_page(request, municipality, report_form=form, status=400)


@municipality_view(ASSESS)
def questionnaire(request: AuthenticatedHttpRequest, municipality: Municipality, year: str) -> HttpResponse:
    round_ = _round(municipality, year)
    answers = selectors.answers_of(round_, request.user)
    form = QuestionnaireForm(request.POST or None, version=round_.version, answers=answers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.do_answer_round(round=round_, actor=request.user, ratings=form.ratings(),
                                         evidence=form.evidence())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you, your answers have been saved. You can change them until "
                                            "the self-assessment is closed."))
                return redirect("openness:result", municipality_slug=municipality.slug, year=round_.year)
        status = 400
    return render(request, "openness/questionnaire.html", {
        "municipality": municipality, "round": round_, "form": form, "answered": bool(answers),
    }, status=status)


@municipality_view(ASSESS)
def result(request: AuthenticatedHttpRequest, municipality: Municipality, year: str) -> HttpResponse:
    round_ = _round(municipality, year)
    outcome = selectors.round_result(round_)
    return render(request, "openness/result.html", {
        "municipality": municipality, "round": round_, "outcome": outcome,
        "radar_chart": charts.radar(outcome.perspectives),
        "evidence": selectors.evidence([municipality.pk], round_.year),
        "labs": selectors.labs_of(municipality),
        "comparisons": [{"lab": lab, "members": members} for lab, members in selectors.comparisons(round_)],
        "perspectives": list(Perspective), "can_manage": request.user.has_perm(MANAGE, municipality),
        "sharing_form": SharingForm(initial={"shared": round_.shared_with_labs}),
    })


@municipality_view(MANAGE)
@require_POST
def close_round(request: AuthenticatedHttpRequest, municipality: Municipality, year: str) -> HttpResponse:
    round_ = _round(municipality, year)
    if request.POST.get("action") == "reopen":
        services.do_reopen_round(round=round_, actor=request.user)
        messages.success(request, _("The self-assessment is open again."))
    else:
        services.do_close_round(round=round_, actor=request.user)
        messages.success(request, _("The self-assessment is closed; its result no longer changes."))
    return redirect("openness:result", municipality_slug=municipality.slug, year=round_.year)


@municipality_view(MANAGE)
@require_POST
def sharing(request: AuthenticatedHttpRequest, municipality: Municipality, year: str) -> HttpResponse:
    round_ = _round(municipality, year)
    form = SharingForm(request.POST)
    shared = form.is_valid() and form.cleaned_data["shared"]
    services.do_set_sharing(round=round_, actor=request.user, shared=shared)
    messages.success(request, _("The labs may now compare this result.") if shared
                     else _("The result is no longer shared with the labs."))
    return redirect("openness:result", municipality_slug=municipality.slug, year=round_.year)


# --- Public reports ---------------------------------------------------------------------------------------------


@municipality_view()
def reports(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "openness/reports.html", {
        "municipality": municipality, "tenant": municipality, "reports": selectors.published_reports(municipality)})


@municipality_view()
def report_page(request: HttpRequest, municipality: Municipality, year: str) -> HttpResponse:
    found = get_for_tenant(Report, municipality, year=_year(year))
    return render(request, "openness/report.html", {"municipality": municipality, "tenant": municipality,
                                                    **report.report_context(found)})


def _pdf(found: Report) -> HttpResponseBase:
    from kommune.core.files import file_response

    return file_response(found.pdf, filename=found.pdf_filename, content_type="application/pdf",
                         as_attachment=False, max_age=3600)


@municipality_view()
def report_pdf(request: HttpRequest, municipality: Municipality, year: str) -> HttpResponseBase:
    return _pdf(get_for_tenant(Report, municipality, year=_year(year)))


# --- Labs -------------------------------------------------------------------------------------------------------


@lab_view(ASSESS)
def lab_manage(request: AuthenticatedHttpRequest, lab: Lab) -> HttpResponse:
    """The comparison of the members that shared their self-assessment of a year, and the lab's reports."""
    return _lab_manage_page(request, lab, YearForm(prefix="report"))


def _lab_manage_page(request: HttpRequest, lab: Lab, report_form: YearForm, status: int = 200) -> HttpResponse:
    years = selectors.shared_years(lab)
    chosen = request.GET.get("jahr", "")
    year = parse_id(chosen, max_digits=4) if chosen else (years[0] if years else None)
    error = bool(chosen) and year not in years
    return render(request, "openness/lab_manage.html", {
        "lab": lab, "years": years, "year": None if error else year, "year_error": error,
        "members": selectors.lab_comparison(lab, year) if year and not error else [],
        "perspectives": list(Perspective), "reports": selectors.published_lab_reports(lab),
        "report_form": report_form, "can_manage": request.user.has_perm(MANAGE, lab),
    }, status=400 if error and status == 200 else status)


@lab_view(MANAGE)
@require_POST
def lab_publish_report(request: AuthenticatedHttpRequest, lab: Lab) -> HttpResponse:
    form = YearForm(request.POST, prefix="report")
    if form.is_valid():
        try:
            published = services.do_publish_report(tenant=lab, actor=request.user, year=form.cleaned_data["year"])
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(request, _("The report %(year)d has been published.") % {"year": published.year})
            return redirect(published.get_absolute_url())
    return _lab_manage_page(request, lab, form, status=400)


@lab_view()
def lab_reports(request: HttpRequest, lab: Lab) -> HttpResponse:
    return render(request, "openness/reports.html", {"lab": lab, "tenant": lab,
                                                     "reports": selectors.published_lab_reports(lab)})


@lab_view()
def lab_report(request: HttpRequest, lab: Lab, year: str) -> HttpResponse:
    found = get_for_tenant(Report, lab, year=_year(year))
    return render(request, "openness/report.html", {"lab": lab, "tenant": lab, **report.report_context(found)})


@lab_view()
def lab_report_pdf(request: HttpRequest, lab: Lab, year: str) -> HttpResponseBase:
    return _pdf(get_for_tenant(Report, lab, year=_year(year)))

