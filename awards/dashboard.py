"""What the vote and the proposal files contribute to "Việc cần làm" and to the timeline."""

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import (
    Attendance,
    Candidate,
    Meeting,
    Participation,
    Proposal,
    VoteRound,
    VoteSession,
)
from clusters import access as cluster_access
from clusters import timeline
from clusters.dashboard import memberships, years_of
from clusters.models import Membership
from core.compiled import compiled
from core.dashboard import Cell, Task, register, register_column
from core.expressions import AmongValues, Constant, ListOf
from core.links import link


def _sessions(user, shared):
    """The vote sessions of the user's tasks, in one query: those with an open online round
    where a unit the user signs for is present (its ballot), those counted in a year the
    user's unit heads (another round?), and the void ones of the parent bodies' clusters."""
    signer_units = cluster_access.signer_unit_ids(user)
    head_years = years_of(user, shared, Membership.Role.HEAD)
    parents = cluster_access.staff_parent_ids(user)
    if not signer_units and not head_years and not parents:
        return []
    # Within the years of the units the user signs for, that the planner reads by index.
    signer_years = {
        cy for cy, unit, _role, _active in memberships(user, shared) if unit in signer_units
    }
    sessions = _sessions_for_tasks(
        roles=cluster_access.Roles(user), signer_years=signer_years, head_years=head_years
    )
    # Which of the three each is, told from its fields (not compiled a second time).
    for session in sessions:
        cluster_year = session.meeting.cluster_year
        session.is_ballot = (
            session.mode == VoteSession.Mode.ONLINE
            and cluster_year.pk in signer_years
            and session.open_round is not None
            and bool(session.present_units)
        )
        session.is_counted = (
            session.status == VoteSession.Status.COUNTED and cluster_year.pk in head_years
        )
        session.is_void = (
            session.status == VoteSession.Status.VOID and cluster_year.cluster.parent_id in parents
        )
    return sessions


@compiled
def _sessions_for_tasks(roles, signer_years, head_years):
    open_rounds = VoteRound.objects.filter(
        session=OuterRef("pk"), status=VoteRound.Status.OPEN
    ).order_by("pk")
    present = Attendance.objects.filter(
        meeting_id=OuterRef("meeting_id"),
        present=True,
        unit_id__in=cluster_access.signer_unit_ids(roles),
    )

    def meetings_of(years):
        return Meeting.objects.filter(cluster_year_id__in=years).order_by().values("pk")

    # Each branch on the sessions' own columns (their meetings read once, AmongValues), the
    # statuses written into the SQL (Constant): the planner combines the branches' index scans
    # and reads the few void sessions from their partial index, where it walked every meeting
    # of the parent body's years (0.6 ms at national scale).
    ballot = (
        Q(AmongValues("meeting_id", meetings_of(signer_years)))
        & Q(mode=Constant(VoteSession.Mode.ONLINE))
        & Exists(open_rounds)
        & Exists(present)
    )
    counted = Q(AmongValues("meeting_id", meetings_of(head_years))) & Q(
        status=Constant(VoteSession.Status.COUNTED)
    )
    void = Q(AmongValues("meeting_id", meetings_of(cluster_access.staff_cluster_years(roles)))) & Q(
        status=Constant(VoteSession.Status.VOID)
    )
    return (
        VoteSession.objects.filter(ballot | counted | void)
        .annotate(
            open_round=Subquery(open_rounds.values("pk")[:1]),
            round_deadline=Subquery(open_rounds.values("deadline")[:1]),
            present_units=ListOf(present.order_by().values("unit_id")),
            voted_units=ListOf(
                Participation.objects.filter(
                    round__session=OuterRef("pk"), round__status=VoteRound.Status.OPEN
                )
                .order_by()
                .values("unit_id")
            ),
        )
        .select_related("meeting__cluster_year__cluster")[:60]
    )


@compiled
def _proposals_for_tasks(roles, head_years):
    of_head = Q(cluster_year_id__in=head_years, status__in=Proposal.EDITABLE)
    waiting = Q(
        AmongValues("cluster_year_id", cluster_access.staff_cluster_years(roles)),
        status__in=[
            Proposal.Status.AWAITING_REVIEW,
            Proposal.Status.RESUBMITTED,
            Proposal.Status.ACCEPTED,
            Proposal.Status.BEING_DECIDED,
        ],
    )
    return Proposal.objects.filter(of_head | waiting).select_related(
        "cluster_year__cluster", "cluster_year__proposal_deadline"
    )[:50]


@register
def award_tasks(user, shared):
    """Ballots to cast; files to fix (cluster head); files to review and decide (parent)."""
    sessions = _sessions(user, shared)
    tasks = []
    for session in [s for s in sessions if s.is_ballot][:20]:
        if set(session.present_units) - set(session.voted_units):
            tasks.append(
                Task(
                    title=_("Cast your unit's secret ballot: %(purpose)s")
                    % {"purpose": session.get_purpose_display()},
                    url=link("awards:ballot", session.pk),
                    detail=str(session.meeting.cluster_year),
                    due=session.round_deadline,
                    kind="action",
                )
            )
    tasks += [
        _vote_decision(session, _("Decide on another round: %(purpose)s"))
        for session in [s for s in sessions if s.is_counted][:20]
    ]
    head_years = years_of(user, shared, Membership.Role.HEAD)
    parents = cluster_access.staff_parent_ids(user)
    if not head_years and not parents:
        return tasks
    proposals = _proposals_for_tasks(roles=cluster_access.Roles(user), head_years=head_years)
    for proposal in proposals:
        proposal.of_head = proposal.cluster_year_id in head_years and proposal.is_editable
    for proposal in [p for p in proposals if p.of_head][:20]:
        returned = proposal.status == Proposal.Status.RETURNED
        deadline = getattr(proposal.cluster_year, "proposal_deadline", None)
        if not returned and deadline is None:
            continue
        tasks.append(
            Task(
                title=_("Correct and resubmit the award proposal")
                if returned
                else _("Send the award proposal file"),
                url=link("awards:proposal", proposal.pk),
                detail=f"{proposal.cluster_year} — {proposal.return_reason[:120]}"
                if returned
                else str(proposal.cluster_year),
                due=deadline.due if deadline else None,
                kind="warning" if returned else "action",
            )
        )
    for proposal in [p for p in proposals if not p.of_head][:30]:
        review = proposal.is_under_review
        tasks.append(
            Task(
                title=(
                    _("Review the award proposal of %(cluster)s")
                    if review
                    else _("Record the decision on the award proposal of %(cluster)s")
                )
                % {"cluster": proposal.cluster_year.cluster.name},
                url=link("awards:proposal", proposal.pk),
                detail=f"{proposal.cluster_year.year} — {proposal.get_status_display()}",
                kind="action",
            )
        )
    tasks += [
        _vote_decision(session, _("Decide a void vote (too few ballots): %(purpose)s"))
        for session in [s for s in sessions if s.is_void][:20]
    ]
    return tasks


def _vote_decision(session, title):
    """The task of deciding what follows a vote session (another round, a void vote)."""
    return Task(
        title=title % {"purpose": session.get_purpose_display()},
        url=link("awards:vote", session.pk),
        detail=str(session.meeting.cluster_year),
        kind="action",
    )


SENT = {
    Proposal.Status.AWAITING_REVIEW,
    Proposal.Status.RESUBMITTED,
    Proposal.Status.ACCEPTED,
    Proposal.Status.BEING_DECIDED,
    Proposal.Status.DECIDED,
    Proposal.Status.REVOKED,
}


@timeline.register_read
def _timeline_read(prefix):
    """The year-end meeting with the units elected in its closed votes ([purpose, unit]), the
    proposal and its decision (one to one with the cluster year: joins)."""
    elected = (
        Candidate.objects.filter(
            session__meeting__cluster_year_id=OuterRef(f"{prefix}pk"),
            session__status=VoteSession.Status.CLOSED,
            outcome=Candidate.Outcome.ELECTED,
        )
        .order_by("session_id", "rank", "unit_name")
        .values(row=JSONObject(purpose="session__purpose", unit="unit_name"))
    )
    return {
        "awards_timeline_meeting": F(f"{prefix}award_meeting__pk"),
        "awards_timeline_elected": ListOf(elected),
        "awards_timeline_proposal": F(f"{prefix}award_proposal__pk"),
        "awards_timeline_status": F(f"{prefix}award_proposal__status"),
        "awards_timeline_decision_number": F(f"{prefix}award_proposal__decision__number"),
        "awards_timeline_decision_date": F(f"{prefix}award_proposal__decision__date"),
    }


@timeline.register
def award_progress(cluster_year):
    """The vote, the election, the proposal and the decision steps (read with the year:
    `_timeline_read`)."""
    url = reverse("awards:award_overview", args=[cluster_year.pk])
    steps = {}
    if cluster_year.awards_timeline_meeting is not None:
        elected = {}
        for row in cluster_year.awards_timeline_elected:
            elected.setdefault(row["purpose"], []).append(row["unit"])
        leading = elected.get(VoteSession.Purpose.LEADING)
        steps["ranking"] = timeline.Progress(
            state=timeline.DONE if leading else timeline.CURRENT,
            detail=_("Leading unit: %(unit)s") % {"unit": ", ".join(leading)} if leading else "",
            url=url,
        )
        head = elected.get(VoteSession.Purpose.HEAD)
        deputy = elected.get(VoteSession.Purpose.DEPUTY)
        if head:
            steps["election"] = timeline.Progress(
                state=timeline.DONE,
                detail=_("Head: %(head)s; deputy: %(deputy)s")
                % {"head": ", ".join(head), "deputy": ", ".join(deputy or ["—"])},
                url=url,
            )
        else:
            steps["election"] = timeline.Progress(url=url)
    else:
        steps["election"] = timeline.Progress(url=url)
    proposal = cluster_year.awards_timeline_proposal
    if proposal is None:
        steps["proposal"] = timeline.Progress(url=url)
        return steps
    link = reverse("awards:proposal", args=[proposal])
    status = Proposal.Status(cluster_year.awards_timeline_status)
    sent = status in SENT
    steps["proposal"] = timeline.Progress(
        state=timeline.DONE if sent else timeline.CURRENT, detail=status.label, url=link
    )
    if status in (Proposal.Status.DECIDED, Proposal.Status.REVOKED):
        number = cluster_year.awards_timeline_decision_number
        date = cluster_year.awards_timeline_decision_date
        steps["decision"] = timeline.Progress(
            state=timeline.DONE,
            detail=f"{number} ({date:%d/%m/%Y})" if number is not None else "",
            url=link,
        )
    elif sent:
        steps["decision"] = timeline.Progress(state=timeline.CURRENT, detail=status.label, url=link)
    return steps


# --- the parent body's year board --------------------------------------------------------------


def _board_annotations():
    """The year-end meeting with the leading units elected, the proposal and its decision
    (one to one with the cluster year: joins, not subqueries)."""
    leading = Candidate.objects.filter(
        session__meeting__cluster_year=OuterRef("pk"),
        session__purpose=VoteSession.Purpose.LEADING,
        session__status=VoteSession.Status.CLOSED,
        outcome=Candidate.Outcome.ELECTED,
    ).order_by("pk")
    return {
        "awards_meeting": F("award_meeting__pk"),
        "awards_leading": ListOf(leading.values("unit_name")),
        "awards_proposal": F("award_proposal__pk"),
        "awards_proposal_status": F("award_proposal__status"),
        "awards_decision_number": F("award_proposal__decision__number"),
        "awards_decision_date": F("award_proposal__decision__date"),
    }


@register_column(gettext_lazy("Vote"), order=50, annotations=_board_annotations)
def vote_column(cy):
    """The year-end meeting's vote: the leading unit once elected."""
    if cy.awards_meeting is None:
        return None
    return Cell(
        text=_("Leading unit: %(unit)s") % {"unit": ", ".join(cy.awards_leading)}
        if cy.awards_leading
        else _("Meeting prepared"),
        url=link("awards:award_overview", cy.pk),
        done=bool(cy.awards_leading),
    )


@register_column(gettext_lazy("Award proposal"), order=60)
def proposal_column(cy):
    if cy.awards_proposal is None:
        return None
    return Cell(
        text=Proposal.Status(cy.awards_proposal_status).label,
        url=link("awards:proposal", cy.awards_proposal),
        done=cy.awards_proposal_status in SENT,
    )


@register_column(gettext_lazy("Decision"), order=70)
def decision_column(cy):
    if cy.awards_decision_number is None:
        return None
    return Cell(
        text=f"{cy.awards_decision_number} ({cy.awards_decision_date:%d/%m/%Y})",
        url=link("awards:proposal", cy.awards_proposal),
        done=True,
    )
