"""What clusters contributes to the "Việc cần làm" dashboard."""

from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters import access, selectors
from clusters.models import ClusterYear, Membership
from core.dashboard import (
    Action,
    Cell,
    Task,
    count_of,
    register,
    register_board_read,
    register_column,
)
from core.expressions import ListOf
from core.links import link


def _memberships(user):
    return (
        Membership.objects.filter(unit_id__in=access.unit_ids(user))
        .order_by()
        .values(
            row=JSONObject(
                cluster_year="cluster_year_id", unit="unit_id", role="role", ended_on="ended_on"
            )
        )
    )


@register_board_read("clusters.memberships")
def memberships_on_the_board(user):
    return ListOf(_memberships(user))


def memberships(user, shared):
    """The memberships of the user's units, every year: [(cluster_year_id, unit_id, role,
    active)], read once per request for every app's tasks (with the board, when it is shown).
    """
    if not access.unit_ids(user):
        return []
    rows = shared.get("clusters.memberships", lambda: [r["row"] for r in _memberships(user)])
    return [(r["cluster_year"], r["unit"], r["role"], r["ended_on"] is None) for r in rows]


def years_of(user, shared, role=None, units=None):
    """The cluster years in which one of the user's units (or of `units`) is an active member,
    in `role` if given."""
    return {
        cy
        for cy, unit, unit_role, active in memberships(user, shared)
        if active and (role is None or unit_role == role) and (units is None or unit in units)
    }


def _preparing(user):
    return (
        ClusterYear.objects.filter(
            cluster__parent_id__in=access.staff_parent_ids(user),
            status=ClusterYear.Status.PREPARING,
        )
        .order_by("-year", "cluster__name")
        .values(row=JSONObject(pk="pk", cluster="cluster__name", year="year"))[:20]
    )


@register_board_read("clusters.preparing")
def preparing_on_the_board(user):
    return ListOf(_preparing(user))


@register
def cluster_tasks(user, shared):
    """Parent staff: cluster years still being prepared (members, head, plan)."""
    if not access.staff_parent_ids(user):
        return []
    years = shared.get("clusters.preparing", lambda: [row["row"] for row in _preparing(user)])
    return [
        Task(
            title=_("Prepare %(cluster)s") % {"cluster": f"{cy['cluster']} — {cy['year']}"},
            url=link("clusters:cluster_year", cy["pk"]),
            detail=_("Add the members, choose the head and the deputy, then start the year."),
            kind="action",
        )
        for cy in years
    ]


def _appointment(position):
    return _("%(person)s as %(title)s of %(unit)s") % {
        "person": position.person.full_name,
        "title": position.get_title_display(),
        "unit": position.unit.short_name,
    }


def _asked(position):
    by = position.requested_by
    return _("Asked by %(who)s on %(date)s.") % {
        "who": (by.get_full_name() or by.get_username()) if by else "—",
        "date": f"{position.requested_at:%d/%m/%Y}",
    }


@register
def appointment_tasks(user, shared):
    """Appointments waiting for a second person: to confirm, asked for, or in one's unit."""
    pending = selectors.pending_appointments(user)
    tasks = []
    for position in pending["to_confirm"]:
        tasks.append(
            Task(
                title=_("Confirm the appointment: %(what)s") % {"what": _appointment(position)},
                url=link("clusters:unit", position.unit_id),
                detail=_asked(position),
                kind="action",
                actions=(
                    Action(_("Confirm"), link("clusters:position_confirm", position.pk)),
                    Action(
                        _("Refuse"),
                        link("clusters:position_refuse", position.pk),
                        style="outline-danger",
                        reason=True,
                    ),
                ),
            )
        )
    for position in pending["asked"]:
        tasks.append(
            Task(
                title=_("Waiting for confirmation: %(what)s") % {"what": _appointment(position)},
                url=link("clusters:unit", position.unit_id),
                detail=_("Another person of the parent body must confirm it before it counts."),
            )
        )
    for position in pending["in_my_unit"]:
        tasks.append(
            Task(
                title=_("An appointment in your unit waits for confirmation: %(what)s")
                % {"what": _appointment(position)},
                url=link("clusters:unit", position.unit_id),
                detail=_asked(position)
                + " "
                + _("If you did not expect it, tell the parent body's staff."),
                kind="warning",
            )
        )
    return tasks


def _members_annotations():
    active = Membership.objects.filter(cluster_year=OuterRef("pk"), ended_on__isnull=True)
    return {"clusters_members": count_of(active)}


@register_column(gettext_lazy("Members"), order=10, annotations=_members_annotations)
def members_column(cy):
    """The year's state and its active members."""
    return Cell(
        text=_("%(status)s · %(count)s members")
        % {"status": cy.get_status_display(), "count": cy.clusters_members},
        url=link("clusters:cluster_year", cy.pk),
        done=cy.status == ClusterYear.Status.CLOSED,
    )
