"""What the vote and the proposal files contribute to "Việc cần làm" and to the timeline."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import (
    Attendance,
    Candidate,
    Decision,
    Meeting,
    Proposal,
    VoteRound,
    VoteSession,
)
from clusters import access as cluster_access
from clusters import timeline
from clusters.models import Membership
from core.dashboard import Cell, Task, register, register_column


def _ballots_to_cast(user):
    signer_units = cluster_access.signer_unit_ids(user)
    if not signer_units:
        return []
    rounds = (
        VoteRound.objects.filter(
            status=VoteRound.Status.OPEN,
            session__mode=VoteSession.Mode.ONLINE,
            session__meeting__attendance__unit_id__in=signer_units,
            session__meeting__attendance__present=True,
        )
        .select_related("session__meeting__cluster_year__cluster")
        .distinct()[:20]
    )
    tasks = []
    for vote_round in rounds:
        session = vote_round.session
        present = set(
            Attendance.objects.filter(
                meeting_id=session.meeting_id, present=True, unit_id__in=signer_units
            ).values_list("unit_id", flat=True)
        )
        voted = set(vote_round.participations.values_list("unit_id", flat=True))
        if present - voted:
            tasks.append(
                Task(
                    title=_("Cast your unit's secret ballot: %(purpose)s")
                    % {"purpose": session.get_purpose_display()},
                    url=reverse("awards:ballot", args=[session.pk]),
                    detail=str(session.meeting.cluster_year),
                    due=vote_round.deadline,
                    kind="action",
                )
            )
    return tasks


@register
def award_tasks(user):
    """Ballots to cast; files to fix (cluster head); files to review and decide (parent)."""
    tasks = _ballots_to_cast(user)
    units = cluster_access.unit_ids(user)
    if units:
        head_years = Membership.objects.filter(
            unit_id__in=units, role=Membership.Role.HEAD, ended_on__isnull=True
        ).values("cluster_year_id")
        for session in VoteSession.objects.filter(
            meeting__cluster_year_id__in=head_years, status=VoteSession.Status.COUNTED
        ).select_related("meeting__cluster_year__cluster")[:20]:
            tasks.append(
                Task(
                    title=_("Decide on another round: %(purpose)s")
                    % {"purpose": session.get_purpose_display()},
                    url=reverse("awards:vote", args=[session.pk]),
                    detail=str(session.meeting.cluster_year),
                    kind="action",
                )
            )
        for proposal in Proposal.objects.filter(
            cluster_year_id__in=head_years,
            status__in=[Proposal.Status.RETURNED, Proposal.Status.TO_SEND],
        ).select_related("cluster_year__cluster", "cluster_year__proposal_deadline")[:20]:
            returned = proposal.status == Proposal.Status.RETURNED
            deadline = getattr(proposal.cluster_year, "proposal_deadline", None)
            if not returned and deadline is None:
                continue
            tasks.append(
                Task(
                    title=_("Correct and resubmit the award proposal")
                    if returned
                    else _("Send the award proposal file"),
                    url=reverse("awards:proposal", args=[proposal.pk]),
                    detail=f"{proposal.cluster_year} — {proposal.return_reason[:120]}"
                    if returned
                    else str(proposal.cluster_year),
                    due=deadline.due if deadline else None,
                    kind="warning" if returned else "action",
                )
            )
    parents = cluster_access.staff_parent_ids(user)
    if parents:
        waiting = Proposal.objects.filter(
            cluster_year__cluster__parent_id__in=parents,
            status__in=[
                Proposal.Status.AWAITING_REVIEW,
                Proposal.Status.RESUBMITTED,
                Proposal.Status.ACCEPTED,
                Proposal.Status.BEING_DECIDED,
            ],
        ).select_related("cluster_year__cluster")[:30]
        for proposal in waiting:
            review = proposal.is_under_review
            tasks.append(
                Task(
                    title=(
                        _("Review the award proposal of %(cluster)s")
                        if review
                        else _("Record the decision on the award proposal of %(cluster)s")
                    )
                    % {"cluster": proposal.cluster_year.cluster.name},
                    url=reverse("awards:proposal", args=[proposal.pk]),
                    detail=f"{proposal.cluster_year.year} — {proposal.get_status_display()}",
                    kind="action",
                )
            )
        for session in VoteSession.objects.filter(
            meeting__cluster_year__cluster__parent_id__in=parents,
            status=VoteSession.Status.VOID,
        ).select_related("meeting__cluster_year__cluster")[:20]:
            tasks.append(
                Task(
                    title=_("Decide a void vote (too few ballots): %(purpose)s")
                    % {"purpose": session.get_purpose_display()},
                    url=reverse("awards:vote", args=[session.pk]),
                    detail=str(session.meeting.cluster_year),
                    kind="action",
                )
            )
    return tasks


SENT = {
    Proposal.Status.AWAITING_REVIEW,
    Proposal.Status.RESUBMITTED,
    Proposal.Status.ACCEPTED,
    Proposal.Status.BEING_DECIDED,
    Proposal.Status.DECIDED,
    Proposal.Status.REVOKED,
}


@timeline.register
def award_progress(cluster_year):
    """The vote, the election, the proposal and the decision steps (a few queries)."""
    url = reverse("awards:award_overview", args=[cluster_year.pk])
    meeting = Meeting.objects.filter(cluster_year_id=cluster_year.pk).first()
    steps = {}
    if meeting is not None:
        elected = {}
        for candidate in Candidate.objects.filter(
            Q(session__meeting=meeting)
            & Q(session__status=VoteSession.Status.CLOSED)
            & Q(outcome=Candidate.Outcome.ELECTED)
        ).select_related("session"):
            elected.setdefault(candidate.session.purpose, []).append(candidate.unit_name)
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
    proposal = Proposal.objects.filter(cluster_year_id=cluster_year.pk).first()
    if proposal is None:
        steps["proposal"] = timeline.Progress(url=url)
        return steps
    link = reverse("awards:proposal", args=[proposal.pk])
    sent = proposal.status in SENT
    steps["proposal"] = timeline.Progress(
        state=timeline.DONE if sent else timeline.CURRENT,
        detail=proposal.get_status_display(),
        url=link,
    )
    if proposal.status in (Proposal.Status.DECIDED, Proposal.Status.REVOKED):
        decision = getattr(proposal, "decision", None)
        steps["decision"] = timeline.Progress(
            state=timeline.DONE,
            detail=f"{decision.number} ({decision.date:%d/%m/%Y})" if decision else "",
            url=link,
        )
    elif sent:
        steps["decision"] = timeline.Progress(
            state=timeline.CURRENT, detail=proposal.get_status_display(), url=link
        )
    return steps


# --- the parent body's year board --------------------------------------------------------------


@register_column(gettext_lazy("Vote"), order=50)
def vote_column(cluster_years):
    """The year-end meeting's vote: the leading unit once elected (two queries)."""
    meetings = {
        m.cluster_year_id: m for m in Meeting.objects.filter(cluster_year__in=cluster_years)
    }
    leading = {}
    for candidate in Candidate.objects.filter(
        session__meeting__in=meetings.values(),
        session__purpose=VoteSession.Purpose.LEADING,
        session__status=VoteSession.Status.CLOSED,
        outcome=Candidate.Outcome.ELECTED,
    ).values("session__meeting__cluster_year_id", "unit_name"):
        leading.setdefault(candidate["session__meeting__cluster_year_id"], []).append(
            candidate["unit_name"]
        )
    return {
        pk: Cell(
            text=_("Leading unit: %(unit)s") % {"unit": ", ".join(leading[pk])}
            if pk in leading
            else _("Meeting prepared"),
            url=reverse("awards:award_overview", args=[pk]),
            done=pk in leading,
        )
        for pk in meetings
    }


@register_column(gettext_lazy("Award proposal"), order=60)
def proposal_column(cluster_years):
    return {
        proposal.cluster_year_id: Cell(
            text=proposal.get_status_display(),
            url=reverse("awards:proposal", args=[proposal.pk]),
            done=proposal.status in SENT,
        )
        for proposal in Proposal.objects.filter(cluster_year__in=cluster_years)
    }


@register_column(gettext_lazy("Decision"), order=70)
def decision_column(cluster_years):
    return {
        decision.proposal.cluster_year_id: Cell(
            text=f"{decision.number} ({decision.date:%d/%m/%Y})",
            url=reverse("awards:proposal", args=[decision.proposal_id]),
            done=True,
        )
        for decision in Decision.objects.filter(
            proposal__cluster_year__in=cluster_years
        ).select_related("proposal")
    }
