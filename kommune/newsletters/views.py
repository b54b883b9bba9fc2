"""Pages of the newsletters: the public archive, an issue with its print version and PDF, subscribing (double
opt-in), confirming and unsubscribing (one click, RFC 8058); and the staff's pages: issues, writing, sending,
entering a person who phoned, districts and bounces."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cursor import InvalidCursor
from kommune.core.cursor import page as cursor_page
from kommune.core.forms import add_service_errors
from kommune.core.models import Municipality
from kommune.core.types import AuthenticatedHttpRequest
from kommune.newsletters import selectors, services, tokens
from kommune.newsletters.forms import (
    AssistedSubscriberForm,
    BounceForm,
    DistrictForm,
    NewsletterForm,
    SubscribeForm,
)
from kommune.newsletters.models import Newsletter

WRITE = services.WRITE_PERMISSION
SEND = services.SEND_PERMISSION


def _visible_issue(request: HttpRequest, municipality: Municipality, newsletter_id: int) -> Newsletter:
    """A sent issue for everyone; a draft only for those who write newsletters here (their preview)."""
    newsletter = get_for_tenant(Newsletter.objects.select_related("municipality", "topic", "district"),
                                municipality, pk=newsletter_id)
    if not newsletter.is_sent and not request.user.has_perm(WRITE, municipality):
        raise Http404
    return newsletter


def _issue_context(request: HttpRequest, newsletter: Newsletter) -> dict:
    sections = newsletter.block_snapshot if newsletter.is_sent else services.block_sections(
        newsletter.municipality, newsletter.blocks, timezone.now())
    return {"municipality": newsletter.municipality, "newsletter": newsletter,
            "sections": selectors.readable_sections(sections), "site_url": settings.SITE_URL}


def _print_css() -> str:
    from django.contrib.staticfiles import finders

    path = finders.find("newsletters/print.css")
    if not path:
        return ""
    with open(path, encoding="utf-8") as css:
        return css.read()


# --- Public -----------------------------------------------------------------------------------------------------


@municipality_view()
def archive(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    try:
        issues, next_cursor = cursor_page(selectors.sent_newsletters(municipality), cursor,
                                          size=selectors.ARCHIVE_PAGE_SIZE, descending=True, field="sent_at")
    except InvalidCursor:
        return render(request, "newsletters/archive.html", {
            "municipality": municipality, "issues": [], "next_cursor": None,
            "error": _("This page of the archive does not exist. Please start at the first page.")}, status=400)
    return render(request, "newsletters/archive.html", {"municipality": municipality, "issues": issues,
                                                        "next_cursor": next_cursor, "is_first_page": not cursor})


@municipality_view()
def issue(request: HttpRequest, municipality: Municipality, newsletter_id: int) -> HttpResponse:
    newsletter = _visible_issue(request, municipality, newsletter_id)
    return render(request, "newsletters/issue.html", _issue_context(request, newsletter))


@municipality_view()
def issue_print(request: HttpRequest, municipality: Municipality, newsletter_id: int) -> HttpResponse:
    """A page to print for people without e-mail (large type, addresses of the links written out)."""
    newsletter = _visible_issue(request, municipality, newsletter_id)
    return render(request, "newsletters/print.html", {**_issue_context(request, newsletter), "absolute": True})


@municipality_view()
def issue_pdf(request: HttpRequest, municipality: Municipality, newsletter_id: int) -> HttpResponse:
    from weasyprint import HTML  # type: ignore[import-untyped]

    newsletter = _visible_issue(request, municipality, newsletter_id)
    html = render_to_string("newsletters/print_pdf.html", {**_issue_context(request, newsletter), "absolute": True,
                                                       "print_css": _print_css()}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="newsletter-{municipality.slug}-{newsletter.pk}.pdf"'
    return response


@municipality_view()
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = SubscribeForm(request.POST if request.method == "POST" else None, municipality=municipality,
                         initial={"email": getattr(request.user, "email", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_subscribe(municipality=municipality, email=form.cleaned_data["email"],
                                  topics=list(form.cleaned_data["topics"]),
                                  districts=list(form.cleaned_data["districts"]),
                                  user=request.user if request.user.is_authenticated else None)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "newsletters/subscribe.html", {"municipality": municipality, "done": True})
    return render(request, "newsletters/subscribe.html", {"municipality": municipality, "form": form},
                  status=400 if form.errors else 200)


@municipality_view()
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, municipality: Municipality, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); the POST confirms."""
    subscriber = tokens.subscriber_to_confirm(token, municipality)
    if subscriber is None:
        return render(request, "newsletters/confirm.html", {"municipality": municipality, "invalid": True},
                      status=404)
    if request.method == "POST":
        subscriber = services.do_confirm_subscription(subscriber=subscriber)
    return render(request, "newsletters/confirm.html", {"municipality": municipality, "subscriber": subscriber})


@municipality_view()
@csrf_exempt  # the signed token authenticates; mail providers POST here without a session (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, municipality: Municipality, token: str) -> HttpResponse:
    subscriber = tokens.subscriber_to_unsubscribe(token, municipality)
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    if subscriber is None:
        if request.method == "POST":  # already unsubscribed (a second click, a provider's retry): done is done
            if one_click:
                return HttpResponse(_("This address gets no newsletter."), content_type="text/plain")
            return render(request, "newsletters/unsubscribe.html", {"municipality": municipality, "done": True})
        return render(request, "newsletters/unsubscribe.html", {"municipality": municipality, "invalid": True},
                      status=404)
    if request.method == "POST":
        services.do_unsubscribe(subscriber=subscriber)
        if one_click:
            return HttpResponse(_("You will get no more newsletters."), content_type="text/plain")
        return render(request, "newsletters/unsubscribe.html", {"municipality": municipality, "done": True})
    return render(request, "newsletters/unsubscribe.html", {"municipality": municipality, "subscriber": subscriber})


# --- Staff ------------------------------------------------------------------------------------------------------


@municipality_view(WRITE)
def manage(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "newsletters/manage.html", {
        "municipality": municipality, "issues": list(selectors.newsletters_for_staff(municipality)[:100]),
        "counts": selectors.subscriber_counts(municipality), "districts": list(selectors.districts_of(municipality)),
        "bounced": selectors.bounced_subscribers(municipality), "may_send": request.user.has_perm(SEND, municipality),
        "bounce_limit": services.BOUNCE_LIMIT})


def _edit(request: AuthenticatedHttpRequest, municipality: Municipality, newsletter: Newsletter | None
          ) -> HttpResponse:
    initial = {}
    if newsletter is not None:
        initial = {"title": newsletter.title, "intro": newsletter.intro, "body": newsletter.body,
                   "blocks": newsletter.blocks, "topic": newsletter.topic, "district": newsletter.district}
    form = NewsletterForm(request.POST if request.method == "POST" else None, municipality=municipality,
                          initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.do_save_newsletter(
                municipality=municipality, actor=request.user, newsletter=newsletter, title=data["title"],
                intro=data["intro"], body=data["body"], blocks=data["blocks"], topic=data["topic"],
                district=data["district"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("newsletters:edit", municipality_slug=municipality.slug, newsletter_id=saved.pk)
    return render(request, "newsletters/edit.html", {
        "municipality": municipality, "newsletter": newsletter, "form": form,
        "may_send": request.user.has_perm(SEND, municipality),
        "audience_count": services.audience(newsletter).count() if newsletter and not newsletter.is_sent else None,
    }, status=400 if form.errors else 200)


@municipality_view(WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def create(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    return _edit(request, municipality, None)


@municipality_view(WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: AuthenticatedHttpRequest, municipality: Municipality, newsletter_id: int) -> HttpResponse:
    newsletter = get_for_tenant(Newsletter.objects.select_related("topic", "district"), municipality,
                                pk=newsletter_id)
    if newsletter.is_sent and request.method == "POST":
        messages.error(request, _("This newsletter was sent already; it cannot be changed."))
        return redirect("newsletters:edit", municipality_slug=municipality.slug, newsletter_id=newsletter.pk)
    return _edit(request, municipality, newsletter)


@municipality_view(SEND)
@require_POST
def send(request: AuthenticatedHttpRequest, municipality: Municipality, newsletter_id: int) -> HttpResponse:
    newsletter = get_for_tenant(Newsletter, municipality, pk=newsletter_id)
    try:
        count = services.do_send_newsletter(newsletter=newsletter, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The newsletter is being sent to %(count)d subscribers.") % {"count": count})
    return redirect("newsletters:edit", municipality_slug=municipality.slug, newsletter_id=newsletter.pk)


@municipality_view(WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def enter_subscriber(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    """A person phoned or came by and wants the newsletter: staff enter the address; the person confirms."""
    form = AssistedSubscriberForm(request.POST if request.method == "POST" else None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.do_enter_subscriber(municipality=municipality, actor=request.user, email=data["email"],
                                         name=data["name"], topics=list(data["topics"]),
                                         districts=list(data["districts"]))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Entered. The person gets an e-mail with a link to confirm the subscription."))
            return redirect("newsletters:manage", municipality_slug=municipality.slug)
    return render(request, "newsletters/enter_subscriber.html", {"municipality": municipality, "form": form},
                  status=400 if form.errors else 200)


@municipality_view(SEND)
@require_http_methods(["GET", "HEAD", "POST"])
def districts(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = DistrictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_district(municipality=municipality, actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The district is added."))
            return redirect("newsletters:districts", municipality_slug=municipality.slug)
    return render(request, "newsletters/districts.html", {
        "municipality": municipality, "form": form, "districts": list(selectors.districts_of(municipality))},
        status=400 if form.errors else 200)


@municipality_view(SEND)
@require_http_methods(["GET", "HEAD", "POST"])
def bounces(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    """Feed the addresses the mail server reported as undeliverable (hard bounces)."""
    form = BounceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        addresses, bad = [], []
        for line in form.cleaned_data["addresses"]:
            try:
                addresses.append(services.clean_email(line))
            except ValidationError:
                bad.append(line)
        if bad:  # nothing is recorded until every line is an address
            form.add_error("addresses", _("These lines are no e-mail addresses: %(lines)s") % {
                "lines": ", ".join(line[:80] for line in bad[:10])})
        else:
            disabled = sum(services.do_record_bounce(email=address, municipality=municipality)
                           for address in addresses)
            messages.success(request, _("Bounces recorded; %(count)d addresses are now disabled.") % {
                "count": disabled})
            return redirect("newsletters:manage", municipality_slug=municipality.slug)
    return render(request, "newsletters/bounces.html", {
        "municipality": municipality, "form": form, "bounce_limit": services.BOUNCE_LIMIT},
        status=400 if form.errors else 200)
