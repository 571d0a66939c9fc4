"""Reminders of the reviews' steps: the units' self-assessments, the head's review."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.reminders import Due, register
from core.text import lazy_interpolate
from results.mail import _unit_addresses
from results.models import Assessment, Period


@register
def review_deadlines(start, end):
    sheets = Assessment.objects.filter(
        period__status=Period.Status.OPEN,
        period__deadline__gte=start,
        period__deadline__lt=end,
        status__in=[Assessment.Status.DRAFT, Assessment.Status.RETURNED],
    ).select_related("period__cluster_year__cluster", "unit")
    for sheet in sheets:
        period = sheet.period
        yield Due(
            key=f"results.self_assessment:{sheet.pk}",
            title=lazy_interpolate(
                _("Self-assessment of %(unit)s — %(review)s (%(cluster)s)"),
                {
                    "unit": sheet.unit_name,
                    "review": Period.Kind(period.kind).label,
                    "cluster": period.cluster_year.cluster.name,
                },
            ),
            due=period.deadline,
            link=reverse("results:assessment", args=[sheet.pk]),
            recipients=_unit_addresses(sheet.unit),
        )
    reviews = (
        Period.objects.filter(
            status=Period.Status.OPEN, review_deadline__gte=start, review_deadline__lt=end
        )
        .filter(~Q(assessments__status=Assessment.Status.ACCEPTED) | Q(assessments__isnull=True))
        .distinct()
        .select_related("cluster_year__cluster")
    )
    for period in reviews:
        head = period.cluster_year.head
        if head is None:
            continue
        yield Due(
            key=f"results.review:{period.pk}",
            title=lazy_interpolate(
                _("Reviewing the self-assessments — %(review)s (%(cluster)s)"),
                {
                    "review": Period.Kind(period.kind).label,
                    "cluster": period.cluster_year.cluster.name,
                },
            ),
            due=period.review_deadline,
            link=reverse("results:period", args=[period.pk]),
            recipients=_unit_addresses(head),
        )
