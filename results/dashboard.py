"""What results contribute to the "Việc cần làm" dashboard and to a cluster year's timeline."""

import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters import access as cluster_access
from clusters import timeline
from clusters.access import Roles
from clusters.dashboard import memberships, years_of
from clusters.models import Membership, Unit
from core.compiled import compiled
from core.dashboard import (
    Cell,
    Task,
    count_of,
    register,
    register_board_read,
    register_column,
)
from core.expressions import AmongValues, ListOf
from core.links import link
from results.models import Assessment, Period


@register
def results_tasks(user, shared):
    """Sheets to fill or fix, sheets to review, results ready to lock."""
    tasks = _comparison_tasks(user, shared)
    if not memberships(user, shared):
        # The user's units are in no cluster year: they have no sheet to fill or to review.
        return tasks
    to_fill = shared.get(
        "results.to_fill", lambda: [r["row"] for r in _sheets_to_fill(roles=Roles(user))]
    )
    for sheet in to_fill:
        returned = sheet["status"] == Assessment.Status.RETURNED
        tasks.append(
            Task(
                title=(
                    _("Correct and resubmit the self-assessment of %(unit)s")
                    if returned
                    else _("Fill in the self-assessment of %(unit)s")
                )
                % {"unit": sheet["unit_name"]},
                url=link("results:assessment", sheet["pk"]),
                detail=_period_text(sheet),
                due=_moment(sheet["deadline"]),
                kind="warning" if returned else "action",
            )
        )
    head_years = years_of(user, shared, Membership.Role.HEAD)
    periods = shared.get(
        "results.to_review", lambda: [r["row"] for r in _periods_to_review(roles=Roles(user))]
    )
    for period in periods:
        url = link("results:period", period["pk"])
        if period["submitted"]:
            tasks.append(
                Task(
                    title=_("Review %(count)s submitted self-assessments")
                    % {"count": period["submitted"]},
                    url=url,
                    detail=_period_text(period),
                    due=_moment(period["review_deadline"]),
                    kind="action",
                )
            )
        if period["cluster_year"] in head_years and not period["pending"]:
            tasks.append(
                Task(
                    title=_("Lock the results and record the ranking"),
                    url=url,
                    detail=_period_text(period),
                    kind="action",
                )
            )
    return tasks


def _moment(text):
    """A date and time read from a JSON row: PostgreSQL writes its offset, SQLite (`make run`)
    writes UTC without one."""
    moment = parse_datetime(text or "")
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def _period_text(row):
    """The review and its cluster year: "Tổng kết năm — Cụm thi đua số 1 — 2021"."""
    return f"{Period.Kind(row['kind']).label} — {row['cluster']} — {row['year']}"


# The sheets and the reviews of the user's units, as rows of values (JSON objects): read with
# the parent staff's year board when it is shown (register_board_read), else on their own.


def _sheet_rows(user):
    """Sheets of the user's units to fill or correct, in open reviews, the nearest first."""
    return (
        Assessment.objects.filter(
            unit_id__in=cluster_access.unit_ids(user),
            period__status=Period.Status.OPEN,
            status__in=[Assessment.Status.DRAFT, Assessment.Status.RETURNED],
        )
        .order_by("period__deadline", "pk")
        .values(
            row=JSONObject(
                pk="pk",
                status="status",
                unit_name="unit_name",
                kind="period__kind",
                cluster="period__cluster_year__cluster__name",
                year="period__cluster_year__year",
                deadline="period__deadline",
            )
        )[:20]
    )


def _review_rows(user):
    """Open reviews of the cluster years the user's units head or deputise, or in which one of
    them reviews a peer's sheet; with their submitted and unfinished sheets."""
    units = cluster_access.unit_ids(user)
    # Subqueries, not a join with DISTINCT: a join with every sheet of the country in the OR
    # made PostgreSQL scan them all.
    years = Membership.objects.filter(
        unit_id__in=units,
        role__in=[Membership.Role.HEAD, Membership.Role.DEPUTY],
        ended_on__isnull=True,
    ).values("cluster_year_id")
    peer_periods = Assessment.objects.filter(peer_reviewer_id__in=units).values("period_id")
    sheets = Assessment.objects.filter(period_id=OuterRef("pk"))
    return (
        Period.objects.filter(status=Period.Status.OPEN)
        # Each subquery read once (AmongValues), then the periods' indexes: `IN (subquery)`
        # inside the OR filtered every period of the country row by row (0.55 ms of 4,400).
        .filter(
            Q(AmongValues("cluster_year_id", years))
            | Q(AmongValues("pk", peer_periods), cross_checking=True)
        )
        .order_by("pk")
        .values(
            row=JSONObject(
                pk="pk",
                kind="kind",
                cluster_year="cluster_year_id",
                cluster="cluster_year__cluster__name",
                year="cluster_year__year",
                review_deadline="review_deadline",
                submitted=count_of(sheets.filter(status=Assessment.Status.SUBMITTED)),
                pending=count_of(sheets.exclude(status=Assessment.Status.ACCEPTED)),
            )
        )[:20]
    )


@compiled
def _sheets_to_fill(roles):
    return _sheet_rows(roles)


@compiled
def _periods_to_review(roles):
    return _review_rows(roles)


@register_board_read("results.to_fill")
def sheets_on_the_board(user):
    return ListOf(_sheet_rows(user))


@register_board_read("results.to_review")
def reviews_on_the_board(user):
    return ListOf(_review_rows(user))


def _latest_compared(user):
    """The parent bodies the user reads (staff, viewers), with the latest year of reviews."""
    # Only a parent body has clusters: of the user's units, those of its staff.
    readers = cluster_access.staff_parent_ids(user) | cluster_access.viewer_unit_ids(user)
    latest = (
        Period.objects.filter(cluster_year__cluster__parent_id=OuterRef("pk"))
        .order_by("-cluster_year__year")
        .values("cluster_year__year")[:1]
    )
    return (
        Unit.objects.filter(pk__in=readers)
        .annotate(latest=Subquery(latest))
        .filter(latest__isnull=False)
        .order_by("short_name")
        .values(row=JSONObject(parent="pk", short="short_name", year="latest"))[:5]
    )


@register_board_read("results.compared")
def compared_on_the_board(user):
    return ListOf(_latest_compared(user))


def _comparison_tasks(user, shared):
    """Parent staff and viewers: the latest year whose results can be compared."""
    if not cluster_access.staff_parent_ids(user) and not cluster_access.viewer_unit_ids(user):
        return []
    latest = shared.get("results.compared", lambda: [row["row"] for row in _latest_compared(user)])
    return [
        Task(
            title=_("Compare the clusters of %(parent)s (%(year)s)")
            % {"parent": row["short"], "year": row["year"]},
            url=link("results:comparison", row["parent"]) + f"?year={row['year']}",
            detail=_("Each unit's total as a share of the maximum, cluster averages, leaders."),
        )
        for row in latest
    ]


STEPS = {Period.Kind.MID_YEAR: "midyear", Period.Kind.YEAR_END: "year_end"}


@timeline.register_read
def _timeline_read(prefix):
    """The year's reviews with their sheets: all, submitted or accepted, accepted."""
    sent = [Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED]
    periods = (
        Period.objects.filter(cluster_year_id=OuterRef(f"{prefix}pk"))
        .order_by("kind")
        .annotate(
            sheets=Count("assessments"),
            submitted=Count("assessments", filter=Q(assessments__status__in=sent)),
            accepted=Count("assessments", filter=Q(assessments__status=Assessment.Status.ACCEPTED)),
        )
        .values(
            row=JSONObject(
                pk="pk",
                kind="kind",
                status="status",
                locked_at="locked_at",
                sheets="sheets",
                submitted="submitted",
                accepted="accepted",
            )
        )
    )
    return {"results_timeline": ListOf(periods)}


@timeline.register
def results_progress(cluster_year):
    """The reviews' steps: open (with submissions so far), locked; the ranking when locked
    (read with the year: `_timeline_read`)."""
    steps = {}
    for period in cluster_year.results_timeline:
        url = reverse("results:period", args=[period["pk"]])
        detail = _("%(submitted)s of %(sheets)s sheets submitted") % {
            "submitted": period["submitted"],
            "sheets": period["sheets"],
        }
        locked = period["status"] == Period.Status.LOCKED
        state = timeline.DONE if locked else timeline.CURRENT
        steps[STEPS[period["kind"]]] = timeline.Progress(state=state, detail=detail, url=url)
        if period["kind"] == Period.Kind.YEAR_END:
            steps["score_review"] = timeline.Progress(
                state=timeline.DONE if locked else timeline.CURRENT,
                detail=_("%(accepted)s of %(sheets)s sheets accepted")
                % {"accepted": period["accepted"], "sheets": period["sheets"]},
                url=url,
            )
            if locked:
                locked_at = _moment(period["locked_at"]).astimezone(datetime.UTC)
                steps["ranking"] = timeline.Progress(
                    detail=_("Ranking recorded on %(date)s")
                    % {"date": locked_at.strftime("%d/%m/%Y")},
                    url=url,
                )
    overview = reverse("results:cluster_year_results", args=[cluster_year.pk])
    for key in STEPS.values():
        steps.setdefault(key, timeline.Progress(url=overview))
    return steps


def _board_annotations():
    """The year-end review of each year, with its sheets: all, submitted or accepted, accepted."""
    period = Period.objects.filter(cluster_year=OuterRef("pk"), kind=Period.Kind.YEAR_END)
    sheets = Assessment.objects.filter(period_id=OuterRef("results_period"))
    sent = [Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED]
    return {
        "results_period": Subquery(period.values("pk")[:1]),
        "results_status": Subquery(period.values("status")[:1]),
        "results_deadline": Subquery(period.values("deadline")[:1]),
        "results_total": count_of(sheets),
        "results_sent": count_of(sheets.filter(status__in=sent)),
        "results_accepted": count_of(sheets.filter(status=Assessment.Status.ACCEPTED)),
    }


@register_column(gettext_lazy("Year-end results"), order=40, annotations=_board_annotations)
def results_column(cy):
    """Sheets submitted and accepted of the year-end review, the ranking's lock, lateness."""
    if cy.results_period is None:
        return None
    locked = cy.results_status == Period.Status.LOCKED
    if locked:
        text = _("Ranking locked")
    else:
        text = _("%(sent)s of %(total)s submitted, %(accepted)s accepted") % {
            "sent": cy.results_sent,
            "total": cy.results_total,
            "accepted": cy.results_accepted,
        }
    return Cell(
        text=text,
        url=link("results:period", cy.results_period),
        done=locked,
        late=not locked
        and timezone.now() > cy.results_deadline
        and cy.results_sent < cy.results_total,
    )
