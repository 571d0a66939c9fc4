"""Accounts of the people of the units a parent body's staff manage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusters import access, services
from clusters.account_forms import (
    AccountCreateForm,
    AccountEmailForm,
    AccountStatusForm,
    PeopleSearchForm,
)
from clusters.models import Position
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
        request, services.account_create, form=form, person=person, **form.cleaned_data
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
        request, services.account_update, form=form, user=person.user, **form.cleaned_data
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
        form=form,
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
