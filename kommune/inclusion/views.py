"""Pages of the digital-help network: the event calendar (list, month, week programme as PDF, feeds), the pages
of an event and a course with the registration, the partner directory, and the organisers' pages (publish,
participants, assisted registration, approval of partners). Views are thin: forms parse, services decide."""

import csv
from datetime import date, timedelta
from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, lab_view, municipality_view
from kommune.core.cleaning import parse_id
from kommune.core.forms import add_service_errors
from kommune.core.models import Lab, Municipality
from kommune.core.pagecache import cached_for_anonymous, shared_value
from kommune.core.spreadsheets import spreadsheet_safe
from kommune.core.types import AuthenticatedHttpRequest, User
from kommune.inclusion import ical, rules, selectors, services, tokens
from kommune.inclusion.forms import (
    DecisionForm,
    EventFilterForm,
    EventForm,
    PartnerFilterForm,
    PartnerForm,
    RegistrationForm,
)
from kommune.inclusion.models import Category, Course, Event, Partner, Registration

GERMANY = (51.1657, 10.4515, 6)
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


def _page(request: HttpRequest, items, size: int = selectors.PAGE_SIZE):
    paginator = Paginator(items, size)
    try:
        return paginator.page(request.GET.get("seite") or 1)
    except (EmptyPage, PageNotAnInteger):
        raise Http404 from None


def _errors(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


# --- The calendar -----------------------------------------------------------------------------------------------


@cached_for_anonymous("inclusion")
@municipality_view()
def event_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    districts = _districts(request, municipality)
    form = EventFilterForm(request.GET or None, districts=districts)
    filters = form.filters()
    return render(request, "inclusion/event_list.html", {
        "municipality": municipality, "form": form, "filters": filters, "query": filters.query(),
        # read only when the shared fragment is not cached
        "page": partial(_page, request, selectors.upcoming_events(municipality, filters)),
        "today": selectors.local_today(), "can_publish": _can_publish(request, municipality),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
        "categories": Category.choices,
    })


def _districts(request: HttpRequest, municipality: Municipality) -> list[str]:
    return shared_value(request, "districts", partial(selectors.districts_of, municipality))


def _can_publish(request: HttpRequest, municipality: Municipality) -> bool:
    return selectors.may_publish_events(request.user, municipality)


@cached_for_anonymous("inclusion")
@municipality_view()
def category_events(request: HttpRequest, municipality: Municipality, category: str) -> HttpResponse:
    if category not in Category.values:
        raise Http404
    filters = selectors.EventFilters(category=category)
    page = _page(request, selectors.upcoming_events(municipality, filters))
    return render(request, "inclusion/category.html", {
        "municipality": municipality, "category": category, "category_label": Category(category).label,
        "page": page})


@cached_for_anonymous("inclusion")
@municipality_view()
def month(request: HttpRequest, municipality: Municipality, year: int | None = None,
          month_number: int | None = None) -> HttpResponse:
    today = selectors.local_today()
    year, month_number = year or today.year, month_number or today.month
    if not (2000 <= year <= 2100 and 1 <= month_number <= 12):
        raise Http404
    first = date(year, month_number, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    return render(request, "inclusion/month.html", {
        "municipality": municipality, "weeks": selectors.month_grid(municipality, year, month_number,
                                                                    category=category),
        "first": first, "previous": previous, "following": following, "today": today, "category": category,
        "categories": Category.choices,
    })


def _monday(request: HttpRequest) -> date:
    try:
        day = date.fromisoformat(request.GET.get("woche", ""))
    except ValueError:
        day = selectors.local_today()
    return day - timedelta(days=day.weekday())


@cached_for_anonymous("inclusion")
@municipality_view()
def programme(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The week's programme as a page to print; ``?woche=YYYY-MM-DD`` picks the week of that day."""
    monday = _monday(request)
    return render(request, "inclusion/programme.html", _programme_context(municipality, monday))


def _programme_context(municipality: Municipality, monday: date) -> dict:
    return {"municipality": municipality, "monday": monday, "sunday": monday + timedelta(days=6),
            "days": selectors.week_programme(municipality, monday), "previous": monday - timedelta(days=7),
            "following": monday + timedelta(days=7)}


@municipality_view()
def programme_pdf(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The week's programme as a PDF for notice boards (WeasyPrint)."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    monday = _monday(request)
    html = render_to_string("inclusion/programme_pdf.html", _programme_context(municipality, monday),
                            request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="programm-{municipality.slug}-{monday.isoformat()}.pdf"'
    return response


# --- Feeds ------------------------------------------------------------------------------------------------------


def _ics(events: list[Event], name: str, filename: str) -> HttpResponse:
    response = HttpResponse(ical.calendar_bytes(events, name, sessions_of=ical.course_sessions(events)),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


@municipality_view()
def municipality_ics(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return _ics(selectors.feed_events(municipality), _("Digital help in %(name)s") % {"name": municipality.name},
                municipality.slug)


@municipality_view()
def partner_ics(request: HttpRequest, municipality: Municipality, partner_slug: str) -> HttpResponse:
    partner = get_for_tenant(selectors.approved_partners(municipality), municipality, slug=partner_slug)
    return _ics(selectors.feed_events(municipality, partner=partner), partner.name,
                f"{municipality.slug}-{partner.slug}")


@municipality_view()
def category_ics(request: HttpRequest, municipality: Municipality, category: str) -> HttpResponse:
    if category not in Category.values:
        raise Http404
    return _ics(selectors.feed_events(municipality, category=category),
                f"{Category(category).label} – {municipality.name}", f"{municipality.slug}-{category}")


# --- An event, a course, registering ----------------------------------------------------------------------------


def _event(municipality: Municipality, event_id: int) -> Event:
    return get_for_tenant(selectors.public_events(municipality).select_related("partner", "course"), municipality,
                          pk=event_id)


def _course(municipality: Municipality, course_id: int) -> Course:
    visible = Q(partner__isnull=True) | Q(partner__state=Partner.State.APPROVED)
    return get_for_tenant(Course.objects.select_related("partner").filter(visible), municipality, pk=course_id)


def _registration_form(request: HttpRequest) -> RegistrationForm:
    initial: dict[str, Any] = {"waiting_list": True}
    if request.user.is_authenticated:
        initial.update(name=request.user.display_name, email=request.user.email)
    return RegistrationForm(initial=initial)


def _detail(request: HttpRequest, municipality: Municipality, target: Event | Course, *, form=None,
            error: list[str] | None = None, status: int = 200) -> HttpResponse:
    now = timezone.now()
    sessions = selectors.sessions_of(target) if isinstance(target, Course) else []
    begin = sessions[0].starts_at if sessions else getattr(target, "starts_at", None)
    course = target.course if isinstance(target, Event) and target.course_id else None
    return render(request, "inclusion/event_detail.html", {
        "municipality": municipality, "target": target, "is_course": isinstance(target, Course),
        "course": course, "sessions": sessions, "now": now,
        "open": target.takes_registrations and not target.is_cancelled and begin is not None and begin > now,
        "form": form or _registration_form(request), "error": error,
        "can_manage": rules.manages_event(request.user, target),

    }, status=status)


@cached_for_anonymous("inclusion")
@municipality_view()
def event_detail(request: HttpRequest, municipality: Municipality, event_id: int) -> HttpResponse:
    return _detail(request, municipality, _event(municipality, event_id))


@cached_for_anonymous("inclusion")
@municipality_view()
def course_detail(request: HttpRequest, municipality: Municipality, course_id: int) -> HttpResponse:
    return _detail(request, municipality, _course(municipality, course_id))


def _register(request: HttpRequest, municipality: Municipality, target: Event | Course) -> HttpResponse:
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _detail(request, municipality, target, form=form, status=400)
    data = form.cleaned_data
    try:
        registration = services.do_register(target=target, name=data["name"], phone=data["phone"],
                                            email=data["email"], note=data["note"], user=request.user,
                                            accept_waiting_list=data["waiting_list"])
    except ValidationError as error:
        return _detail(request, municipality, target, form=form, error=_errors(error), status=400)
    request.session["inclusion_last_registration"] = registration.pk
    return redirect(reverse("inclusion:registered", kwargs={
        "municipality_slug": municipality.slug, "token": tokens.cancel_token(registration)}))


@municipality_view()
@require_POST
def register_event(request: HttpRequest, municipality: Municipality, event_id: int) -> HttpResponse:
    event = _event(municipality, event_id)
    if event.course_id:
        return redirect(event.course.get_absolute_url())  # type: ignore[union-attr]
    return _register(request, municipality, event)


@municipality_view()
@require_POST
def register_course(request: HttpRequest, municipality: Municipality, course_id: int) -> HttpResponse:
    return _register(request, municipality, _course(municipality, course_id))


@municipality_view()
def registered(request: HttpRequest, municipality: Municipality, token: str) -> HttpResponse:
    """What a person sees after registering: place or waiting list, what to remember, the cancellation link."""
    registration = tokens.registration_for_token(token, municipality)
    if registration is None:
        raise Http404
    return render(request, "inclusion/registered.html", {
        "municipality": municipality, "registration": registration, "target": registration.target,
        "cancel_url": reverse("inclusion:cancel", kwargs={"municipality_slug": municipality.slug, "token": token}),
    })


@municipality_view()
def cancel(request: HttpRequest, municipality: Municipality, token: str) -> HttpResponse:
    """Cancel a registration by the link from the e-mail or the confirmation page (no account needed)."""
    registration = tokens.registration_for_token(token, municipality)
    if registration is None:
        return render(request, "inclusion/cancel.html", {"municipality": municipality, "registration": None},
                      status=404)
    if request.method == "POST":
        try:
            services.do_cancel_registration(registration=registration,
                                            actor=request.user if request.user.is_authenticated else None)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("Your registration is cancelled. Thank you for letting us know."))
        return redirect(request.path)
    return render(request, "inclusion/cancel.html", {"municipality": municipality, "registration": registration,
                                                     "target": registration.target})


# --- The partner directory --------------------------------------------------------------------------------------


def points_geojson(partners: list[Partner]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(p.longitude), float(p.latitude)]},
         "properties": {"title": p.name, "url": p.get_absolute_url(), "text": p.address_line}}
        for p in partners if p.latitude is not None and p.longitude is not None]}


@cached_for_anonymous("inclusion")
@municipality_view()
def partner_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = PartnerFilterForm(request.GET or None, districts=_districts(request, municipality))
    page = _page(request, selectors.partner_directory(municipality, form.filters()), size=50)
    partners = list(page.object_list)
    return render(request, "inclusion/partner_list.html", {
        "municipality": municipality, "form": form, "page": page, "partners": partners,
        "geojson": points_geojson(partners), "center": GERMANY,
        "can_propose": request.user.has_perm(services.PROPOSE_PERMISSION, municipality),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
        "query": request.GET.urlencode(),
    })


@cached_for_anonymous("inclusion")
@municipality_view()
def partner_detail(request: HttpRequest, municipality: Municipality, partner_slug: str) -> HttpResponse:
    partner = get_for_tenant(Partner, municipality, slug=partner_slug)
    may_manage = rules.manages_partner(request.user, partner)
    if not partner.is_approved and not (may_manage or rules.decides_partner(request.user, partner)):
        raise Http404
    events = list(selectors.upcoming_events(municipality, selectors.EventFilters(partner=partner))[:30])
    return render(request, "inclusion/partner_detail.html", {
        "municipality": municipality, "partner": partner, "events": events, "can_manage": may_manage,
        "geojson": points_geojson([partner]),
    })


@municipality_view(services.PROPOSE_PERMISSION)
def partner_propose(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        offers = data.pop("offers", [])
        try:
            partner = services.do_propose_partner(actor=request.user, municipality=municipality, data=data,
                                                  offers=offers)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if partner.is_approved:
                messages.success(request, _("The place is in the directory now."))
            else:
                messages.success(request, _("Thank you. The municipality checks your entry and approves it; we "
                                            "will tell you by e-mail."))
            return redirect(partner.get_absolute_url())
    return render(request, "inclusion/partner_form.html", {"municipality": municipality, "form": form,
                                                           "partner": None}, status=400 if form.errors else 200)




@municipality_view(services.PROPOSE_PERMISSION)
def partner_edit(request: HttpRequest, municipality: Municipality, partner_slug: str) -> HttpResponse:
    partner = get_for_tenant(Partner, municipality, slug=partner_slug)
    if not rules.manages_partner(request.user, partner):
        messages.error(request, _("Only the members of this place and the municipality's team can change it."))
        return redirect(partner.get_absolute_url() if partner.is_approved else
                        reverse("inclusion:partners", kwargs={"municipality_slug": municipality.slug}))
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        offers = data.pop("offers", [])
        try:
            partner = services.do_update_partner(actor=cast(User, request.user), partner=partner, data=data,
                                                 offers=offers)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(partner.get_absolute_url())
    return render(request, "inclusion/partner_form.html", {"municipality": municipality, "form": form,
                                                           "partner": partner}, status=400 if form.errors else 200)


# --- Organisers -------------------------------------------------------------------------------------------------


@municipality_view(services.ORGANISE_PERMISSION)
def event_create(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponseBase:
    partners = selectors.partners_managed_by(request.user, municipality)
    if not partners.exists() and not request.user.has_perm(services.MANAGE_PERMISSION, municipality):
        messages.error(request, _("You can publish events once your place is approved."))
        return redirect(reverse("inclusion:list", kwargs={"municipality_slug": municipality.slug}))
    form = EventForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.do_publish_event(actor=request.user, municipality=municipality,
                                               data=form.event_data(), first_day=data["first_day"],
                                               starts=data["starts"], ends=data["ends"], sessions=data["sessions"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Published."))
            return redirect(target.get_absolute_url())
    return render(request, "inclusion/event_form.html", {"municipality": municipality, "form": form},
                  status=400 if form.errors else 200)


class NotYours(Exception):
    """The person may organise events, but not this one: sent back to its page with a message."""


def _managed_target(request: HttpRequest, municipality: Municipality, event_id: int | None,
                    course_id: int | None) -> Event | Course:
    target: Event | Course
    if course_id is not None:
        target = get_for_tenant(Course.objects.select_related("partner"), municipality, pk=course_id)
    else:
        target = get_for_tenant(Event.objects.select_related("partner", "course"), municipality, pk=event_id)
        if target.course_id:
            target = target.course  # type: ignore[assignment]
    if not rules.manages_event(request.user, target):
        raise NotYours(target)
    return target


def _not_yours(request: HttpRequest, error: NotYours) -> HttpResponse:
    messages.error(request, _("Only the organisers of this event and the municipality's team see its participants."))
    return redirect(error.args[0].get_absolute_url())


def _participants_url(municipality: Municipality, target: Event | Course) -> str:
    if isinstance(target, Course):
        return reverse("inclusion:participants_course", kwargs={"municipality_slug": municipality.slug,
                                                                "course_id": target.pk})
    return reverse("inclusion:participants_event", kwargs={"municipality_slug": municipality.slug,
                                                           "event_id": target.pk})


@municipality_view(services.ORGANISE_PERMISSION)
def participants(request: AuthenticatedHttpRequest, municipality: Municipality, event_id: int | None = None,
                 course_id: int | None = None) -> HttpResponse:
    """The organiser's list of participants and the waiting list, with the form for assisted registration."""
    try:
        target = _managed_target(request, municipality, event_id, course_id)
    except NotYours as error:
        return _not_yours(request, error)
    form = RegistrationForm(request.POST or None, initial={"waiting_list": True})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = services.do_register(
                    target=target, name=data["name"], phone=data["phone"], email=data["email"], note=data["note"],
                    assisted_by=request.user, accept_waiting_list=data["waiting_list"])
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(request, _("%(name)s is registered (%(status)s).") % {
                    "name": registration.name, "status": registration.get_status_display()})
                return redirect(request.path)
        else:
            status = 400
    rows = list(selectors.participants(target))
    base = _participants_url(municipality, target)
    return render(request, "inclusion/participants.html", {
        "municipality": municipality, "target": target, "rows": rows, "form": form,
        "sessions": selectors.sessions_of(target) if isinstance(target, Course) else [],
        "print": request.GET.get("druck") == "1", "base": base,
        "csv_url": base.rstrip("/") + ".csv",
    }, status=status)


@municipality_view(services.ORGANISE_PERMISSION)
@require_POST
def participant_cancel(request: AuthenticatedHttpRequest, municipality: Municipality, registration_id: int,
                       event_id: int | None = None, course_id: int | None = None) -> HttpResponse:
    try:
        target = _managed_target(request, municipality, event_id, course_id)
    except NotYours as error:
        return _not_yours(request, error)
    field = "course" if isinstance(target, Course) else "event"
    registration = get_for_tenant(Registration, municipality, pk=registration_id, **{field: target})
    try:
        moved = services.do_cancel_registration(registration=registration, actor=request.user, assisted=True)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    else:
        text = _("The registration of %(name)s is cancelled.") % {"name": registration.name}
        if moved:
            text += " " + _("Moved up from the waiting list: %(names)s.") % {
                "names": ", ".join(row.name for row in moved)}
        messages.success(request, text)
    return redirect(_participants_url(municipality, target))


@municipality_view(services.ORGANISE_PERMISSION)
def participants_csv(request: HttpRequest, municipality: Municipality, event_id: int | None = None,
                     course_id: int | None = None) -> HttpResponse:
    try:
        target = _managed_target(request, municipality, event_id, course_id)
    except NotYours as error:
        return _not_yours(request, error)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    kind = "kurs" if isinstance(target, Course) else "termin"
    response["Content-Disposition"] = f'attachment; filename="teilnehmende-{kind}-{target.pk}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Name"), _("Phone"), _("E-mail"), _("Status"), _("Registered on"), _("Note"),
                     _("Entered by")])
    for row in selectors.participants(target):
        writer.writerow([spreadsheet_safe(row.name), spreadsheet_safe(row.phone), spreadsheet_safe(row.email),
                         row.get_status_display(), timezone.localtime(row.created_at).strftime("%d.%m.%Y %H:%M"),
                         spreadsheet_safe(row.note),
                         spreadsheet_safe(row.assisted_by.display_name) if row.assisted_by else ""])
    return response


def _decide(request: AuthenticatedHttpRequest, partners) -> HttpResponse:
    form = DecisionForm(request.POST)
    raw = request.POST.get("partner") or ""
    partner = partners.filter(pk=int(raw)).first() if parse_id(raw, max_digits=11) is not None else None
    if partner is None or not form.is_valid():
        messages.error(request, _("Please choose a partner and a decision."))
    else:
        try:
            services.do_decide_partner(actor=request.user, partner=partner,
                                       approve=form.cleaned_data["decision"] == "approve")
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("Decided: %(name)s.") % {"name": partner.name})
    return redirect(request.path)


@municipality_view(services.MANAGE_PERMISSION)
def manage_partners(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    """The team's page: proposed partners to approve or reject."""
    if request.method == "POST":
        return _decide(request, Partner.objects.filter(municipality=municipality))
    return render(request, "inclusion/manage_partners.html", {
        "municipality": municipality, "pending": list(selectors.pending_partners(municipality)),
        "approved": list(selectors.approved_partners(municipality).order_by("name")[:200]),
    })


@lab_view(services.MANAGE_PERMISSION)
def lab_partners(request: AuthenticatedHttpRequest, lab: Lab) -> HttpResponse:
    """The lab's page: the places proposed in all its municipalities, to approve or reject (the network spans the
    lab), and the approved ones."""
    scope = Partner.objects.filter(municipality__labs=lab)
    if request.method == "POST":
        return _decide(request, scope)
    return render(request, "inclusion/manage_partners.html", {
        "lab": lab, "pending": list(scope.filter(state=Partner.State.PENDING).select_related(
            "submitted_by", "municipality").order_by("created_at", "pk")),
        "approved": list(scope.filter(state=Partner.State.APPROVED).select_related("municipality")
                         .order_by("name", "pk")[:200]),
    })
