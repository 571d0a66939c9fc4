"""The agreement page, and what every part of it shares.

Every edit form posts to its own URL. htmx requests get the partial of `detail.html` that
changed; the same forms work without JavaScript as a full-page POST and a redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from agreements import access, selectors
from agreements.forms import (
    ClosingForm,
    CommentForm,
    HeaderForm,
    SectionForm,
)
from agreements.models import Agreement, Conference, Section
from core.audit import entries_for

DETAIL = "agreements/detail.html"
PARTS = {"header": HeaderForm, "closing": ClosingForm}


# --- helpers -------------------------------------------------------------------------------


def anchor(agreement, fragment=""):
    url = reverse("agreements:detail", args=[agreement.pk])
    return f"{url}#{fragment}" if fragment else url


def refused(request, agreement):
    """The clear refusal of any change to an adopted (or superseded) agreement."""
    return render(request, "agreements/refused.html", {"agreement": agreement}, status=403)


def totals_context(agreement, sections=None):
    """The sections (criteria prefetched), each with its `points`, and the overall totals."""
    if sections is None:
        sections = selectors.sections_with_criteria(agreement)
    totals = selectors.totals(sections)
    for item in totals.sections:
        item.section.points = item.totals
    return {"totals": totals, "sections": sections}


def section_of(context, pk):
    return next(s for s in context["sections"] if s.pk == pk)


def viewer_roles(user, agreement):
    units = access.comment_units(user, agreement)
    return {
        "can_edit": access.can_edit(user, agreement),
        "can_run": access.can_run(user, agreement),
        "can_comment": agreement.status == Agreement.Status.CIRCULATED and bool(units),
        "comment_units": units,
    }


def partial(request, name, context, *, status=200):
    """The named partial for htmx; the full editing page (around the same partial) otherwise."""
    if request.htmx:
        return render(request, f"{DETAIL}#{name}", context, status=status)
    return render(request, "agreements/edit.html", {**context, "partial": name}, status=status)


def notice(request, agreement, error, fragment):
    """A service's refusal of a one-click action: a message; nothing changed."""
    text = " ".join(error.messages)
    if request.htmx:
        return trigger_client_event(HttpResponse(), "agreementNotice", {"message": text})
    messages.error(request, text)
    return redirect(anchor(agreement, fragment))


# --- the agreement page --------------------------------------------------------------------


def detail_context(request, agreement):
    """Everything the agreement page shows, in a number of queries that does not grow."""
    roles = viewer_roles(request.user, agreement)
    conference = (
        Conference.objects.filter(agreement=agreement).prefetch_related("hosts", "guests").first()
    )
    if conference is not None:
        conference.agreement = agreement
    revisions = selectors.revisions(agreement)
    return {
        "agreement": agreement,
        **roles,
        **totals_context(agreement),
        "comments": selectors.comments(agreement),
        "conference": conference,
        "revisions": revisions[:5],
        "revision_count": len(revisions),
        "superseded_by": Agreement.objects.filter(supersedes=agreement).first(),
        "audit_entries": entries_for(agreement),
        "section_add_form": SectionForm(adding=True, prefix="new-section"),
        "comment_form": (
            comment_form(agreement, roles["comment_units"]) if roles["can_comment"] else None
        ),
    }


@require_GET
@login_required
def agreement_detail(request, pk):
    agreement = access.get_agreement(request.user, pk)
    return render(request, DETAIL, detail_context(request, agreement))


@require_GET
@login_required
def agreement_part(request, pk, part):
    """One part of the page as shown (the "cancel" of its edit form)."""
    agreement = access.get_agreement(request.user, pk)
    if part not in PARTS:
        raise Http404
    if not request.htmx:
        return redirect(anchor(agreement, f"agreement-{part}"))
    return render(
        request,
        f"{DETAIL}#{part}",
        {"agreement": agreement, **viewer_roles(request.user, agreement)},
    )


def comment_form(agreement, units, data=None):
    return CommentForm(
        data,
        units=units,
        sections=Section.objects.filter(agreement=agreement).order_by("order", "pk"),
        prefix="comment",
    )
