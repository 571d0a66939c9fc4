"""What agreements contributes to the "Việc cần làm" dashboard."""

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import Agreement, Comment
from agreements.signing.models import Seal, Signature
from agreements.signing.selectors import OPEN_FOR_SIGNING
from clusters import access, timeline
from clusters.dashboard import years_of
from clusters.models import Membership
from core.compiled import compiled
from core.dashboard import Cell, Task, count_of, register, register_column
from core.expressions import AmongValues, Constant, ListOf
from core.links import link


def agreements_for_tasks(user, shared):
    """The agreements the user's tasks are about, read once for agreements' and signing's
    tasks: drafts circulated in the years of the user's units, agreements open for signing in
    the years of the units they sign for, and those whose sealing failed that the user must
    retry (the head's people, parent staff). Each says which of the three it is."""
    return shared.get("agreements.for_tasks", lambda: _read_agreements(user, shared))


def _read_agreements(user, shared):
    member_years = years_of(user, shared)
    signer_years = years_of(user, shared, units=access.signer_unit_ids(user))
    parents = access.staff_parent_ids(user)
    head_years = years_of(user, shared, Membership.Role.HEAD)
    if not user.is_superuser and not member_years and not parents:
        return []
    rows = _agreements_for_tasks(
        roles=access.Roles(user),
        member_years=member_years,
        signer_years=signer_years,
        head_years=head_years,
    )
    # Which of the three each is, told from its fields (not compiled a second time).
    for row in rows:
        ours = row.kind == Agreement.Kind.AGREEMENT
        row.is_circulated = (
            ours
            and row.status == Agreement.Status.CIRCULATED
            and row.cluster_year_id in member_years
        )
        row.is_to_sign = (
            ours and row.status in OPEN_FOR_SIGNING and row.cluster_year_id in signer_years
        )
        row.seal_failed = row.seal_status == Seal.Status.FAILED
    return rows


@compiled
def _agreements_for_tasks(roles, member_years, signer_years, head_years):
    # Failed sealings read once: with `IN (subquery)` the OR scanned every agreement; their
    # status written into the SQL, so that their partial index is read (core.expressions.Constant).
    failed_seals = Seal.objects.filter(status=Constant(Seal.Status.FAILED)).values("agreement_id")
    failed = Q(AmongValues("pk", failed_seals))
    if not roles.is_superuser:
        # Lists and subqueries that PostgreSQL reads by index, not joins in the OR.
        failed &= Q(cluster_year_id__in=head_years) | Q(
            cluster_year_id__in=access.staff_cluster_years(roles)
        )
    agreement = Q(kind=Agreement.Kind.AGREEMENT)
    circulated = agreement & Q(status=Agreement.Status.CIRCULATED, cluster_year_id__in=member_years)
    to_sign = agreement & Q(status__in=OPEN_FOR_SIGNING, cluster_year_id__in=signer_years)
    return (
        Agreement.objects.filter(circulated | to_sign | failed)
        .annotate(
            seal_status=F("seal__status"),
            open_comments=count_of(
                Comment.objects.filter(agreement=OuterRef("pk"), status=Comment.Status.OPEN)
            ),
            signed_units=ListOf(
                Signature.objects.filter(
                    agreement=OuterRef("pk"),
                    unit_id__in=access.signer_unit_ids(roles),
                    void=False,
                )
                .order_by()
                .values("unit_id")
            ),
        )
        .select_related("cluster_year__cluster")
    )


@register
def agreement_tasks(user, shared):
    """Members: drafts circulated for comment. The head's people: comments and adoption."""
    circulated = [a for a in agreements_for_tasks(user, shared) if a.is_circulated]
    if not circulated:
        return []
    head_years = years_of(user, shared, Membership.Role.HEAD)
    tasks = []
    for agreement in circulated:
        if agreement.cluster_year_id in head_years:
            continue
        tasks.append(
            Task(
                title=_("Comment on the circulated draft: %(title)s") % {"title": agreement.title},
                url=link("agreements:detail", agreement.pk) + "#comments",
                detail=str(agreement.cluster_year),
                due=agreement.consultation_deadline,
                kind="action",
            )
        )
    for agreement in circulated:
        if agreement.cluster_year_id not in head_years:
            continue
        url = link("agreements:detail", agreement.pk)
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
                url=link("agreements:adopt", agreement.pk),
                detail=str(agreement.cluster_year),
                kind="info",
            )
        )
    return tasks


@timeline.register_read
def _timeline_read(prefix):
    """The current agreement of the year (the latest not superseded): pk, title and status."""
    current = (
        Agreement.objects.filter(
            cluster_year_id=OuterRef(f"{prefix}pk"), kind=Agreement.Kind.AGREEMENT
        )
        .exclude(status=Agreement.Status.SUPERSEDED)
        .order_by("-created_at", "-pk")
    )
    return {
        "agreements_timeline": Subquery(
            current.values(row=JSONObject(pk="pk", title="title", status="status"))[:1]
        )
    }


@timeline.register
def signing_progress(cluster_year):
    """The signing conference step: the agreement in force (or the draft) and how far it is
    (read with the year: `_timeline_read`)."""
    agreement = cluster_year.agreements_timeline
    if agreement is None:
        return {
            "signing": timeline.Progress(
                detail=_("No agreement drafted yet."),
                url=reverse("agreements:cluster_year_agreements", args=[cluster_year.pk]),
            )
        }
    status = Agreement.Status(agreement["status"])
    done = status in (Agreement.Status.SIGNED, Agreement.Status.SEALED)
    return {
        "signing": timeline.Progress(
            state=timeline.DONE if done else timeline.CURRENT,
            detail=f"{agreement['title']} — {status.label}",
            url=reverse("agreements:detail", args=[agreement["pk"]]),
        )
    }


# Adopted, then being signed (from the first signature), signed by all, sealed.
ADOPTED_OR_LATER = (
    Agreement.Status.ADOPTED,
    Agreement.Status.SIGNING,
    Agreement.Status.SIGNED,
    Agreement.Status.SEALED,
)


def _board_annotations():
    """The current agreement of each year (the latest not superseded), its signatories and
    the year's active members."""
    current = (
        Agreement.objects.filter(cluster_year=OuterRef("pk"), kind=Agreement.Kind.AGREEMENT)
        .exclude(status=Agreement.Status.SUPERSEDED)
        .order_by("-created_at", "-pk")
    )
    return {
        "agreements_pk": Subquery(current.values("pk")[:1]),
        "agreements_status": Subquery(current.values("status")[:1]),
        "agreements_signed": count_of(
            Signature.objects.filter(agreement_id=OuterRef("agreements_pk")),
            "unit_id",
            distinct=True,
        ),
        "agreements_members": count_of(
            Membership.objects.filter(cluster_year=OuterRef("pk"), ended_on__isnull=True)
        ),
    }


@register_column(gettext_lazy("Agreement"), order=20, annotations=_board_annotations)
def agreement_column(cy):
    if cy.agreements_pk is None:
        if cy.status == cy.Status.PREPARING:
            return None
        return Cell(
            text=_("Not drafted"),
            url=link("agreements:cluster_year_agreements", cy.pk),
        )
    return Cell(
        text=Agreement.Status(cy.agreements_status).label,
        url=link("agreements:detail", cy.agreements_pk),
        done=cy.agreements_status in ADOPTED_OR_LATER,
    )


@register_column(gettext_lazy("Signatures"), order=30)
def signatures_column(cy):
    """x of n signed, for adopted agreements (the agreement column's annotations)."""
    if cy.agreements_pk is None or cy.agreements_status not in ADOPTED_OR_LATER:
        return None
    return Cell(
        text=_("%(signed)s of %(total)s")
        % {"signed": cy.agreements_signed, "total": cy.agreements_members},
        url=link("agreements:detail", cy.agreements_pk),
        done=cy.agreements_status in (Agreement.Status.SIGNED, Agreement.Status.SEALED),
    )
