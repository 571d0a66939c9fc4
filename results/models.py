from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Criterion
from clusters.models import YEAR_MAX, YEAR_MIN, ClusterYear, Unit
from core.text import fold, vn_number
from core.uploads import EVIDENCE, GeneratedName, UploadValidator
from core.versioning import Versioned

# --- results -------------------------------------------------------------------------------
#
# Periods (mid-year and year-end reviews), each unit's self-assessment with its scores and
# evidence, the review, the immutable ranking snapshot taken when results are locked, the
# rules that rank and rate (data per parent body and year) and the good practices units share.


class TieBreak(models.TextChoices):
    """Keys a ranking can be ordered by, in the order the parent body chose."""

    TOTAL = "total", _("Total points (higher first)")
    NORMAL = "normal", _("Points of the normal criteria (higher first)")
    BONUS = "bonus", _("Bonus points (higher first)")
    FEWER_PENALTY = "fewer_penalty", _("Penalty points (fewer first)")


DEFAULT_TIE_BREAK = [TieBreak.TOTAL.value, TieBreak.BONUS.value, TieBreak.FEWER_PENALTY.value]

# The usual ratings (xếp loại), as percentages of the maximum; parent bodies change them.
DEFAULT_THRESHOLDS = [
    ("Hoàn thành xuất sắc nhiệm vụ", Decimal("90")),
    ("Hoàn thành tốt nhiệm vụ", Decimal("70")),
    ("Hoàn thành nhiệm vụ", Decimal("50")),
    ("Không hoàn thành nhiệm vụ", Decimal("0")),
]
DEFAULT_EVIDENCE_MAX_MB = 10


def default_tie_break():
    return list(DEFAULT_TIE_BREAK)


class ResultRules(Versioned):
    """How one parent body ranks and rates its clusters' results in one year."""

    parent = models.ForeignKey(
        Unit, verbose_name=_("parent body"), on_delete=models.PROTECT, related_name="result_rules"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    tie_break = models.JSONField(
        _("ranking order"),
        default=default_tie_break,
        help_text=_("Keys compared in order when ranking: total, normal, bonus, fewer_penalty."),
    )
    evidence_max_mb = models.PositiveSmallIntegerField(
        _("largest evidence file (MB)"), default=DEFAULT_EVIDENCE_MAX_MB
    )

    class Meta:
        verbose_name = _("result rules")
        verbose_name_plural = _("result rules")
        ordering = ["-year", "parent__name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "year"], name="result_rules_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX),
                name="result_rules_year_range",
                violation_error_message=_("The year is out of range."),
            ),
            models.CheckConstraint(
                condition=Q(evidence_max_mb__gte=1) & Q(evidence_max_mb__lte=100),
                name="result_rules_evidence_size",
                violation_error_message=_("The evidence size limit must be 1–100 MB."),
            ),
        ]

    def __str__(self):
        return f"{self.parent.short_name} {self.year}"


class RatingThreshold(models.Model):
    """A rating (xếp loại) given from a share of the maximum points upwards."""

    rules = models.ForeignKey(
        ResultRules, verbose_name=_("rules"), on_delete=models.CASCADE, related_name="thresholds"
    )
    order = models.PositiveSmallIntegerField(_("order"), help_text=_("0 is the best rating."))
    label = models.CharField(_("rating"), max_length=100)
    min_percent = models.DecimalField(_("from (% of the maximum)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("rating threshold")
        verbose_name_plural = _("rating thresholds")
        ordering = ["rules", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rules", "order"], name="rating_threshold_order"),
            models.UniqueConstraint(fields=["rules", "label"], name="rating_threshold_label"),
            models.CheckConstraint(
                condition=Q(min_percent__gte=0) & Q(min_percent__lte=100),
                name="rating_threshold_percent",
                violation_error_message=_("A threshold is a percentage from 0 to 100."),
            ),
        ]

    def __str__(self):
        return f"{self.label} ≥ {vn_number(self.min_percent)}%"


class Period(Versioned):
    """A review of one cluster year: mid-year (provisional) or year-end (binding)."""

    class Kind(models.TextChoices):
        MID_YEAR = "mid_year", _("Mid-year review (sơ kết)")
        YEAR_END = "year_end", _("Year-end review (tổng kết)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        LOCKED = "locked", _("Locked")

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.PROTECT,
        related_name="result_periods",
    )
    kind = models.CharField(_("review"), max_length=10, choices=Kind)
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateTimeField(_("deadline for self-assessments"))
    review_deadline = models.DateTimeField(
        _("deadline for reviewing the sheets"), null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    cross_checking = models.BooleanField(
        _("cross-checking"),
        default=False,
        help_text=_("An assigned peer unit reviews each sheet too (chấm chéo)."),
    )
    note = models.TextField(_("message to the members"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("review period")
        verbose_name_plural = _("review periods")
        ordering = ["-cluster_year__year", "cluster_year__cluster__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "kind"],
                name="period_unique_kind",
                violation_error_message=_("This review is already open for the cluster year."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.cluster_year}"

    @property
    def is_binding(self):
        return self.kind == self.Kind.YEAR_END

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def is_locked(self):
        return self.status == self.Status.LOCKED

    @property
    def deadline_passed(self):
        return timezone.now() > self.deadline

    @property
    def review_late(self):
        return (
            self.is_open
            and self.review_deadline is not None
            and (timezone.now() > self.review_deadline)
        )


class Assessment(Versioned):
    """One unit's self-assessment sheet (tự chấm điểm) for one review period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, under review")
        RETURNED = "returned", _("Returned for corrections")
        ACCEPTED = "accepted", _("Accepted")

    period = models.ForeignKey(
        Period,
        verbose_name=_("review period"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assessments"
    )
    unit_name = models.CharField(_("unit name as it was"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    peer_reviewer = models.ForeignKey(
        Unit,
        verbose_name=_("peer reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="peer_reviews",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_comment = models.TextField(_("comments of the reviewer"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["period", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="assessment_unit_once"),
            models.CheckConstraint(
                condition=Q(peer_reviewer__isnull=True) | ~Q(peer_reviewer=models.F("unit")),
                name="assessment_peer_not_self",
                violation_error_message=_("A unit cannot cross-check its own sheet."),
            ),
        ]

    def __str__(self):
        return f"{self.unit_name} — {self.period}"

    @property
    def is_editable(self):
        """May the unit still change its sheet (a draft, or returned, while the period is open)?"""
        return self.period.is_open and self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_under_review(self):
        return self.period.is_open and self.status == self.Status.SUBMITTED


class Score(models.Model):
    """A unit's value, self-score and the reviewer's score on one criterion.

    Scores carry the sign of their kind: penalties are negative (down to minus their cap),
    as agreements.scoring.suggest gives them.
    """

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    achieved = models.DecimalField(
        _("achieved value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    achieved_text = models.TextField(_("achieved (text)"), blank=True)
    occurrences = models.PositiveIntegerField(_("occurrences"), null=True, blank=True)
    self_score = models.DecimalField(
        _("self-score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    explanation = models.TextField(_("explanation"), blank=True)
    links = models.TextField(_("evidence links"), blank=True, help_text=_("One address per line."))
    reviewed_score = models.DecimalField(
        _("score after review"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    review_reason = models.TextField(_("reason for the adjustment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assessment", "criterion__section__order", "criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_once"),
        ]

    def __str__(self):
        return f"{self.assessment.unit_name}: {self.criterion.code}"

    @property
    def final_score(self):
        """The score that counts: the reviewer's when adjusted, else the unit's own."""
        if self.reviewed_score is not None:
            return self.reviewed_score
        return self.self_score if self.self_score is not None else Decimal("0")

    @property
    def is_adjusted(self):
        return self.reviewed_score is not None

    @property
    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class Evidence(models.Model):
    """A file proving a score (PDF, images, office documents), served only after a check."""

    score = models.ForeignKey(
        Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("file"), upload_to=GeneratedName("evidence"), validators=[UploadValidator(EVIDENCE)]
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["score", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("A ranking snapshot never changes.")

    def delete(self):
        raise TypeError("A ranking snapshot never changes.")


class Immutable(models.Model):
    """Rows written once: saving an existing row or deleting one raises."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("A ranking snapshot never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A ranking snapshot never changes.")


class RankingSnapshot(Immutable):
    """The ranking taken when a period's results were locked: totals, ranks, ratings, rules."""

    period = models.OneToOneField(
        Period, verbose_name=_("review period"), on_delete=models.PROTECT, related_name="ranking"
    )
    binding = models.BooleanField(_("binding"), default=True)
    max_points = models.DecimalField(_("maximum points"), max_digits=8, decimal_places=2)
    tie_break = models.JSONField(_("ranking order used"))
    thresholds = models.JSONField(_("rating thresholds used"))
    sections = models.JSONField(_("sections as they were"))
    content_hash = models.CharField(_("SHA-256 of the ranking"), max_length=64)
    created_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ranking snapshot")
        verbose_name_plural = _("ranking snapshots")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.period} — {self.created_at:%d/%m/%Y}"


class RankingEntry(Immutable):
    """One unit's line of a ranking snapshot."""

    snapshot = models.ForeignKey(
        RankingSnapshot,
        verbose_name=_("snapshot"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("unit name as it was"), max_length=255)
    rank = models.PositiveSmallIntegerField(_("rank"))
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2)
    normal = models.DecimalField(_("normal criteria"), max_digits=8, decimal_places=2)
    bonus = models.DecimalField(_("bonus points"), max_digits=8, decimal_places=2)
    penalty = models.DecimalField(_("penalty points deducted"), max_digits=8, decimal_places=2)
    percent = models.DecimalField(_("share of the maximum (%)"), max_digits=6, decimal_places=2)
    rating = models.CharField(_("rating"), max_length=100)
    section_totals = models.JSONField(_("points per section"))
    decided_by = models.CharField(_("tie broken by"), max_length=20, choices=TieBreak, blank=True)

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        ordering = ["snapshot", "rank", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit"], name="ranking_entry_unit_once"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.unit_name} ({vn_number(self.total)})"


class GoodPractice(Versioned):
    """A model or good practice (mô hình, cách làm hay) a unit shares with the others."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.PROTECT,
        related_name="good_practices",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="good_practices"
    )
    unit_name = models.CharField(_("unit name as it was"), max_length=255)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    results = models.TextField(_("results"), blank=True)
    criteria = models.ManyToManyField(
        Criterion, verbose_name=_("criteria it served"), blank=True, related_name="+"
    )
    bonus_claims = models.ManyToManyField(
        Score, verbose_name=_("bonus points claimed"), blank=True, related_name="good_practices"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    featured = models.BooleanField(_("featured by the cluster head"), default=False)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-featured", "-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year"],
                condition=Q(featured=True),
                name="good_practice_one_featured",
                violation_error_message=_("The cluster already features a good practice."),
            ),
            models.CheckConstraint(
                condition=Q(featured=False) | Q(status="published"),
                name="good_practice_featured_published",
                violation_error_message=_("Only a published practice can be featured."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = self.folded_text()
        super().save(*args, **kwargs)

    def folded_text(self):
        return fold(f"{self.title} {self.description} {self.results} {self.unit_name}")

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class PracticeFile(models.Model):
    """A file attached to a good practice."""

    practice = models.ForeignKey(
        GoodPractice,
        verbose_name=_("good practice"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(
        _("file"), upload_to=GeneratedName("practices"), validators=[UploadValidator(EVIDENCE)]
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("practice file")
        verbose_name_plural = _("practice files")
        ordering = ["practice", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
