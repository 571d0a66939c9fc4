"""The reviews' dates in a user's calendar: self-assessments and the head's review."""

from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.calendar import calendar_cluster_years
from core.calendar import Event, register
from results.models import Period


@register
def review_events(user):
    periods = Period.objects.filter(cluster_year__in=calendar_cluster_years(user)).select_related(
        "cluster_year__cluster"
    )
    for period in periods:
        names = {"review": period.get_kind_display(), "cluster_year": period.cluster_year}
        link = reverse("results:period", args=[period.pk])
        yield Event(
            uid=f"results.self_assessment:{period.pk}",
            title=_("Self-assessments due — %(review)s, %(cluster_year)s") % names,
            start=period.deadline,
            link=link,
        )
        if period.review_deadline:
            yield Event(
                uid=f"results.review:{period.pk}",
                title=_("Review due — %(review)s, %(cluster_year)s") % names,
                start=period.review_deadline,
                link=link,
            )
