"""Reminders of the agreements' steps: comments on a circulated draft, signatures."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from agreements.notifications import member_addresses
from agreements.signing.selectors import OPEN_FOR_SIGNING, reminder_recipients
from core.reminders import Due, register
from core.text import lazy_interpolate


@register
def agreement_deadlines(start, end):
    circulated = Agreement.objects.filter(
        kind=Agreement.Kind.AGREEMENT,
        status=Agreement.Status.CIRCULATED,
        consultation_deadline__gte=start,
        consultation_deadline__lt=end,
    ).select_related("cluster_year__cluster")
    for agreement in circulated:
        yield Due(
            key=f"agreement.consultation:{agreement.pk}",
            title=lazy_interpolate(
                _("Comments on the draft %(title)s (%(cluster)s)"),
                {"title": agreement.title, "cluster": agreement.cluster_year.cluster.name},
            ),
            due=agreement.consultation_deadline,
            link=reverse("agreements:detail", args=[agreement.pk]) + "#comments",
            recipients=member_addresses(agreement.cluster_year),
        )
    signing = Agreement.objects.filter(
        kind=Agreement.Kind.AGREEMENT,
        status__in=OPEN_FOR_SIGNING,
        signing_deadline__gte=start,
        signing_deadline__lt=end,
    ).select_related("cluster_year__cluster")
    for agreement in signing:
        recipients = reminder_recipients(agreement)
        if recipients:
            yield Due(
                key=f"agreement.signing:{agreement.pk}",
                title=lazy_interpolate(
                    _("Signing %(title)s (%(cluster)s)"),
                    {"title": agreement.title, "cluster": agreement.cluster_year.cluster.name},
                ),
                due=agreement.signing_deadline,
                link=reverse("agreements:sign", args=[agreement.pk]),
                recipients=recipients,
            )
