"""Who may sign, decline, remind, record paper signings, close the signing, retry the seal.

Built on agreements.access: outsiders get 404, members without the right get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from agreements import access
from agreements.signing.models import PaperSigning, Signature
from agreements.signing.selectors import (
    OPEN_FOR_SIGNING,
    digitally_begun_unit_ids,
    required_units,
    signer_position,
)
from clusters import access as cluster_access


def signable_units(user, agreement, rows=None):
    """Member units the user may sign for simply now: signatory, active member, not yet signed,
    and not signing digitally (a digital agreement, or a unit that began in mixed mode).

    `rows`: the agreement's `signing_rows`, when the caller has them (their live signatures
    are then not read again)."""
    if (
        not user.is_authenticated
        or agreement.is_template
        or agreement.status not in (OPEN_FOR_SIGNING)
        or agreement.signing_mode == agreement.SigningMode.DIGITAL
    ):
        return []
    mine = cluster_access.signer_unit_ids(user)
    required = [u for u in required_units(agreement) if u["unit_id"] in mine]
    if not required:
        return []
    ids = [u["unit_id"] for u in required]
    if rows is None:
        signed = set(
            Signature.objects.filter(agreement=agreement, unit_id__in=ids, void=False).values_list(
                "unit_id", flat=True
            )
        )
    else:  # an open agreement's rows hold its live (not void) signatures
        signed = {r.unit_id for r in rows if r.has_signed and not r.signature.void}
    # A unit that began signing digitally (mixed mode) has a revision of the file; there is no
    # file, hence no revision, in simple mode (the mode cannot change once signing began).
    if agreement.signing_mode != agreement.SigningMode.SIMPLE:
        signed |= digitally_begun_unit_ids(agreement, ids)
    # The members (active ones: not ended) as read with the agreement's cluster year.
    units = {
        m.unit_id: m.unit
        for m in agreement.cluster_year.memberships.all()
        if m.ended_on is None and m.unit_id not in signed
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


def get_paper_signing_to_contest(user, pk):
    """For that unit's signatory only: 403 to other readers."""
    paper = get_paper_signing(user, pk)
    if signer_position(user, paper.unit) is None:
        raise PermissionDenied
    return paper


def get_paper_signing_to_resolve(user, pk):
    """For the parent body's staff only: 403 to other readers."""
    paper = get_paper_signing(user, pk)
    if not cluster_access.is_parent_staff(user, paper.agreement.cluster_year.cluster.parent):
        raise PermissionDenied
    return paper


def can_confirm_paper(user, paper):
    """That unit's signatory, or parent staff of the cluster's parent body."""
    agreement = paper.agreement
    if cluster_access.is_parent_staff(user, agreement.cluster_year.cluster.parent):
        return True
    return signer_position(user, paper.unit) is not None


def can_retry_seal(user, agreement):
    if not agreement.cluster_year_id:
        return False
    return cluster_access.is_head_officer(
        user, agreement.cluster_year
    ) or cluster_access.is_parent_staff(user, agreement.cluster_year.cluster.parent)
