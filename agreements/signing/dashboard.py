"""The signing requests on the "Việc cần làm" dashboard: who must sign, what failed."""

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.dashboard import agreements_for_tasks
from agreements.signing.models import PaperSigning
from agreements.signing.selectors import OPEN_FOR_SIGNING, required_units
from clusters import access as cluster_access
from core.compiled import compiled
from core.dashboard import Task, register


@register
def signing_tasks(user, shared):
    """Signatories: agreements to sign and paper signings to confirm; the seal's failures."""
    if not user.is_authenticated:
        return []
    tasks = []
    signer_units = cluster_access.signer_unit_ids(user)
    agreements = agreements_for_tasks(user, shared)
    for agreement in [a for a in agreements if a.is_to_sign][:20]:
        signed = set(agreement.signed_units)
        for unit in required_units(agreement):
            if unit["unit_id"] not in signer_units or unit["unit_id"] in signed:
                continue
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
    tasks.extend(_paper_tasks(user))
    for agreement in [a for a in agreements if a.seal_failed][:20]:
        tasks.append(
            Task(
                title=_("Sealing failed: %(title)s") % {"title": agreement.title},
                url=reverse("agreements:signing", args=[agreement.pk]),
                detail=_("Retry the sealing from the signing page."),
                kind="warning",
            )
        )
    return tasks


def _paper_tasks(user):
    """Paper signings not yet confirmed, in one query: those recorded in the name of a unit
    the user signs for (to confirm or contest), then those of the parent bodies' clusters
    (parent staff: contested ones to resolve, others to confirm once the period is over)."""
    signer_units = cluster_access.signer_unit_ids(user)
    parents = cluster_access.staff_parent_ids(user)
    if not signer_units and not parents:
        return []
    papers = _papers_for_tasks(roles=cluster_access.Roles(user))
    for paper in papers:
        paper.for_unit = paper.unit_id in signer_units
        paper.for_staff = paper.parent_id in parents
    tasks = [_paper_task_for_the_unit(paper) for paper in papers if paper.for_unit][:20]
    return tasks + _paper_tasks_for_staff([paper for paper in papers if paper.for_staff][:20])


@compiled
def _papers_for_tasks(roles):
    of_unit = Q(unit_id__in=cluster_access.signer_unit_ids(roles))
    of_staff = Q(agreement__cluster_year_id__in=cluster_access.staff_cluster_years(roles))
    return (
        PaperSigning.objects.filter(
            of_unit | of_staff,
            withdrawn=False,
            confirmed_at__isnull=True,
            agreement__status__in=OPEN_FOR_SIGNING,
        )
        .exclude(recorded_by_id=roles.pk)
        .annotate(parent_id=F("agreement__cluster_year__cluster__parent_id"))
        .select_related("agreement", "recorded_by")
        .order_by("recorded_at", "pk")[:40]
    )


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


def _paper_tasks_for_staff(papers):
    """Parent staff: contested paper signings to resolve, and those they may now confirm."""
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
