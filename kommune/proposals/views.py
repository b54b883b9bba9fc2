"""Public pages of citizen proposals: the list with filters and its map, the detail page with supporting, and
writing, previewing and publishing a proposal. Views are thin: forms parse, services decide, selectors read."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cursor import InvalidCursor
from kommune.core.files import file_name, file_response
from kommune.core.models import CouncilReferral, Municipality
from kommune.core.pagecache import cached_for_anonymous, checked_listing, shared_object
from kommune.core.selectors import council_referral_for
from kommune.core.trail import PAGE_TAG as TRAIL_PAGE_TAG
from kommune.core.trail import TrailEntry, trail_for
from kommune.proposals import selectors, services
from kommune.proposals.forms import ProposalFilterForm, ProposalForm, WithdrawProposalForm, attachment_title
from kommune.proposals.models import Attachment, Proposal, ProposalUpdate

State = Proposal.State
# Where a map without any point starts: the middle of Germany.
GERMANY = (51.1657, 10.4515, 6)
# How long caches may keep the files of a published proposal (a replaced image gets a new address).
FILE_MAX_AGE = 3600


def _url(name: str, municipality: Municipality, proposal: Proposal | None = None) -> str:
    kwargs: dict[str, str | int] = {"municipality_slug": municipality.slug}
    if proposal is not None:
        kwargs["proposal_id"] = proposal.pk
    return reverse(f"proposals:{name}", kwargs=kwargs)


def _proposal(request: HttpRequest, municipality: Municipality, proposal_id: int) -> Proposal:
    """A proposal the person may see (published, or their own draft); anything else is a 404."""
    return get_for_tenant(selectors.proposal_for_page(municipality, request.user), municipality, pk=proposal_id)


def _proposal_for_page(request: HttpRequest, municipality: Municipality, proposal_id: int) -> Proposal:
    """``_proposal`` for the detail page: a public proposal is the same for everyone, so it is kept under the page's
    generations (a shared object) with only the person's support read; a draft or a hidden one is read as
    ``_proposal`` reads it."""
    public = shared_object(request, f"proposal:{proposal_id}",
                           partial(selectors.public_proposal, municipality, proposal_id))
    if public is None:
        return _proposal(request, municipality, proposal_id)
    public.municipality = municipality
    public.user_supports = selectors.user_supports(public, request.user)  # type: ignore[attr-defined]
    return public


def _bad_cursor(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "proposals/bad_cursor.html", {
        "municipality": municipality, "message": InvalidCursor.message, "first_page": request.path}, status=400)


# --- The list and the map ---------------------------------------------------------------------------------------


def _listing(request: HttpRequest, municipality: Municipality, *, personal: bool = True) -> dict | None:
    """What the list and the map share: the filter form, the page and the number of matches (None: bad cursor).
    Not ``personal``: the same for everyone (no "you support this")."""
    form = ProposalFilterForm(request.GET or None, categories=list(selectors.categories_of(municipality)),
                              areas=selectors.areas_of(municipality))
    filters = form.filters()
    try:
        page = selectors.proposal_page(municipality, request.user if personal else None,
                                       cursor=request.GET.get("cursor") or None, **filters)
    except InvalidCursor:
        return None
    return {
        "municipality": municipality,
        "form": form,
        "filters": filters,
        "query": form.query(),
        "page": page,
        "count": selectors.proposal_count(municipality, **filters),
        "comment_counts": selectors.comment_counts(page.items),
        "now": timezone.now(),
        "settings_row": services.get_settings(municipality),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
    }


@cached_for_anonymous("proposals")
@municipality_view()
def proposal_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    listing = checked_listing(request, partial(_listing, request, municipality, personal=False))
    if listing is None:
        return _bad_cursor(request, municipality)
    return render(request, "proposals/list.html", {
        "municipality": municipality,
        "listing": listing,  # read only when the shared fragment is not cached
        "personal": {"support": partial(_support_badges, request.user)},
        "settings_row": services.get_settings(municipality),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
        "drafts": list(selectors.drafts_of(municipality, request.user)[:10]),
    })


def _support_badges(user, proposal_ids: list[int]) -> dict[int, str]:
    """The personal marks of a shared proposal list: "you support this" where the person does (one query)."""
    supported = selectors.supported_among(user, proposal_ids)
    if not supported:
        return {}
    badge = str(get_template("proposals/macros.html").template.module.support_badge())  # type: ignore[attr-defined]
    return dict.fromkeys(supported, badge)


def points_geojson(proposals: list[Proposal]) -> dict:
    """A GeoJSON FeatureCollection of the proposals that have a point, for macros/map.html."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [float(p.longitude), float(p.latitude)]},
         "properties": {"title": p.title, "url": p.get_absolute_url(),
                        "text": _("%(state)s, %(supports)s supports") % {
                            "state": p.get_state_display(), "supports": p.total_supports}}}
        for p in proposals if p.latitude is not None and p.longitude is not None]}


@municipality_view()
def proposal_map(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    context = _listing(request, municipality)
    if context is None:
        return _bad_cursor(request, municipality)
    context.update(geojson=points_geojson(context["page"].items), center=_municipality_center(municipality))
    return render(request, "proposals/map.html", context)


def _municipality_center(municipality: Municipality) -> tuple[float, float, int]:
    """Where a map of the municipality starts without a point of its own: the middle of its proposals' points."""
    middle = selectors.published_proposals(municipality).filter(latitude__isnull=False).aggregate(
        lat=Avg("latitude"), lng=Avg("longitude"))
    if middle["lat"] is None:
        return GERMANY
    return round(float(middle["lat"]), 6), round(float(middle["lng"]), 6), 13


# --- The detail page --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    label: str
    when: datetime | date | None
    done: bool
    note: str = ""
    is_late: bool = False
    text: str = ""  # plain text, escaped on output (a trail source's description)
    text_html: str = ""  # sanitised HTML (an update's Markdown, rendered when it was written)
    url: str = ""  # where the step is shown in full (the council paper, the project)
    anchor: str = ""  # the id of the step on the page (an update's, for its link in notifications and feeds)


def timeline(proposal: Proposal, now: datetime, answer_days: int) -> list[TimelineStep]:
    """The stations of a proposal: done ones with their date, the next ones with their deadline."""
    if not proposal.is_published:
        return [TimelineStep(_("Draft written"), proposal.created_at, True)]
    steps = [TimelineStep(_("Published, collecting supports"), proposal.published_at, True)]
    if proposal.state == State.EXPIRED and not proposal.threshold_reached_at:
        steps.append(TimelineStep(_("Collection ended without reaching the threshold"),
                                  proposal.expired_at or proposal.collection_ends_at, True))
        return steps
    if proposal.threshold_reached_at:
        steps.append(TimelineStep(_("Threshold reached"), proposal.threshold_reached_at, True))
    else:
        steps.append(TimelineStep(
            _("%(count)s supports needed by the end of the collection") % {"count": proposal.required_supports},
            proposal.collection_ends_at, False))
        steps.append(TimelineStep(_("Official answer, within %(days)d days of reaching the threshold")
                                  % {"days": answer_days}, None, False))
        return steps
    if proposal.answered_at:
        in_time = proposal.answered_in_time
        steps.append(TimelineStep(_("Answered by the municipality"), proposal.answered_at, True,
                                  _("in time") if in_time else _("late"), is_late=not in_time))
    else:
        overdue = proposal.is_answer_overdue(now)
        steps.append(TimelineStep(_("Official answer due"), proposal.answer_due_at, False,
                                  _("overdue") if overdue else "", is_late=overdue))
    return steps


# Within one day: the proposal's own steps, then the referral, what other features report, the updates.
_OWN, _REFERRAL, _TRAIL, _UPDATE = range(4)


def _day(when: datetime | date) -> date:
    if isinstance(when, datetime):
        return timezone.localdate(when) if timezone.is_aware(when) else when.date()
    return when


def full_trail(proposal: Proposal, steps: list[TimelineStep], *, referral: CouncilReferral | None,
               updates: list[ProposalUpdate], entries: list[TrailEntry]) -> list[TimelineStep]:
    """One timeline for a resident: the proposal's own stations, its referral to the council, what the features
    that took it further report (kommune.core.trail: the council's consultations and decision, the project's
    status) and the staff's updates under the answer, in date order; the stations still to come after them."""
    dated: list[tuple[date, int, TimelineStep]] = [(_day(step.when), _OWN, step) for step in steps
                                                   if step.done and step.when is not None]
    if referral is not None:
        dated.append((_day(referral.referred_at), _REFERRAL, TimelineStep(
            _("Handed to the council"), referral.referred_at, True,
            # With a paper of the council feature attached, its own entry names and links it.
            text="" if referral.paper_id else referral.paper_reference,
            url="" if referral.paper_id else referral.paper_url)))
    dated += [(_day(entry.when), _TRAIL, TimelineStep(str(entry.title), entry.when, True, text=entry.text,
                                                      url=entry.url)) for entry in entries]
    dated += [(update.happened_on, _UPDATE, TimelineStep(update.title, update.happened_on, True,
                                                         note=capfirst(update.get_kind_display()),
                                                         text_html=update.text_html, anchor=f"update-{update.pk}"))
              for update in updates]
    dated.sort(key=lambda item: (item[0], item[1]))
    return [step for _day_, _rank, step in dated] + [step for step in steps if not step.done or step.when is None]


@cached_for_anonymous("proposal:{proposal_id}", TRAIL_PAGE_TAG)
@municipality_view()
def proposal_detail(request: HttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    now = timezone.now()
    try:
        proposal = _proposal_for_page(request, municipality, proposal_id)
    except Http404:
        hidden = selectors.hidden_proposal(municipality, proposal_id)
        if hidden is None:
            raise
        # Gone for everyone but its author: the page says that the moderation hid it, and nothing of it.
        return render(request, "proposals/hidden.html", {"municipality": municipality, "proposal": hidden},
                      status=410)
    settings_row = services.get_settings(municipality)
    is_author = request.user.is_authenticated and proposal.author_id == request.user.pk
    referral = council_referral_for(proposal) if proposal.outcome == Proposal.Outcome.COUNCIL else None

    def progress() -> list[TimelineStep]:  # read only when the shared fragment is not cached
        return full_trail(proposal, timeline(proposal, now, settings_row.answer_days), referral=referral,
                          updates=selectors.updates_of(proposal) if proposal.answered_at else [],
                          entries=trail_for(proposal) if proposal.is_published else [])

    return render(request, "proposals/detail.html", {
        "municipality": municipality,
        "proposal": proposal,
        "now": now,
        "settings_row": settings_row,
        # The template offers the remedy for the refusal's code (log in, confirm, verify, birth date).
        "refusal": services.support_refusal(proposal, request.user, now=now, settings_row=settings_row),
        "may_withdraw": getattr(proposal, "user_supports", False) and proposal.is_collecting(now),
        "attachments": partial(selectors.attachments_of, proposal),
        "image_url": image_url(proposal),
        "referral": referral,
        "timeline": progress,
        "has_trail": bool(referral) or proposal.state == State.ANSWERED,
        "similar": (selectors.similar_proposals(municipality, title=proposal.title, text=proposal.text,
                                                exclude=proposal) if is_author and not proposal.is_published
                    else []),
        "can_edit": services.can_edit(proposal, request.user),
        "can_withdraw": services.can_withdraw(proposal, request.user),
        "can_report": proposal.is_public and not is_author,
        "can_moderate": request.user.has_perm("moderation.moderate", municipality),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
        "can_add_update": services.can_add_update(proposal, request.user),
        "geojson": points_geojson([proposal]),
    })


@municipality_view()
def similar(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The similar proposals for a title being written (htmx fragment of the writing form)."""
    title = request.GET.get("title", "")[:150]
    found = selectors.similar_proposals(municipality, title=title) if len(title.strip()) >= 4 else []
    return render(request, "proposals/_similar.html", {"municipality": municipality, "similar": found,
                                                       "title": title})


# --- Image and attachments -------------------------------------------------------------------------------------
# Served through these views, not from MEDIA_URL: nothing serves MEDIA in production, and a draft's files are
# its author's only, like the draft itself.


def image_url(proposal: Proposal) -> str:
    """The address of the proposal's image ("" without one); it names the file, so a new image gets a new one."""
    if not proposal.image:
        return ""
    return reverse("proposals:image", kwargs={"municipality_slug": proposal.municipality.slug,
                                              "proposal_id": proposal.pk, "filename": file_name(proposal.image)})


def _visible(request: HttpRequest, municipality: Municipality, proposal_id: int) -> Proposal:
    """A proposal the person may see, as on the detail page (a draft only for its author), else a 404."""
    return get_for_tenant(selectors.visible_proposals(municipality, request.user), municipality, pk=proposal_id)


def _to_act_on(request: HttpRequest, municipality: Municipality, proposal_id: int) -> Proposal:
    """``_visible`` for supporting and withdrawing: the proposal's own row, else a 404."""
    proposal = selectors.proposal_to_act_on(municipality, request.user, proposal_id)
    if proposal is None:
        raise Http404
    return proposal


@municipality_view()
def image(request: HttpRequest, municipality: Municipality, proposal_id: int, filename: str) -> HttpResponseBase:
    proposal = _visible(request, municipality, proposal_id)
    if not proposal.image:
        raise Http404
    if filename != file_name(proposal.image):  # the image was replaced since the address was given out
        return redirect(image_url(proposal))
    return file_response(proposal.image, private=not proposal.is_public, max_age=FILE_MAX_AGE)


@municipality_view()
def attachment(request: HttpRequest, municipality: Municipality, proposal_id: int,
               attachment_id: int) -> HttpResponseBase:
    proposal = _visible(request, municipality, proposal_id)
    found = get_for_tenant(Attachment.objects.filter(proposal=proposal), municipality, pk=attachment_id)
    return file_response(found.file, private=not proposal.is_public, max_age=FILE_MAX_AGE)


# --- Supporting -------------------------------------------------------------------------------------------------


@municipality_view()
@require_POST
def support(request: HttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    proposal = _to_act_on(request, municipality, proposal_id)
    if not request.user.is_authenticated:
        return redirect_to_login(proposal.get_absolute_url())
    try:
        services.do_support_proposal(proposal=proposal, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: you now support “%(title)s”. You can withdraw your support while "
                                    "the collection runs.") % {"title": proposal.title})
    return redirect(proposal.get_absolute_url() + "#support")


@municipality_view()
@require_POST
def withdraw(request: HttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    proposal = _to_act_on(request, municipality, proposal_id)
    if not request.user.is_authenticated:
        return redirect_to_login(proposal.get_absolute_url())
    try:
        services.do_withdraw_support(proposal=proposal, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your support for “%(title)s” was withdrawn.") % {"title": proposal.title})
    return redirect(proposal.get_absolute_url() + "#support")


# --- Writing ----------------------------------------------------------------------------------------------------


def _cannot_write(request: HttpRequest, municipality: Municipality) -> HttpResponse | None:
    """Anonymous visitors log in first; people who may not write here learn why and what to do (the page, not a
    403), by the code of services.write_refusal."""
    refusal = services.write_refusal(municipality, request.user)
    if refusal is None:
        return None
    if refusal.code == "login":
        return redirect_to_login(request.get_full_path())
    return render(request, "proposals/cannot_write.html", {"municipality": municipality, "refusal": refusal})


def _add_attachments(proposal: Proposal, actor, uploads: list) -> None:
    """Every upload, or none: problems of all files are collected and raised together."""
    problems = []
    for upload in uploads:
        try:
            services.do_add_attachment(proposal=proposal, actor=actor, title=attachment_title(upload), file=upload)
        except ValidationError as error:
            problems += [_("%(file)s: %(error)s") % {"file": upload.name, "error": message}
                         for message in error.messages]
    if problems:
        raise ValidationError({"attachments": problems})


def _after_save(request: HttpRequest, municipality: Municipality, proposal: Proposal) -> HttpResponse:
    if request.POST.get("action") == "draft":
        messages.success(request, _("Your draft was saved. Only you can see it until you publish it."))
        return redirect(_url("edit", municipality, proposal))
    if proposal.is_published:
        messages.success(request, _("Your changes were saved."))
    return redirect(proposal.get_absolute_url())


def _form_page(request: HttpRequest, municipality: Municipality, form: ProposalForm,
               proposal: Proposal | None) -> HttpResponse:
    latitude, longitude = (proposal.latitude, proposal.longitude) if proposal else (None, None)
    center = ((float(latitude), float(longitude), 16) if latitude is not None and longitude is not None
              else _municipality_center(municipality))
    return render(request, "proposals/form.html", {
        "municipality": municipality, "form": form, "proposal": proposal, "center": center,
        "image_url": image_url(proposal) if proposal else "",
        "attachments": selectors.attachments_of(proposal) if proposal else [],
        "settings_row": services.get_settings(municipality),
    })


@municipality_view()
def create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    refusal = _cannot_write(request, municipality)
    if refusal is not None:
        return refusal
    assert request.user.is_authenticated  # _cannot_write sent anonymous visitors to the login
    form = ProposalForm(request.POST or None, request.FILES or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                proposal = services.do_create_proposal(municipality=municipality, author=request.user,
                                                       **form.proposal_fields())
                _add_attachments(proposal, request.user, form.cleaned_data["attachments"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_save(request, municipality, proposal)
    return _form_page(request, municipality, form, None)


@municipality_view()
def edit(request: HttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, municipality, proposal_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not services.can_edit(proposal, request.user):
        messages.error(request, _("Only its author can change a proposal, and only until its first support.")
                       if proposal.author_id != request.user.pk else
                       _("This proposal already has supports and can no longer be changed, so that everybody "
                         "supports the same text."))
        return redirect(proposal.get_absolute_url())
    initial = {name: getattr(proposal, name) for name in ("title", "text", "category", "area", "latitude",
                                                          "longitude", "image_alt")}
    form = ProposalForm(request.POST or None, request.FILES or None, initial=initial, municipality=municipality,
                        proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                proposal = services.do_update_proposal(proposal=proposal, actor=request.user,
                                                       **form.proposal_fields())
                _add_attachments(proposal, request.user, form.cleaned_data["attachments"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_save(request, municipality, proposal)
    return _form_page(request, municipality, form, proposal)


@municipality_view()
@require_POST
def publish(request: HttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, municipality, proposal_id)
    if not request.user.is_authenticated:
        return redirect_to_login(proposal.get_absolute_url())
    try:
        services.do_publish_proposal(proposal=proposal, actor=request.user)
    except PermissionDenied:
        messages.error(request, _("Only its author can publish a proposal."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your proposal is published and collects supports now. Share its address "
                                    "with people who might support it."))
    return redirect(proposal.get_absolute_url())


# --- Withdrawing a published proposal, deleting a draft (its author) ---------------------------------------------


@municipality_view()
def withdraw_proposal(request: HttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    proposal = _proposal(request, municipality, proposal_id)
    if not services.can_withdraw(proposal, request.user):
        messages.error(request, _("Only its author can withdraw a proposal, and only while it collects supports "
                                  "or waits for its answer."))
        return redirect(proposal.get_absolute_url())
    form = WithdrawProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_withdraw_proposal(proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your proposal is withdrawn. Its supports stay; it collects no more."))
            return redirect(proposal.get_absolute_url())
    return render(request, "proposals/withdraw.html", {"municipality": municipality, "proposal": proposal,
                                                       "form": form})


@municipality_view()
def delete_draft(request: HttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    proposal = _proposal(request, municipality, proposal_id)
    if proposal.author_id != request.user.pk or proposal.is_published:
        messages.error(request, _("Only its author can delete a draft; a published proposal can be withdrawn."))
        return redirect(proposal.get_absolute_url())
    if request.method == "POST":
        services.do_delete_draft(proposal=proposal, actor=request.user)
        messages.success(request, _("Your draft “%(title)s” is deleted.") % {"title": proposal.title})
        return redirect("proposals:list", municipality_slug=municipality.slug)
    return render(request, "proposals/delete_draft.html", {"municipality": municipality, "proposal": proposal})
