"""What clusters contributes to the "Việc cần làm" dashboard."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters import access
from clusters.models import ClusterYear, Membership
from core.dashboard import Cell, Task, register, register_column


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


@register_column(gettext_lazy("Members"), order=10)
def members_column(cluster_years):
    """The year's state and its active members (one query)."""
    counts = dict(
        Membership.objects.filter(cluster_year__in=cluster_years, ended_on__isnull=True)
        .values("cluster_year")
        .annotate(n=Count("pk"))
        .values_list("cluster_year", "n")
    )
    return {
        cy.pk: Cell(
            text=_("%(status)s · %(count)s members")
            % {"status": cy.get_status_display(), "count": counts.get(cy.pk, 0)},
            url=reverse("clusters:cluster_year", args=[cy.pk]),
            done=cy.status == ClusterYear.Status.CLOSED,
        )
        for cy in cluster_years
    }
