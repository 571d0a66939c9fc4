"""Who may sign, decline, remind, record paper signings, close the signing, retry the seal.

Built on agreements.access: outsiders get 404, members without the right get 403.
Also contributes the signing requests to the "Việc cần làm" dashboard.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements import access
from agreements.models import Agreement
from agreements.signing import (
    OPEN_FOR_SIGNING,
    can_confirm_paper,
    can_retry_seal,
    required_units,
)
from agreements.signing_models import PaperSigning, Seal, Signature
from clusters import access as cluster_access
from clusters.models import Membership
from core.dashboard import Task, register


def signable_units(user, agreement):
    """Member units the user may sign for now: signatory, active member, not yet signed."""
    if (
        not user.is_authenticated
        or agreement.is_template
        or agreement.status not in (OPEN_FOR_SIGNING)
    ):
        return []
    mine = cluster_access.signer_unit_ids(user)
    required = [u for u in required_units(agreement) if u["unit_id"] in mine]
    if not required:
        return []
    ids = [u["unit_id"] for u in required]
    active = set(
        Membership.objects.filter(
            cluster_year_id=agreement.cluster_year_id, unit_id__in=ids, ended_on__isnull=True
        ).values_list("unit_id", flat=True)
    )
    signed = set(
        Signature.objects.filter(agreement=agreement, unit_id__in=ids, void=False).values_list(
            "unit_id", flat=True
        )
    )
    units = {
        m.unit_id: m.unit
        for m in agreement.cluster_year.memberships.all()
        if m.unit_id in active and m.unit_id not in signed
    }
    return [units[pk] for pk in ids if pk in units]


def can_run_signing(user, agreement):
    """The cluster head's people remind, record paper signings and answer refusals."""
    return access.can_run(user, agreement)


def can_close_signing(user, agreement):
    if agreement.is_template or not agreement.cluster_year_id:
        return False
    return cluster_access.is_parent_staff(user, agreement.cluster_year.cluster.parent)


def get_agreement_to_sign(user, pk):
    """The agreement for one of its signatories: 404 to outsiders, 403 to the others."""
    agreement = access.get_agreement(user, pk)
    if agreement.is_template or not any(
        u["unit_id"] in cluster_access.signer_unit_ids(user) for u in required_units(agreement)
    ):
        raise PermissionDenied
    return agreement


def get_agreement_to_run_signing(user, pk):
    agreement = access.get_agreement(user, pk)
    if not can_run_signing(user, agreement):
        raise PermissionDenied
    return agreement


def get_agreement_to_close(user, pk):
    agreement = access.get_agreement(user, pk)
    if not can_close_signing(user, agreement):
        raise PermissionDenied
    return agreement


def get_agreement_to_retry_seal(user, pk):
    agreement = access.get_agreement(user, pk)
    if not can_retry_seal(user, agreement):
        raise PermissionDenied
    return agreement


def get_paper_signing(user, pk):
    """A paper signing for anyone who may read its agreement (404 otherwise)."""
    try:
        paper = PaperSigning.objects.select_related("unit").get(pk=pk)
    except (PaperSigning.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    paper.agreement = access.get_agreement(user, paper.agreement_id)
    return paper


def get_paper_signing_to_confirm(user, pk):
    paper = get_paper_signing(user, pk)
    if not can_confirm_paper(user, paper):
        raise PermissionDenied
    return paper


def get_paper_signing_to_withdraw(user, pk):
    paper = get_paper_signing(user, pk)
    if not can_run_signing(user, paper.agreement):
        raise PermissionDenied
    return paper


# --- the dashboard -------------------------------------------------------------------------


@register
def signing_tasks(user):
    """Signatories: agreements to sign and paper signings to confirm; the seal's failures."""
    if not user.is_authenticated:
        return []
    tasks = []
    signer_units = cluster_access.signer_unit_ids(user)
    if signer_units:
        agreements = (
            Agreement.objects.filter(
                kind=Agreement.Kind.AGREEMENT,
                status__in=OPEN_FOR_SIGNING,
                cluster_year__memberships__unit_id__in=signer_units,
                cluster_year__memberships__ended_on__isnull=True,
            )
            .select_related("cluster_year__cluster")
            .distinct()[:20]
        )
        agreements = list(agreements)
        signed = set(
            Signature.objects.filter(
                agreement__in=agreements, unit_id__in=signer_units, void=False
            ).values_list("agreement_id", "unit_id")
        )
        for agreement in agreements:
            pending = [
                u
                for u in required_units(agreement)
                if u["unit_id"] in signer_units and (agreement.pk, u["unit_id"]) not in signed
            ]
            for unit in pending:
                tasks.append(
                    Task(
                        title=_("Sign the agreement: %(title)s") % {"title": agreement.title},
                        url=reverse("agreements:sign", args=[agreement.pk]),
                        detail=_("%(cluster)s — for %(unit)s")
                        % {"cluster": agreement.cluster_year, "unit": unit["short_name"]},
                        kind="action",
                    )
                )
        papers = PaperSigning.objects.filter(
            unit_id__in=signer_units,
            withdrawn=False,
            confirmed_at__isnull=True,
            agreement__status__in=OPEN_FOR_SIGNING,
        ).select_related("agreement")[:20]
        for paper in papers:
            tasks.append(
                Task(
                    title=_("Confirm the paper signing of %(unit)s") % {"unit": paper.unit_name},
                    url=reverse("agreements:signing", args=[paper.agreement_id]),
                    detail=paper.agreement.title,
                    kind="action",
                )
            )
    head_years = Membership.objects.filter(
        unit_id__in=cluster_access.unit_ids(user), role=Membership.Role.HEAD, ended_on__isnull=True
    ).values("cluster_year_id")
    failed = Seal.objects.filter(status=Seal.Status.FAILED).select_related("agreement")
    if not user.is_superuser:
        failed = failed.filter(
            Q(agreement__cluster_year_id__in=head_years)
            | Q(
                agreement__cluster_year__cluster__parent_id__in=cluster_access.staff_parent_ids(
                    user
                )
            )
        )
    for seal in failed[:20]:
        tasks.append(
            Task(
                title=_("Sealing failed: %(title)s") % {"title": seal.agreement.title},
                url=reverse("agreements:signing", args=[seal.agreement_id]),
                detail=_("Retry the sealing from the signing page."),
                kind="warning",
            )
        )
    return tasks
