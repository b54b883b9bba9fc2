from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kommune.core.access import login_view, municipality_view, public_view
from kommune.core.cursor import InvalidCursor
from kommune.core.models import Municipality
from kommune.core.notifications import selectors, services
from kommune.core.notifications.feeds import MunicipalityActivityFeed
from kommune.core.notifications.followables import BadTargetKey, parse_target_key
from kommune.core.notifications.forms import SettingsForm
from kommune.core.notifications.models import Notification
from kommune.core.types import AuthenticatedHttpRequest


def _safe_next(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return fallback


def _bad_request(request: HttpRequest, message: str, municipality: Municipality | None = None) -> HttpResponse:
    return render(request, "notifications/bad_request.html", {"message": message, "municipality": municipality},
                  status=400)


# --- Follow ---------------------------------------------------------------------------------------------------


@login_view
@require_POST
def follow(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Follow or unfollow (``action``) the object named by ``target``; the button again for htmx, otherwise a
    redirect back to ``next``."""
    try:
        followable, pk = parse_target_key(request.POST.get("target", ""))
    except BadTargetKey:
        return _bad_request(request, _("This cannot be followed."))
    target = followable.model._default_manager.filter(pk=pk).first()
    if target is None or not followable.is_visible(target):
        raise Http404
    action = request.POST.get("action")
    if action not in ("follow", "unfollow"):
        return _bad_request(request, _("Please use the Follow button on the page."))
    try:
        if action == "follow":
            services.do_follow(user=request.user, target=target)
        else:
            services.do_unfollow(user=request.user, target=target)
    except ValidationError as error:
        if request.headers.get("HX-Request"):
            return _bad_request(request, " ".join(error.messages))
        messages.error(request, " ".join(error.messages))
        return redirect(_safe_next(request, followable.url(target) or "/"))
    next_url = _safe_next(request, followable.url(target) or "/")
    if request.headers.get("HX-Request"):
        return render(request, "notifications/follow_button.html", {"follow_target": target, "follow_next": next_url})
    if action == "follow":
        messages.success(request, _("You now follow “%(title)s”. You find new notifications under your account.")
                         % {"title": followable.title(target)})
    else:
        messages.success(request, _("You no longer follow “%(title)s”.") % {"title": followable.title(target)})
    return HttpResponseRedirect(next_url)


# --- The inbox and settings -------------------------------------------------------------------------------------


@login_view
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        rows, next_cursor = selectors.inbox_page(request.user, request.GET.get("cursor") or None)
    except InvalidCursor as error:
        return _bad_request(request, str(error.message))
    return render(request, "notifications/inbox.html", {
        "notifications": rows, "next_cursor": next_cursor, "is_first_page": not request.GET.get("cursor"),
        "unread": selectors.unread_notification_count(request),
    })


@login_view
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.do_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


@login_view
@require_POST
def mark_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    # Only the person's own notifications exist for them: anyone else's id is a 404.
    notification = get_object_or_404(Notification, pk=notification_id, user=request.user)
    services.do_mark_read(user=request.user, notification=notification)
    return HttpResponseRedirect(_safe_next(request, reverse("notifications:inbox")))


@login_view
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None, initial={"email": selectors.email_setting(request.user)})
    if request.method == "POST" and form.is_valid():
        services.do_update_settings(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    try:
        follows, next_cursor = selectors.follows_page(request.user, request.GET.get("cursor") or None)
    except InvalidCursor as error:
        return _bad_request(request, str(error.message))
    return render(request, "notifications/settings.html", {
        "form": form, "follows": follows, "next_cursor": next_cursor,
        "is_first_page": not request.GET.get("cursor"),
    })


@public_view
@csrf_exempt  # the signed token authenticates; mail providers POST here without a session (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.unsubscribe_user(token)
    except services.UnsubscribeError as error:
        return render(request, "notifications/unsubscribe.html", {"error": str(error)}, status=400)
    if request.method == "POST":
        services.do_unsubscribe(token=token)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("You will get no more notification e-mails."), content_type="text/plain")
        return render(request, "notifications/unsubscribe.html", {"done": True, "user": user})
    return render(request, "notifications/unsubscribe.html", {"user": user})


# --- Activity streams and feeds ---------------------------------------------------------------------------------


def _stream(request: HttpRequest, template: str, activities, context: dict) -> HttpResponse:
    try:
        rows, next_cursor = selectors.stream_page(activities, request.GET.get("cursor") or None)
    except InvalidCursor as error:
        return _bad_request(request, str(error.message), context.get("municipality"))
    return render(request, template, {**context, "activities": rows, "next_cursor": next_cursor,
                                      "is_first_page": not request.GET.get("cursor")})


@municipality_view()
def municipality_stream(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    feed_url = reverse("notifications:municipality_feed", kwargs={"municipality_slug": municipality.slug})
    return _stream(request, "notifications/stream.html", selectors.municipality_activities(municipality),
                   {"municipality": municipality, "process": None, "feed_url": feed_url})


@municipality_view()
def municipality_feed(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return MunicipalityActivityFeed()(request, municipality=municipality)
