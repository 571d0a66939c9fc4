"""Who may do what: the one place that answers it for clusters and units.

Roles come from data: a user's current positions in units, the unit's role in the cluster
year, the parent body that runs a cluster, and viewer grants. Outsiders get 404 (they must
not learn that an object exists); members with read access only get 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import JSONObject
from django.http import Http404
from django.utils import timezone

from clusters.models import (
    Cluster,
    ClusterYear,
    Membership,
    Person,
    Plan,
    Position,
    Unit,
    ViewerGrant,
)
from core import json_rows
from core.compiled import compiled
from core.expressions import ListOf


def _cache(user):
    """The user's roles, read once per request and kept on the request's user object.

    Django builds a new user object for every request, so the roles are read again on the next
    one: a position ended or a grant withdrawn counts from the next request on.
    """
    cache = getattr(user, "_thidua_roles", None)
    if cache is None:
        cache = {k: set() for k in ROLE_SETS}
        if user.is_authenticated:
            for unit_id, can_sign, of_parent, granted in _role_rows(user):
                if granted:
                    cache["viewer_unit_ids"].add(unit_id)
                    continue
                cache["unit_ids"].add(unit_id)
                if can_sign:
                    cache["signer_unit_ids"].add(unit_id)
                if of_parent:
                    cache["staff_parent_ids"].add(unit_id)
        user._thidua_roles = cache
    return cache


ROLE_SETS = ("unit_ids", "signer_unit_ids", "staff_parent_ids", "viewer_unit_ids")


def _role_rows(user):
    """One query: (unit, may sign, is a parent body, is a viewer grant) for each current
    position and each viewer grant of the user.

    Every page of a logged-in user runs it, and Django takes several times longer to compile
    this query (a union with two subqueries) than PostgreSQL takes to answer it; so its SQL is
    compiled once per process (core.compiled): only the user's id and the day change."""
    return _role_queryset(user_id=user.pk, on=timezone.localdate())


@compiled
def _role_queryset(user_id, on):
    """The roles query, compiled once (`_role_rows`).

    A position's unit is a parent body when it runs clusters, or has units under it that it
    will group into its first cluster (its staff must be able to set that cluster up).
    """
    positions = (
        Position.objects.current(on)
        .filter(person__user_id=user_id)
        .annotate(
            of_parent=Exists(Cluster.objects.filter(parent_id=OuterRef("unit_id")))
            | Exists(Unit.objects.filter(parent_id=OuterRef("unit_id"))),
            granted=Value(False),
        )
        .order_by()
        .values_list("unit_id", "can_sign", "of_parent", "granted")
    )
    grants = (
        ViewerGrant.objects.filter(user_id=user_id)
        .annotate(
            sign=Value(False),
            of_parent=Value(False),
            granted=Value(True),
        )
        .order_by()
        .values_list("unit_id", "sign", "of_parent", "granted")
    )
    return positions.union(grants, all=True).order_by()


class Roles:
    """A user's roles as a keyword of a core.compiled query: the query is built for a stand-in
    user whose id and role sets are marks, so that every access helper below works unchanged
    and the SQL is compiled once for every user of the same shape (superuser or not, the
    number of units in each role set, which of them are the same)."""

    def __init__(self, user):
        self.user = user

    def real(self):
        return self.user

    def compiled_marks(self, marker):
        roles = _cache(self.user)
        stand_in = _MarkedUser(
            marker.mark(self.user.pk),
            self.user.is_superuser,
            {key: {marker.mark(unit) for unit in sorted(roles[key])} for key in ROLE_SETS},
        )
        sizes = tuple(len(roles[key]) for key in ROLE_SETS)
        return ("roles", self.user.is_superuser, sizes), stand_in


class _MarkedUser:
    """What the access helpers read of a user, with marks for values (core.compiled)."""

    is_authenticated = True
    is_active = True

    def __init__(self, pk, is_superuser, roles):
        self.pk = self.id = pk
        self.is_superuser = is_superuser
        self._thidua_roles = roles


def forget(user):
    """Drop the cached roles (after a change of positions within one request)."""
    if hasattr(user, "_thidua_roles"):
        del user._thidua_roles


def unit_ids(user):
    """Units in which the user holds a current position."""
    return _cache(user)["unit_ids"]


def signer_unit_ids(user):
    """Units for which the user may sign."""
    return _cache(user)["signer_unit_ids"]


def is_signatory(user):
    """Whether the user may sign for some unit now."""
    return bool(signer_unit_ids(user))


def staff_parent_ids(user):
    """Parent bodies whose clusters the user manages as parent staff."""
    return _cache(user)["staff_parent_ids"]


def viewer_unit_ids(user):
    return _cache(user)["viewer_unit_ids"]


def staff_cluster_years(user):
    """The pks of the cluster years of the user's parent bodies, as a subquery."""
    return ClusterYear.objects.filter(cluster__parent_id__in=staff_parent_ids(user)).values("pk")


def is_parent_staff(user, parent=None):
    if user.is_superuser:
        return True
    ids = staff_parent_ids(user)
    return bool(ids) if parent is None else parent.pk in ids


def is_officer_of(user, unit):
    return unit.pk in unit_ids(user)


def is_signatory_of(user, unit):
    return unit.pk in signer_unit_ids(user)


# --- cluster years -------------------------------------------------------------------------


def visible_cluster_years(user):
    """Cluster years the user may read."""
    qs = ClusterYear.objects.all()
    if user.is_superuser:
        return qs
    units = unit_ids(user) | viewer_unit_ids(user)
    # Subqueries, not joins with DISTINCT: the planner then reads the user's few rows by index
    # instead of every membership in the country.
    member_of = Membership.objects.filter(unit_id__in=units).values("cluster_year_id")
    return qs.filter(Q(cluster__parent_id__in=units) | Q(pk__in=member_of))


def can_view_cluster_year(user, cluster_year):
    if user.is_superuser:
        return True
    units = unit_ids(user) | viewer_unit_ids(user)
    if cluster_year.cluster.parent_id in units:
        return True
    return any(m.unit_id in units for m in cluster_year.memberships.all())


def can_manage_cluster_year(user, cluster_year):
    """Parent staff set up the cluster year (members, roles, plan)."""
    return is_parent_staff(user, cluster_year.cluster.parent)


def is_head_officer(user, cluster_year):
    """The cluster head's officers and chair run the cluster year's work."""
    head = cluster_year.head
    return head is not None and head.pk in unit_ids(user)


def can_draft(user, cluster_year):
    """The head's people draft; the deputy's too when the head delegated the drafting."""
    if is_head_officer(user, cluster_year):
        return True
    deputy = cluster_year.deputy
    return bool(cluster_year.drafting_delegated and deputy and deputy.pk in unit_ids(user))


def member_unit_ids(cluster_year):
    return {m.unit_id for m in cluster_year.memberships.all() if m.is_active}


def get_cluster_year(user, pk):
    """The cluster year for reading, or 404."""
    try:
        cluster_year = (
            ClusterYear.objects.select_related("cluster__parent", "plan")
            .prefetch_related("memberships__unit")
            .get(pk=pk)
        )
    except (ClusterYear.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_cluster_year(user, cluster_year):
        raise Http404
    return cluster_year


def get_cluster_year_with_members(user, pk, annotations=None):
    """What `get_cluster_year` returns, read in one query when the year has members: its
    memberships with their units, each row carrying the year (and `annotations(prefix)`, a
    function of the lookups' prefix from a row to the year, "" or "cluster_year__", giving
    {name: expression}, whose values become attributes of the year)."""
    annotations = annotations or _no_annotations
    try:
        read, names = _members_read(annotations)
        memberships = read(pk=int(pk))
        if not memberships:
            cluster_year = (
                ClusterYear.objects.select_related("cluster__parent", "plan")
                .annotate(**annotations(""))
                .prefetch_related("memberships__unit")
                .get(pk=pk)
            )
    except (ClusterYear.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if memberships:
        cluster_year = memberships[0].cluster_year
        carrier = min(memberships, key=lambda membership: membership.pk)
        for name in names:
            setattr(cluster_year, name, getattr(carrier, name))
        _set_members(cluster_year, memberships)
    if not can_view_cluster_year(user, cluster_year):
        raise Http404
    return cluster_year


def _set_members(cluster_year, memberships):
    """`cluster_year.memberships.all()` is `memberships` from now on (as if prefetched)."""
    for membership in memberships:
        membership.cluster_year = cluster_year
    prefetched = cluster_year.memberships.all()
    prefetched._result_cache = memberships
    prefetched._prefetch_done = True
    cache = getattr(cluster_year, "_prefetched_objects_cache", None)
    if cache is None:
        cache = cluster_year._prefetched_objects_cache = {}
    cache["memberships"] = prefetched


_MEMBERSHIP_FIELDS = tuple(Membership._meta.concrete_fields)
_UNIT_FIELDS = tuple(Unit._meta.concrete_fields)


def members_json(cluster_year):
    """The memberships of a cluster year (a pk or an expression: OuterRef("cluster_year_id"))
    with their units, as JSON objects, to be read with another row as an annotation (a page's
    one compiled read) and made models by `set_members_from_json`: one query less than
    `read_members`. Their fields are integers, text and dates only (exact in JSON)."""
    return ListOf(
        Membership.objects.filter(cluster_year_id=cluster_year)
        .order_by("order", "unit__name", "pk")
        .values(
            row=JSONObject(
                **json_rows.keys(_MEMBERSHIP_FIELDS), **json_rows.keys(_UNIT_FIELDS, "unit__")
            )
        )
    )


_MEMBERSHIP_PLAN = json_rows.plan(_MEMBERSHIP_FIELDS)
_UNIT_PLAN = json_rows.plan(_UNIT_FIELDS, "unit__")


def set_members_from_json(cluster_year, rows, db):
    """Gives `cluster_year` the memberships of `rows` (read by `members_json`) with their units,
    as `read_members` would."""
    memberships = []
    for row in rows:
        membership = json_rows.instance(Membership, _MEMBERSHIP_PLAN, row, db)
        membership.unit = json_rows.instance(Unit, _UNIT_PLAN, row, db)
        memberships.append(membership)
    _set_members(cluster_year, memberships)
    return cluster_year


@compiled
def _members_of(cluster_year):
    return Membership.objects.filter(cluster_year_id=cluster_year).select_related("unit")


def read_members(cluster_year):
    """Gives `cluster_year` its memberships with their units, as
    `prefetch_related("memberships__unit")` would, in one compiled query (core.compiled):
    Django builds a prefetch's query afresh on every request, even after a compiled read."""
    _set_members(cluster_year, _members_of(cluster_year=cluster_year.pk))
    return cluster_year


def _no_annotations(path):
    return {}


_members_reads = {}


class _OnlyWhere(Case):
    """`CASE WHEN condition THEN expression END`: the expression's value on the rows where the
    condition holds, NULL on the others, converted as the expression converts it (a ListOf's
    JSON text on SQLite)."""

    def __init__(self, condition, expression):
        super().__init__(When(condition, then=expression))

    def get_db_converters(self, connection):
        return self.cases[0].result.get_db_converters(connection)


def _members_read(annotations):
    """The memberships' query of `get_cluster_year_with_members`, compiled once for each
    `annotations` (module-level functions: a handful per process), and the annotations' names
    (known once: building the expressions again on every request costs more than the query).
    The annotations other than columns (F: read through the joins at no cost) are read on one
    row, the membership with the lowest pk (NULL on the others): their subqueries run, and
    their values are converted, once rather than once a member."""
    entry = _members_reads.get(annotations)
    if entry is None:

        @compiled
        def read(pk):
            first = Membership.objects.filter(cluster_year_id=pk).order_by("pk").values("pk")[:1]
            on_first = {
                name: expression
                if isinstance(expression, F)
                else _OnlyWhere(Q(pk=Subquery(first)), expression)
                for name, expression in annotations("cluster_year__").items()
            }
            return (
                Membership.objects.filter(cluster_year_id=pk)
                .select_related("unit", "cluster_year__cluster__parent", "cluster_year__plan")
                .annotate(**on_first)
            )

        entry = _members_reads[annotations] = (read, tuple(annotations("cluster_year__")))
    return entry


def get_cluster_year_to_manage(user, pk):
    """The cluster year for parent staff: 404 to outsiders, 403 to readers."""
    cluster_year = get_cluster_year(user, pk)
    if not can_manage_cluster_year(user, cluster_year):
        raise PermissionDenied
    return cluster_year


# --- units and clusters --------------------------------------------------------------------


def visible_units(user):
    """Units the user may read: their own, those granted, and every unit in their parent
    bodies' clusters (and children of those parent bodies)."""
    if user.is_superuser:
        return Unit.objects.all()
    mine = unit_ids(user) | viewer_unit_ids(user)
    my_years = Membership.objects.filter(unit_id__in=mine).values("cluster_year_id")
    in_my_years = Membership.objects.filter(cluster_year_id__in=my_years).values("unit_id")
    in_my_clusters = Membership.objects.filter(cluster_year__cluster__parent_id__in=mine).values(
        "unit_id"
    )
    return Unit.objects.filter(
        Q(pk__in=mine) | Q(parent_id__in=mine) | Q(pk__in=in_my_clusters) | Q(pk__in=in_my_years)
    )


def managed_units(user):
    """Units parent staff may edit: their parent body's children and its clusters' members."""
    if user.is_superuser:
        return Unit.objects.all()
    parents = staff_parent_ids(user)
    members = Membership.objects.filter(cluster_year__cluster__parent_id__in=parents).values(
        "unit_id"
    )
    return Unit.objects.filter(Q(pk__in=parents) | Q(parent_id__in=parents) | Q(pk__in=members))


def get_unit(user, pk):
    try:
        return visible_units(user).select_related("level", "parent").get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_unit_to_manage(user, pk):
    unit = get_unit(user, pk)
    if not managed_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied
    return unit


def visible_clusters(user):
    if user.is_superuser:
        return Cluster.objects.all()
    units = unit_ids(user) | viewer_unit_ids(user)
    member_of = Membership.objects.filter(unit_id__in=units).values("cluster_year__cluster_id")
    return Cluster.objects.filter(Q(parent_id__in=units) | Q(pk__in=member_of))


def get_cluster(user, pk):
    try:
        return visible_clusters(user).select_related("parent").get(pk=pk)
    except (Cluster.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_cluster_to_manage(user, pk):
    cluster = get_cluster(user, pk)
    if not is_parent_staff(user, cluster.parent):
        raise PermissionDenied
    return cluster


def manageable_parents(user):
    """Parent bodies for which the user may create clusters and plans."""
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=staff_parent_ids(user))


def active_memberships(cluster_year):
    return [m for m in cluster_year.memberships.all() if m.is_active]


def manageable_clusters(user):
    """Clusters whose years the user may create and set up."""
    if user.is_superuser:
        return Cluster.objects.all()
    return Cluster.objects.filter(parent_id__in=staff_parent_ids(user))


# --- people and plans ----------------------------------------------------------------------


def visible_people(user):
    """People holding a position in a unit the user may read (and the user's own person)."""
    if user.is_superuser:
        return Person.objects.all()
    return Person.objects.filter(
        Q(pk__in=Position.objects.filter(unit__in=visible_units(user)).values("person_id"))
        | Q(user_id=user.pk)
    )


def managed_people(user):
    """People parent staff may edit: those holding a position in a unit they manage."""
    if user.is_superuser:
        return Person.objects.all()
    return Person.objects.filter(
        pk__in=Position.objects.filter(unit__in=managed_units(user)).values("person_id")
    )


def get_person(user, pk):
    try:
        return visible_people(user).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_person_to_manage(user, pk):
    person = get_person(user, pk)
    if not managed_people(user).filter(pk=person.pk).exists():
        raise PermissionDenied
    return person


def get_position_to_manage(user, pk):
    """A position for editing: 404 unless its unit is visible, 403 unless it is managed."""
    try:
        position = Position.objects.select_related("person", "unit").get(pk=pk)
    except (Position.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    get_unit_to_manage(user, position.unit_id)
    return position


def visible_plans(user):
    """Plans of the parent bodies the user reads, and plans of the cluster years they see."""
    if user.is_superuser:
        return Plan.objects.all()
    units = unit_ids(user) | viewer_unit_ids(user)
    return Plan.objects.filter(
        Q(parent_id__in=units)
        | Q(pk__in=visible_cluster_years(user).filter(plan__isnull=False).values("plan_id"))
    )


def get_plan(user, pk):
    try:
        return visible_plans(user).select_related("parent").get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_plan_to_manage(user, pk):
    plan = get_plan(user, pk)
    if not is_parent_staff(user, plan.parent):
        raise PermissionDenied
    return plan
