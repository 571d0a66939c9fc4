"""Accounts of the people of the units a parent body's staff manage; each user's own second
factor (enrol an authenticator app, confirm a code, remove it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from clusters import access, services
from clusters.accounts.forms import (
    AccountCreateForm,
    AccountEmailForm,
    AccountStatusForm,
    PeopleSearchForm,
)
from clusters.models import Position
from core import otp
from core.audit import entries_for
from core.text import folded_search
from core.views import call_service

PAGE_SIZE = 25


@require_GET
@login_required
def account_list(request):
    if not access.is_parent_staff(request.user):
        raise PermissionDenied
    search = PeopleSearchForm(request.GET)
    people = access.managed_people(request.user).select_related("user")
    if search.is_valid() and search.cleaned_data["q"]:
        people = folded_search(people, search.cleaned_data["q"])
    positions = Position.objects.current().filter(
        unit__in=access.managed_units(request.user).values("pk")
    )
    people = people.prefetch_related(
        Prefetch("positions", queryset=positions.select_related("unit"), to_attr="managed")
    ).order_by("full_name", "pk")
    page_obj = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/list.html#rows" if request.htmx else "accounts/list.html",
        {"page_obj": page_obj, "search": search},
    )


def _detail(request, person, **forms):
    forms.setdefault("create_form", AccountCreateForm(initial={"email": person.email}))
    forms.setdefault(
        "email_form", AccountEmailForm(initial={"email": person.user.email if person.user else ""})
    )
    forms.setdefault("status_form", AccountStatusForm())
    context = {
        "person": person,
        "account": person.user,
        "positions": person.positions.select_related("unit").order_by("-start"),
        "audit_entries": entries_for(person.user) if person.user else [],
        **forms,
    }
    return render(request, "accounts/detail.html", context)


def _person(request, pk):
    return access.get_person_to_manage(request.user, pk)


def _account_holder(request, pk):
    """The person, for the actions that need an existing account (404 when there is none)."""
    person = _person(request, pk)
    if person.user is None:
        raise Http404
    return person


@require_GET
@login_required
def account_detail(request, pk):
    return _detail(request, _person(request, pk))


@require_POST
@login_required
def account_create(request, pk):
    person = _person(request, pk)
    form = AccountCreateForm(request.POST)
    if form.is_valid() and call_service(
        request, services.account_create, form, person=person, **form.cleaned_data
    ):
        if form.cleaned_data["invite"]:
            messages.success(request, _("The account was created and the invitation sent."))
        else:
            messages.success(request, _("The account was created."))
        return redirect("accounts:detail", pk=person.pk)
    return _detail(request, person, create_form=form)


@require_POST
@login_required
def account_email(request, pk):
    person = _account_holder(request, pk)
    form = AccountEmailForm(request.POST)
    if form.is_valid() and call_service(
        request, services.account_update, form, user=person.user, **form.cleaned_data
    ):
        messages.success(request, _("The e-mail address was saved."))
        return redirect("accounts:detail", pk=person.pk)
    return _detail(request, person, email_form=form)


@require_POST
@login_required
def account_invite(request, pk):
    person = _account_holder(request, pk)
    outcome = call_service(request, services.account_invite, user=person.user)
    if outcome:
        messages.success(
            request, _("The invitation was sent to %(email)s.") % {"email": outcome.result.email}
        )
    return redirect("accounts:detail", pk=person.pk)


def _set_active(request, pk, active):
    person = _account_holder(request, pk)
    form = AccountStatusForm(request.POST)
    if form.is_valid() and call_service(
        request,
        services.account_set_active,
        form,
        user=person.user,
        active=active,
        reason=form.cleaned_data["reason"],
    ):
        if active:
            messages.success(request, _("The account was reactivated."))
        else:
            messages.success(request, _("The account was deactivated."))
        return redirect("accounts:detail", pk=person.pk)
    return _detail(request, person, status_form=form)


@require_POST
@login_required
def account_deactivate(request, pk):
    return _set_active(request, pk, active=False)


@require_POST
@login_required
def account_reactivate(request, pk):
    return _set_active(request, pk, active=True)


# --- the user's own second factor ---------------------------------------------------------


def _next_url(request, default="otp_setup"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    device = otp.confirmed_device(request.user)
    if device is not None:
        return render(
            request,
            "accounts/otp_setup.html",
            {"device": device, "remove_form": otp.TokenForm(), "next": _next_url(request, "")},
        )
    pending = otp.pending_device(request.user)
    form = otp.TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request,
            otp.totp_device_confirm,
            form,
            device=pending,
            token=form.cleaned_data["token"],
        )
        if outcome:
            otp_login(request, outcome.result)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next_url(request))
    context = {
        "form": form,
        "qr_code": otp.qr_png_data_uri(pending.config_url),
        "secret": otp.secret_b32(pending),
        "next": _next_url(request, ""),
    }
    return render(request, "accounts/otp_setup.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    device = otp.confirmed_device(request.user)
    if device is None:
        return redirect("otp_setup")
    form = otp.TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_url(request, "dashboard"))
        wrong = _("The code is wrong or has expired. Enter the code shown now.")
        wait = _("Too many wrong codes: wait a few seconds, then try again.")
        form.add_error("token", wrong if allowed else wait)
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next_url(request, "")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def otp_remove(request):
    form = otp.TokenForm(request.POST)
    if form.is_valid() and call_service(
        request, otp.totp_device_remove, form, token=form.cleaned_data["token"]
    ):
        messages.success(request, _("Your authenticator app was removed."))
        return redirect("otp_setup")
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect("otp_setup")
