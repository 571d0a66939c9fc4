"""Who may do what with the meeting, the votes, the proposal file and the award catalogue.

Built on clusters.access and awards.access: outsiders get 404 (they must not learn that an
object exists), people who may read but not act get 403.

- The cluster head's people (awards.access.can_run) run the meeting, the votes, the minutes and
  the proposal file.
- A member unit's signatory (its chair, or the vice-chair who signs) casts the unit's ballot.
- A nominee's own unit may write or upload its achievement report too.
- Parent staff review incoming files, record decisions and edit the catalogue; the parent's
  viewers read.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from awards.models import (
    AwardType,
    Candidate,
    Decision,
    Meeting,
    Proposal,
    ProposalDocument,
    ProposalItem,
    VoteRound,
    VoteSession,
)
from clusters import access as cluster_access
from clusters.models import Unit
from results import access


def _get(model, pk, **related):
    try:
        return model.objects.select_related(*related.get("select", ())).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _readable(user, cluster_year):
    if not cluster_access.can_view_cluster_year(user, cluster_year):
        raise Http404


# --- the meeting and the votes -------------------------------------------------------------


def get_meeting(user, pk):
    meeting = _get(Meeting, pk, select=["cluster_year__cluster__parent"])
    _readable(user, meeting.cluster_year)
    return meeting


def get_meeting_to_run(user, pk):
    meeting = get_meeting(user, pk)
    if not access.can_run(user, meeting.cluster_year):
        raise PermissionDenied
    return meeting


def get_session(user, pk):
    session = _get(VoteSession, pk, select=["meeting__cluster_year__cluster__parent"])
    _readable(user, session.meeting.cluster_year)
    return session


def get_session_to_run(user, pk):
    session = get_session(user, pk)
    if not access.can_run(user, session.meeting.cluster_year):
        raise PermissionDenied
    return session


def can_decide(user, session):
    """The parent body's staff decide a vote whose round was void."""
    return cluster_access.is_parent_staff(user, session.meeting.cluster_year.cluster.parent)


def get_session_to_decide(user, pk):
    session = get_session(user, pk)
    if not can_decide(user, session):
        raise PermissionDenied
    return session


def voter_units(user, session):
    """Member units for which the user signs (whether or not they may vote right now)."""
    members = cluster_access.member_unit_ids(session.meeting.cluster_year)
    return cluster_access.signer_unit_ids(user) & members


def get_session_to_vote(user, pk):
    """A session for the ballot page: only a member unit's signatory; readers get 403."""
    session = get_session(user, pk)
    if not voter_units(user, session):
        raise PermissionDenied
    return session


def get_candidate_to_run(user, pk):
    candidate = _get(Candidate, pk, select=["session"])
    candidate.session = get_session_to_run(user, candidate.session_id)
    return candidate


# --- the proposal file ---------------------------------------------------------------------


def can_review(user, proposal):
    """Parent staff of the cluster's parent body review files and record decisions."""
    return cluster_access.is_parent_staff(user, proposal.cluster_year.cluster.parent)


def can_read_proposal(user, proposal):
    """Members and parent readers see a file; a file not yet sent stays with the cluster."""
    cluster_year = proposal.cluster_year
    if access.can_run(user, cluster_year) or user.is_superuser:
        return True
    if proposal.status == Proposal.Status.TO_SEND:
        return bool(cluster_access.member_unit_ids(cluster_year) & cluster_access.unit_ids(user))
    return True


def get_proposal(user, pk):
    proposal = _get(Proposal, pk, select=["cluster_year__cluster__parent", "head"])
    _readable(user, proposal.cluster_year)
    if not can_read_proposal(user, proposal):
        raise PermissionDenied
    return proposal


def get_proposal_to_edit(user, pk):
    proposal = get_proposal(user, pk)
    if not access.can_run(user, proposal.cluster_year):
        raise PermissionDenied
    return proposal


def get_proposal_to_review(user, pk):
    proposal = get_proposal(user, pk)
    if not can_review(user, proposal):
        raise PermissionDenied
    return proposal


def can_write_report(user, item):
    return access.can_run(user, item.proposal.cluster_year) or (
        item.unit_id in cluster_access.unit_ids(user)
    )


def get_item(user, pk):
    item = _get(ProposalItem, pk, select=["award_type", "unit"])
    item.proposal = get_proposal(user, item.proposal_id)
    return item


def get_item_to_edit(user, pk):
    item = get_item(user, pk)
    if not access.can_run(user, item.proposal.cluster_year):
        raise PermissionDenied
    return item


def get_item_for_report(user, pk):
    item = get_item(user, pk)
    if not can_write_report(user, item):
        raise PermissionDenied
    return item


def get_document(user, pk):
    document = _get(ProposalDocument, pk, select=["number"])
    document.proposal = get_proposal(user, document.proposal_id)
    return document


def get_decision(user, proposal):
    try:
        return Decision.objects.get(proposal=proposal)
    except Decision.DoesNotExist:
        raise Http404 from None


# --- the parent body -----------------------------------------------------------------------


def get_parent_catalogue(user, pk):
    """A parent body's catalogue and vote rules: read by its staff and viewers, and by the
    people of its clusters' member units (they vote and propose by these rules); else 404."""
    try:
        parent = Unit.objects.get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if access.can_compare(user, parent) or parent.pk in access.related_parent_ids(user):
        return parent
    raise Http404


def get_award_type_to_edit(user, pk):
    award_type = _get(AwardType, pk, select=["parent"])
    access.get_parent_to_configure(user, award_type.parent_id)
    return award_type


def may_vote(user, session):
    """Member units the user may cast a ballot for now in the session's open round."""
    if not session.is_online or session.status != VoteSession.Status.OPEN:
        return []
    vote_round = session.rounds.filter(status=VoteRound.Status.OPEN).first()
    if vote_round is None:
        return []
    mine = cluster_access.signer_unit_ids(user)
    present = {
        a.unit_id: a.unit
        for a in session.meeting.attendance.select_related("unit")
        if a.present and a.unit_id in mine
    }
    members = cluster_access.member_unit_ids(session.meeting.cluster_year)
    voted = set(vote_round.participations.values_list("unit_id", flat=True))
    return [u for pk, u in present.items() if pk in members and pk not in voted]
