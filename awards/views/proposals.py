"""The proposal file: nominees and their achievement reports, sending it, the parent body's
review and decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards import access, reports, selectors
from awards.forms import (
    AcceptForm,
    DecisionForm,
    ItemAddForm,
    ItemEditForm,
    ReportFileForm,
    ReportForm,
    ReturnForm,
    RevokeForm,
    SubmitForm,
)
from awards.models import AwardType, Proposal, ProposalItem
from awards.services import proposals
from awards.views.votes import overview_url
from clusters import access as cluster_access
from core.audit import entries_for
from core.uploads import attachment_response
from core.views import call_service, report_form_errors
from results import access as results_access


@require_POST
@login_required
def proposal_create(request, pk):
    cluster_year = results_access.get_cluster_year_to_run(request.user, pk)
    outcome = call_service(
        request,
        proposals.proposal_create,
        success=_("The proposal file is started with the units the vote elected."),
        cluster_year=cluster_year,
    )
    if outcome:
        return redirect(outcome.result.get_absolute_url())
    return redirect(overview_url(cluster_year))


def _proposal_context(request, proposal):
    user = request.user
    cluster_year = proposal.cluster_year
    items = list(proposal.items.select_related("award_type", "unit"))
    can_edit = results_access.can_run(user, cluster_year) and proposal.is_editable
    can_review = access.can_review(user, proposal)
    context = {
        "proposal": proposal,
        "cluster_year": cluster_year,
        "items": items,
        "documents": list(proposal.documents.select_related("number")),
        "history": list(proposal.history.all()),
        "decision": getattr(proposal, "decision", None)
        if proposal.status in (Proposal.Status.DECIDED, Proposal.Status.REVOKED)
        else None,
        "meeting": getattr(cluster_year, "award_meeting", None),
        "period": selectors.year_end_period(cluster_year),
        "can_edit": can_edit,
        "can_review": can_review,
        "audit_entries": entries_for(proposal, limit=30),
    }
    if can_edit:
        catalogue = AwardType.objects.filter(
            parent_id=cluster_year.cluster.parent_id, year=cluster_year.year
        )
        members = [m.unit for m in cluster_access.active_memberships(cluster_year)]
        context["item_form"] = ItemAddForm(award_types=catalogue, units=members)
        context["submit_form"] = SubmitForm(initial={"date": timezone.localdate()})
    if can_review and proposal.is_under_review:
        context["return_form"] = ReturnForm()
        context["accept_form"] = AcceptForm(items=items)
    accepted = [i for i in items if i.status == ProposalItem.Status.ACCEPTED]
    if can_review and proposal.status in (Proposal.Status.ACCEPTED, Proposal.Status.BEING_DECIDED):
        context["decision_form"] = DecisionForm(items=accepted)
    if can_review and proposal.status == Proposal.Status.DECIDED:
        granted = [i for i in items if i.status == ProposalItem.Status.GRANTED]
        context["revoke_form"] = RevokeForm(items=granted)
    return context


@require_GET
@login_required
def proposal_detail(request, pk):
    proposal = access.get_proposal(request.user, pk)
    return render(request, "awards/proposal/detail.html", _proposal_context(request, proposal))


@require_POST
@login_required
def item_add(request, pk):
    proposal = access.get_proposal_to_edit(request.user, pk)
    cluster_year = proposal.cluster_year
    catalogue = list(
        AwardType.objects.filter(parent_id=cluster_year.cluster.parent_id, year=cluster_year.year)
    )
    members = [m.unit for m in cluster_access.active_memberships(cluster_year)]
    form = ItemAddForm(request.POST, award_types=catalogue, units=members)
    if form.is_valid():
        data = dict(form.cleaned_data)
        award_type_id, unit_id = data.pop("award_type"), data.pop("unit")
        call_service(
            request,
            proposals.proposal_item_add,
            success=_("The nominee is added."),
            proposal=proposal,
            award_type=next(t for t in catalogue if t.pk == award_type_id),
            unit=next(u for u in members if u.pk == unit_id),
            **data,
        )
    else:
        report_form_errors(request, form)
    return redirect(proposal.get_absolute_url() + "#items")


def _item_page(request, item, *, edit_form=None, report_form=None, conflict=None, status=200):
    can_edit = results_access.can_run(request.user, item.proposal.cluster_year)
    can_report = access.can_write_report(request.user, item)
    editable = item.proposal.is_editable
    context = {
        "item": item,
        "report_parts": reports.parts_of(item),
        "report_versions": item.report_versions.all()[:20],
        "proposal": item.proposal,
        "cluster_year": item.proposal.cluster_year,
        "can_edit": can_edit and editable,
        "can_report": can_report and editable,
        "conflict": conflict,
    }
    if context["can_edit"]:
        context["edit_form"] = edit_form or ItemEditForm(
            initial={
                "version": item.version,
                "reason": item.reason,
                "person_title": item.person_title,
            }
        )
    if context["can_report"]:
        context["report_form"] = report_form or ReportForm(
            initial={"version": item.version, **reports.sections_of(item)}
        )
        context["file_form"] = ReportFileForm()
    return render(request, "awards/proposal/item.html", context, status=status)


@require_GET
@login_required
def item_detail(request, pk):
    return _item_page(request, access.get_item(request.user, pk))


@require_POST
@login_required
def item_update(request, pk):
    item = access.get_item_to_edit(request.user, pk)
    form = ItemEditForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, edit_form=form, status=400)
    outcome = call_service(
        request,
        proposals.proposal_item_update,
        form,
        shows_conflict=True,
        success=_("Saved."),
        item=item,
        expected_version=form.cleaned_data["version"],
        reason=form.cleaned_data["reason"],
        person_title=form.cleaned_data["person_title"],
    )
    if outcome:
        return redirect(reverse("awards:proposal_item", args=[item.pk]))
    status = 409 if outcome.conflict else 400
    return _item_page(request, item, edit_form=form, conflict=outcome.conflict, status=status)


@require_POST
@login_required
def item_report(request, pk):
    item = access.get_item_for_report(request.user, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, report_form=form, status=400)
    outcome = call_service(
        request,
        proposals.item_report_save,
        form,
        shows_conflict=True,
        success=_("The achievement report is saved."),
        item=item,
        expected_version=form.cleaned_data["version"],
        sections=form.sections,
    )
    if outcome:
        return redirect(reverse("awards:proposal_item", args=[item.pk]))
    status = 409 if outcome.conflict else 400
    return _item_page(request, item, report_form=form, conflict=outcome.conflict, status=status)


@require_POST
@login_required
def item_report_file(request, pk):
    item = access.get_item_for_report(request.user, pk)
    form = ReportFileForm(request.POST, request.FILES)
    if form.is_valid():
        call_service(
            request,
            proposals.item_report_upload,
            success=_("The achievement report is attached."),
            item=item,
            upload=form.cleaned_data["file"],
        )
    else:
        report_form_errors(request, form)
    return redirect(reverse("awards:proposal_item", args=[item.pk]))


@require_GET
@login_required
def item_report_download(request, pk):
    item = access.get_item(request.user, pk)
    if not item.report_file:
        messages.info(request, _("No file is attached."))
        return redirect(reverse("awards:proposal_item", args=[item.pk]))
    return attachment_response(item.report_file, item.report_file_name or "bao-cao")


@require_POST
@login_required
def item_remove(request, pk):
    item = access.get_item_to_edit(request.user, pk)
    call_service(
        request, proposals.proposal_item_remove, success=_("The nominee is removed."), item=item
    )
    return redirect(item.proposal.get_absolute_url() + "#items")


@require_POST
@login_required
def proposal_submit(request, pk):
    proposal = access.get_proposal_to_edit(request.user, pk)
    form = SubmitForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            proposals.proposal_submit,
            success=_("The file is sent to the parent body with its numbered covering submission."),
            proposal=proposal,
            date=form.cleaned_data["date"],
        )
    else:
        report_form_errors(request, form)
    return redirect(proposal.get_absolute_url())


@require_POST
@login_required
def proposal_return(request, pk):
    proposal = access.get_proposal_to_review(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            proposals.proposal_return,
            success=_("The file is returned to the cluster head, who was notified."),
            proposal=proposal,
            reason=form.cleaned_data["reason"],
        )
    else:
        report_form_errors(request, form)
    return redirect(proposal.get_absolute_url())


@require_POST
@login_required
def proposal_accept(request, pk):
    proposal = access.get_proposal_to_review(request.user, pk)
    form = AcceptForm(request.POST, items=list(proposal.items.select_related("award_type")))
    if form.is_valid():
        call_service(
            request,
            proposals.proposal_accept,
            success=_("The file is accepted."),
            proposal=proposal,
            accepted=form.cleaned_data["accepted"],
            notes=form.notes(),
        )
    else:
        report_form_errors(request, form)
    return redirect(proposal.get_absolute_url())


@require_POST
@login_required
def proposal_start_decision(request, pk):
    proposal = access.get_proposal_to_review(request.user, pk)
    call_service(
        request,
        proposals.proposal_start_decision,
        success=_("The file is with the council for the decision."),
        proposal=proposal,
    )
    return redirect(proposal.get_absolute_url())


@require_POST
@login_required
def proposal_decide(request, pk):
    proposal = access.get_proposal_to_review(request.user, pk)
    accepted = list(
        proposal.items.filter(status=ProposalItem.Status.ACCEPTED).select_related("award_type")
    )
    form = DecisionForm(request.POST, request.FILES, items=accepted)
    if form.is_valid():
        call_service(
            request,
            proposals.proposal_decide,
            success=_("The decision is recorded; the units were notified."),
            proposal=proposal,
            **form.cleaned_data,
        )
    elif proposal.status == Proposal.Status.RETURNED:
        messages.error(
            request,
            _(
                "This file was returned to the cluster; it can be decided only once it is "
                "resubmitted and accepted."
            ),
        )
    else:
        report_form_errors(request, form)
    return redirect(proposal.get_absolute_url())


@require_GET
@login_required
def decision_scan(request, pk):
    proposal = access.get_proposal(request.user, pk)
    decision = access.get_decision(request.user, proposal)
    return attachment_response(decision.scan, f"quyet-dinh-{proposal.cluster_year.year}.pdf")


@require_POST
@login_required
def proposal_revoke(request, pk):
    proposal = access.get_proposal_to_review(request.user, pk)
    granted = list(
        proposal.items.filter(status=ProposalItem.Status.GRANTED).select_related("award_type")
    )
    form = RevokeForm(request.POST, items=granted)
    if form.is_valid():
        call_service(
            request,
            proposals.decision_revoke,
            success=_("The awards are revoked; the units were notified."),
            proposal=proposal,
            reason=form.cleaned_data["reason"],
            items=form.cleaned_data["items"] or None,
        )
    else:
        report_form_errors(request, form)
    return redirect(proposal.get_absolute_url())
