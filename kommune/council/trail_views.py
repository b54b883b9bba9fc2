"""Staff pages of the accountability trail under /<slug>/verwaltung/rat/ (permission council.attach_paper): the
matters the municipality handed to the council, and attaching the council paper that deals with one, so that
the matter's page shows the paper's consultations and the decision (kommune/council/trail.py)."""

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.models import CouncilReferral, Municipality
from kommune.core.types import AuthenticatedHttpRequest
from kommune.council import trail_services as services
from kommune.council.models import Paper
from kommune.council.trail import attached_paper, paper_url

PERMISSION = services.ATTACH_PERMISSION
PAGE_SIZE = 50


class AttachPaperForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("Reference of the council paper"), max_length=50,
                                help_text=gettext_lazy("As in the council information system, for example "
                                                       "“VO/2026/014”."))


def _referrals(municipality: Municipality):
    return CouncilReferral.objects.filter(municipality=municipality).order_by("-referred_at", "-pk")


def _sources(referrals: list[CouncilReferral]) -> dict[tuple[int, int], Model]:
    """The matters of the referrals, one query per kind of matter (not per referral)."""
    by_type: dict[int, list[int]] = {}
    for referral in referrals:
        by_type.setdefault(referral.source_type_id, []).append(referral.source_id)
    found: dict[tuple[int, int], Model] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for pk, obj in model._default_manager.in_bulk(ids).items():
            found[(type_id, pk)] = obj
    return found


def _papers(referrals: list[CouncilReferral]) -> dict[int, Paper]:
    paper_type = ContentType.objects.get_for_model(Paper).pk
    ids = [r.paper_id for r in referrals if r.paper_id is not None and r.paper_type_id == paper_type]
    return Paper.objects.filter(deleted=False).select_related("municipality").in_bulk(ids) if ids else {}


@municipality_view(PERMISSION)
def referrals(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    page_obj = Paginator(_referrals(municipality), PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page_obj)
    sources, papers = _sources(items), _papers(items)
    rows = [(referral, sources.get((referral.source_type_id, referral.source_id)),
             papers.get(referral.paper_id) if referral.paper_id else None) for referral in items]
    return render(request, "council/trail/referrals.html", {
        "municipality": municipality, "page_obj": page_obj, "rows": rows, "paper_url": paper_url})


@municipality_view(PERMISSION)
def attach_paper(request: AuthenticatedHttpRequest, municipality: Municipality, referral_id: int) -> HttpResponse:
    referral = get_for_tenant(CouncilReferral.objects.select_related("municipality"), municipality, pk=referral_id)
    source = _sources([referral]).get((referral.source_type_id, referral.source_id))
    form = AttachPaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip()
        found = list(Paper.objects.filter(municipality=municipality, deleted=False,
                                          reference__iexact=reference).order_by("-pk")[:2])
        if not found:
            form.add_error("reference", _("%(name)s has no council paper with the reference “%(reference)s”.")
                           % {"name": municipality.name, "reference": reference})
        elif len(found) > 1:
            form.add_error("reference", _("Several council papers have the reference “%(reference)s”; please "
                                          "ask an administrator to correct them.") % {"reference": reference})
        else:
            try:
                services.do_attach_paper_to_referral(referral=referral, paper=found[0], actor=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The council paper %(reference)s is attached. Its consultations and "
                                            "the decision are shown with the matter.")
                                 % {"reference": found[0].reference})
                return redirect(reverse("council_trail:referrals", kwargs={"municipality_slug": municipality.slug}))
    return render(request, "council/trail/attach.html", {
        "municipality": municipality, "referral": referral, "source": source, "form": form,
        "paper": attached_paper(source) if source is not None else None, "paper_url": paper_url})
