"""E-mails about proposal files: returns, decisions, revocations (sent after the commit)."""

from django.conf import settings
from django.urls import reverse

from awards.models import Proposal, ProposalItem
from core.mail import send_each
from results.mail import _unit_addresses


def _proposal(pk):
    return Proposal.objects.select_related("cluster_year__cluster__parent", "head").get(pk=pk)


def _link(proposal):
    return f"{settings.SITE_URL}{reverse('awards:proposal', args=[proposal.pk])}"


def proposal_returned(proposal_pk):
    """Tell the cluster head's people the file came back, and why."""
    proposal = _proposal(proposal_pk)
    context = {"proposal": proposal, "link": _link(proposal)}
    return send_each(_unit_addresses(proposal.head), "awards/proposal/email/returned", context)


def proposal_decided(proposal_pk):
    """Tell the cluster head and every nominated unit the decision and what it granted."""
    proposal = _proposal(proposal_pk)
    items = list(proposal.items.select_related("award_type", "unit"))
    recipients = _unit_addresses(proposal.head)
    for unit in {item.unit for item in items}:
        recipients += _unit_addresses(unit)
    context = {
        "proposal": proposal,
        "decision": proposal.decision,
        "granted": [i for i in items if i.status == ProposalItem.Status.GRANTED],
        "link": _link(proposal),
    }
    return send_each(recipients, "awards/proposal/email/decided", context)


def awards_revoked(proposal_pk, item_ids):
    """Tell the cluster head and the units concerned which awards were revoked, and why."""
    proposal = _proposal(proposal_pk)
    items = list(proposal.items.filter(pk__in=item_ids).select_related("award_type", "unit"))
    recipients = _unit_addresses(proposal.head)
    for unit in {item.unit for item in items}:
        recipients += _unit_addresses(unit)
    context = {"proposal": proposal, "items": items, "link": _link(proposal)}
    return send_each(recipients, "awards/proposal/email/revoked", context)
