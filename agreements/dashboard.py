"""What agreements contributes to the "Việc cần làm" dashboard."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Agreement, Comment
from clusters import access, timeline
from clusters.models import Membership
from core.dashboard import Task, register


def _head_years(units):
    return Membership.objects.filter(
        unit_id__in=units, role=Membership.Role.HEAD, ended_on__isnull=True
    ).values("cluster_year_id")


@register
def agreement_tasks(user):
    """Members: drafts circulated for comment. The head's people: comments and adoption."""
    units = access.unit_ids(user) if user.is_authenticated else set()
    if not units:
        return []
    head_years = _head_years(units)
    circulated = (
        Agreement.objects.filter(
            kind=Agreement.Kind.AGREEMENT,
            status=Agreement.Status.CIRCULATED,
            cluster_year__memberships__unit_id__in=units,
            cluster_year__memberships__ended_on__isnull=True,
        )
        .select_related("cluster_year__cluster")
        .distinct()
    )
    tasks = []
    for agreement in circulated.exclude(cluster_year_id__in=head_years):
        tasks.append(
            Task(
                title=_("Comment on the circulated draft: %(title)s") % {"title": agreement.title},
                url=reverse("agreements:detail", args=[agreement.pk]) + "#comments",
                detail=str(agreement.cluster_year),
                due=agreement.consultation_deadline,
                kind="action",
            )
        )
    mine = circulated.filter(cluster_year_id__in=head_years).annotate(
        open_comments=Count("comments", filter=Q(comments__status=Comment.Status.OPEN))
    )
    for agreement in mine:
        url = reverse("agreements:detail", args=[agreement.pk])
        if agreement.open_comments:
            tasks.append(
                Task(
                    title=_("Answer %(count)s open comment(s) on %(title)s")
                    % {"count": agreement.open_comments, "title": agreement.title},
                    url=url + "#comments",
                    detail=str(agreement.cluster_year),
                    kind="action",
                )
            )
        tasks.append(
            Task(
                title=_("Record the adoption of %(title)s at the signing conference")
                % {"title": agreement.title},
                url=reverse("agreements:adopt", args=[agreement.pk]),
                detail=str(agreement.cluster_year),
                kind="info",
            )
        )
    return tasks


@timeline.register
def signing_progress(cluster_year):
    """The signing conference step: the agreement in force (or the draft) and how far it is."""
    agreement = (
        Agreement.objects.filter(cluster_year_id=cluster_year.pk, kind=Agreement.Kind.AGREEMENT)
        .exclude(status=Agreement.Status.SUPERSEDED)
        .order_by("-created_at")
        .first()
    )
    if agreement is None:
        return {
            "signing": timeline.Progress(
                detail=_("No agreement drafted yet."),
                url=reverse("agreements:cluster_year_agreements", args=[cluster_year.pk]),
            )
        }
    done = agreement.status in (Agreement.Status.SIGNED, Agreement.Status.SEALED)
    return {
        "signing": timeline.Progress(
            state=timeline.DONE if done else timeline.CURRENT,
            detail=f"{agreement.title} — {agreement.get_status_display()}",
            url=reverse("agreements:detail", args=[agreement.pk]),
        )
    }
