"""The user's notifications: the list, opening one (its link's view checks access), read all."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.notifications import selectors, services

PER_PAGE = 30


@require_GET
@login_required
def notification_list(request):
    page_obj = Paginator(selectors.notifications_of(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page_obj": page_obj})


@require_POST
@login_required
def notification_open(request, pk):
    """Mark it read and follow its link: the link's own view decides again what the user may see."""
    notification = services.mark_read(selectors.get_notification(request.user, pk))
    return redirect(notification.link or "notifications")


@require_POST
@login_required
def notification_read_all(request):
    services.mark_all_read(request.user)
    return redirect("notifications")
