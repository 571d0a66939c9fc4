"""Next year's head and deputy for the roll-over: the ones the year-end vote elected."""

from awards.models import Candidate, VoteSession
from clusters import rollover


@rollover.register
def elected_roles(cluster_years):
    """{cluster_year_pk: (head_unit_id, deputy_unit_id)} from closed head and deputy votes."""
    elected = {}
    for candidate in Candidate.objects.filter(
        session__meeting__cluster_year__in=[cy.pk for cy in cluster_years],
        session__status=VoteSession.Status.CLOSED,
        session__purpose__in=[VoteSession.Purpose.HEAD, VoteSession.Purpose.DEPUTY],
        outcome=Candidate.Outcome.ELECTED,
    ).values("session__meeting__cluster_year_id", "session__purpose", "unit_id"):
        roles = elected.setdefault(candidate["session__meeting__cluster_year_id"], {})
        roles[candidate["session__purpose"]] = candidate["unit_id"]
    return {
        pk: (roles.get(VoteSession.Purpose.HEAD), roles.get(VoteSession.Purpose.DEPUTY))
        for pk, roles in elected.items()
        if roles.get(VoteSession.Purpose.HEAD)
    }
