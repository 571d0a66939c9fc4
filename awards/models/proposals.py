"""The award catalogue, the proposal file (hồ sơ đề nghị khen thưởng) and the parent's decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from clusters.models import YEAR_MAX, YEAR_MIN, ClusterYear, IssuedNumber, Unit
from core.uploads import PDF, GeneratedName, UploadValidator
from core.versioning import Versioned

# Achievement reports may be PDF or Word/OpenDocument text.
REPORT_KINDS = {
    **PDF,
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


class AwardType(Versioned):
    """One entry of a parent body's award catalogue for a year, with its eligibility and quota."""

    class Form(models.TextChoices):
        FLAG = "flag", _("Emulation flag (Cờ thi đua)")
        MERIT = "merit", _("Certificate of merit (Bằng khen)")
        COMMENDATION = "commendation", _("Certificate of commendation (Giấy khen)")

    class Recipient(models.TextChoices):
        COLLECTIVE = "collective", _("Collectives (units)")
        INDIVIDUAL = "individual", _("Individuals")

    class Quota(models.TextChoices):
        NONE = "none", _("No quota")
        NUMBER = "number", _("A number per cluster")
        SHARE = "share", _("A share of the cluster's members (%)")

    class VotePurpose(models.TextChoices):
        NONE = "", _("No vote needed")
        LEADING = "leading", _("Elected leading unit")
        CERTIFICATES = "certificates", _("Elected for certificates")

    parent = models.ForeignKey(
        Unit, verbose_name=_("parent body"), on_delete=models.PROTECT, related_name="award_types"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    form = models.CharField(_("form"), max_length=20, choices=Form)
    name = models.CharField(
        _("name"),
        max_length=300,
        help_text=_("As printed, e.g. Cờ thi đua của Ủy ban MTTQ Việt Nam thành phố Hà Nội."),
    )
    issuer = models.CharField(_("issuing body"), max_length=300)
    recipient = models.CharField(
        _("for"), max_length=12, choices=Recipient, default=Recipient.COLLECTIVE
    )
    rank_one_only = models.BooleanField(_("only for the unit ranked first"), default=False)
    min_rating = models.CharField(
        _("lowest rating accepted"),
        max_length=100,
        blank=True,
        help_text=_("A rating of the year's result rules, e.g. Hoàn thành xuất sắc nhiệm vụ."),
    )
    vote_purpose = models.CharField(
        _("needs the vote"), max_length=20, choices=VotePurpose, blank=True, default=""
    )
    quota_kind = models.CharField(
        _("quota per cluster"), max_length=10, choices=Quota, default=Quota.NONE
    )
    quota_value = models.DecimalField(
        _("quota"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award catalogue")
        ordering = ["parent", "-year", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "year", "name"],
                name="award_type_unique_name",
                violation_error_message=_("The catalogue already has an award of this name."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX),
                name="award_type_year_range",
                violation_error_message=_("The year is out of range."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(quota_kind="none", quota_value__isnull=True)
                    | Q(
                        quota_kind="number",
                        quota_value__isnull=False,
                        quota_value__gte=1,
                        quota_value__lte=1000,
                    )
                    | Q(
                        quota_kind="share",
                        quota_value__isnull=False,
                        quota_value__gt=0,
                        quota_value__lte=100,
                    )
                ),
                name="award_type_quota_value",
                violation_error_message=_(
                    "A number quota is at least 1; a share is above 0 and at most 100%%; "
                    "no quota takes no value."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def for_individuals(self):
        return self.recipient == self.Recipient.INDIVIDUAL


class Proposal(Versioned):
    """A cluster year's award proposal file, from the cluster head to the parent body."""

    class Status(models.TextChoices):
        TO_SEND = "to_send", _("To send")
        AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
        RETURNED = "returned", _("Returned for corrections")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        ACCEPTED = "accepted", _("Accepted")
        BEING_DECIDED = "being_decided", _("Being decided")
        DECIDED = "decided", _("Decided")
        REVOKED = "revoked", _("Decision revoked")

    # In the cluster head's hands: still to send, or returned for corrections.
    EDITABLE = (Status.TO_SEND, Status.RETURNED)

    cluster_year = models.OneToOneField(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.PROTECT,
        related_name="award_proposal",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.TO_SEND)
    head = models.ForeignKey(
        Unit, verbose_name=_("cluster head"), on_delete=models.PROTECT, related_name="+"
    )
    head_name = models.CharField(_("cluster head as it was"), max_length=255)
    return_reason = models.TextField(_("reason for the return"), blank=True)
    submitted_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("award proposal")
        verbose_name_plural = _("award proposals")
        ordering = ["-cluster_year__year", "cluster_year__cluster__name"]

    def __str__(self):
        return f"{_('Award proposal')} — {self.cluster_year}"

    def get_absolute_url(self):
        return reverse("awards:proposal", args=[self.pk])

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def is_under_review(self):
        return self.status in (self.Status.AWAITING_REVIEW, self.Status.RESUBMITTED)

    @property
    def was_sent(self):
        return self.status != self.Status.TO_SEND

    @cached_property
    def due(self):
        """When the parent body expects the file (None when it set no date)."""
        deadline = ProposalDeadline.objects.filter(cluster_year_id=self.cluster_year_id).first()
        return deadline.due if deadline else None

    @property
    def late(self):
        due = self.due
        return due is not None and self.is_editable and timezone.now() > due


class ProposalDeadline(models.Model):
    """When a cluster year's proposal file is due at the parent body.

    The parent body sets one date for all its clusters of a year, then may move it for one.
    """

    cluster_year = models.OneToOneField(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.CASCADE,
        related_name="proposal_deadline",
    )
    due = models.DateTimeField(_("proposal file due"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal deadline")
        verbose_name_plural = _("proposal deadlines")

    def __str__(self):
        return f"{self.cluster_year}: {self.due:%d/%m/%Y}"

    def is_late(self, proposal):
        """The file was not sent (or, returned, not sent again) by the date."""
        unsent = proposal is None or proposal.status in (
            Proposal.Status.TO_SEND,
            Proposal.Status.RETURNED,
        )
        return unsent and timezone.now() > self.due


class ProposalItem(Versioned):
    """One nominee: a unit or an individual, the award, the reason and the figures behind it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted by the parent")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        GRANTED = "granted", _("Granted")
        NOT_GRANTED = "not_granted", _("Not granted")
        REVOKED = "revoked", _("Revoked")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="items"
    )
    award_type = models.ForeignKey(
        AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="items"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="award_items",
        help_text=_("The unit nominated, or the individual's unit."),
    )
    unit_name = models.CharField(_("unit name as it was"), max_length=255)
    person_name = models.CharField(_("individual's name"), max_length=200, blank=True)
    person_title = models.CharField(_("individual's position"), max_length=300, blank=True)
    reason = models.TextField(_("achievements in brief"))
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=100, blank=True)
    vote_share = models.DecimalField(
        _("share of the votes (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    report_text = models.TextField(_("achievement report"), blank=True)
    report_file = models.FileField(
        _("achievement report (file)"),
        upload_to=GeneratedName("achievement-reports"),
        validators=[UploadValidator(REPORT_KINDS)],
        blank=True,
    )
    report_file_name = models.CharField(_("file name"), max_length=255, blank=True)
    # The achievement report in the collective template's structure: {section key: text}
    # (awards.reports.SECTIONS); empty until the unit first saves it.
    report_sections = models.JSONField(_("achievement report (sections)"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status, default=Status.PROPOSED)
    parent_note = models.TextField(_("note of the parent body"), blank=True)
    revoked_reason = models.TextField(_("reason for the revocation"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("proposal item")
        verbose_name_plural = _("proposal items")
        ordering = ["proposal", "award_type__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "award_type", "unit", "person_name"],
                name="proposal_item_nominee_once",
                violation_error_message=_("This nominee is already proposed for this award."),
            ),
        ]

    def __str__(self):
        return f"{self.nominee} — {self.award_type.name}"

    @property
    def nominee(self):
        if self.person_name:
            return f"{self.person_name}, {self.person_title or self.unit_name}"
        return self.unit_name

    @property
    def has_report(self):
        return bool(
            self.report_text.strip()
            or self.report_file
            or any(str(text).strip() for text in self.report_sections.values())
        )


class ReportVersion(models.Model):
    """One saved version of a nominee's achievement report: its sections, who saved it and when.
    Kept for good; the report on the item is the latest."""

    item = models.ForeignKey(
        ProposalItem,
        verbose_name=_("proposal item"),
        on_delete=models.CASCADE,
        related_name="report_versions",
    )
    number = models.PositiveIntegerField(_("version"))
    sections = models.JSONField(_("sections"), default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_by_name = models.CharField(_("saved by (name)"), max_length=200, blank=True)
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("achievement report version")
        verbose_name_plural = _("achievement report versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="report_version_once"),
        ]

    def __str__(self):
        return f"{self.item_id} v{self.number}"


class ProposalStatusChange(models.Model):
    """One step of the proposal's history (the audit trail keeps the details too)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Proposal.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Proposal.Status)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal status change")
        verbose_name_plural = _("proposal history")
        ordering = ["proposal", "at", "pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class ProposalDocument(models.Model):
    """A covering submission (tờ trình) as issued: its number and a frozen copy of its content."""

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("Covering submission (tờ trình)")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SUBMISSION)
    number = models.OneToOneField(
        IssuedNumber, verbose_name=_("number"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    content = models.JSONField(_("content as issued"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal document")
        verbose_name_plural = _("proposal documents")
        ordering = ["proposal", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number.reference}"


class Decision(models.Model):
    """The parent's decision on a proposal file (Quyết định khen thưởng), as recorded."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="decision"
    )
    number = models.CharField(_("number"), max_length=100, help_text=_("e.g. 125/QĐ-MTTQ-BTT"))
    date = models.DateField(_("date"))
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_title = models.CharField(_("signer's position"), max_length=300, blank=True)
    scan = models.FileField(
        _("scanned decision"),
        upload_to=GeneratedName("decisions"),
        validators=[UploadValidator(PDF)],
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for the revocation"), blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.number} ({self.date:%d/%m/%Y})"

    @property
    def is_revoked(self):
        return self.revoked_at is not None
