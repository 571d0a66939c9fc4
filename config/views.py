"""Composition-root pages: the dashboard gathers from every app through the registry."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from clusters import access
from clusters.accounts.forms import PasswordChangeForm, PasswordResetForm
from clusters.models import ClusterYear
from core import throttling
from core.compiled import compiled
from core.dashboard import Shared, board_annotations, board_rows, tasks_for
from core.expressions import ListOf
from core.middleware import client_address

logger = logging.getLogger(__name__)

# The dashboard's groups, most urgent first; a task of an unknown kind counts as information.
TASK_GROUPS = [
    ("warning", gettext_lazy("Needs attention")),
    ("action", gettext_lazy("Waiting for you")),
    ("info", gettext_lazy("For your information")),
]


def group_tasks(tasks):
    """Return [(kind, label, tasks)] for the non-empty groups, in TASK_GROUPS order."""
    known = {kind for kind, _label in TASK_GROUPS}
    groups = {kind: [] for kind in known}
    for task in tasks:
        groups[task.kind if task.kind in known else "info"].append(task)
    return [(kind, label, groups[kind]) for kind, label in TASK_GROUPS if groups[kind]]


def year_at_a_glance(user, requested_year=None, shared=None):
    """The parent body staff's board: every cluster of a year, a column per step (from every
    app, core.dashboard.board_annotations), with the cells that are late counted.

    One query, compiled once per process (core.compiled): the year asked for if the staff have
    clusters that year, else their latest, and on each row every year they have (the year
    buttons)."""
    try:
        asked = int(requested_year)
    except (TypeError, ValueError):
        asked = None
    if asked is not None and not 1 <= asked <= 9999:
        asked = None  # no such year (and no integer PostgreSQL would refuse)
    years = _board_query(roles=access.Roles(user), asked=asked)
    titles, rows = board_rows(years, shared)
    if not rows:
        return None
    first = rows[0][0]
    late = sum(1 for _cy, cells in rows for cell in cells if cell and cell.late)
    return {
        "years": first.board_years,
        "year": first.year,
        "titles": titles,
        "rows": rows,
        "late": late,
    }


@compiled
def _board_query(roles, asked):
    cluster_years = ClusterYear.objects.all()
    if not roles.is_superuser:
        cluster_years = cluster_years.filter(cluster__parent_id__in=access.staff_parent_ids(roles))
    year = Subquery(cluster_years.order_by("-year").values("year")[:1])
    if asked is not None:
        year = Coalesce(Subquery(cluster_years.filter(year=asked).values("year")[:1]), year)
    return (
        cluster_years.filter(year=year)
        .annotate(
            board_years=ListOf(cluster_years.order_by("-year").values("year").distinct()),
            **board_annotations(roles, reads=True),
        )
        .select_related("cluster__parent")
        .only("pk", "year", "status", "cluster__name", "cluster__parent__short_name")
        .order_by("cluster__parent__name", "cluster__name")
    )


@require_GET
@login_required
def dashboard(request):
    shared = Shared()
    is_parent_staff = access.is_parent_staff(request.user)
    # The board first: what the task providers share rides along its query (register_board_read).
    board = (
        year_at_a_glance(request.user, request.GET.get("year"), shared) if is_parent_staff else None
    )
    tasks = tasks_for(request.user, shared)
    return render(
        request,
        "dashboard.html",
        {
            "task_groups": group_tasks(tasks),
            "task_count": len(tasks),
            "is_parent_staff": is_parent_staff,
            "board": board,
        },
    )


class LogoutView(auth_views.LogoutView):
    """Log out (POST only, as Django's view) and say so on the log-in page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; wrong old passwords count as failed log-ins, and a locked pair gets 429."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get(self, request, *args, **kwargs):
        throttling.require_password_allowed(request, request.user)
        return super().get(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except throttling.PasswordLocked as locked:
            return locked.response()


RESET_WINDOW_SECONDS = 3600


class _LimitedPasswordResetForm(PasswordResetForm):
    """Mails only the accounts that had fewer than PASSWORD_RESET_ACCOUNT_LIMIT links this hour."""

    def get_users(self, email):
        for user in super().get_users(email):
            if throttling.allow_attempt(
                f"password-reset:account:{user.pk}",
                limit=settings.PASSWORD_RESET_ACCOUNT_LIMIT,
                window_seconds=RESET_WINDOW_SECONDS,
            ):
                yield user
            else:
                logger.warning("Password reset e-mail limited for account %s", user.pk)


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links point at SITE_URL, never at whatever Host header the request carried.

    E-mails are limited per client address and per account (per hour), silently: the next
    page says the same whether an account uses the address and whether a limit held it back,
    so that it tells nobody which addresses have accounts.
    """

    form_class = _LimitedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        address = client_address(self.request)
        if not throttling.allow_attempt(
            f"password-reset:address:{address or 'unknown'}",
            limit=settings.PASSWORD_RESET_ADDRESS_LIMIT,
            window_seconds=RESET_WINDOW_SECONDS,
        ):
            logger.warning("Password reset e-mails limited for address %s", address)
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


@requires_csrf_token
def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


@requires_csrf_token
def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """The form was sent without its token, or after the session changed: say so in the
    reader's language (the reason is Django's English: django.security.csrf logs it)."""
    return render(request, "errors/403_csrf.html", status=403)


@requires_csrf_token
def error_500(request):
    # No request context: the failure may be in the database, the session or the user.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
