"""Adoption, amendment and the signing conference."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements import access, services
from agreements.forms import (
    AdoptForm,
    AmendForm,
    ConferenceForm,
    GuestFormSet,
)
from agreements.models import Comment, Conference
from agreements.views.page import (
    anchor,
    refused,
    totals_context,
)
from clusters import access as cluster_access
from clusters.models import Unit
from core.forms import default_deadline
from core.uploads import attachment_response
from core.views import call_service


@require_http_methods(["GET", "POST"])
@login_required
def agreement_adopt(request, pk):
    agreement = access.get_agreement_to_run(request.user, pk)
    if agreement.is_frozen:
        return refused(request, agreement)
    data = request.POST if request.method == "POST" else None
    form = AdoptForm(data, initial={"signing_deadline": default_deadline(30)})
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            services.agreement_adopt,
            form,
            success=_("The agreement was adopted; its content is now frozen."),
            agreement=agreement,
            signing_deadline=form.cleaned_data["signing_deadline"],
        )
    ):
        return redirect(agreement)
    context = {
        "form": form,
        "agreement": agreement,
        **totals_context(agreement),
        "open_comments": agreement.comments.filter(status=Comment.Status.OPEN).count(),
    }
    return render(request, "agreements/adopt.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def agreement_amend(request, pk):
    agreement = access.get_agreement_to_run(request.user, pk)
    form = AmendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request,
            services.agreement_amend,
            form,
            success=_("The amendment was created as a draft; edit it, then adopt it again."),
            agreement=agreement,
            reason=form.cleaned_data["reason"],
        )
        if outcome:
            return redirect(outcome.result)
    return render(request, "agreements/amend.html", {"agreement": agreement, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def conference_edit(request, pk):
    agreement = access.get_agreement_to_run(request.user, pk)
    conference = Conference.objects.filter(agreement=agreement).first()
    members = Unit.objects.filter(pk__in=cluster_access.member_unit_ids(agreement.cluster_year))
    if request.method == "GET":
        version = conference.version if conference else 0
        form = ConferenceForm(instance=conference, members=members, initial={"version": version})
        guests = GuestFormSet(
            prefix="guests",
            initial=[
                {"name": g.name, "title": g.title, "organisation": g.organisation}
                for g in (conference.guests.all() if conference else [])
            ],
        )
        return _conference_page(request, agreement, form, guests)
    form = ConferenceForm(request.POST, request.FILES, instance=conference, members=members)
    guests = GuestFormSet(request.POST, prefix="guests")
    conflict = None
    if form.is_valid() and guests.is_valid():
        outcome = call_service(
            request,
            services.conference_save,
            form,
            shows_conflict=True,
            agreement=agreement,
            expected_version=form.cleaned_data["version"],
            starts_at=form.cleaned_data["starts_at"],
            venue=form.cleaned_data["venue"],
            hosts=list(form.cleaned_data["hosts"]),
            minutes=form.cleaned_data["minutes"],
            minutes_file=form.cleaned_data["minutes_file"] or None,
            guests=[
                {name: g.cleaned_data[name] for name in ("name", "title", "organisation")}
                for g in guests
                if g.has_changed() and not g.cleaned_data.get("DELETE")
            ],
        )
        if outcome:
            _conference, warnings = outcome.result
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("The signing conference was recorded."))
            return redirect(anchor(agreement, "conference"))
        conflict = outcome.conflict
    return _conference_page(request, agreement, form, guests, conflict)


def _conference_page(request, agreement, form, guests, conflict=None):
    context = {"agreement": agreement, "form": form, "guests": guests, "conflict": conflict}
    return render(
        request, "agreements/conference_form.html", context, status=409 if conflict else 200
    )


@require_GET
@login_required
def conference_minutes_file(request, pk):
    agreement = access.get_agreement(request.user, pk)
    conference = Conference.objects.filter(agreement=agreement).first()
    if conference is None or not conference.minutes_file:
        raise Http404
    return attachment_response(conference.minutes_file, f"bien-ban-hoi-nghi-{agreement.pk}.pdf")
