"""The agreements' events in a user's calendar: signing conferences, comment and signing dates."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Agreement, Conference
from clusters import access
from core.calendar import Event, register

CONFERENCE_HOURS = 2


def calendar_cluster_years(user):
    """The cluster years a user's calendar covers: those they may read."""
    return access.visible_cluster_years(user)


@register
def agreement_events(user):
    years = calendar_cluster_years(user)
    conferences = Conference.objects.filter(
        agreement__cluster_year__in=years, agreement__kind=Agreement.Kind.AGREEMENT
    ).select_related("agreement__cluster_year__cluster")
    for conference in conferences:
        cluster_year = conference.agreement.cluster_year
        yield Event(
            uid=f"agreement.conference:{conference.pk}",
            title=_("Signing conference — %(cluster_year)s") % {"cluster_year": cluster_year},
            start=conference.starts_at,
            duration=datetime.timedelta(hours=CONFERENCE_HOURS),
            link=conference.agreement.get_absolute_url(),
        )
    agreements = Agreement.objects.filter(
        cluster_year__in=years, kind=Agreement.Kind.AGREEMENT
    ).select_related("cluster_year__cluster")
    for agreement in agreements:
        cluster = agreement.cluster_year.cluster.name
        if agreement.consultation_deadline:
            yield Event(
                uid=f"agreement.consultation:{agreement.pk}",
                title=_("Comments due: %(title)s (%(cluster)s)")
                % {"title": agreement.title, "cluster": cluster},
                start=agreement.consultation_deadline,
                link=agreement.get_absolute_url(),
            )
        if agreement.signing_deadline:
            yield Event(
                uid=f"agreement.signing:{agreement.pk}",
                title=_("Signatures due: %(title)s (%(cluster)s)")
                % {"title": agreement.title, "cluster": cluster},
                start=agreement.signing_deadline,
                link=reverse("agreements:signing", args=[agreement.pk]),
            )
