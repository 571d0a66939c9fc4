"""E-mails about reviews; called after the transaction commits, never inside it."""

from django.conf import settings
from django.urls import reverse

from agreements.notifications import member_addresses
from clusters.models import Position
from core.mail import send_each
from results.models import Assessment, Period


def _unit_addresses(unit):
    """The unit's own address and those of the people who work for it."""
    addresses = [unit.email]
    for position in Position.objects.current().filter(unit=unit).select_related("person__user"):
        addresses += position.person.recipients
    return addresses


def period_opened(period_pk):
    """Announce a review to every member unit, with its deadline."""
    period = Period.objects.select_related("cluster_year__cluster", "agreement").get(pk=period_pk)
    units = [m.unit for m in period.cluster_year.memberships.select_related("unit") if m.is_active]
    recipients = member_addresses(period.cluster_year) + [u.email for u in units]
    context = {
        "period": period,
        "link": f"{settings.SITE_URL}{reverse('results:period', args=[period.pk])}",
        "is_demo": period.agreement.is_demo,
    }
    return send_each(recipients, "results/email/period_opened", context)


def assessment_returned(assessment_pk):
    """Tell the unit its sheet came back, with the reviewer's comments."""
    assessment = Assessment.objects.select_related(
        "period__cluster_year__cluster", "period__agreement", "unit"
    ).get(pk=assessment_pk)
    context = {
        "assessment": assessment,
        "period": assessment.period,
        "link": f"{settings.SITE_URL}{reverse('results:assessment', args=[assessment.pk])}",
        "is_demo": assessment.period.agreement.is_demo,
    }
    return send_each(_unit_addresses(assessment.unit), "results/email/assessment_returned", context)
