"""The signing requests on the "Việc cần làm" dashboard: who must sign, what failed."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement
from agreements.signing.models import PaperSigning, Seal, Signature
from agreements.signing.selectors import OPEN_FOR_SIGNING, required_units
from clusters import access as cluster_access
from clusters.models import Membership
from core.dashboard import Task, register


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
                        due=agreement.signing_deadline,
                        kind="action",
                    )
                )
        papers = (
            PaperSigning.objects.filter(
                unit_id__in=signer_units,
                withdrawn=False,
                confirmed_at__isnull=True,
                agreement__status__in=OPEN_FOR_SIGNING,
            )
            .exclude(recorded_by=user)
            .select_related("agreement", "recorded_by")[:20]
        )
        for paper in papers:
            tasks.append(_paper_task_for_the_unit(paper))
    tasks.extend(_paper_tasks_for_staff(user))
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


def _who(user):
    return (user.get_full_name() or user.get_username()) if user else "—"


def _paper_task_for_the_unit(paper):
    """The unit's signatory sees a paper signing recorded in the unit's name: confirm or
    contest it (while the period runs)."""
    detail = _("%(title)s — recorded by %(who)s.") % {
        "title": paper.agreement.title,
        "who": _who(paper.recorded_by),
    }
    if paper.is_contested:
        detail += " " + _("You contested it; the parent body's staff will resolve it.")
    elif paper.in_contest_period():
        detail += " " + _("If the unit did not sign it, contest it before %(date)s.") % {
            "date": f"{timezone.localtime(paper.contest_until):%d/%m/%Y %H:%M}"
        }
    return Task(
        title=_("Confirm or contest the paper signing of %(unit)s") % {"unit": paper.unit_name},
        url=reverse("agreements:signing", args=[paper.agreement_id]),
        detail=detail,
        kind="warning" if paper.in_contest_period() and not paper.is_contested else "action",
    )


def _paper_tasks_for_staff(user):
    """Parent staff: contested paper signings to resolve, and those they may now confirm."""
    parents = cluster_access.staff_parent_ids(user)
    if not parents:
        return []
    papers = (
        PaperSigning.objects.filter(
            agreement__cluster_year__cluster__parent_id__in=parents,
            withdrawn=False,
            confirmed_at__isnull=True,
            agreement__status__in=OPEN_FOR_SIGNING,
        )
        .exclude(recorded_by=user)
        .select_related("agreement")
        .order_by("recorded_at", "pk")[:20]
    )
    tasks = []
    for paper in papers:
        if paper.is_contested:
            title = _("Resolve the contested paper signing of %(unit)s")
        elif not paper.in_contest_period():
            title = _("Confirm the paper signing of %(unit)s")
        else:
            continue
        tasks.append(
            Task(
                title=title % {"unit": paper.unit_name},
                url=reverse("agreements:signing", args=[paper.agreement_id]),
                detail=paper.agreement.title,
                kind="action",
            )
        )
    return tasks
