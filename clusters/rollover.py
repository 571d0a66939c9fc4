"""Next year's head and deputy when a cluster year is rolled over.

By default they stay as they are this year. Later apps that know better (the year-end vote
elects them, in `awards`) register a provider, so that `clusters` imports none of them:
`provider(cluster_years) -> {cluster_year_pk: (head_unit_id, deputy_unit_id or None)}`, a
constant number of queries for any number of years.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from clusters.models import ClusterYear, Membership
from core.registry import Registry

_providers = Registry()


def register(provider):
    return _providers.register(provider)


@dataclass
class Row:
    """One cluster year of the bulk roll-over and what will happen to it."""

    cluster_year: ClusterYear
    head: object = None  # Unit
    deputy: object = None
    elected: bool = False
    skipped: str = ""


def next_roles(cluster_years):
    """{pk: (head_unit_id, deputy_unit_id, elected)} for these years (members prefetched)."""
    roles = {}
    for cy in cluster_years:
        active = [m for m in cy.memberships.all() if m.ended_on is None]
        head = next((m.unit_id for m in active if m.role == Membership.Role.HEAD), None)
        deputy = next((m.unit_id for m in active if m.role == Membership.Role.DEPUTY), None)
        roles[cy.pk] = (head, deputy, False)
    for provider in _providers:
        for pk, (head, deputy) in provider(cluster_years).items():
            if pk in roles and head:
                roles[pk] = (head, deputy, True)
    return roles


def plan(parent, year):
    """The parent body's cluster years of `year` and how each would be rolled over."""
    cluster_years = list(
        ClusterYear.objects.filter(cluster__parent=parent, year=year)
        .select_related("cluster")
        .prefetch_related("memberships__unit")
        .order_by("cluster__name")
    )
    existing = set(
        ClusterYear.objects.filter(cluster__parent=parent, year=year + 1).values_list(
            "cluster_id", flat=True
        )
    )
    roles = next_roles(cluster_years)
    rows = []
    for cy in cluster_years:
        units = {m.unit_id: m.unit for m in cy.memberships.all() if m.ended_on is None}
        head_id, deputy_id, elected = roles[cy.pk]
        row = Row(cy, units.get(head_id), units.get(deputy_id), elected)
        if cy.cluster_id in existing:
            row.skipped = _("Year %(year)s already exists.") % {"year": year + 1}
        elif row.head is None:
            row.skipped = _("No cluster head: roll this year over from its own page.")
        rows.append(row)
    return rows
