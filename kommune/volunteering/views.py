"""Pages of the volunteer projects: the list with filters and map, a project, a shift with the sign-up, the
cancellation by link, a person's own volunteering with the PDF confirmation, and the organisers' pages (publish,
add shifts, the list of a shift with assisted sign-up, export, print and attendance). Views are thin: forms parse,
services decide."""

from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.forms import add_service_errors
from kommune.core.models import Lab, Municipality, Organisation
from kommune.core.pagecache import cached_for_anonymous, shared_value
from kommune.core.spreadsheets import csv_bytes, xlsx_bytes
from kommune.volunteering import rules, selectors, services, tokens
from kommune.volunteering.forms import (
    AssistedSignUpForm,
    AttendanceForm,
    PreferenceForm,
    ProjectForm,
    SelfSignUpForm,
    ShiftFilterForm,
    ShiftForm,
)
from kommune.volunteering.models import Project, Shift, SignUp

GERMANY = (51.1657, 10.4515, 6)


def _page(request: HttpRequest, items, size: int = selectors.PAGE_SIZE):
    paginator = Paginator(items, size)
    try:
        return paginator.page(request.GET.get("seite") or 1)
    except (EmptyPage, PageNotAnInteger):
        raise Http404 from None


def _errors(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]




def _url(name: str, municipality: Municipality, **kwargs: Any) -> str:
    return reverse(f"volunteering:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


def _require(request: HttpRequest, allowed: bool) -> None:
    """The organiser pages need ``volunteering.organise`` (the decorator) and to organise this project."""
    if not allowed:
        raise PermissionDenied


def points_geojson(shifts: list[Shift]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(s.longitude), float(s.latitude)]},
         "properties": {"title": f"{s.project.title}: {s.title}", "url": s.get_absolute_url(),
                        "text": s.address_line}}
        for s in shifts if s.latitude is not None and s.longitude is not None]}


# --- Public pages -----------------------------------------------------------------------------------------------


@cached_for_anonymous("volunteering")
@municipality_view()
def shift_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """Projects and their coming shifts, filtered by skill, district and date; a map of the shifts on this page
    next to the list (the list is the way without JavaScript)."""
    districts = shared_value(request, "districts", partial(selectors.districts_of, municipality))
    form = ShiftFilterForm(request.GET or None, districts=districts)
    filters = form.filters()

    def listing() -> dict:  # read only when the shared fragment is not cached
        page = _page(request, selectors.upcoming_shifts(municipality, filters))
        shifts = list(page.object_list)
        return {"page": page, "shifts": shifts, "geojson": points_geojson(shifts),
                "projects": list(selectors.public_projects(municipality)[:12])}

    return render(request, "volunteering/list.html", {
        "municipality": municipality, "form": form, "listing": listing, "query": filters.query(), "center": GERMANY,
        "can_publish": request.user.has_perm(services.ORGANISE_PERMISSION, municipality), "now": timezone.now(),
    }, status=400 if form.is_bound and form.errors else 200)


@cached_for_anonymous("volunteering")
@municipality_view()
def project_detail(request: HttpRequest, municipality: Municipality, volunteer_project_id: int) -> HttpResponse:
    project = get_for_tenant(selectors.public_projects(municipality), municipality, pk=volunteer_project_id)
    shifts = selectors.shifts_of(project)
    return render(request, "volunteering/project.html", {
        "municipality": municipality, "project": project, "shifts": shifts, "now": timezone.now(),
        "geojson": points_geojson(shifts), "center": GERMANY, "can_organise": rules.organises(request.user, project),
    })


def _shift(municipality: Municipality, shift_id: int) -> Shift:
    return get_for_tenant(selectors.public_shifts(municipality), municipality, pk=shift_id)


def _shift_page(request: HttpRequest, municipality: Municipality, shift: Shift, *, form=None,
                error: list[str] | None = None, status: int = 200) -> HttpResponse:
    own = None
    if request.user.is_authenticated:
        own = SignUp.objects.filter(shift=shift, user=request.user, status=SignUp.Status.CONFIRMED).first()
    return render(request, "volunteering/shift.html", {
        "municipality": municipality, "shift": shift, "project": shift.project, "form": form or SelfSignUpForm(),
        "error": error, "refusal": services.sign_up_refusal(shift), "own": own,
        "own_cancel_url": _url("cancel", municipality, token=tokens.cancel_token(own)) if own else "",
        "can_organise": rules.organises(request.user, shift.project),
        "geojson": points_geojson([shift]), "center": GERMANY,
    }, status=status)


@cached_for_anonymous("volunteering")
@municipality_view()
def shift_detail(request: HttpRequest, municipality: Municipality, shift_id: int) -> HttpResponse:
    return _shift_page(request, municipality, _shift(municipality, shift_id))


@municipality_view()
@require_POST
def sign_up(request: HttpRequest, municipality: Municipality, shift_id: int) -> HttpResponse:
    shift = _shift(municipality, shift_id)
    if not request.user.is_authenticated:
        return redirect_to_login(shift.get_absolute_url())
    form = SelfSignUpForm(request.POST)
    if not form.is_valid():
        return _shift_page(request, municipality, shift, form=form, status=400)
    try:
        services.do_sign_up(shift=shift, user=request.user, phone=form.cleaned_data["phone"])
    except ValidationError as error:
        return _shift_page(request, municipality, shift, form=form, error=_errors(error), status=400)
    messages.success(request, _("You are signed up. Thank you! We have sent you a confirmation with a link to "
                                "cancel, and we remind you the day before."))
    return redirect(shift.get_absolute_url())


@municipality_view()
def cancel(request: HttpRequest, municipality: Municipality, token: str) -> HttpResponse:
    """Cancel a sign-up by the link from the e-mail or the shift page (no login needed)."""
    found = tokens.sign_up_for_token(token, municipality)
    if found is None:
        return render(request, "volunteering/cancel.html", {"municipality": municipality, "sign_up": None},
                      status=404)
    if request.method == "POST":
        try:
            services.do_cancel_sign_up(sign_up=found, actor=request.user if request.user.is_authenticated else None)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("Your sign-up is cancelled. Thank you for letting us know."))
        return redirect(request.path)
    return render(request, "volunteering/cancel.html", {"municipality": municipality, "sign_up": found,
                                                        "shift": found.shift})


# --- A person's own volunteering --------------------------------------------------------------------------------


@municipality_view()
def mine(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user: Any = request.user
    form = PreferenceForm(request.POST or None, initial={
        "show_on_profile": selectors.shows_on_profile(user, municipality)})
    if request.method == "POST" and form.is_valid():
        services.do_set_preference(user=user, municipality=municipality,
                                   show_on_profile=form.cleaned_data["show_on_profile"])
        messages.success(request, _("Saved."))
        return redirect(request.path)
    contributions = selectors.contributions_of(user, municipality)
    sign_ups = list(selectors.sign_ups_of(user, municipality)[:200])
    return render(request, "volunteering/mine.html", {
        "municipality": municipality, "form": form, "contributions": contributions,
        "total": selectors.total_hours(contributions), "sign_ups": sign_ups, "now": timezone.now(),
        "cancel_urls": {row.pk: _url("cancel", municipality, token=tokens.cancel_token(row)) for row in sign_ups},
    }, status=400 if form.errors else 200)


@municipality_view()
def certificate(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The person's printable confirmation of volunteering (PDF, WeasyPrint): projects, shifts and hours that
    the organisers confirmed."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user: Any = request.user
    contributions = selectors.contributions_of(user, municipality)
    attended = (selectors.sign_ups_of(user, municipality)
                .filter(status=SignUp.Status.CONFIRMED, attendance=SignUp.Attendance.ATTENDED)
                .order_by("shift__starts_at", "pk"))
    html = render_to_string("volunteering/certificate_pdf.html", {
        "municipality": municipality, "person": user, "contributions": contributions, "rows": list(attended),
        "total": selectors.total_hours(contributions), "today": selectors.local_today(),
    }, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ehrenamt-{municipality.slug}.pdf"'
    return response


# --- Organisers -------------------------------------------------------------------------------------------------


@municipality_view(services.ORGANISE_PERMISSION)
def organise(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The organiser's overview: the projects they run, with their shifts and lists."""
    projects = selectors.projects_organised_by(request.user, municipality)
    return render(request, "volunteering/organise.html", {"municipality": municipality, "projects": projects})


def _publishers(request: HttpRequest, municipality: Municipality) -> list[tuple[str, str]]:
    user: Any = request.user
    choices: list[tuple[str, str]] = []
    if user.has_perm(services.MANAGE_PERMISSION, municipality):
        choices.append(("municipality", _("the municipality %(name)s") % {"name": municipality.name}))
        organisations = Organisation.objects.filter(municipality=municipality)
    else:
        organisations = Organisation.objects.filter(municipality=municipality, memberships__user=user).distinct()
    choices += [(f"org:{org.pk}", org.name) for org in organisations.order_by("name")]
    labs = (Lab.objects.filter(municipalities=municipality) if user.has_perm(services.MANAGE_PERMISSION, municipality)
            else rules.labs_managed_by(user, municipality))
    choices += [(f"lab:{lab.pk}", lab.name) for lab in labs.order_by("name")]
    return choices


@municipality_view(services.ORGANISE_PERMISSION)
def project_create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    user: Any = request.user
    publishers = _publishers(request, municipality)
    form = ProjectForm(request.POST or None, publishers=publishers)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kind, _sep, number = data.pop("publisher").partition(":")
        organisation = (Organisation.objects.filter(municipality=municipality, pk=int(number)).first()
                        if kind == "org" and number.isdigit() else None)
        lab = (Lab.objects.filter(municipalities=municipality, pk=int(number)).first()
               if kind == "lab" and number.isdigit() else None)  # the service checks who may publish for it
        try:
            project = services.do_create_project(actor=user, municipality=municipality, data=data,
                                                 organisation=organisation, lab=lab)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project is published. Now add its shifts or tasks."))
            return redirect(_url("shift_create", municipality, volunteer_project_id=project.pk))
    return render(request, "volunteering/project_form.html", {"municipality": municipality, "form": form,
                                                              "project": None},
                  status=400 if form.errors else 200)


def _organised_project(request: HttpRequest, municipality: Municipality, project_id: int) -> Project:
    project = get_for_tenant(Project.objects.select_related("organisation", "lab", "municipality"), municipality,
                             pk=project_id)
    _require(request, rules.organises(request.user, project))
    return project


@municipality_view(services.ORGANISE_PERMISSION)
def project_edit(request: HttpRequest, municipality: Municipality, volunteer_project_id: int) -> HttpResponse:
    project = _organised_project(request, municipality, volunteer_project_id)
    publishers = [("unchanged", project.publisher)]
    initial = {name: getattr(project, name) for name in services.PROJECT_FIELDS}
    form = ProjectForm(request.POST or None, publishers=publishers, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("publisher")
        try:
            services.do_update_project(actor=request.user, project=project, data=data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(project.get_absolute_url())
    return render(request, "volunteering/project_form.html", {"municipality": municipality, "form": form,
                                                              "project": project},
                  status=400 if form.errors else 200)


@municipality_view(services.ORGANISE_PERMISSION)
def shift_create(request: HttpRequest, municipality: Municipality, volunteer_project_id: int) -> HttpResponse:
    project = _organised_project(request, municipality, volunteer_project_id)
    form = ShiftForm(request.POST or None, initial={"city": municipality.name, "capacity": 4})
    if request.method == "POST" and form.is_valid():
        try:
            shift = services.do_add_shift(actor=request.user, project=project,  # type: ignore[arg-type]
                                          data=form.shift_data(), skills=form.cleaned_data["skills"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The shift “%(title)s” is added.") % {"title": shift.title})
            return redirect(project.get_absolute_url())
    return render(request, "volunteering/shift_form.html", {"municipality": municipality, "form": form,
                                                            "project": project, "center": GERMANY},
                  status=400 if form.errors else 200)


def _organised_shift(request: HttpRequest, municipality: Municipality, shift_id: int) -> Shift:
    shift = get_for_tenant(Shift.objects.select_related("project__organisation", "project__lab", "municipality"),
                           municipality, pk=shift_id)
    _require(request, rules.organises(request.user, shift.project))
    return shift


@municipality_view(services.ORGANISE_PERMISSION)
def roster(request: HttpRequest, municipality: Municipality, shift_id: int) -> HttpResponse:
    """The organisers' list of a shift: who signed up (with phone and e-mail), assisted sign-up for a person who
    phoned, cancellation for a person, attendance with hours; ``?druck=1`` for printing."""
    shift = _organised_shift(request, municipality, shift_id)
    form = AssistedSignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = services.do_sign_up(shift=shift, assisted_by=request.user,  # type: ignore[arg-type]
                                          name=data["name"], phone=data["phone"], email=data["email"] or "")
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(request, _("%(name)s is signed up.") % {"name": row.name})
                return redirect(request.path)
        else:
            status = 400
    shift.refresh_from_db(fields=["signed_up_count"])
    base = _url("roster", municipality, shift_id=shift.pk)
    return render(request, "volunteering/roster.html", {
        "municipality": municipality, "shift": shift, "project": shift.project, "rows": list(selectors.roster(shift)),
        "form": form, "print": request.GET.get("druck") == "1", "base": base, "now": timezone.now(),
        "attendance_form": AttendanceForm(),
    }, status=status)


def _roster_table(shift: Shift) -> tuple[list[str], list[list[Any]]]:
    columns = [_("Name"), _("Phone"), _("E-mail"), _("Status"), _("Signed up on"), _("Entered by"), _("Attendance"),
               _("Hours")]
    rows = [[row.name, row.phone, row.email, str(row.get_status_display()),
             timezone.localtime(row.created_at).strftime("%d.%m.%Y %H:%M"),
             row.assisted_by.display_name if row.assisted_by else "", str(row.get_attendance_display()),
             float(row.hours) if row.hours is not None else None]
            for row in selectors.roster(shift)]
    return columns, rows


@municipality_view(services.ORGANISE_PERMISSION)
def roster_csv(request: HttpRequest, municipality: Municipality, shift_id: int) -> HttpResponse:
    shift = _organised_shift(request, municipality, shift_id)
    columns, rows = _roster_table(shift)
    response = HttpResponse(csv_bytes(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="schicht-{shift.pk}.csv"'
    return response


@municipality_view(services.ORGANISE_PERMISSION)
def roster_xlsx(request: HttpRequest, municipality: Municipality, shift_id: int) -> HttpResponse:
    shift = _organised_shift(request, municipality, shift_id)
    columns, rows = _roster_table(shift)
    response = HttpResponse(xlsx_bytes([(shift.title, columns, rows)]),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="schicht-{shift.pk}.xlsx"'
    return response


@municipality_view(services.ORGANISE_PERMISSION)
@require_POST
def roster_cancel(request: HttpRequest, municipality: Municipality, shift_id: int, sign_up_id: int) -> HttpResponse:
    shift = _organised_shift(request, municipality, shift_id)
    row = get_for_tenant(SignUp, municipality, pk=sign_up_id, shift=shift)
    try:
        services.do_cancel_sign_up(sign_up=row, actor=request.user, assisted=True)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    else:
        messages.success(request, _("The sign-up of %(name)s is cancelled; the place is free again.")
                         % {"name": row.name})
    return redirect(_url("roster", municipality, shift_id=shift.pk))


@municipality_view(services.ORGANISE_PERMISSION)
@require_POST
def attendance(request: HttpRequest, municipality: Municipality, shift_id: int, sign_up_id: int) -> HttpResponse:
    shift = _organised_shift(request, municipality, shift_id)
    row = get_for_tenant(SignUp, municipality, pk=sign_up_id, shift=shift)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    else:
        hours: Decimal | None = form.cleaned_data["hours"]
        try:
            services.do_confirm_attendance(actor=request.user, sign_up=row,  # type: ignore[arg-type]
                                           attended=form.cleaned_data["attended"] == "yes", hours=hours)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("Saved for %(name)s.") % {"name": row.name})
    return redirect(_url("roster", municipality, shift_id=shift.pk))
