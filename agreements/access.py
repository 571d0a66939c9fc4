"""Who may do what with agreements, templates, sections, criteria and comments.

Built on clusters.access: outsiders get 404 (they must not learn that an object exists),
readers get 403 when they try to change something.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Q
from django.http import Http404

from agreements.models import Agreement, Comment, Criterion, Section
from clusters import access as cluster_access
from clusters.models import Membership, Position

# Positions whose holders may comment for a member unit (officers, chair, vice-chairs,
# standing members: everyone who works for the unit).
COMMENT_TITLES = (
    Position.Title.CHAIR,
    Position.Title.VICE_CHAIR,
    Position.Title.STANDING_MEMBER,
    Position.Title.OFFICER,
)


# What the agreement page and the signing page show of an agreement's one-to-one records,
# read with the agreement itself (get_agreement(..., related=PAGE_RELATED)).
PAGE_RELATED = ("signing_closure", "seal", "superseded_by", "conference")


def _agreements(related=(), annotations=None, members=True):
    """Agreements with their cluster year, `related` and `annotations`; and with `members`,
    the year's members (one more query, units joined)."""
    queryset = Agreement.objects.annotate(**(annotations or {})).select_related(
        "cluster_year__cluster__parent",
        "cluster_year__plan",
        "template_parent",
        "supersedes",
        "adopted_by",
        *related,
    )
    if not members:
        return queryset
    return queryset.prefetch_related(
        Prefetch("cluster_year__memberships", queryset=Membership.objects.select_related("unit"))
    )


def visible_agreements(user):
    """Agreements and templates the user may read."""
    qs = Agreement.objects.all()
    if user.is_superuser:
        return qs
    units = cluster_access.unit_ids(user) | cluster_access.viewer_unit_ids(user)
    years = cluster_access.visible_cluster_years(user).values("pk")
    return qs.filter(
        Q(kind=Agreement.Kind.AGREEMENT, cluster_year__in=years)
        | Q(kind=Agreement.Kind.TEMPLATE, template_parent_id__in=units)
    )


def can_view(user, agreement):
    if user.is_superuser:
        return True
    if agreement.is_template:
        units = cluster_access.unit_ids(user) | cluster_access.viewer_unit_ids(user)
        return agreement.template_parent_id in units
    return cluster_access.can_view_cluster_year(user, agreement.cluster_year)


def _may_draft(user, agreement):
    if agreement.is_template:
        return cluster_access.is_parent_staff(user, agreement.template_parent)
    return cluster_access.can_draft(user, agreement.cluster_year)


def can_edit(user, agreement):
    """May the user change the content now (the drafters, while it is still editable)?"""
    return agreement.is_editable and _may_draft(user, agreement)


def can_run(user, agreement):
    """The cluster head's people circulate, answer, adopt, record the conference, amend."""
    if agreement.is_template or not agreement.cluster_year_id:
        return False
    return cluster_access.is_head_officer(user, agreement.cluster_year)


def comment_units(user, agreement):
    """The member units for which the user may comment on this agreement."""
    if agreement.is_template or not user.is_authenticated:
        return []
    members = {m.unit_id: m.unit for m in agreement.cluster_year.memberships.all() if m.is_active}
    if not members:
        return []
    mine = set(
        Position.objects.current()
        .filter(person__user=user, unit_id__in=members, title__in=COMMENT_TITLES)
        .values_list("unit_id", flat=True)
    )
    return [unit for unit_id, unit in members.items() if unit_id in mine]


def can_comment(user, agreement):
    return agreement.status == Agreement.Status.CIRCULATED and bool(comment_units(user, agreement))


# The cluster year's members read with the agreement (clusters.access.members_json).
MEMBERS = {"cluster_members": cluster_access.members_json(OuterRef("cluster_year_id"))}


def agreements_with(related=(), annotations=None):
    """The queryset `get_agreement` reads from for a page's own compiled read: the cluster
    year's members with the agreement (MEMBERS), not prefetched (Django would build and compile
    the prefetch's query on every request)."""
    return _agreements(related, {**MEMBERS, **(annotations or {})}, members=False)


def get_agreement(user, pk, related=(), annotations=None, read=None):
    """The agreement (or template) for reading, or 404; `related`: one-to-one records to read
    with it (e.g. PAGE_RELATED), `annotations`: values to read with it; or `read(pk=pk)`, a
    core.compiled function of `agreements_with(...)` filtered on the pk, for a page's read
    (the cluster year's members come with it)."""
    try:
        if read is None:
            agreement = _agreements(related, annotations).get(pk=pk)
        else:
            [agreement] = read(pk=int(pk))
            if agreement.cluster_year_id is not None:
                cluster_access.set_members_from_json(
                    agreement.cluster_year, agreement.cluster_members, agreement._state.db
                )
    except (Agreement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view(user, agreement):
        raise Http404
    return agreement


def get_agreement_to_edit(user, pk):
    """The agreement for its drafters (templates: parent staff): 404 outsiders, 403 readers."""
    agreement = get_agreement(user, pk)
    if not _may_draft(user, agreement):
        raise PermissionDenied
    return agreement


def get_agreement_to_run(user, pk):
    """The agreement for the cluster head's people: 404 outsiders, 403 everyone else."""
    agreement = get_agreement(user, pk)
    if not can_run(user, agreement):
        raise PermissionDenied
    return agreement


def get_agreement_to_comment(user, pk):
    """The agreement for commenting members: 404 outsiders, 403 when they may not comment."""
    agreement = get_agreement(user, pk)
    if not comment_units(user, agreement):
        raise PermissionDenied
    return agreement


def get_section_to_edit(user, pk):
    try:
        section = Section.objects.only("pk", "agreement_id").get(pk=pk)
    except (Section.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    agreement = get_agreement_to_edit(user, section.agreement_id)
    section = Section.objects.get(pk=section.pk)
    section.agreement = agreement
    return section


def get_criterion_to_edit(user, pk):
    try:
        criterion = Criterion.objects.select_related("section").get(pk=pk)
    except (Criterion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    criterion.section.agreement = get_agreement_to_edit(user, criterion.section.agreement_id)
    return criterion


def get_comment(user, pk):
    """A comment, for anyone who may read its agreement (404 otherwise)."""
    try:
        comment = Comment.objects.select_related("unit", "section", "author").get(pk=pk)
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    comment.agreement = get_agreement(user, comment.agreement_id)
    return comment


def get_comment_to_run(user, pk):
    """A comment for the cluster head's people to answer or resolve: 404 / 403."""
    comment = get_comment(user, pk)
    if not can_run(user, comment.agreement):
        raise PermissionDenied
    return comment
