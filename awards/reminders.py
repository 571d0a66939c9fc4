"""Reminders of the awards' steps: an online vote round's ballots, the proposal file."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements.signing.selectors import unit_signatory
from awards.models import Attendance, Proposal, ProposalDeadline, VoteRound, VoteSession
from core.reminders import Due, register
from core.text import lazy_interpolate
from results.mail import _unit_addresses


@register
def award_deadlines(start, end):
    rounds = VoteRound.objects.filter(
        status=VoteRound.Status.OPEN,
        session__mode=VoteSession.Mode.ONLINE,
        deadline__gte=start,
        deadline__lt=end,
    ).select_related("session__meeting__cluster_year__cluster")
    for vote_round in rounds:
        session = vote_round.session
        voted = set(vote_round.participations.values_list("unit_id", flat=True))
        present = Attendance.objects.filter(meeting_id=session.meeting_id, present=True)
        recipients = []
        for attendance in present.select_related("unit"):
            if attendance.unit_id in voted:
                continue
            signatory = unit_signatory(attendance.unit)
            if signatory is not None:
                recipients += signatory.person.recipients
        if recipients:
            yield Due(
                key=f"awards.vote_round:{vote_round.pk}",
                title=lazy_interpolate(
                    _("Round %(number)s of the vote: %(purpose)s (%(cluster)s)"),
                    {
                        "number": vote_round.number,
                        "purpose": VoteSession.Purpose(session.purpose).label,
                        "cluster": session.meeting.cluster_year.cluster.name,
                    },
                ),
                due=vote_round.deadline,
                link=reverse("awards:ballot", args=[session.pk]),
                recipients=recipients,
            )
    deadlines = ProposalDeadline.objects.filter(due__gte=start, due__lt=end).select_related(
        "cluster_year__cluster"
    )
    for deadline in deadlines:
        cluster_year = deadline.cluster_year
        proposal = Proposal.objects.filter(cluster_year=cluster_year).first()
        if proposal is not None and not proposal.is_editable:
            continue
        head = cluster_year.head
        if head is None:
            continue
        link = (
            proposal.get_absolute_url()
            if proposal is not None
            else reverse("awards:award_overview", args=[cluster_year.pk])
        )
        yield Due(
            key=f"awards.proposal:{cluster_year.pk}",
            title=lazy_interpolate(
                _("The award proposal file (%(cluster)s %(year)s)"),
                {"cluster": cluster_year.cluster.name, "year": cluster_year.year},
            ),
            due=deadline.due,
            link=link,
            recipients=_unit_addresses(head),
        )
