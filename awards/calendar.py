"""The awards' dates in a user's calendar: the year-end meeting, vote rounds, the proposal file."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.calendar import CONFERENCE_HOURS, calendar_cluster_years
from awards.models import Meeting, ProposalDeadline, VoteRound
from core.calendar import Event, register


@register
def award_events(user):
    years = calendar_cluster_years(user)
    for meeting in Meeting.objects.filter(cluster_year__in=years).select_related(
        "cluster_year__cluster"
    ):
        yield Event(
            uid=f"awards.meeting:{meeting.pk}",
            title=_("Year-end meeting — %(cluster_year)s") % {"cluster_year": meeting.cluster_year},
            start=meeting.held_at,
            duration=datetime.timedelta(hours=CONFERENCE_HOURS),
            link=reverse("awards:award_overview", args=[meeting.cluster_year_id]),
        )
    rounds = VoteRound.objects.filter(
        session__meeting__cluster_year__in=years, deadline__isnull=False
    ).select_related("session__meeting__cluster_year__cluster")
    for vote_round in rounds:
        # The purpose and the round only: never candidates, counts or who voted.
        yield Event(
            uid=f"awards.vote_round:{vote_round.pk}",
            title=_("Voting closes: %(purpose)s, round %(number)s — %(cluster_year)s")
            % {
                "purpose": vote_round.session.get_purpose_display(),
                "number": vote_round.number,
                "cluster_year": vote_round.session.meeting.cluster_year,
            },
            start=vote_round.deadline,
            link=reverse("awards:vote", args=[vote_round.session_id]),
        )
    for deadline in ProposalDeadline.objects.filter(cluster_year__in=years).select_related(
        "cluster_year__cluster"
    ):
        yield Event(
            uid=f"awards.proposal:{deadline.cluster_year_id}",
            title=_("Award proposal file due — %(cluster_year)s")
            % {"cluster_year": deadline.cluster_year},
            start=deadline.due,
            link=reverse("awards:award_overview", args=[deadline.cluster_year_id]),
        )
