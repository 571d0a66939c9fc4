"""Who may do what with review periods, self-assessments, rankings and good practices.

Built on clusters.access: outsiders get 404 (they must not learn that an object exists),
people who may read but not act get 403.

- A unit's sheet is filled by the people who hold a position in that unit, nobody else.
- Sheets are reviewed by the cluster head's people (the deputy's for the head's own sheet,
  nobody reviews their own unit) and, with cross-checking, by the assigned peer unit.
- Sheets are read by their unit, its reviewers, the parent body's staff and viewers, and by
  every member once the period is locked.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from clusters import access as cluster_access
from clusters.models import Cluster, ClusterYear, Unit
from core.compiled import compiled
from results import selectors
from results.models import Assessment, Evidence, GoodPractice, Period, PracticeFile, Score


def _readers(user):
    return cluster_access.unit_ids(user) | cluster_access.viewer_unit_ids(user)


# --- periods -------------------------------------------------------------------------------


def can_run(user, cluster_year):
    """The cluster head's people open, extend and lock reviews."""
    return user.is_superuser or cluster_access.is_head_officer(user, cluster_year)


def _periods():
    return Period.objects.select_related("cluster_year__cluster__parent", "agreement", "ranking")


@compiled
def _period_by_pk(pk):
    return _periods().filter(pk=pk)


@compiled
def _period_for_results(pk):
    return (
        _periods()
        .annotate(
            cluster_members=cluster_access.members_json(OuterRef("cluster_year_id")),
            **selectors.WITH_PERIOD,
        )
        .filter(pk=pk)
    )


def get_period(user, pk, *, for_results=False):
    """A review period for reading, or 404, with its ranking snapshot if locked and its cluster
    year's members (units joined: read with it for the results page, with what
    results.selectors.period_results reads besides the sheets; else with a compiled query of
    their own, clusters.access.read_members)."""
    try:
        [period] = (_period_for_results if for_results else _period_by_pk)(pk=int(pk))
    except (ValueError, TypeError):
        raise Http404 from None
    if hasattr(period, "cluster_members"):
        cluster_access.set_members_from_json(
            period.cluster_year, period.cluster_members, period._state.db
        )
    else:
        cluster_access.read_members(period.cluster_year)
    if not cluster_access.can_view_cluster_year(user, period.cluster_year):
        raise Http404
    return period


def get_period_to_run(user, pk):
    period = get_period(user, pk)
    if not can_run(user, period.cluster_year):
        raise PermissionDenied
    return period


def get_cluster_year_to_run(user, pk):
    cluster_year = cluster_access.get_cluster_year(user, pk)
    if not can_run(user, cluster_year):
        raise PermissionDenied
    return cluster_year


# --- self-assessments ----------------------------------------------------------------------


def can_fill(user, assessment):
    """Only the people of the assessed unit fill its sheet (viewers never)."""
    return assessment.unit_id in cluster_access.unit_ids(user)


def reviewer_units(user, assessment):
    """The units for which the user may review this sheet (never the assessed unit itself)."""
    mine = cluster_access.unit_ids(user)
    cluster_year = assessment.period.cluster_year
    head, deputy = cluster_year.head, cluster_year.deputy
    units = set()
    if head is not None and head.pk in mine and head.pk != assessment.unit_id:
        units.add(head.pk)
    if (
        head is not None
        and head.pk == assessment.unit_id
        and deputy is not None
        and deputy.pk in mine
    ):
        units.add(deputy.pk)
    if assessment.period.cross_checking and assessment.peer_reviewer_id in mine:
        units.add(assessment.peer_reviewer_id)
    units.discard(assessment.unit_id)
    return units


def can_review(user, assessment):
    return bool(reviewer_units(user, assessment)) or (
        user.is_superuser and assessment.unit_id not in cluster_access.unit_ids(user)
    )


def can_read(user, assessment):
    if user.is_superuser or can_fill(user, assessment) or can_review(user, assessment):
        return True
    readers = _readers(user)
    cluster_year = assessment.period.cluster_year
    if assessment.unit_id in readers or cluster_year.cluster.parent_id in readers:
        return True
    return assessment.period.is_locked


def _assessment_queryset():
    return Assessment.objects.select_related(
        "period__cluster_year__cluster__parent", "period__agreement", "unit", "peer_reviewer"
    ).prefetch_related("period__cluster_year__memberships__unit")


def get_assessment(user, pk):
    """A sheet for reading: 404 to outsiders, 403 to members who may not read it yet."""
    try:
        assessment = _assessment_queryset().get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not cluster_access.can_view_cluster_year(user, assessment.period.cluster_year):
        raise Http404
    if not can_read(user, assessment):
        raise PermissionDenied
    return assessment


def get_assessment_to_fill(user, pk):
    assessment = get_assessment(user, pk)
    if not can_fill(user, assessment):
        raise PermissionDenied
    return assessment


def get_assessment_to_review(user, pk):
    assessment = get_assessment(user, pk)
    if not can_review(user, assessment):
        raise PermissionDenied
    return assessment


def assessment_for_user(user, period):
    """The sheet of the user's own unit in this period, if the user works for a member."""
    mine = cluster_access.unit_ids(user)
    return period.assessments.filter(unit_id__in=mine).select_related("unit").order_by("pk").first()


def sheet_rights(user, period, assessments):
    """({pk of the sheets the user may review}, {pk of those the user may read}) among sheets of
    `period`: what `can_review` and `can_read` say of each, with the user's units and the
    cluster year's head and deputy looked up once (the results page asks for every member)."""
    mine = cluster_access.unit_ids(user)
    readers = _readers(user)
    cluster_year = period.cluster_year
    head, deputy = cluster_year.head, cluster_year.deputy
    head_id = head.pk if head is not None else None
    deputy_id = deputy.pk if deputy is not None else None
    parent_reads = cluster_year.cluster.parent_id in readers
    reviewable, readable = set(), set()
    for assessment in assessments:
        unit = assessment.unit_id
        peer = assessment.peer_reviewer_id
        review = (
            (head_id is not None and head_id in mine and head_id != unit)  # reviewer_units
            or (
                head_id == unit
                and deputy_id is not None
                and deputy_id in mine
                and deputy_id != unit
            )
            or (period.cross_checking and peer in mine and peer != unit)
            or (user.is_superuser and unit not in mine)
        )
        if review:
            reviewable.add(assessment.pk)
        if (
            review
            or user.is_superuser
            or unit in mine
            or unit in readers
            or parent_reads
            or period.is_locked
        ):
            readable.add(assessment.pk)
    return reviewable, readable


def assessment_for_user_among(user, assessments):
    """`assessment_for_user` among a period's sheets already read (no query)."""
    mine = cluster_access.unit_ids(user)
    return min((a for a in assessments if a.unit_id in mine), key=lambda a: a.pk, default=None)


def _score(pk):
    try:
        return Score.objects.select_related("criterion__section").get(pk=pk)
    except (Score.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_score_to_fill(user, pk):
    score = _score(pk)
    score.assessment = get_assessment_to_fill(user, score.assessment_id)
    return score


def get_score_to_review(user, pk):
    score = _score(pk)
    score.assessment = get_assessment_to_review(user, score.assessment_id)
    return score


def get_evidence(user, pk):
    try:
        evidence = Evidence.objects.select_related("score").get(pk=pk)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    evidence.score.assessment = get_assessment(user, evidence.score.assessment_id)
    return evidence


def get_evidence_to_remove(user, pk):
    evidence = get_evidence(user, pk)
    if not can_fill(user, evidence.score.assessment):
        raise PermissionDenied
    return evidence


# --- the parent body: comparison and rules -------------------------------------------------


def can_compare(user, parent):
    return user.is_superuser or parent.pk in _readers(user)


@compiled
def _unit_running_clusters(pk):
    return Unit.objects.annotate(
        runs_clusters=Exists(Cluster.objects.filter(parent_id=OuterRef("pk")))
    ).filter(pk=pk)


def get_parent_to_compare(user, pk):
    """A parent body whose clusters the user may compare (its staff and viewers), or 404."""
    try:
        [parent] = _unit_running_clusters(pk=int(pk))
    except (ValueError, TypeError):
        raise Http404 from None
    if not can_compare(user, parent) or not parent.runs_clusters:
        raise Http404
    return parent


def get_parent_to_configure(user, pk):
    parent = get_parent_to_compare(user, pk)
    if not cluster_access.is_parent_staff(user, parent):
        raise PermissionDenied
    return parent


def comparable_parents(user):
    """Parent bodies the user may compare."""
    parents = Unit.objects.filter(clusters__isnull=False).distinct()
    if user.is_superuser:
        return parents
    return parents.filter(pk__in=_readers(user))


# --- good practices ------------------------------------------------------------------------


def related_parent_ids(user):
    """Parent bodies whose good practices the user reads: theirs, and those of their clusters."""
    readers = _readers(user)
    ids = set(Cluster.objects.filter(parent_id__in=readers).values_list("parent_id", flat=True))
    ids |= set(
        ClusterYear.objects.filter(memberships__unit_id__in=readers).values_list(
            "cluster__parent_id", flat=True
        )
    )
    return ids


def visible_practices(user):
    """Published practices of every cluster of the user's parent bodies, and own drafts."""
    qs = GoodPractice.objects.all()
    if user.is_superuser:
        return qs
    return qs.filter(
        Q(
            status=GoodPractice.Status.PUBLISHED,
            cluster_year__cluster__parent_id__in=related_parent_ids(user),
        )
        | Q(unit_id__in=cluster_access.unit_ids(user))
        | Q(cluster_year__cluster__parent_id__in=_readers(user))
    )


def can_edit_practice(user, practice):
    return practice.unit_id in cluster_access.unit_ids(user)


def can_feature(user, practice):
    return can_run(user, practice.cluster_year)


def get_practice(user, pk):
    try:
        practice = (
            visible_practices(user)
            .select_related("cluster_year__cluster__parent", "unit")
            .prefetch_related("cluster_year__memberships__unit")
            .get(pk=pk)
        )
    except (GoodPractice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return practice


def get_practice_to_edit(user, pk):
    practice = get_practice(user, pk)
    if not can_edit_practice(user, practice):
        raise PermissionDenied
    return practice


def get_practice_to_feature(user, pk):
    practice = get_practice(user, pk)
    if not can_feature(user, practice):
        raise PermissionDenied
    return practice


def get_practice_file(user, pk):
    try:
        item = PracticeFile.objects.get(pk=pk)
    except (PracticeFile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    item.practice = get_practice(user, item.practice_id)
    return item


def practice_units(user, cluster_year):
    """Member units of the cluster year for which the user may publish practices."""
    mine = cluster_access.unit_ids(user)
    return [m.unit for m in cluster_access.active_memberships(cluster_year) if m.unit_id in mine]
