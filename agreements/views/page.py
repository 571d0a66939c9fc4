"""The agreement page, and what every part of it shares.

Every edit form posts to its own URL. htmx requests get the partial of `detail.html` that
changed; the same forms work without JavaScript as a full-page POST and a redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from agreements import access, selectors
from agreements.forms import (
    ClosingForm,
    CommentForm,
    HeaderForm,
    SectionForm,
)
from agreements.models import Agreement, Conference, Guest, Section
from agreements.signing import selectors as signing_selectors
from core.audit import entries_for
from core.compiled import compiled
from core.expressions import ListOf

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
    # Only a circulated draft takes comments: no need to read the user's positions otherwise.
    circulated = agreement.status == Agreement.Status.CIRCULATED
    units = access.comment_units(user, agreement) if circulated else []
    return {
        "can_edit": access.can_edit(user, agreement),
        "can_run": access.can_run(user, agreement),
        "can_comment": circulated and bool(units),
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


# The conference's host units and guests, read with the agreement (no query of their own).
CONFERENCE_PEOPLE = {
    "conference_hosts": ListOf(
        Conference.hosts.through.objects.filter(conference__agreement=OuterRef("pk"))
        .order_by("unit__name", "unit_id")
        .values("unit__name")
    ),
    "conference_guests": ListOf(
        Guest.objects.filter(conference__agreement=OuterRef("pk"))
        .order_by("order", "pk")
        .values(row=JSONObject(name="name", title="title", organisation="organisation"))
    ),
}

# The rendered content of adopted agreements, kept in memory by each process (never in the
# database): it never changes once adopted.
CONTENT_CACHE = "frozen_content"


def content_cache_key(agreement):
    """The agreement, the SHA-256 of its adopted content and the language of the page: two
    agreements never share a block, even with the same content (each has its own anchors)."""
    return f"agreement-content:{agreement.pk}:{agreement.content_hash}:{get_language()}"


def frozen_content(agreement):
    """The page's content block (title and legal basis, sections and criteria, points, closing
    part) of an adopted agreement, rendered once per process and language; None while the
    content can still change.

    Rendered without the request: nothing of the viewer (rights, CSRF token, nonce) and nothing
    that changes after adoption (signatures, conference, comments) is in it. A frozen agreement
    is never editable, so `can_edit` is False for every viewer.
    """
    if not (agreement.is_frozen and agreement.content_hash):
        return None
    cache = caches[CONTENT_CACHE]
    key = content_cache_key(agreement)
    html = cache.get(key)
    if html is None:
        context = {"agreement": agreement, "can_edit": False, **totals_context(agreement)}
        html = render_to_string(f"{DETAIL}#content", context)
        cache.set(key, html, None)
    return mark_safe(html)  # rendered by our template, which escaped what it shows


@compiled
def _page_agreement(pk):
    return access.agreements_with(
        access.PAGE_RELATED, {**CONFERENCE_PEOPLE, **signing_selectors.DIGITALLY_BEGUN}
    ).filter(pk=pk)


def page_agreement(user, pk):
    """The agreement for its page: its one-to-one records and the conference's people with it."""
    agreement = access.get_agreement(user, pk, read=_page_agreement)
    conference = getattr(agreement, "conference", None)
    if conference is not None:
        conference.agreement = agreement
        conference.host_names = agreement.conference_hosts or []
        conference.guest_list = agreement.conference_guests or []
    return agreement


def detail_context(request, agreement):
    """Everything the agreement page shows, in a number of queries that does not grow.

    `agreement` comes from `page_agreement` (its conference, seal, closure and successor read
    with it); an adopted agreement's content comes from `frozen_content`.
    """
    roles = viewer_roles(request.user, agreement)
    revisions, revision_count = selectors.latest_revisions(agreement, 5)
    content = frozen_content(agreement)
    return {
        "agreement": agreement,
        **roles,
        "content_block": content,
        **(totals_context(agreement) if content is None else {}),
        "comments": selectors.comments(agreement),
        "conference": getattr(agreement, "conference", None),
        "revisions": revisions,
        "revision_count": revision_count,
        "superseded_by": getattr(agreement, "superseded_by", None),
        "audit_entries": entries_for(agreement),
        "section_add_form": (
            SectionForm(adding=True, prefix="new-section") if roles["can_edit"] else None
        ),
        "comment_form": (
            comment_form(agreement, roles["comment_units"]) if roles["can_comment"] else None
        ),
    }


@require_GET
@login_required
def agreement_detail(request, pk):
    agreement = page_agreement(request.user, pk)
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
