"""The calendar settings page (make, replace, revoke the address) and the feed itself."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.calendar import services
from core.calendar.feed import feed
from core.middleware import client_address
from core.models import CalendarFeed
from core.throttling import allow_attempt

# Calendar apps poll every few hours; a few hundred requests an hour is already abuse.
FEED_LIMIT = 120
FEED_WINDOW_SECONDS = 3600


@require_http_methods(["GET", "POST"])
@login_required
def calendar_settings(request):
    token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            token = services.feed_issue(actor=request.user)
        elif action == "revoke":
            if services.feed_revoke(actor=request.user):
                messages.success(request, _("The calendar address was revoked."))
            return redirect("calendar_settings")
        else:
            messages.error(request, _("Choose what to do with the calendar address."))
            return redirect("calendar_settings")
    current = CalendarFeed.objects.filter(user=request.user).first()
    address = f"{settings.SITE_URL}{reverse('calendar_feed', args=[token])}" if token else None
    return render(request, "calendar/settings.html", {"current": current, "address": address})


@require_GET
def calendar_feed(request, token):
    """The .ics file; anyone with the address may read it (calendar apps cannot log in)."""
    if not allow_attempt(
        f"calendar-feed:{client_address(request)}",
        limit=FEED_LIMIT,
        window_seconds=FEED_WINDOW_SECONDS,
    ):
        response = HttpResponse(_("Too many requests for calendars; try again later."), status=429)
        response["Retry-After"] = str(FEED_WINDOW_SECONDS)
        return response
    user = services.user_for_token(token)
    if user is None:
        raise Http404
    response = HttpResponse(feed(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="thidua.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
