"""The agreement, its sections and criteria, the members' comments and its revisions."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import ClusterYear, Unit
from core.versioning import Versioned

# Statuses in which an agreement is the one in force for its cluster year.
IN_FORCE = ("adopted", "signing", "signed", "sealed")
# Statuses in which its content may still change.
EDITABLE = ("draft", "circulated")


class Agreement(Versioned):
    """A cluster year's emulation agreement (giao ước thi đua), or a parent body's template."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement")
        TEMPLATE = "template", _("Template")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CIRCULATED = "circulated", _("Circulated for comment")
        ADOPTED = "adopted", _("Adopted")
        SIGNING = "signing", _("Being signed")
        SIGNED = "signed", _("Signed by all")
        SEALED = "sealed", _("Sealed")
        SUPERSEDED = "superseded", _("Superseded")

    # How it is signed is the cluster year's choice (ClusterYear.signing_mode).
    SigningMode = ClusterYear.SigningMode

    class Origin(models.TextChoices):
        BLANK = "blank", _("Blank")
        TEMPLATE = "template", _("The parent's template")
        PREVIOUS = "previous", _("Last year's agreement")
        AMENDMENT = "amendment", _("Amendment")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.AGREEMENT)
    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("cluster year"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    template_parent = models.ForeignKey(
        Unit,
        verbose_name=_("parent body (template)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_templates",
    )
    template_year = models.PositiveSmallIntegerField(_("year (template)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    origin = models.CharField(
        _("started from"), max_length=10, choices=Origin, default=Origin.BLANK
    )
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("One 'Căn cứ …' paragraph per line.")
    )
    closing = models.TextField(
        _("closing part"), blank=True, help_text=_("Closing clause and immediate tasks.")
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    # Frozen at adoption: the canonical content, its SHA-256 and the members as they were.
    canonical_content = models.TextField(_("canonical content"), blank=True, editable=False)
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    members_snapshot = models.JSONField(_("members at adoption"), default=list, blank=True)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adopted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    consultation_deadline = models.DateTimeField(_("deadline for comments"), null=True, blank=True)
    signing_deadline = models.DateTimeField(_("deadline for signing"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="agreement", cluster_year__isnull=False, template_parent__isnull=True)
                    | Q(
                        kind="template",
                        cluster_year__isnull=True,
                        template_parent__isnull=False,
                        template_year__isnull=False,
                    )
                ),
                name="agreement_kind_owner",
            ),
            models.UniqueConstraint(
                fields=["cluster_year"],
                condition=Q(status__in=IN_FORCE),
                name="agreement_one_in_force",
                violation_error_message=_("The cluster year already has an agreement in force."),
            ),
            models.UniqueConstraint(
                fields=["cluster_year"],
                condition=Q(status__in=EDITABLE, kind="agreement"),
                name="agreement_one_draft",
                violation_error_message=_("The cluster year already has a draft agreement."),
            ),
            models.UniqueConstraint(
                fields=["template_parent", "template_year"],
                condition=Q(kind="template"),
                name="agreement_one_template_per_year",
                violation_error_message=_("The parent body already has a template for this year."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_editable(self):
        return self.status in EDITABLE

    @property
    def is_in_force(self):
        return self.status in IN_FORCE

    @property
    def year(self):
        return self.cluster_year.year if self.cluster_year_id else self.template_year

    @property
    def is_template(self):
        return self.kind == self.Kind.TEMPLATE

    @property
    def signing_mode(self):
        """How it is signed: its cluster year's choice (a template is not signed: simple)."""
        if not self.cluster_year_id:
            return self.SigningMode.SIMPLE
        return self.cluster_year.signing_mode

    def get_signing_mode_display(self):
        return self.SigningMode(self.signing_mode).label

    @property
    def consultation_late(self):
        """Still circulated after the deadline for comments."""
        return _passed(self.consultation_deadline) and self.status == self.Status.CIRCULATED

    @property
    def signing_late(self):
        """Still open for signing after the deadline for signing."""
        return _passed(self.signing_deadline) and self.status in (
            self.Status.ADOPTED,
            self.Status.SIGNING,
        )

    @property
    def is_frozen(self):
        """Adopted (or later): the content never changes again."""
        return self.status not in EDITABLE

    def get_absolute_url(self):
        try:
            return reverse("agreements:detail", args=[self.pk])
        except NoReverseMatch:  # the pages are not wired (e.g. a bare domain test)
            return f"/agreements/{self.pk}/"


def _passed(deadline):
    return deadline is not None and timezone.now() > deadline


class Section(Versioned):
    """A numbered content section of an agreement (heading and text)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["agreement", "order", "pk"]

    def __str__(self):
        return f"{self.order}. {self.heading or self.text[:60]}"

    @property
    def max_points(self):
        """Sum of the normal criteria's maximum points (bonus and penalty kept apart)."""
        return sum(
            (c.max_points for c in self.criteria.all() if c.kind == Criterion.Kind.NORMAL),
            Decimal("0"),
        )


class Criterion(Versioned):
    """A quantified target (chỉ tiêu, tiêu chí) with its measure, points and scoring rule."""

    class Measure(models.TextChoices):
        NUMBER = "number", _("Number with a unit")
        PERCENT = "percent", _("Percentage")
        YES_NO = "yes_no", _("Yes / no")
        TEXT = "text", _("Free text")

    class Kind(models.TextChoices):
        NORMAL = "normal", _("Normal")
        BONUS = "bonus", _("Bonus points")
        PENALTY = "penalty", _("Penalty points")

    class Rule(models.TextChoices):
        PROPORTIONAL = "proportional", _("Proportional to the target, capped at the maximum")
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
        MANUAL = "manual", _("Entered by hand")
        PER_OCCURRENCE = "per_occurrence", _("Points per occurrence, capped")

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=20)
    text = models.TextField(_("criterion"))
    measure = models.CharField(_("measure"), max_length=10, choices=Measure, default=Measure.NUMBER)
    unit_label = models.CharField(_("unit of measure"), max_length=50, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.NORMAL)
    rule = models.CharField(
        _("scoring rule"), max_length=20, choices=Rule, default=Rule.PROPORTIONAL
    )
    points_per_occurrence = models.DecimalField(
        _("points per occurrence"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    cap = models.DecimalField(
        _("cap"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Most points a bonus can add or a penalty can deduct."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["section", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="criterion_points_not_negative",
                violation_error_message=_("Points cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=0),
                name="criterion_cap_not_negative",
                violation_error_message=_("The cap cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(points_per_occurrence__isnull=True) | Q(points_per_occurrence__gte=0),
                name="criterion_per_occurrence_not_negative",
                violation_error_message=_("Points per occurrence cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    @property
    def effective_cap(self):
        """The most points a bonus adds or a penalty deducts (its cap, else its maximum)."""
        return self.cap if self.cap is not None else self.max_points


class Comment(models.Model):
    """A member unit's comment on a circulated draft, on the whole or on one section."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        RESOLVED = "resolved", _("Resolved")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="comments"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    section_label = models.CharField(_("section as it was"), max_length=300, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="agreement_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_name = models.CharField(_("author name"), max_length=200)
    text = models.TextField(_("comment"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.unit.short_name}: {self.text[:60]}"


class Revision(models.Model):
    """One saved state of a draft: the canonical content after an edit."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    content = models.TextField(_("content"))
    summary = models.CharField(_("summary"), max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="revision_unique_number")
        ]

    def __str__(self):
        return f"{self.agreement} — #{self.number}"

    @property
    def data(self):
        return json.loads(self.content)


def content_sha256(canonical):
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
