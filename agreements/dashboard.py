"""What agreements contributes to the "Việc cần làm" dashboard."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import Agreement, Comment
from agreements.signing.models import Signature
from clusters import access, timeline
from clusters.models import Membership
from core.dashboard import Cell, Task, register, register_column


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


ADOPTED_OR_LATER = (Agreement.Status.ADOPTED, Agreement.Status.SIGNED, Agreement.Status.SEALED)


def _agreements(cluster_years):
    """The current agreement of each year (one query)."""
    current = {}
    for agreement in (
        Agreement.objects.filter(cluster_year__in=cluster_years, kind=Agreement.Kind.AGREEMENT)
        .exclude(status=Agreement.Status.SUPERSEDED)
        .order_by("created_at")
    ):
        current[agreement.cluster_year_id] = agreement
    return current


@register_column(gettext_lazy("Agreement"), order=20)
def agreement_column(cluster_years):
    cells = {}
    for pk, agreement in _agreements(cluster_years).items():
        cells[pk] = Cell(
            text=agreement.get_status_display(),
            url=reverse("agreements:detail", args=[agreement.pk]),
            done=agreement.status in ADOPTED_OR_LATER,
        )
    for cy in cluster_years:
        if cy.pk not in cells and cy.status != cy.Status.PREPARING:
            cells[cy.pk] = Cell(
                text=_("Not drafted"),
                url=reverse("agreements:cluster_year_agreements", args=[cy.pk]),
            )
    return cells


@register_column(gettext_lazy("Signatures"), order=30)
def signatures_column(cluster_years):
    """x of n signed, for adopted agreements (three queries)."""
    agreements = {
        pk: a for pk, a in _agreements(cluster_years).items() if a.status in ADOPTED_OR_LATER
    }
    signed = dict(
        Signature.objects.filter(agreement__in=agreements.values())
        .values("agreement")
        .annotate(n=Count("unit", distinct=True))
        .values_list("agreement", "n")
    )
    members = dict(
        Membership.objects.filter(cluster_year__in=agreements, ended_on__isnull=True)
        .values("cluster_year")
        .annotate(n=Count("pk"))
        .values_list("cluster_year", "n")
    )
    return {
        pk: Cell(
            text=_("%(signed)s of %(total)s")
            % {"signed": signed.get(agreement.pk, 0), "total": members.get(pk, 0)},
            url=reverse("agreements:detail", args=[agreement.pk]),
            done=agreement.status in (Agreement.Status.SIGNED, Agreement.Status.SEALED),
        )
        for pk, agreement in agreements.items()
    }
