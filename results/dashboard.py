"""What results contribute to the "Việc cần làm" dashboard and to a cluster year's timeline."""

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters import access as cluster_access
from clusters import timeline
from clusters.models import Membership
from core.dashboard import Cell, Task, register, register_column
from results.models import Assessment, Period


@register
def results_tasks(user):
    """Sheets to fill or fix, sheets to review, results ready to lock."""
    units = cluster_access.unit_ids(user)
    tasks = _comparison_tasks(user)
    if not units:
        return tasks
    to_fill = (
        Assessment.objects.filter(
            unit_id__in=units,
            period__status=Period.Status.OPEN,
            status__in=[Assessment.Status.DRAFT, Assessment.Status.RETURNED],
        )
        .select_related("period__cluster_year__cluster")
        .order_by("period__deadline")[:20]
    )
    for sheet in to_fill:
        returned = sheet.status == Assessment.Status.RETURNED
        tasks.append(
            Task(
                title=(
                    _("Correct and resubmit the self-assessment of %(unit)s")
                    if returned
                    else _("Fill in the self-assessment of %(unit)s")
                )
                % {"unit": sheet.unit_name},
                url=reverse("results:assessment", args=[sheet.pk]),
                detail=f"{sheet.period.get_kind_display()} — {sheet.period.cluster_year}",
                due=sheet.period.deadline,
                kind="warning" if returned else "action",
            )
        )
    head_years = Membership.objects.filter(
        unit_id__in=units, role=Membership.Role.HEAD, ended_on__isnull=True
    ).values("cluster_year_id")
    deputy_years = Membership.objects.filter(
        unit_id__in=units, role=Membership.Role.DEPUTY, ended_on__isnull=True
    ).values("cluster_year_id")
    # Subqueries, not a join with DISTINCT: a join with every sheet of the country in the OR
    # made PostgreSQL scan them all.
    peer_periods = Assessment.objects.filter(peer_reviewer_id__in=units).values("period_id")
    periods = (
        Period.objects.filter(status=Period.Status.OPEN)
        .filter(
            Q(cluster_year_id__in=head_years)
            | Q(cluster_year_id__in=deputy_years)
            | Q(cross_checking=True, pk__in=peer_periods)
        )
        .select_related("cluster_year__cluster")
        .annotate(
            submitted=Count(
                "assessments",
                filter=Q(assessments__status=Assessment.Status.SUBMITTED),
                distinct=True,
            ),
            pending=Count(
                "assessments",
                filter=~Q(assessments__status=Assessment.Status.ACCEPTED),
                distinct=True,
            ),
        )[:20]
    )
    head_year_ids = set(head_years.values_list("cluster_year_id", flat=True))
    for period in periods:
        url = reverse("results:period", args=[period.pk])
        if period.submitted:
            tasks.append(
                Task(
                    title=_("Review %(count)s submitted self-assessments")
                    % {"count": period.submitted},
                    url=url,
                    detail=f"{period.get_kind_display()} — {period.cluster_year}",
                    due=period.review_deadline,
                    kind="action",
                )
            )
        if period.cluster_year_id in head_year_ids and not period.pending:
            tasks.append(
                Task(
                    title=_("Lock the results and record the ranking"),
                    url=url,
                    detail=f"{period.get_kind_display()} — {period.cluster_year}",
                    kind="action",
                )
            )
    return tasks


def _comparison_tasks(user):
    """Parent staff and viewers: the latest year whose results can be compared."""
    readers = cluster_access.unit_ids(user) | cluster_access.viewer_unit_ids(user)
    latest = (
        Period.objects.filter(cluster_year__cluster__parent_id__in=readers)
        .values("cluster_year__cluster__parent_id", "cluster_year__cluster__parent__short_name")
        .annotate(year=Max("cluster_year__year"))
        .order_by("cluster_year__cluster__parent__short_name")[:5]
    )
    return [
        Task(
            title=_("Compare the clusters of %(parent)s (%(year)s)")
            % {"parent": row["cluster_year__cluster__parent__short_name"], "year": row["year"]},
            url=reverse("results:comparison", args=[row["cluster_year__cluster__parent_id"]])
            + f"?year={row['year']}",
            detail=_("Each unit's total as a share of the maximum, cluster averages, leaders."),
        )
        for row in latest
    ]


STEPS = {Period.Kind.MID_YEAR: "midyear", Period.Kind.YEAR_END: "year_end"}


@timeline.register
def results_progress(cluster_year):
    """The reviews' steps: open (with submissions so far), locked; the ranking when locked."""
    periods = list(
        Period.objects.filter(cluster_year_id=cluster_year.pk).annotate(
            sheets=Count("assessments"),
            submitted=Count(
                "assessments",
                filter=Q(
                    assessments__status__in=[
                        Assessment.Status.SUBMITTED,
                        Assessment.Status.ACCEPTED,
                    ]
                ),
            ),
            accepted=Count("assessments", filter=Q(assessments__status=Assessment.Status.ACCEPTED)),
        )
    )
    steps = {}
    for period in periods:
        url = reverse("results:period", args=[period.pk])
        detail = _("%(submitted)s of %(sheets)s sheets submitted") % {
            "submitted": period.submitted,
            "sheets": period.sheets,
        }
        state = timeline.DONE if period.is_locked else timeline.CURRENT
        steps[STEPS[period.kind]] = timeline.Progress(state=state, detail=detail, url=url)
        if period.kind == Period.Kind.YEAR_END:
            steps["score_review"] = timeline.Progress(
                state=timeline.DONE if period.is_locked else timeline.CURRENT,
                detail=_("%(accepted)s of %(sheets)s sheets accepted")
                % {"accepted": period.accepted, "sheets": period.sheets},
                url=url,
            )
            if period.is_locked:
                steps["ranking"] = timeline.Progress(
                    detail=_("Ranking recorded on %(date)s")
                    % {"date": period.locked_at.strftime("%d/%m/%Y")},
                    url=url,
                )
    overview = reverse("results:cluster_year_results", args=[cluster_year.pk])
    for key in STEPS.values():
        steps.setdefault(key, timeline.Progress(url=overview))
    return steps


@register_column(gettext_lazy("Year-end results"), order=40)
def results_column(cluster_years):
    """Sheets submitted and accepted of the year-end review, the ranking's lock, lateness."""
    periods = {
        p.cluster_year_id: p
        for p in Period.objects.filter(
            cluster_year__in=cluster_years, kind=Period.Kind.YEAR_END
        ).annotate(
            total=Count("assessments"),
            sent=Count(
                "assessments",
                filter=Q(
                    assessments__status__in=[
                        Assessment.Status.SUBMITTED,
                        Assessment.Status.ACCEPTED,
                    ]
                ),
            ),
            accepted=Count("assessments", filter=Q(assessments__status=Assessment.Status.ACCEPTED)),
        )
    }
    cells = {}
    for pk, period in periods.items():
        if period.is_locked:
            text = _("Ranking locked")
        else:
            text = _("%(sent)s of %(total)s submitted, %(accepted)s accepted") % {
                "sent": period.sent,
                "total": period.total,
                "accepted": period.accepted,
            }
        cells[pk] = Cell(
            text=text,
            url=reverse("results:period", args=[period.pk]),
            done=period.is_locked,
            late=not period.is_locked and period.deadline_passed and period.sent < period.total,
        )
    return cells
