"""E-mails about agreements; called after the transaction commits, never inside it."""

from django.conf import settings

from agreements.models import Agreement, Comment
from clusters.models import Position
from core.mail import send_each


def _link(obj):
    return f"{settings.SITE_URL}{obj.get_absolute_url()}"


def member_addresses(cluster_year):
    """The people who work for the cluster year's member units, as core.mail recipients."""
    unit_ids = [m.unit_id for m in cluster_year.memberships.all() if m.is_active]
    positions = (
        Position.objects.current().filter(unit_id__in=unit_ids).select_related("person__user")
    )
    return [recipient for p in positions for recipient in p.person.recipients]


def draft_circulated(agreement_pk):
    agreement = Agreement.objects.select_related("cluster_year__cluster").get(pk=agreement_pk)
    context = {"agreement": agreement, "link": _link(agreement)}
    return send_each(
        member_addresses(agreement.cluster_year), "agreements/email/circulated", context
    )


def comment_answered(comment_pk):
    comment = Comment.objects.select_related("agreement", "author", "unit").get(pk=comment_pk)
    context = {"comment": comment, "agreement": comment.agreement, "link": _link(comment.agreement)}
    return send_each([comment.author], "agreements/email/comment_answered", context)
