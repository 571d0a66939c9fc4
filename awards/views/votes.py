"""The year-end meeting, its votes and ballots, and the minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.selectors import signatory_of
from awards import access, selectors
from awards.forms import (
    AttendanceForm,
    BallotForm,
    CandidateAddForm,
    DecideForm,
    MeetingEditForm,
    MeetingForm,
    MinutesForm,
    PaperTallyForm,
    RoundDeadlineForm,
    SessionCreateForm,
    SessionUpdateForm,
)
from awards.models import Proposal, VoteRound, VoteSession
from awards.services import votes as voting
from clusters import access as cluster_access
from core.audit import entries_for
from core.views import call_service, report_form_errors
from results import access as results_access


def overview_url(cluster_year):
    return reverse("awards:award_overview", args=[cluster_year.pk])


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
    can_run = results_access.can_run(request.user, cluster_year)
    meeting = selectors.meeting_for(cluster_year)
    context = {
        "cluster_year": cluster_year,
        "can_run": can_run,
        "meeting": meeting,
        "ranking": selectors.binding_ranking(cluster_year),
        "period": selectors.year_end_period(cluster_year),
        "proposal": Proposal.objects.filter(cluster_year=cluster_year).first(),
        "is_parent_staff": cluster_access.is_parent_staff(request.user, cluster_year.parent),
    }
    if meeting is None:
        if can_run:
            context["meeting_form"] = MeetingForm(initial=_meeting_defaults(cluster_year))
        return render(request, "awards/vote/overview.html", context)
    sessions = selectors.ordered_sessions(meeting)
    purposes = [p for p in VoteSession.Purpose.values if p not in {s.purpose for s in sessions}]
    context.update(
        sessions=sessions,
        attendance=list(meeting.attendance.all()),
        head_elected=bool(selectors.elected_units(meeting, VoteSession.Purpose.HEAD)),
        next_year_exists=selectors.next_year_exists(meeting),
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
    cluster_year = results_access.get_cluster_year_to_run(request.user, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            voting.meeting_create,
            success=_("The meeting is recorded; every member unit is marked present."),
            cluster_year=cluster_year,
            **form.cleaned_data,
        )
    else:
        report_form_errors(request, form)
    return redirect(overview_url(cluster_year))


@require_POST
@login_required
def meeting_update(request, pk):
    meeting = access.get_meeting_to_run(request.user, pk)
    form = MeetingEditForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        call_service(
            request,
            voting.meeting_update,
            success=_("The meeting's details were saved."),
            meeting=meeting,
            expected_version=data.pop("version"),
            **data,
        )
    else:
        report_form_errors(request, form)
    return redirect(overview_url(meeting.cluster_year))


@require_POST
@login_required
def meeting_attendance(request, pk):
    meeting = access.get_meeting_to_run(request.user, pk)
    form = AttendanceForm(request.POST, attendance=list(meeting.attendance.all()))
    if form.is_valid():
        call_service(
            request,
            voting.attendance_set,
            success=_("Attendance saved."),
            meeting=meeting,
            present_unit_ids=form.cleaned_data["present"],
        )
    else:
        report_form_errors(request, form)
    return redirect(overview_url(meeting.cluster_year) + "#attendance")


@require_POST
@login_required
def session_create(request, pk):
    meeting = access.get_meeting_to_run(request.user, pk)
    form = SessionCreateForm(request.POST)
    if form.is_valid():
        outcome = call_service(
            request,
            voting.session_create,
            success=_(
                "The vote is prepared with candidates from the ranking; check them and open it."
            ),
            meeting=meeting,
            **form.cleaned_data,
        )
        if outcome:
            return redirect(outcome.result.get_absolute_url())
    else:
        report_form_errors(request, form)
    return redirect(overview_url(meeting.cluster_year))


@require_POST
@login_required
def minutes_issue(request, pk):
    meeting = access.get_meeting_to_run(request.user, pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            voting.minutes_issue,
            success=_("The minutes are numbered and issued."),
            meeting=meeting,
            date=form.cleaned_data["date"],
        )
    else:
        report_form_errors(request, form)
    return redirect(overview_url(meeting.cluster_year))


@require_POST
@login_required
def election_rollover(request, pk):
    meeting = access.get_meeting_to_run(request.user, pk)
    call_service(
        request,
        voting.election_rollover,
        success=_("Next year's cluster year was created with the elected head and deputy."),
        meeting=meeting,
    )
    return redirect(overview_url(meeting.cluster_year))


# --- one vote ------------------------------------------------------------------------------


@require_GET
@login_required
def session_detail(request, pk):
    session = access.get_session(request.user, pk)
    cluster_year = session.meeting.cluster_year
    can_run = results_access.can_run(request.user, cluster_year)
    rounds = selectors.session_rounds(session)
    open_round = next((r.round for r in rounds if r.round.is_open), None)
    context = {
        "session": session,
        "meeting": session.meeting,
        "cluster_year": cluster_year,
        "candidates": list(session.candidates.all()),
        "rounds": rounds,
        "open_round": open_round,
        "can_run": can_run,
        "can_vote": bool(access.may_vote(request.user, session)),
        "is_voter": bool(access.voter_units(request.user, session)),
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
    if session.status == VoteSession.Status.VOID and access.can_decide(request.user, session):
        context["decide_form"] = DecideForm(candidates=_pending(session))
    if can_run and open_round is not None and not session.is_online:
        context["tally_form"] = PaperTallyForm(
            counts=list(open_round.counts.select_related("candidate"))
        )
    return render(request, "awards/vote/session.html", context)


@require_POST
@login_required
def session_update(request, pk):
    session = access.get_session_to_run(request.user, pk)
    form = SessionUpdateForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            voting.session_update,
            success=_("The vote's settings were saved."),
            session=session,
            **form.cleaned_data,
        )
    else:
        report_form_errors(request, form)
    return redirect(session.get_absolute_url())


@require_POST
@login_required
def candidate_add(request, pk):
    session = access.get_session_to_run(request.user, pk)
    members = [m.unit for m in cluster_access.active_memberships(session.meeting.cluster_year)]
    form = CandidateAddForm(request.POST, units=members)
    if form.is_valid():
        unit = next(u for u in members if u.pk == form.cleaned_data["unit"])
        call_service(
            request, voting.candidate_add, success=_("Candidate added."), session=session, unit=unit
        )
    else:
        report_form_errors(request, form)
    return redirect(session.get_absolute_url())


@require_POST
@login_required
def candidate_remove(request, pk):
    candidate = access.get_candidate_to_run(request.user, pk)
    call_service(
        request, voting.candidate_remove, success=_("Candidate removed."), candidate=candidate
    )
    return redirect(candidate.session.get_absolute_url())


@require_POST
@login_required
def session_open(request, pk):
    session = access.get_session_to_run(request.user, pk)
    deadline = _round_deadline(request)
    if deadline is not False:
        call_service(
            request,
            voting.session_open,
            success=_("The vote is open.")
            if session.is_online
            else _("The vote is open; enter the tallies after the count."),
            session=session,
            deadline=deadline,
        )
    return redirect(session.get_absolute_url())


def _round_deadline(request):
    """The round's optional deadline from the form, or False (with the message) when invalid."""
    form = RoundDeadlineForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["deadline"]
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"{form.fields['deadline'].label}: {error}")
    return False


@require_POST
@login_required
def vote_close(request, pk):
    session = access.get_session_to_run(request.user, pk)
    call_service(
        request, voting.vote_close, success=_("The round is closed and counted."), session=session
    )
    return redirect(session.get_absolute_url())


@require_POST
@login_required
def vote_tally(request, pk):
    session = access.get_session_to_run(request.user, pk)
    vote_round = session.rounds.filter(status=VoteRound.Status.OPEN).first()
    counts = list(vote_round.counts.select_related("candidate")) if vote_round else []
    form = PaperTallyForm(request.POST, counts=counts)
    if vote_round is None:
        messages.error(request, _("No round of this vote is open."))
    elif form.is_valid():
        call_service(
            request,
            voting.vote_paper_tally,
            success=_("The tallies are entered and the round is counted."),
            session=session,
            ballots_cast=form.cleaned_data["ballots_cast"],
            counts=form.counts(),
        )
    else:
        report_form_errors(request, form)
    return redirect(session.get_absolute_url())


@require_POST
@login_required
def vote_next_round(request, pk):
    session = access.get_session_to_run(request.user, pk)
    deadline = _round_deadline(request)
    if deadline is not False:
        call_service(
            request,
            voting.vote_next_round,
            success=_("Another round is open."),
            session=session,
            deadline=deadline,
        )
    return redirect(session.get_absolute_url())


@require_POST
@login_required
def vote_finish(request, pk):
    session = access.get_session_to_run(request.user, pk)
    call_service(request, voting.vote_finish, success=_("The vote is closed."), session=session)
    return redirect(session.get_absolute_url())


def _pending(session):
    return [c for c in session.candidates.all() if c.outcome == c.Outcome.PENDING]


@require_POST
@login_required
def vote_decide(request, pk):
    """The parent body decides a vote whose round was void (too few ballots)."""
    session = access.get_session_to_decide(request.user, pk)
    form = DecideForm(request.POST, candidates=_pending(session))
    if form.is_valid():
        call_service(
            request,
            voting.vote_decide,
            success=_("The decision is recorded and the vote is closed."),
            session=session,
            elected_ids=form.cleaned_data["elected"],
            reason=form.cleaned_data["reason"],
        )
    else:
        report_form_errors(request, form)
    return redirect(session.get_absolute_url())


def _ballot_form(request, session, vote_round, data=None):
    units = access.may_vote(request.user, session)
    candidates = [c.candidate for c in vote_round.counts.select_related("candidate")]
    return BallotForm(data, units=units, candidates=candidates, seats=vote_round.seats)


@sensitive_post_parameters("choices")
@require_http_methods(["GET", "POST"])
@login_required
def ballot(request, pk):
    """The secret ballot. The confirmation names no candidate; nothing here logs the choices."""
    session = access.get_session_to_vote(request.user, pk)
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
            return redirect(session.get_absolute_url())
        choices = request.POST.getlist("choices")
        done = call_service(
            request,
            voting.ballot_cast,
            success=_("Your unit's ballot has been counted. Nobody can see what it chose."),
            session=session,
            unit=unit,
            choices=choices,
        )
        return redirect(session.get_absolute_url() if done else reverse("awards:ballot", args=[pk]))
    if vote_round is None or not session.is_online:
        messages.info(request, _("This vote takes no online ballot now."))
        return redirect(session.get_absolute_url())
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
