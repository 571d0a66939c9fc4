"""Consultation of the members on a draft: circulating it, comments and answers; its revisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from agreements import access, content, selectors, services
from agreements.forms import (
    AnswerForm,
    CirculateForm,
)
from agreements.models import Comment, Revision
from agreements.views.page import (
    DETAIL,
    anchor,
    comment_form,
    viewer_roles,
)
from core.forms import default_deadline
from core.views import call_service

CONSULTATION_DAYS = 14  # the deadline the confirmation page proposes


def _form_errors(form):
    return [str(e) for errors in form.errors.values() for e in errors]


@require_http_methods(["GET", "POST"])
@login_required
def agreement_circulate(request, pk):
    """Confirm first (how many units, by when), then circulate and send the e-mails."""
    agreement = access.get_agreement_to_run(request.user, pk)
    if agreement.status != agreement.Status.DRAFT:
        messages.error(request, _("Only a draft can be circulated for comment."))
        return redirect(agreement)
    data = request.POST if request.method == "POST" else None
    form = CirculateForm(data, initial={"deadline": default_deadline(CONSULTATION_DAYS)})
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            services.agreement_circulate,
            form,
            success=_("The draft was circulated; the members were notified by e-mail."),
            agreement=agreement,
            deadline=form.cleaned_data["deadline"],
        )
    ):
        return redirect(agreement)
    members = [m for m in agreement.cluster_year.memberships.select_related("unit") if m.is_active]
    return render(
        request,
        "agreements/circulate.html",
        {"agreement": agreement, "form": form, "members": members},
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
def comment_add(request, pk):
    agreement = access.get_agreement_to_comment(request.user, pk)
    units = access.comment_units(request.user, agreement)
    form = comment_form(agreement, units, request.POST)
    outcome = form.is_valid() and call_service(
        request,
        services.comment_add,
        form,
        agreement=agreement,
        unit=form.cleaned_data["unit"],
        text=form.cleaned_data["text"],
        section=form.cleaned_data["section"],
    )
    context = {"agreement": agreement, **viewer_roles(request.user, agreement)}
    if not outcome:
        if request.htmx:
            response = render(request, f"{DETAIL}#comment_form", {**context, "comment_form": form})
            return reswap(retarget(response, "#comment-add"), "outerHTML")
        messages.error(request, " ".join(_form_errors(form)))
        return redirect(anchor(agreement, "comments"))
    comment = outcome.result
    if not request.htmx:
        messages.success(request, _("Your comment was sent to the cluster head."))
        return redirect(anchor(agreement, f"comment-{comment.pk}"))
    return render(
        request,
        "agreements/comment_added.html",
        {**context, "comment": comment, "comment_form": comment_form(agreement, units)},
    )


def _comment_response(request, pk, form=None, errors=()):
    comment = Comment.objects.select_related("unit", "section", "author").get(pk=pk)
    agreement = access.get_agreement(request.user, comment.agreement_id)
    errors = list(errors) + (_form_errors(form) if form is not None else [])
    if not request.htmx:
        if errors:
            messages.error(request, " ".join(errors))
        return redirect(anchor(agreement, f"comment-{pk}"))
    context = {"agreement": agreement, "comment": comment, **viewer_roles(request.user, agreement)}
    return render(
        request, f"{DETAIL}#comment", {**context, "answer_form": form, "comment_errors": errors}
    )


@require_POST
@login_required
def comment_answer(request, pk):
    comment = access.get_comment_to_run(request.user, pk)
    form = AnswerForm(request.POST, prefix=f"answer-{pk}")
    answered = form.is_valid() and call_service(
        request,
        services.comment_answer,
        form,
        comment=comment,
        answer=form.cleaned_data["answer"],
    )
    if answered and not request.htmx:
        messages.success(request, _("Your answer was sent to the member."))
    return _comment_response(request, pk, None if answered else form)


@require_POST
@login_required
def comment_resolve(request, pk):
    comment = access.get_comment_to_run(request.user, pk)
    outcome = call_service(request, services.comment_resolve, report=False, comment=comment)
    if not outcome:
        return _comment_response(request, pk, errors=outcome.error.messages)
    return _comment_response(request, pk)


@require_GET
@login_required
def revision_list(request, pk):
    agreement = access.get_agreement(request.user, pk)
    context = {"agreement": agreement, "revisions": selectors.revisions(agreement)}
    return render(request, "agreements/revisions.html", context)


def _revision(agreement, number):
    try:
        return Revision.objects.get(agreement=agreement, number=int(number))
    except (Revision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@require_GET
@login_required
def revision_diff(request, pk):
    agreement = access.get_agreement(request.user, pk)
    numbers = list(agreement.revisions.order_by("number").values_list("number", flat=True))
    if not numbers:
        raise Http404
    new = _revision(agreement, request.GET.get("b", numbers[-1]))
    old = _revision(agreement, request.GET.get("a", max(new.number - 1, numbers[0])))
    return render(
        request,
        "agreements/diff.html",
        {
            "agreement": agreement,
            "old": old,
            "new": new,
            "diff": content.diff_revisions(old, new),
            "numbers": numbers,
        },
    )
