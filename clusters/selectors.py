"""Reads for the clusters pages: one function per screen, query count independent of rows."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone

from clusters import access, timeline
from clusters.events import signing_mode_lock_annotations, signing_mode_locked
from clusters.models import Cluster, ClusterYear, Membership, Plan, Position, Unit
from core import unit_links
from core.audit import entries_for
from core.compiled import compiled
from core.links import link
from core.text import folded_search

SEARCH_LIMIT = 25


def _head_subquery(field):
    heads = Membership.objects.filter(
        cluster_year=OuterRef("pk"), role=Membership.Role.HEAD, ended_on__isnull=True
    )
    return Subquery(heads.values(field)[:1])


def cluster_year_rows(user, *, parent=None, year=None, cluster=None):
    """Cluster years the user may read, with their head and number of members."""
    rows = (
        ClusterYear.objects.filter(pk__in=access.visible_cluster_years(user).values("pk"))
        .select_related("cluster__parent")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__ended_on__isnull=True)),
            head_name=_head_subquery("unit__short_name"),
            head_pk=_head_subquery("unit_id"),
        )
        .order_by("-year", "cluster__parent__name", "cluster__name")
    )
    if parent is not None:
        rows = rows.filter(cluster__parent=parent)
    if year is not None:
        rows = rows.filter(year=year)
    if cluster is not None:
        rows = rows.filter(cluster=cluster)
    return rows


def cluster_year_filters(user):
    """The parent bodies and years offered by the filter of the cluster-year list."""
    visible = ClusterYear.objects.filter(pk__in=access.visible_cluster_years(user).values("pk"))
    parents = Unit.objects.filter(pk__in=visible.values("cluster__parent_id")).order_by("name")
    years = list(visible.order_by("-year").values_list("year", flat=True).distinct())
    return parents, years


def cluster_year_page(user, cluster_year):
    """Everything the cluster-year page shows (the memberships come prefetched)."""
    memberships = sorted(cluster_year.memberships.all(), key=lambda m: (m.order, m.unit.name))
    by_pk = {m.pk: m for m in memberships}
    for membership in memberships:
        membership.replacement = by_pk.get(membership.replaced_by_id)
    can_manage = access.can_manage_cluster_year(user, cluster_year)
    mode_locked = signing_mode_locked(cluster_year)
    is_preparing = cluster_year.status == ClusterYear.Status.PREPARING
    active = [m for m in memberships if m.is_active]
    # The rows' links from their address's shape (core.links: {% url %} in the loop cost
    # 0.4 ms a page).
    may_remove = can_manage and is_preparing
    # Each role's name translated once (get_role_display builds the choices' dict every row).
    role_names = {value: str(name) for value, name in Membership.Role.choices}
    for membership in active:
        membership.role_name = role_names.get(membership.role, membership.role)
        membership.unit_url = link("clusters:unit", membership.unit_id)
        membership.edit_url = (
            link("clusters:membership_edit", cluster_year.pk, membership.pk) if can_manage else ""
        )
        membership.remove_url = (
            link("clusters:membership_remove", cluster_year.pk, membership.pk) if may_remove else ""
        )
    return {
        "cluster_year": cluster_year,
        "memberships": active,
        "former_memberships": [m for m in memberships if not m.is_active],
        "timeline": timeline.build(cluster_year),
        "audit_entries": entries_for(cluster_year),
        "can_manage": can_manage,
        "is_preparing": is_preparing,
        "can_delegate": access.is_head_officer(user, cluster_year),
        "signing_mode_locked": mode_locked,
        "can_set_signing_mode": can_manage and not mode_locked,
        "has_next_year": has_next_year(cluster_year),
    }


def cluster_year_page_annotations(prefix):
    """What the cluster-year page reads with the year (`access.get_cluster_year_with_members`,
    `prefix` the lookups' path to the year): the next year's pk (None when there is none),
    what keeps the signing mode, and what the timeline's providers read."""
    return {
        "next_year_pk": Subquery(
            ClusterYear.objects.filter(
                cluster_id=OuterRef(f"{prefix}cluster_id"), year=OuterRef(f"{prefix}year") + 1
            ).values("pk")[:1]
        ),
        **signing_mode_lock_annotations(f"{prefix}pk"),
        **timeline.annotations(prefix),
    }


def has_next_year(cluster_year):
    """Whether the cluster's next year exists (read with the year when annotated)."""
    if hasattr(cluster_year, "next_year_pk"):
        return cluster_year.next_year_pk is not None
    return ClusterYear.objects.filter(
        cluster_id=cluster_year.cluster_id, year=cluster_year.year + 1
    ).exists()


def unit_rows(user, *, q="", kind="", status=""):
    rows = Unit.objects.filter(pk__in=access.visible_units(user).values("pk")).select_related(
        "level", "parent"
    )
    if q:
        rows = folded_search(rows, q)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("name")


def unit_page(user, unit):
    """The unit, its memberships, its positions (pending ones with who may decide them) and its
    history, which includes its positions' (appointments, confirmations, refusals)."""
    visible_years = access.visible_cluster_years(user).values("pk")
    can_manage = access.managed_units(user).filter(pk=unit.pk).exists()
    positions = list(
        unit.positions.select_related(
            "person", "requested_by", "confirmed_by", "refused_by"
        ).order_by("end", "title", "person__full_name")
    )
    for position in positions:
        position.may_decide = (
            can_manage
            and position.is_pending
            and position.requested_by_id != user.pk
            and position.person.user_id != user.pk
        )
    return {
        "unit": unit,
        "memberships": Membership.objects.filter(unit=unit, cluster_year__in=visible_years)
        .select_related("cluster_year__cluster__parent", "replaced_by__unit")
        .order_by("-cluster_year__year", "cluster_year__cluster__name"),
        "positions": positions,
        "successions": unit.successions.select_related("successor"),
        "predecessions": unit.predecessions.select_related("predecessor"),
        "audit_entries": entries_for(unit, also=positions),
        "can_manage": can_manage,
        "links": unit_links.links_for(user, unit),
    }


def person_page(user, person):
    positions = (
        Position.objects.filter(person=person, unit__in=access.visible_units(user).values("pk"))
        .select_related("unit")
        .order_by("end", "unit__name")
    )
    return {
        "person": person,
        "positions": positions,
        "audit_entries": entries_for(person),
        "can_manage": access.managed_people(user).filter(pk=person.pk).exists(),
    }


def cluster_page(user, cluster):
    return {
        "cluster": cluster,
        "years": cluster_year_rows(user, cluster=cluster),
        "audit_entries": entries_for(cluster),
        "can_manage": access.is_parent_staff(user, cluster.parent),
    }


def plan_rows(user):
    return (
        Plan.objects.filter(pk__in=access.visible_plans(user).values("pk"))
        .select_related("parent")
        .order_by("-year", "parent__name", "-date")
    )


def search(user, q):
    """Units, clusters and people the user may see whose names contain every word of `q`."""
    if not q.strip():
        return None
    units = folded_search(
        Unit.objects.filter(pk__in=access.visible_units(user).values("pk")), q
    ).select_related("parent")
    clusters = folded_search(
        Cluster.objects.filter(pk__in=access.visible_clusters(user).values("pk")), q
    ).select_related("parent")
    visible_units = access.visible_units(user).values("pk")
    people = folded_search(access.visible_people(user), q).prefetch_related(
        Prefetch(
            "positions",
            queryset=Position.objects.current()
            .filter(unit__in=visible_units)
            .select_related("unit"),
            to_attr="visible_positions",
        )
    )
    results = {
        "units": list(units.order_by("name")[: SEARCH_LIMIT + 1]),
        "clusters": list(clusters.order_by("name")[: SEARCH_LIMIT + 1]),
        "people": list(people.order_by("full_name")[: SEARCH_LIMIT + 1]),
    }
    return {
        kind: {"items": items[:SEARCH_LIMIT], "more": len(items) > SEARCH_LIMIT}
        for kind, items in results.items()
    }


PENDING_LIMIT = 20


def pending_appointments(user):
    """Appointments waiting for a second person, as the user sees them on the dashboard.

    `to_confirm`: those the user may confirm (parent staff; not their own request, not their
    own right); `asked`: those the user asked for; `in_my_unit`: those in a unit of which the
    user is the chair, or one of its people when it has no chair. One query: each appointment
    says which of the three it is, the oldest first, at most PENDING_LIMIT of each.
    """
    if not user.is_authenticated:
        return {"to_confirm": [], "asked": [], "in_my_unit": []}
    pending = _pending_appointments(roles=access.Roles(user), on=timezone.localdate())
    lists = {"to_confirm": [], "asked": [], "in_my_unit": []}
    for position in pending:
        if position.is_to_confirm:
            key = "to_confirm"
        elif position.is_asked:
            key = "asked"
        else:
            key = "in_my_unit"
        if len(lists[key]) < PENDING_LIMIT:
            lists[key].append(position)
    return lists


@compiled
def _pending_appointments(roles, on):
    user = roles
    asked = Q(requested_by_id=user.pk)
    to_confirm = Q(pk__in=[])
    if access.is_parent_staff(user):
        to_confirm = (
            Q(unit__in=access.managed_units(user))
            & ~Q(requested_by_id=user.pk)
            & ~Q(person__user_id=user.pk)
        )
    mine = access.unit_ids(user)
    chairs = Position.objects.current(on).filter(unit_id__in=mine, title=Position.Title.CHAIR)
    # A unit of the user's with no chair, or whose chair the user is (subqueries that do not
    # depend on the row: the planner reads each once).
    contact = Q(unit_id__in=mine) & (
        ~Q(unit_id__in=chairs.values("unit_id"))
        | Q(unit_id__in=chairs.filter(person__user_id=user.pk).values("unit_id"))
    )
    return (
        Position.objects.pending()
        .filter(to_confirm | asked | contact)
        .annotate(
            is_to_confirm=ExpressionWrapper(to_confirm, output_field=BooleanField()),
            is_asked=ExpressionWrapper(asked, output_field=BooleanField()),
        )
        .select_related("person", "unit", "requested_by")
        .order_by("requested_at", "pk")[: 3 * PENDING_LIMIT]
    )


def appointments_waiting(user, *, since):
    """How many appointments the user asked for since `since` wait for a second person."""
    return Position.objects.pending().filter(requested_by=user, requested_at__gte=since).count()
