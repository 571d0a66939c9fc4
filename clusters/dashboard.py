"""What clusters contributes to the "Việc cần làm" dashboard."""

from django.urls import reverse
from django.utils.translation import gettext as _

from clusters import access
from clusters.models import ClusterYear
from core.dashboard import Task, register


@register
def cluster_tasks(user):
    """Parent staff: cluster years still being prepared (members, head, plan)."""
    if not access.staff_parent_ids(user):
        return []
    years = ClusterYear.objects.filter(
        cluster__parent_id__in=access.staff_parent_ids(user),
        status=ClusterYear.Status.PREPARING,
    ).select_related("cluster")[:20]
    return [
        Task(
            title=_("Prepare %(cluster)s") % {"cluster": cy},
            url=reverse("clusters:cluster_year", args=[cy.pk]),
            detail=_("Add the members, choose the head and the deputy, then start the year."),
            kind="action",
        )
        for cy in years
    ]
