"""The signing's e-mails, sent after the commit (never inside the transaction)."""

from django.conf import settings
from django.urls import reverse

from agreements.models import Agreement
from agreements.signing.models import Decline, PaperSigning
from agreements.signing.selectors import unit_signatory
from clusters.models import Position
from core.mail import send_each


def _link(path):
    return f"{settings.SITE_URL}{path}"


def send_reminders(agreement_pk, recipients):
    agreement = Agreement.objects.select_related("cluster_year__cluster").get(pk=agreement_pk)
    context = {
        "agreement": agreement,
        "link": _link(reverse("agreements:sign", args=[agreement.pk])),
    }
    return send_each(recipients, "agreements/signing/email/reminder", context)


def head_addresses(agreement):
    head = agreement.cluster_year.head
    if head is None:
        return []
    positions = Position.objects.current().filter(unit=head).select_related("person__user")
    return [recipient for p in positions for recipient in p.person.recipients]


def notify_decline(decline_pk):
    decline = Decline.objects.select_related("agreement__cluster_year__cluster", "unit").get(
        pk=decline_pk
    )
    agreement = decline.agreement
    context = {
        "agreement": agreement,
        "decline": decline,
        "link": _link(reverse("agreements:signing", args=[agreement.pk])),
    }
    return send_each(head_addresses(agreement), "agreements/signing/email/declined", context)


def notify_paper_recorded(paper_pks):
    papers = list(
        PaperSigning.objects.filter(pk__in=paper_pks).select_related(
            "agreement__cluster_year__cluster", "unit"
        )
    )
    sent = 0
    for paper in papers:
        position = unit_signatory(paper.unit)
        if position is None:
            continue
        context = {
            "agreement": paper.agreement,
            "paper": paper,
            "link": _link(reverse("agreements:signing", args=[paper.agreement_id])),
        }
        template = "agreements/signing/email/paper_recorded"
        sent += send_each(position.person.recipients, template, context)
    return sent
