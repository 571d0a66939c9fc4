"""The signing conference (Hội nghị ký giao ước) and its guests."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models.agreement import Agreement
from clusters.models import Unit
from core.uploads import PDF, GeneratedName, UploadValidator
from core.versioning import Versioned


class Conference(Versioned):
    """The signing conference (Hội nghị ký giao ước) where the agreement is adopted."""

    agreement = models.OneToOneField(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="conference"
    )
    starts_at = models.DateTimeField(_("date and time"))
    venue = models.CharField(_("venue"), max_length=300)
    hosts = models.ManyToManyField(Unit, verbose_name=_("host units"), related_name="+", blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(
        _("minutes (scan)"),
        upload_to=GeneratedName("conference-minutes"),
        validators=[UploadValidator(PDF)],
        blank=True,
    )

    class Meta:
        verbose_name = _("signing conference")
        verbose_name_plural = _("signing conferences")

    def __str__(self):
        return f"{self.agreement} — {self.starts_at:%d/%m/%Y}"

    @property
    def predates_plan(self):
        plan = self.agreement.cluster_year.plan if self.agreement.cluster_year_id else None
        return bool(plan and timezone.localtime(self.starts_at).date() < plan.date)


class Guest(models.Model):
    conference = models.ForeignKey(
        Conference, verbose_name=_("conference"), on_delete=models.CASCADE, related_name="guests"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["conference", "order", "pk"]

    def __str__(self):
        return self.name
