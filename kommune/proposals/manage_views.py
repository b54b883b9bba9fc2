"""Managing citizen proposals under /<slug>/verwaltung/vorschlaege/ (permission proposals.manage): the queue of
proposals awaiting their official answer, the answer and the later updates under it, paper signature lists,
settings and categories."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.files import file_response
from kommune.core.models import Municipality
from kommune.core.types import AuthenticatedHttpRequest
from kommune.proposals import selectors, services
from kommune.proposals.forms import AnswerForm, CategoryForm, ProposalUpdateForm, SettingsForm, SignatureListForm
from kommune.proposals.models import Proposal, SignatureList

PERMISSION = services.MANAGE_PERMISSION
PAGE_SIZE = 50
# The overview shows the collecting proposals that end soonest; the public list sorted by deadline has them all.
ENDING_SOON = 20
State = Proposal.State


def _url(name: str, municipality: Municipality, proposal: Proposal | None = None) -> str:
    kwargs: dict[str, str | int] = {"municipality_slug": municipality.slug}
    if proposal is not None:
        kwargs["proposal_id"] = proposal.pk
    return reverse(f"proposals:{name}", kwargs=kwargs)


def _published(municipality: Municipality, proposal_id: int) -> Proposal:
    """A published proposal of the municipality; drafts are their authors' business."""
    return get_for_tenant(selectors.published_proposals(municipality).select_related("municipality", "category"),
                          municipality, pk=proposal_id)


@municipality_view(PERMISSION)
def overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    now = timezone.now()
    page_obj = Paginator(selectors.awaiting_answer(municipality), PAGE_SIZE).get_page(request.GET.get("page"))
    ending = list(selectors.published_proposals(municipality).filter(state=State.COLLECTING)
                  .select_related("category").order_by("collection_ends_at", "id")[:ENDING_SOON])
    return render(request, "proposals/manage/overview.html", {
        "municipality": municipality,
        "page_obj": page_obj,
        "queue": [(proposal, proposal.is_answer_overdue(now)) for proposal in page_obj],
        "ending": ending,
        "statistics": selectors.answer_statistics(municipality, now=now),
        "counts": selectors.state_counts(municipality),
        "settings_row": services.get_settings(municipality),
        "now": now,
    })


@municipality_view(PERMISSION)
def edit_settings(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = SettingsForm(request.POST or None, instance=services.get_settings(municipality))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_proposal_settings(municipality=municipality, actor=request.user,
                                                 **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The settings of citizen proposals were saved. Proposals that are already "
                                        "published keep their threshold and period."))
            return redirect(_url("manage_settings", municipality))
    return render(request, "proposals/manage/settings.html", {"municipality": municipality, "form": form})


@municipality_view(PERMISSION)
def categories(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.do_create_category(municipality=municipality, actor=request.user,
                                                   name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The category “%(name)s” was created.") % {"name": category.name})
            return redirect(_url("manage_categories", municipality))
    return render(request, "proposals/manage/categories.html", {
        "municipality": municipality, "form": form,
        "page_obj": Paginator(selectors.categories_of(municipality), PAGE_SIZE).get_page(request.GET.get("page")),
    })


@municipality_view(PERMISSION)
def answer(request: AuthenticatedHttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    proposal = _published(municipality, proposal_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_answer_proposal(proposal=proposal, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The answer to “%(title)s” is published.") % {"title": proposal.title})
            return redirect(_url("manage", municipality))
    now = timezone.now()
    return render(request, "proposals/manage/answer.html", {
        "municipality": municipality, "proposal": proposal, "form": form, "now": now,
        "can_answer": proposal.state == State.THRESHOLD_REACHED,
        "overdue": proposal.is_answer_overdue(now),
    })


@municipality_view(PERMISSION)
def updates(request: AuthenticatedHttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    """Later updates under the official answer, as a dated timeline; the answer itself stays as published."""
    proposal = _published(municipality, proposal_id)
    form = ProposalUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_proposal_update(proposal=proposal, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The update “%(title)s” is published; the followers of the proposal are "
                                        "told.") % {"title": form.cleaned_data["title"]})
            return redirect(_url("manage_updates", municipality, proposal))
    return render(request, "proposals/manage/updates.html", {
        "municipality": municipality, "proposal": proposal, "form": form,
        "updates": selectors.updates_of(proposal, with_author=True),
        "can_add": proposal.state == State.ANSWERED,
    })


@municipality_view(PERMISSION)
def signature_lists(request: AuthenticatedHttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    proposal = _published(municipality, proposal_id)
    form = SignatureListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_signature_list(proposal=proposal, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(count)s signatures on paper were added to “%(title)s”.")
                             % {"count": form.cleaned_data["count"], "title": proposal.title})
            return redirect(_url("manage_signatures", municipality, proposal))
    return render(request, "proposals/manage/signatures.html", {
        "municipality": municipality, "proposal": proposal, "form": form,
        "lists": selectors.signature_lists_of(proposal),
        "accepts_lists": proposal.accepts_signature_lists,
    })


@municipality_view(PERMISSION)
def signature_scan(request: HttpRequest, municipality: Municipality, proposal_id: int,
                   signature_list_id: int) -> HttpResponseBase:
    """The scan of a paper list, for staff only: signatures are personal data."""
    signature_list = get_for_tenant(SignatureList.objects.all(), municipality, pk=signature_list_id,
                                    proposal_id=proposal_id)
    return file_response(signature_list.scan, as_attachment=True, private=True)
