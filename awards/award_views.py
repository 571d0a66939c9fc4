"""Pages of the vote, the minutes, the proposal file, the parent's decision and the catalogue.

Each view fetches through awards.award_access (404 to outsiders, 403 to readers), calls one
service and redirects; a refusal is shown as a message and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.selectors import signatory_of
from awards import access, award_access, award_selectors, voting
from awards import proposals as proposal_services
from awards.award_forms import (
    AcceptForm,
    AttendanceForm,
    AwardTypeEditForm,
    AwardTypeForm,
    BallotForm,
    CandidateAddForm,
    DecisionForm,
    ItemAddForm,
    ItemEditForm,
    MeetingEditForm,
    MeetingForm,
    MinutesForm,
    PaperTallyForm,
    ReportFileForm,
    ReportTextForm,
    ReturnForm,
    RevokeForm,
    SessionCreateForm,
    SessionUpdateForm,
    SubmitForm,
    VoteRulesForm,
)
from awards.proposal_models import AwardType, Proposal, ProposalItem
from awards.vote_models import VoteRound, VoteSession
from clusters import access as cluster_access
from core.audit import entries_for
from core.errors import ConflictError
from core.forms import apply_errors
from core.uploads import attachment_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _messages(request, error):
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _form_errors(request, form):
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _call(request, service, success, **kwargs):
    """Call a service; report its refusal as messages. Returns the result or None."""
    try:
        result = service(actor=request.user, **kwargs)
    except ValidationError as error:
        _messages(request, error)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def _overview_url(cluster_year):
    return reverse("awards:award_overview", args=[cluster_year.pk])


def _session_url(session):
    return reverse("awards:vote", args=[session.pk])


def _proposal_url(proposal):
    return reverse("awards:proposal", args=[proposal.pk])


# --- a cluster year's meeting, votes and proposal ------------------------------------------


def _meeting_defaults(cluster_year):
    head = cluster_year.head
    signatory = signatory_of(head) if head is not None else None
    return {
        "title": f"Hội nghị tổng kết công tác thi đua năm {cluster_year.year}",
        "chair_name": signatory.person.full_name if signatory else "",
        "chair_title": (
            f"{signatory.get_title_display()} {head.name}" if signatory and head else ""
        ),
    }


@require_GET
@login_required
def award_overview(request, pk):
    cluster_year = cluster_access.get_cluster_year(request.user, pk)
    can_run = access.can_run(request.user, cluster_year)
    meeting = award_selectors.meeting_for(cluster_year)
    context = {
        "cluster_year": cluster_year,
        "can_run": can_run,
        "meeting": meeting,
        "ranking": voting.binding_ranking(cluster_year),
        "period": award_selectors.year_end_period(cluster_year),
        "proposal": Proposal.objects.filter(cluster_year=cluster_year).first(),
        "is_parent_staff": cluster_access.is_parent_staff(request.user, cluster_year.parent),
    }
    if meeting is None:
        if can_run:
            context["meeting_form"] = MeetingForm(initial=_meeting_defaults(cluster_year))
        return render(request, "awards/vote/overview.html", context)
    sessions = award_selectors.ordered_sessions(meeting)
    purposes = [p for p in VoteSession.Purpose.values if p not in {s.purpose for s in sessions}]
    context.update(
        sessions=sessions,
        attendance=list(meeting.attendance.all()),
        head_elected=bool(voting.elected_units(meeting, VoteSession.Purpose.HEAD)),
        next_year_exists=voting.next_year_exists(meeting),
        audit_entries=entries_for(meeting, limit=20) if can_run else [],
    )
    if can_run and not meeting.minutes_issued:
        context["meeting_form"] = MeetingEditForm(
            initial={
                "version": meeting.version,
                **{f: getattr(meeting, f) for f in voting.MEETING_FIELDS},
            }
        )
        context["attendance_form"] = AttendanceForm(attendance=context["attendance"])
        if purposes:
            context["session_form"] = SessionCreateForm(purposes=purposes)
        context["minutes_form"] = MinutesForm(
            initial={"date": timezone.localtime(meeting.held_at).date()}
        )
    return render(request, "awards/vote/overview.html", context)


@require_POST
@login_required
def meeting_create(request, pk):
    cluster_year = access.get_cluster_year_to_run(request.user, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        _call(
            request,
            voting.meeting_create,
            _("The meeting is recorded; every member unit is marked present."),
            cluster_year=cluster_year,
            **form.cleaned_data,
        )
    else:
        _form_errors(request, form)
    return redirect(_overview_url(cluster_year))


@require_POST
@login_required
def meeting_update(request, pk):
    meeting = award_access.get_meeting_to_run(request.user, pk)
    form = MeetingEditForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        _call(
            request,
            voting.meeting_update,
            _("The meeting's details were saved."),
            meeting=meeting,
            expected_version=data.pop("version"),
            **data,
        )
    else:
        _form_errors(request, form)
    return redirect(_overview_url(meeting.cluster_year))


@require_POST
@login_required
def meeting_attendance(request, pk):
    meeting = award_access.get_meeting_to_run(request.user, pk)
    form = AttendanceForm(request.POST, attendance=list(meeting.attendance.all()))
    if form.is_valid():
        _call(
            request,
            voting.attendance_set,
            _("Attendance saved."),
            meeting=meeting,
            present_unit_ids=form.cleaned_data["present"],
        )
    else:
        _form_errors(request, form)
    return redirect(_overview_url(meeting.cluster_year) + "#attendance")


@require_POST
@login_required
def session_create(request, pk):
    meeting = award_access.get_meeting_to_run(request.user, pk)
    form = SessionCreateForm(request.POST)
    if form.is_valid():
        session = _call(
            request,
            voting.session_create,
            _("The vote is prepared with candidates from the ranking; check them and open it."),
            meeting=meeting,
            **form.cleaned_data,
        )
        if session:
            return redirect(_session_url(session))
    else:
        _form_errors(request, form)
    return redirect(_overview_url(meeting.cluster_year))


@require_POST
@login_required
def minutes_issue(request, pk):
    meeting = award_access.get_meeting_to_run(request.user, pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        _call(
            request,
            voting.minutes_issue,
            _("The minutes are numbered and issued."),
            meeting=meeting,
            date=form.cleaned_data["date"],
        )
    else:
        _form_errors(request, form)
    return redirect(_overview_url(meeting.cluster_year))


@require_POST
@login_required
def election_rollover(request, pk):
    meeting = award_access.get_meeting_to_run(request.user, pk)
    _call(
        request,
        voting.election_rollover,
        _("Next year's cluster year was created with the elected head and deputy."),
        meeting=meeting,
    )
    return redirect(_overview_url(meeting.cluster_year))


# --- one vote ------------------------------------------------------------------------------


@require_GET
@login_required
def session_detail(request, pk):
    session = award_access.get_session(request.user, pk)
    cluster_year = session.meeting.cluster_year
    can_run = access.can_run(request.user, cluster_year)
    rounds = award_selectors.session_rounds(session)
    open_round = next((r.round for r in rounds if r.round.is_open), None)
    context = {
        "session": session,
        "meeting": session.meeting,
        "cluster_year": cluster_year,
        "candidates": list(session.candidates.all()),
        "rounds": rounds,
        "open_round": open_round,
        "can_run": can_run,
        "can_vote": bool(voting.may_vote(request.user, session)),
        "is_voter": bool(award_access.voter_units(request.user, session)),
        "audit_entries": entries_for(session, limit=30) if can_run else [],
    }
    if can_run and session.status == VoteSession.Status.PREPARING:
        members = [m.unit for m in cluster_access.active_memberships(cluster_year)]
        standing = {c.unit_id for c in context["candidates"]}
        context["update_form"] = SessionUpdateForm(
            initial={"mode": session.mode, "seats": session.seats}
        )
        context["candidate_form"] = CandidateAddForm(
            units=[u for u in members if u.pk not in standing]
        )
    if can_run and open_round is not None and not session.is_online:
        context["tally_form"] = PaperTallyForm(
            counts=list(open_round.counts.select_related("candidate"))
        )
    return render(request, "awards/vote/session.html", context)


@require_POST
@login_required
def session_update(request, pk):
    session = award_access.get_session_to_run(request.user, pk)
    form = SessionUpdateForm(request.POST)
    if form.is_valid():
        _call(
            request,
            voting.session_update,
            _("The vote's settings were saved."),
            session=session,
            **form.cleaned_data,
        )
    else:
        _form_errors(request, form)
    return redirect(_session_url(session))


@require_POST
@login_required
def candidate_add(request, pk):
    session = award_access.get_session_to_run(request.user, pk)
    members = [m.unit for m in cluster_access.active_memberships(session.meeting.cluster_year)]
    form = CandidateAddForm(request.POST, units=members)
    if form.is_valid():
        unit = next(u for u in members if u.pk == form.cleaned_data["unit"])
        _call(request, voting.candidate_add, _("Candidate added."), session=session, unit=unit)
    else:
        _form_errors(request, form)
    return redirect(_session_url(session))


@require_POST
@login_required
def candidate_remove(request, pk):
    candidate = award_access.get_candidate_to_run(request.user, pk)
    _call(request, voting.candidate_remove, _("Candidate removed."), candidate=candidate)
    return redirect(_session_url(candidate.session))


@require_POST
@login_required
def session_open(request, pk):
    session = award_access.get_session_to_run(request.user, pk)
    _call(
        request,
        voting.session_open,
        _("The vote is open.")
        if session.is_online
        else _("The vote is open; enter the tallies after the count."),
        session=session,
    )
    return redirect(_session_url(session))


@require_POST
@login_required
def vote_close(request, pk):
    session = award_access.get_session_to_run(request.user, pk)
    _call(request, voting.vote_close, _("The round is closed and counted."), session=session)
    return redirect(_session_url(session))


@require_POST
@login_required
def vote_tally(request, pk):
    session = award_access.get_session_to_run(request.user, pk)
    vote_round = session.rounds.filter(status=VoteRound.Status.OPEN).first()
    counts = list(vote_round.counts.select_related("candidate")) if vote_round else []
    form = PaperTallyForm(request.POST, counts=counts)
    if vote_round is None:
        messages.error(request, _("No round of this vote is open."))
    elif form.is_valid():
        _call(
            request,
            voting.vote_paper_tally,
            _("The tallies are entered and the round is counted."),
            session=session,
            ballots_cast=form.cleaned_data["ballots_cast"],
            counts=form.counts(),
        )
    else:
        _form_errors(request, form)
    return redirect(_session_url(session))


@require_POST
@login_required
def vote_next_round(request, pk):
    session = award_access.get_session_to_run(request.user, pk)
    _call(request, voting.vote_next_round, _("Another round is open."), session=session)
    return redirect(_session_url(session))


@require_POST
@login_required
def vote_finish(request, pk):
    session = award_access.get_session_to_run(request.user, pk)
    _call(request, voting.vote_finish, _("The vote is closed."), session=session)
    return redirect(_session_url(session))


def _ballot_form(request, session, vote_round, data=None):
    units = voting.may_vote(request.user, session)
    candidates = [c.candidate for c in vote_round.counts.select_related("candidate")]
    return BallotForm(data, units=units, candidates=candidates, seats=vote_round.seats)


@sensitive_post_parameters("choices")
@require_http_methods(["GET", "POST"])
@login_required
def ballot(request, pk):
    """The secret ballot. The confirmation names no candidate; nothing here logs the choices."""
    session = award_access.get_session_to_vote(request.user, pk)
    vote_round = session.rounds.filter(status=VoteRound.Status.OPEN).first()
    if request.method == "POST":
        members = {
            m.unit_id: m.unit
            for m in cluster_access.active_memberships(session.meeting.cluster_year)
        }
        try:
            unit = members.get(int(request.POST.get("unit", "")))
        except ValueError:
            unit = None
        if unit is None:
            messages.error(request, _("Only a member unit of the cluster can vote."))
            return redirect(_session_url(session))
        choices = request.POST.getlist("choices")
        done = _call(
            request,
            voting.ballot_cast,
            _("Your unit's ballot has been counted. Nobody can see what it chose."),
            session=session,
            unit=unit,
            choices=choices,
        )
        return redirect(_session_url(session) if done else reverse("awards:ballot", args=[pk]))
    if vote_round is None or not session.is_online:
        messages.info(request, _("This vote takes no online ballot now."))
        return redirect(_session_url(session))
    form = _ballot_form(request, session, vote_round)
    return render(
        request,
        "awards/vote/ballot.html",
        {
            "session": session,
            "round": vote_round,
            "form": form,
            "cluster_year": session.meeting.cluster_year,
            "can_vote": bool(form.fields["unit"].choices),
        },
    )


# --- the proposal file ---------------------------------------------------------------------


@require_POST
@login_required
def proposal_create(request, pk):
    cluster_year = access.get_cluster_year_to_run(request.user, pk)
    proposal = _call(
        request,
        proposal_services.proposal_create,
        _("The proposal file is started with the units the vote elected."),
        cluster_year=cluster_year,
    )
    if proposal:
        return redirect(_proposal_url(proposal))
    return redirect(_overview_url(cluster_year))


def _proposal_context(request, proposal):
    user = request.user
    cluster_year = proposal.cluster_year
    items = list(proposal.items.select_related("award_type", "unit"))
    can_edit = access.can_run(user, cluster_year) and proposal.is_editable
    can_review = award_access.can_review(user, proposal)
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
        "period": award_selectors.year_end_period(cluster_year),
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
    proposal = award_access.get_proposal(request.user, pk)
    return render(request, "awards/proposal/detail.html", _proposal_context(request, proposal))


@require_POST
@login_required
def item_add(request, pk):
    proposal = award_access.get_proposal_to_edit(request.user, pk)
    cluster_year = proposal.cluster_year
    catalogue = list(
        AwardType.objects.filter(parent_id=cluster_year.cluster.parent_id, year=cluster_year.year)
    )
    members = [m.unit for m in cluster_access.active_memberships(cluster_year)]
    form = ItemAddForm(request.POST, award_types=catalogue, units=members)
    if form.is_valid():
        data = dict(form.cleaned_data)
        award_type_id, unit_id = data.pop("award_type"), data.pop("unit")
        _call(
            request,
            proposal_services.proposal_item_add,
            _("The nominee is added."),
            proposal=proposal,
            award_type=next(t for t in catalogue if t.pk == award_type_id),
            unit=next(u for u in members if u.pk == unit_id),
            **data,
        )
    else:
        _form_errors(request, form)
    return redirect(_proposal_url(proposal) + "#items")


def _item_page(request, item, *, edit_form=None, report_form=None, conflict=None, status=200):
    can_edit = access.can_run(request.user, item.proposal.cluster_year)
    can_report = award_access.can_write_report(request.user, item)
    editable = item.proposal.is_editable
    context = {
        "item": item,
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
        context["report_form"] = report_form or ReportTextForm(
            initial={"version": item.version, "text": item.report_text}
        )
        context["file_form"] = ReportFileForm()
    return render(request, "awards/proposal/item.html", context, status=status)


@require_GET
@login_required
def item_detail(request, pk):
    return _item_page(request, award_access.get_item(request.user, pk))


@require_POST
@login_required
def item_update(request, pk):
    item = award_access.get_item_to_edit(request.user, pk)
    form = ItemEditForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, edit_form=form, status=400)
    try:
        proposal_services.proposal_item_update(
            actor=request.user,
            item=item,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            person_title=form.cleaned_data["person_title"],
        )
    except ConflictError as error:
        return _item_page(request, item, edit_form=form, conflict=error, status=409)
    except ValidationError as error:
        apply_errors(form, error)
        return _item_page(request, item, edit_form=form, status=400)
    messages.success(request, _("Saved."))
    return redirect(reverse("awards:proposal_item", args=[item.pk]))


@require_POST
@login_required
def item_report(request, pk):
    item = award_access.get_item_for_report(request.user, pk)
    form = ReportTextForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, report_form=form, status=400)
    try:
        proposal_services.item_report_save(
            actor=request.user,
            item=item,
            expected_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
        )
    except ConflictError as error:
        return _item_page(request, item, report_form=form, conflict=error, status=409)
    except ValidationError as error:
        apply_errors(form, error)
        return _item_page(request, item, report_form=form, status=400)
    messages.success(request, _("The achievement report is saved."))
    return redirect(reverse("awards:proposal_item", args=[item.pk]))


@require_POST
@login_required
def item_report_file(request, pk):
    item = award_access.get_item_for_report(request.user, pk)
    form = ReportFileForm(request.POST, request.FILES)
    if form.is_valid():
        _call(
            request,
            proposal_services.item_report_upload,
            _("The achievement report is attached."),
            item=item,
            upload=form.cleaned_data["file"],
        )
    else:
        _form_errors(request, form)
    return redirect(reverse("awards:proposal_item", args=[item.pk]))


@require_GET
@login_required
def item_report_download(request, pk):
    item = award_access.get_item(request.user, pk)
    if not item.report_file:
        messages.info(request, _("No file is attached."))
        return redirect(reverse("awards:proposal_item", args=[item.pk]))
    return attachment_response(item.report_file, item.report_file_name or "bao-cao")


@require_POST
@login_required
def item_remove(request, pk):
    item = award_access.get_item_to_edit(request.user, pk)
    _call(request, proposal_services.proposal_item_remove, _("The nominee is removed."), item=item)
    return redirect(_proposal_url(item.proposal) + "#items")


@require_POST
@login_required
def proposal_submit(request, pk):
    proposal = award_access.get_proposal_to_edit(request.user, pk)
    form = SubmitForm(request.POST)
    if form.is_valid():
        _call(
            request,
            proposal_services.proposal_submit,
            _("The file is sent to the parent body with its numbered covering submission."),
            proposal=proposal,
            date=form.cleaned_data["date"],
        )
    else:
        _form_errors(request, form)
    return redirect(_proposal_url(proposal))


@require_POST
@login_required
def proposal_return(request, pk):
    proposal = award_access.get_proposal_to_review(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        _call(
            request,
            proposal_services.proposal_return,
            _("The file is returned to the cluster head, who was notified."),
            proposal=proposal,
            reason=form.cleaned_data["reason"],
        )
    else:
        _form_errors(request, form)
    return redirect(_proposal_url(proposal))


@require_POST
@login_required
def proposal_accept(request, pk):
    proposal = award_access.get_proposal_to_review(request.user, pk)
    form = AcceptForm(request.POST, items=list(proposal.items.select_related("award_type")))
    if form.is_valid():
        _call(
            request,
            proposal_services.proposal_accept,
            _("The file is accepted."),
            proposal=proposal,
            accepted=form.cleaned_data["accepted"],
            notes=form.notes(),
        )
    else:
        _form_errors(request, form)
    return redirect(_proposal_url(proposal))


@require_POST
@login_required
def proposal_start_decision(request, pk):
    proposal = award_access.get_proposal_to_review(request.user, pk)
    _call(
        request,
        proposal_services.proposal_start_decision,
        _("The file is with the council for the decision."),
        proposal=proposal,
    )
    return redirect(_proposal_url(proposal))


@require_POST
@login_required
def proposal_decide(request, pk):
    proposal = award_access.get_proposal_to_review(request.user, pk)
    accepted = list(
        proposal.items.filter(status=ProposalItem.Status.ACCEPTED).select_related("award_type")
    )
    form = DecisionForm(request.POST, request.FILES, items=accepted)
    if form.is_valid():
        _call(
            request,
            proposal_services.proposal_decide,
            _("The decision is recorded; the units were notified."),
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
        _form_errors(request, form)
    return redirect(_proposal_url(proposal))


@require_GET
@login_required
def decision_scan(request, pk):
    proposal = award_access.get_proposal(request.user, pk)
    decision = award_access.get_decision(request.user, proposal)
    return attachment_response(decision.scan, f"quyet-dinh-{proposal.cluster_year.year}.pdf")


@require_POST
@login_required
def proposal_revoke(request, pk):
    proposal = award_access.get_proposal_to_review(request.user, pk)
    granted = list(
        proposal.items.filter(status=ProposalItem.Status.GRANTED).select_related("award_type")
    )
    form = RevokeForm(request.POST, items=granted)
    if form.is_valid():
        _call(
            request,
            proposal_services.decision_revoke,
            _("The awards are revoked; the units were notified."),
            proposal=proposal,
            reason=form.cleaned_data["reason"],
            items=form.cleaned_data["items"] or None,
        )
    else:
        _form_errors(request, form)
    return redirect(_proposal_url(proposal))


# --- the parent body: year summary and catalogue -------------------------------------------


def _year(request, default):
    try:
        return int(request.GET.get("year", default))
    except ValueError:
        return default


@require_GET
@login_required
def parent_awards(request, pk, year):
    parent = access.get_parent_to_compare(request.user, pk)
    award_types, lines = award_selectors.parent_year_summary(parent, year)
    return render(
        request,
        "awards/proposal/parent_summary.html",
        {
            "parent": parent,
            "year": year,
            "award_types": award_types,
            "lines": lines,
            "years": award_selectors.award_years(parent),
            "is_staff": cluster_access.is_parent_staff(request.user, parent),
        },
    )


def _catalogue_page(request, parent, year, *, type_form=None, rules_form=None, status=200):
    ranking_labels = _rating_labels(parent, year)
    rules = voting.vote_rules_for(parent.pk, year)
    is_staff = cluster_access.is_parent_staff(request.user, parent)
    context = {
        "parent": parent,
        "year": year,
        "award_types": list(AwardType.objects.filter(parent=parent, year=year)),
        "rules": rules,
        "rules_saved": rules.pk is not None,
        "is_staff": is_staff,
        "audit_entries": entries_for(rules, limit=10) if rules.pk else [],
    }
    if is_staff:
        context["type_form"] = type_form or AwardTypeForm(ratings=ranking_labels)
        context["rules_form"] = rules_form or VoteRulesForm(
            initial={
                "version": rules.version if rules.pk else None,
                **{f: getattr(rules, f) for f in voting.RULE_FIELDS},
            }
        )
    return render(request, "awards/catalogue/catalogue.html", context, status=status)


def _rating_labels(parent, year):
    from awards.selectors import rules_for

    return [label for label, _minimum in rules_for(parent.pk, year).thresholds]


@require_GET
@login_required
def catalogue(request, pk, year):
    parent = award_access.get_parent_catalogue(request.user, pk)
    return _catalogue_page(request, parent, year)


@require_POST
@login_required
def award_type_add(request, pk, year):
    parent = access.get_parent_to_configure(request.user, pk)
    form = AwardTypeForm(request.POST, ratings=_rating_labels(parent, year))
    if form.is_valid():
        try:
            proposal_services.award_type_create(
                actor=request.user, parent=parent, year=year, **form.cleaned_data
            )
            messages.success(request, _("The award is added to the catalogue."))
            return redirect(reverse("awards:catalogue", args=[parent.pk, year]))
        except ValidationError as error:
            apply_errors(form, error)
    return _catalogue_page(request, parent, year, type_form=form, status=400)


@require_POST
@login_required
def vote_rules_save(request, pk, year):
    parent = access.get_parent_to_configure(request.user, pk)
    form = VoteRulesForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            voting.vote_rules_save(
                actor=request.user,
                parent=parent,
                year=year,
                expected_version=data.pop("version"),
                **data,
            )
            messages.success(request, _("The vote rules are saved."))
            return redirect(reverse("awards:catalogue", args=[parent.pk, year]))
        except ValidationError as error:
            apply_errors(form, error)
    return _catalogue_page(request, parent, year, rules_form=form, status=400)


@require_POST
@login_required
def catalogue_copy(request, pk, year):
    parent = access.get_parent_to_configure(request.user, pk)
    _call(
        request,
        proposal_services.catalogue_copy,
        _("The catalogue and vote rules were copied from the previous year."),
        parent=parent,
        year=year,
    )
    return redirect(reverse("awards:catalogue", args=[parent.pk, year]))


@require_http_methods(["GET", "POST"])
@login_required
def award_type_edit(request, pk):
    award_type = award_access.get_award_type_to_edit(request.user, pk)
    ratings = _rating_labels(award_type.parent, award_type.year)
    fields = proposal_services.AWARD_FIELDS
    if request.method == "POST":
        form = AwardTypeEditForm(request.POST, ratings=ratings)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                proposal_services.award_type_update(
                    actor=request.user,
                    award_type=award_type,
                    expected_version=data.pop("version"),
                    **data,
                )
                messages.success(request, _("The award is saved."))
                return redirect(
                    reverse("awards:catalogue", args=[award_type.parent_id, award_type.year])
                )
            except ValidationError as error:
                apply_errors(form, error)
        status = 400
    else:
        form = AwardTypeEditForm(
            ratings=ratings,
            initial={"version": award_type.version, **{f: getattr(award_type, f) for f in fields}},
        )
        status = 200
    return render(
        request,
        "awards/catalogue/award_type_form.html",
        {"award_type": award_type, "form": form, "audit_entries": entries_for(award_type)},
        status=status,
    )


@require_POST
@login_required
def award_type_remove(request, pk):
    award_type = award_access.get_award_type_to_edit(request.user, pk)
    _call(
        request,
        proposal_services.award_type_remove,
        _("The award is removed from the catalogue."),
        award_type=award_type,
    )
    return redirect(reverse("awards:catalogue", args=[award_type.parent_id, award_type.year]))


# --- a unit's awards -----------------------------------------------------------------------


@require_GET
@login_required
def unit_awards(request, pk):
    unit = cluster_access.get_unit(request.user, pk)
    return render(
        request,
        "awards/proposal/unit_awards.html",
        {"unit": unit, "awards": award_selectors.unit_awards(unit)},
    )
