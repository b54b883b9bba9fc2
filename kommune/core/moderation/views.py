"""Reporting (anyone with an account), the moderators' queue and actions, the public log and the netiquette."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core import selectors as core_selectors
from kommune.core import services as core_services
from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.comments.access import bad_cursor, comment_or_404
from kommune.core.comments.models import Comment
from kommune.core.comments.selectors import safe_next
from kommune.core.cursor import InvalidCursor
from kommune.core.forms import PageForm
from kommune.core.models import Municipality, PageKind
from kommune.core.moderation import selectors, services
from kommune.core.moderation.forms import (
    AnswerForm,
    BlockForm,
    HideForm,
    QueueFilterForm,
    ReportForm,
    ReviewDecisionForm,
    ReviewRequestForm,
    UnblockForm,
    UnhideForm,
)
from kommune.core.moderation.models import Block, ModerationAct, Report, ReviewRequest
from kommune.core.moderation.netiquette import netiquette_html, netiquette_rules
from kommune.core.moderation.reportables import Reportable, reportable_by_kind, reportable_for
from kommune.core.moderation.statements import statement_of_reasons
from kommune.core.types import AuthenticatedHttpRequest

# --- Reporting ------------------------------------------------------------------------------------------------


@municipality_view()
def report_comment(request: HttpRequest, municipality: Municipality, comment_id: int) -> HttpResponse:
    comment, target = comment_or_404(request, municipality, comment_id)
    reportable = reportable_for(comment)
    if reportable is None:
        raise Http404
    back = safe_next(request, request.GET.get("next") or request.POST.get("next"), reportable.public_url(comment))
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = _report_form(request, municipality, comment)
    if form is None:
        return redirect(back.split("#")[0] + f"#comment-{comment.pk}")
    return render(request, "moderation/report.html", {
        "municipality": municipality, "comment": comment, "target": target, "form": form, "next_url": back,
        "is_own": request.user.is_authenticated and comment.author_id == request.user.pk,
    })


def _report_form(request: HttpRequest, municipality: Municipality, target: Model) -> ReportForm | None:
    """The report form, bound to a POST; None once the report is filed (the caller redirects back)."""
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and request.user.is_authenticated and form.is_valid():
        try:
            services.do_report(reporter=request.user, target=target, reason=form.cleaned_data["reason"],
                               text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. The moderators of %(name)s will look at the contribution and "
                                        "answer you.") % {"name": municipality.name})
            return None
    return form


def _contribution_or_404(municipality: Municipality, kind: str, object_id: int) -> tuple[Model, Reportable]:
    """A contribution of another app registered as reportable under ``kind`` (a proposal), in this tenant and
    visible to the public (a draft is its author's only); anything else is a 404."""
    reportable = reportable_by_kind(kind)
    if reportable is None or kind == "comment":
        raise Http404
    target = get_for_tenant(reportable.model._default_manager.all(), municipality, pk=object_id)
    if not reportable.is_reportable(target):
        raise Http404
    return target, reportable


@municipality_view()
def report_contribution(request: HttpRequest, municipality: Municipality, reportable: str,
                        object_id: int) -> HttpResponse:
    target, registered = _contribution_or_404(municipality, reportable, object_id)
    back = registered.public_url(target)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = _report_form(request, municipality, target)
    if form is None:
        return redirect(back)
    author = registered.author(target)
    return render(request, "moderation/report_contribution.html", {
        "municipality": municipality, "form": form, "next_url": back, "where": registered.describe(target),
        "text": registered.text(target), "is_hidden": registered.is_hidden(target),
        "is_own": request.user.is_authenticated and getattr(author, "pk", None) == request.user.pk,
    })


# --- Queue ----------------------------------------------------------------------------------------------------


@municipality_view("moderation.moderate")
def queue(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    filter_form = QueueFilterForm(request.GET or None)
    status = (filter_form.cleaned_data["status"] if filter_form.is_valid() else "") or Report.Status.OPEN
    cursor = request.GET.get("cursor") or None
    try:
        reports, next_cursor = selectors.report_page(municipality, status, cursor)
    except InvalidCursor:
        return bad_cursor(request, municipality)
    rows = [(report, reportable_for(report.target) if report.target is not None else None) for report in reports]
    return render(request, "moderation/queue.html", {
        "municipality": municipality, "rows": rows, "status": status, "statuses": Report.Status.choices,
        "next_cursor": next_cursor, "cursor": cursor, "open_count": selectors.open_report_count(municipality),
        "open_review_count": selectors.open_review_count(municipality),
    })


@municipality_view("moderation.moderate")
def report_detail(request: AuthenticatedHttpRequest, municipality: Municipality, report_id: int) -> HttpResponse:
    report = get_for_tenant(Report.objects.select_related("reporter", "answered_by"), municipality, pk=report_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_answer_report(moderator=request.user, report=report, answer=form.cleaned_data["answer"],
                                      dismiss=form.cleaned_data["decision"] == "dismiss")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report is closed; the person who reported will be told."))
            return redirect("moderation:queue", municipality_slug=municipality.slug)
    target = report.target
    return render(request, "moderation/report_detail.html", {
        "municipality": municipality, "report": report, "form": form, "target": target,
        "reportable": reportable_for(target) if target is not None else None,
    })


def _rules(municipality: Municipality) -> list[str]:
    return netiquette_rules(municipality, core_selectors.page_of(municipality, PageKind.NETIQUETTE))


# --- A comment ------------------------------------------------------------------------------------------------


def _comment_page(request: HttpRequest, municipality: Municipality, comment: Comment, *, hide_form=None,
                  unhide_form=None, block_form=None, status: int = 200) -> HttpResponse:
    comment = Comment.objects.select_related("author", "thread", "parent").get(pk=comment.pk)
    reportable = reportable_for(comment)
    if reportable is None:
        raise Http404
    reports = list(selectors.reports_on(comment)[:20])
    return render(request, "moderation/comment.html", {
        "municipality": municipality, "comment": comment, "reportable": reportable,
        "where": reportable.describe(comment), "public_url": reportable.public_url(comment),
        "reports": reports,
        "hide_form": hide_form or HideForm(rules=_rules(municipality)), "unhide_form": unhide_form or UnhideForm(),
        "block_form": block_form or BlockForm(rules=_rules(municipality)),
        "can_block": services.can_be_blocked(comment.author, municipality) and not comment.is_assisted,
        "block": selectors.active_block(comment.author, municipality) if comment.author else None,
    }, status=status)


@municipality_view("moderation.moderate")
def comment(request: HttpRequest, municipality: Municipality, comment_id: int) -> HttpResponse:
    found, _target = comment_or_404(request, municipality, comment_id)
    return _comment_page(request, municipality, found)


def _back_to_comment(municipality: Municipality, comment: Comment) -> HttpResponse:
    return redirect("moderation:comment", municipality_slug=municipality.slug, comment_id=comment.pk)


@municipality_view("moderation.moderate")
@require_POST
def hide(request: AuthenticatedHttpRequest, municipality: Municipality, comment_id: int) -> HttpResponse:
    found, _target = comment_or_404(request, municipality, comment_id)
    form = HideForm(request.POST, rules=_rules(municipality))
    if form.is_valid():
        try:
            services.do_hide(moderator=request.user, comment=found, reason=form.cleaned_data["reason"],
                             rule=form.cleaned_data["rule"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The comment is hidden. Its place in the discussion shows your reason."))
            return _back_to_comment(municipality, found)
    return _comment_page(request, municipality, found, hide_form=form)


@municipality_view("moderation.moderate")
@require_POST
def unhide(request: AuthenticatedHttpRequest, municipality: Municipality, comment_id: int) -> HttpResponse:
    found, _target = comment_or_404(request, municipality, comment_id)
    form = UnhideForm(request.POST)
    if form.is_valid():
        try:
            services.do_unhide(moderator=request.user, comment=found, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The comment is shown again."))
            return _back_to_comment(municipality, found)
    return _comment_page(request, municipality, found, unhide_form=form)


@municipality_view("moderation.moderate")
@require_POST
def block_author(request: AuthenticatedHttpRequest, municipality: Municipality, comment_id: int) -> HttpResponse:
    found, _target = comment_or_404(request, municipality, comment_id)
    form = BlockForm(request.POST, rules=_rules(municipality))
    if form.is_valid():
        if found.is_assisted:
            form.add_error(None, _("This comment was entered by staff for a resident; there is nobody to block."))
        else:
            try:
                services.do_block(moderator=request.user, municipality=municipality, user=found.author,
                                  until=timezone.now() + form.length, reason=form.cleaned_data["reason"],
                                  rule=form.cleaned_data["rule"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The author of this comment is blocked."))
                return _back_to_comment(municipality, found)
    return _comment_page(request, municipality, found, block_form=form)


# --- Another app's contribution (a proposal) -------------------------------------------------------------------


def _contribution_page(request: HttpRequest, municipality: Municipality, target, registered, *, hide_form=None,
                       unhide_form=None) -> HttpResponse:
    return render(request, "moderation/contribution.html", {
        "municipality": municipality, "target": target, "kind": registered.kind,
        "where": registered.describe(target), "text": registered.text(target),
        "public_url": registered.public_url(target), "is_hidden": registered.is_hidden(target),
        "author": registered.author(target), "reports": list(selectors.reports_on(target)[:20]),
        "hide_form": hide_form or HideForm(rules=_rules(municipality)), "unhide_form": unhide_form or UnhideForm(),
    })


@municipality_view("moderation.moderate")
def contribution(request: AuthenticatedHttpRequest, municipality: Municipality, reportable: str,
                 object_id: int) -> HttpResponse:
    target, registered = _contribution_or_404(municipality, reportable, object_id)
    return _contribution_page(request, municipality, target, registered)


@municipality_view("moderation.moderate")
@require_POST
def hide_contribution(request: AuthenticatedHttpRequest, municipality: Municipality, reportable: str,
                      object_id: int) -> HttpResponse:
    target, registered = _contribution_or_404(municipality, reportable, object_id)
    form = HideForm(request.POST, rules=_rules(municipality))
    if form.is_valid():
        try:
            services.do_hide_contribution(moderator=request.user, target=target, reason=form.cleaned_data["reason"],
                                          rule=form.cleaned_data["rule"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contribution is hidden; its author is told why."))
            return redirect(registered.moderation_url(target))
    return _contribution_page(request, municipality, target, registered, hide_form=form)


@municipality_view("moderation.moderate")
@require_POST
def unhide_contribution(request: AuthenticatedHttpRequest, municipality: Municipality, reportable: str,
                        object_id: int) -> HttpResponse:
    target, registered = _contribution_or_404(municipality, reportable, object_id)
    form = UnhideForm(request.POST)
    if form.is_valid():
        try:
            services.do_unhide_contribution(moderator=request.user, target=target,
                                            reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contribution is shown again."))
            return redirect(registered.moderation_url(target))
    return _contribution_page(request, municipality, target, registered, unhide_form=form)


# --- Blocks ---------------------------------------------------------------------------------------------------


@municipality_view("moderation.moderate")
def blocks(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        rows, next_cursor = selectors.blocks_page(municipality, cursor)
    except InvalidCursor:
        return bad_cursor(request, municipality)
    return render(request, "moderation/blocks.html", {"municipality": municipality, "blocks": rows,
                                                      "next_cursor": next_cursor, "cursor": cursor})


@municipality_view("moderation.moderate")
def unblock(request: AuthenticatedHttpRequest, municipality: Municipality, block_id: int) -> HttpResponse:
    block = get_for_tenant(Block.objects.select_related("user"), municipality, pk=block_id)
    form = UnblockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_unblock(moderator=request.user, block=block, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The block is lifted."))
            return redirect("moderation:blocks", municipality_slug=municipality.slug)
    return render(request, "moderation/unblock.html", {"municipality": municipality, "block": block, "form": form})


# --- Review of a decision ---------------------------------------------------------------------------------------


@municipality_view()
def request_review(request: HttpRequest, municipality: Municipality, act_id: int) -> HttpResponse:
    """The statement of reasons of a decision and the form to ask for its review; only for the person it is
    about (anyone else gets a 404, as for a decision that does not exist)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    act = get_for_tenant(ModerationAct.objects.filter(affected_user=request.user,
                                                      action__in=services.REVIEWABLE_ACTIONS),
                         municipality, pk=act_id)
    review = ReviewRequest.objects.filter(act=act).first()
    form = ReviewRequestForm(request.POST if request.method == "POST" and review is None else None)
    if form.is_bound and form.is_valid():
        try:
            services.do_request_review(user=request.user, act=act, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. The moderators of %(name)s will review the decision and tell "
                                        "you the outcome.") % {"name": municipality.name})
            return redirect("moderation:request_review", municipality_slug=municipality.slug, act_id=act.pk)
    return render(request, "moderation/request_review.html", {
        "municipality": municipality, "act": act, "review": review, "form": form,
        "statement": statement_of_reasons(act),
    })


@municipality_view("moderation.moderate")
def reviews(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "moderation/reviews.html", {
        "municipality": municipality, "reviews": selectors.open_reviews(municipality),
    })


@municipality_view("moderation.moderate")
def review_detail(request: AuthenticatedHttpRequest, municipality: Municipality, review_id: int) -> HttpResponse:
    review = get_for_tenant(ReviewRequest.objects.select_related("act", "requester", "decided_by"), municipality,
                            pk=review_id)
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_decide_review(moderator=request.user, review=review,
                                      uphold=form.cleaned_data["decision"] == "uphold",
                                      answer=form.cleaned_data["answer"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review is decided; the person will be told the outcome."))
            return redirect("moderation:reviews", municipality_slug=municipality.slug)
    target = review.act.target
    reportable = reportable_for(target) if target is not None else None
    target_text = reportable.text(target) if target is not None and reportable is not None else ""
    return render(request, "moderation/review_detail.html", {
        "municipality": municipality, "review": review, "form": form, "act": review.act,
        "target_text": target_text,
        "statement": statement_of_reasons(review.act),
    })


# --- Public pages ---------------------------------------------------------------------------------------------


@municipality_view()
def log(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        acts, next_cursor = selectors.log_page(municipality, cursor)
    except InvalidCursor:
        return bad_cursor(request, municipality)
    return render(request, "moderation/log.html", {"municipality": municipality, "acts": acts,
                                                   "next_cursor": next_cursor, "cursor": cursor})


@municipality_view()
def netiquette(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    page = core_selectors.page_of(municipality, PageKind.NETIQUETTE)
    return render(request, "moderation/netiquette.html", {
        "municipality": municipality, "page": page, "body_html": netiquette_html(municipality, page),
    })


@municipality_view("moderation.edit_netiquette")
def edit_netiquette(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    page = core_selectors.page_of(municipality, PageKind.NETIQUETTE)
    form = PageForm(request.POST or None, initial={"body": page.body if page else ""})
    if request.method == "POST" and form.is_valid():
        try:
            core_services.do_update_page(municipality=municipality, actor=request.user, kind=PageKind.NETIQUETTE,
                                         body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The netiquette has been saved and is published."))
            return redirect("moderation:edit_netiquette", municipality_slug=municipality.slug)
    return render(request, "moderation/edit_netiquette.html", {
        "municipality": municipality, "form": form, "page": page,
        "preview_html": netiquette_html(municipality, page),
        "public_url": reverse("moderation:netiquette", kwargs={"municipality_slug": municipality.slug}),
    })

