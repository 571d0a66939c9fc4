"""The vote (bình xét, suy tôn): the rules, the year-end meeting, its sessions and rounds.

A secret ballot keeps WHO took part (`Participation`) apart from WHAT was chosen (the
per-candidate counters of `VoteCount`). Neither carries a timestamp, and every ballot adds
0 or 1 to every counter of its round, so that nothing in these tables links a unit to its
choices. The threat model is in awards/voting.py and docs/voting.md.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import YEAR_MAX, YEAR_MIN, ClusterYear, IssuedNumber, Unit
from core.versioning import Versioned


class VoteBase(models.TextChoices):
    PRESENT = "present", _("Member units present")
    ALL = "all", _("All member units")


class VoteTieBreak(models.TextChoices):
    RANKING = "ranking", _("The unit ranked higher in the locked ranking")
    ANOTHER_ROUND = "another_round", _("Another round between the tied candidates")


DEFAULT_VOTE_THRESHOLD = Decimal("50")
DEFAULT_VOTE_ROUNDS = 2


class VoteRules(Versioned):
    """How a parent body's clusters vote in one year: threshold, base, rounds, tie-break."""

    parent = models.ForeignKey(
        Unit, verbose_name=_("parent body"), on_delete=models.PROTECT, related_name="vote_rules"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    threshold_percent = models.DecimalField(
        # xgettext:no-python-format
        _("threshold (% of the base)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_VOTE_THRESHOLD,
    )
    strictly_more = models.BooleanField(
        _("strictly more than the threshold"),
        default=True,
        help_text=_("“More than half” is 50% with this ticked; “at least half” without."),
    )
    base = models.CharField(_("base"), max_length=10, choices=VoteBase, default=VoteBase.PRESENT)
    rounds = models.PositiveSmallIntegerField(_("rounds allowed"), default=DEFAULT_VOTE_ROUNDS)
    tie_break = models.CharField(
        _("tie-break"), max_length=20, choices=VoteTieBreak, default=VoteTieBreak.RANKING
    )

    class Meta:
        verbose_name = _("vote rules")
        verbose_name_plural = _("vote rules")
        ordering = ["-year", "parent__name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "year"], name="vote_rules_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX),
                name="vote_rules_year_range",
                violation_error_message=_("The year is out of range."),
            ),
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=0) & Q(threshold_percent__lte=100),
                name="vote_rules_threshold_range",
                violation_error_message=_("The threshold is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(rounds__gte=1) & Q(rounds__lte=5),
                name="vote_rules_rounds_range",
                violation_error_message=_("Allow from 1 to 5 rounds."),
            ),
        ]

    def __str__(self):
        return f"{self.parent.short_name} {self.year}"


class Meeting(Versioned):
    """The cluster's year-end meeting that compares, votes and elects (one per cluster year)."""

    cluster_year = models.OneToOneField(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.PROTECT,
        related_name="award_meeting",
    )
    title = models.CharField(_("title"), max_length=300)
    held_at = models.DateTimeField(_("held at"))
    venue = models.CharField(_("venue"), max_length=300)
    chair_name = models.CharField(_("chair of the meeting"), max_length=200)
    chair_title = models.CharField(_("chair's position"), max_length=300, blank=True)
    secretary_name = models.CharField(_("secretary"), max_length=200)
    secretary_title = models.CharField(_("secretary's position"), max_length=300, blank=True)
    notes = models.TextField(_("other content of the minutes"), blank=True)
    minutes_number = models.OneToOneField(
        IssuedNumber,
        verbose_name=_("minutes number"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    minutes_date = models.DateField(_("date of the minutes"), null=True, blank=True)
    # Frozen when the minutes are issued: names, attendance, results, as they were.
    minutes_snapshot = models.JSONField(_("minutes as issued"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("year-end meeting")
        verbose_name_plural = _("year-end meetings")
        ordering = ["-held_at"]

    def __str__(self):
        return f"{self.title} — {self.cluster_year}"

    @property
    def minutes_issued(self):
        return self.minutes_number_id is not None


class Attendance(models.Model):
    """A member unit at the meeting: present (may vote) or absent."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("unit name as it was"), max_length=255)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "order", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "unit"], name="attendance_unit_once"),
        ]

    def __str__(self):
        return self.unit_name


class VoteSession(models.Model):
    """One question put to the meeting: the leading unit, certificates, the next head or deputy."""

    class Purpose(models.TextChoices):
        LEADING = "leading", _("Leading unit and emulation flag")
        CERTIFICATES = "certificates", _("Certificates of merit")
        HEAD = "head", _("Next year's cluster head")
        DEPUTY = "deputy", _("Next year's deputy head")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Secret ballot online")
        PAPER = "paper", _("Paper ballots, tallies entered by the cluster head")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        OPEN = "open", _("Voting")
        COUNTED = "counted", _("Round counted; another round possible")
        VOID = "void", _("Round void (fewer than three ballots); the parent body decides")
        CLOSED = "closed", _("Closed")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="sessions"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode, default=Mode.ONLINE)
    seats = models.PositiveSmallIntegerField(
        _("how many to elect"),
        default=1,
        help_text=_("Also the most candidates a ballot may choose."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PREPARING)
    # The rules as they were when the session opened.
    threshold_percent = models.DecimalField(
        # xgettext:no-python-format
        _("threshold (% of the base)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    strictly_more = models.BooleanField(_("strictly more than the threshold"), default=True)
    base = models.CharField(_("base"), max_length=10, choices=VoteBase, blank=True)
    rounds_allowed = models.PositiveSmallIntegerField(_("rounds allowed"), null=True, blank=True)
    tie_break = models.CharField(_("tie-break"), max_length=20, choices=VoteTieBreak, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # After a void round: the parent body decides the matter, with its reason.
    decision_reason = models.TextField(_("the parent body's reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("vote session")
        verbose_name_plural = _("vote sessions")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "purpose"],
                name="vote_session_purpose_once",
                violation_error_message=_("The meeting already has a vote for this purpose."),
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1) & Q(seats__lte=50),
                name="vote_session_seats_range",
                violation_error_message=_("Elect from 1 to 50."),
            ),
        ]
        indexes = [
            # The void sessions of the staff's dashboards: a few, or none.
            models.Index(fields=["meeting"], condition=Q(status="void"), name="votesession_void"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} — {self.meeting.cluster_year}"

    def get_absolute_url(self):
        return reverse("awards:vote", args=[self.pk])

    @property
    def is_online(self):
        return self.mode == self.Mode.ONLINE

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    def elected(self):
        return [c for c in self.candidates.all() if c.outcome == Candidate.Outcome.ELECTED]


class Candidate(models.Model):
    """A unit standing in a vote session, pre-filled from the locked ranking."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ELECTED = "elected", _("Elected")
        NOT_ELECTED = "not_elected", _("Not elected")

    session = models.ForeignKey(
        VoteSession,
        verbose_name=_("vote session"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("unit name as it was"), max_length=255)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=100, blank=True)
    total = models.DecimalField(
        _("total points"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome, default=Outcome.PENDING
    )
    elected_round = models.PositiveSmallIntegerField(_("elected in round"), null=True, blank=True)
    share = models.DecimalField(
        _("share of the votes (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["session", "rank", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "unit"], name="candidate_unit_once"),
        ]

    def __str__(self):
        return self.unit_name


class VoteRound(models.Model):
    """One round of a session; its counters stay hidden until it is closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Voting")
        CLOSED = "closed", _("Counted")
        VOID = "void", _("Void: fewer than three ballots, not counted")

    session = models.ForeignKey(
        VoteSession, verbose_name=_("vote session"), on_delete=models.PROTECT, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    seats = models.PositiveSmallIntegerField(_("seats to fill in this round"))
    present_count = models.PositiveSmallIntegerField(_("member units present"))
    member_count = models.PositiveSmallIntegerField(_("member units"))
    base_count = models.PositiveSmallIntegerField(_("base of the threshold"))
    ballots_cast = models.PositiveSmallIntegerField(_("ballots cast"), default=0)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    # The round closes when every unit present has voted, or at this time.
    deadline = models.DateTimeField(_("voting ends at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("vote round")
        verbose_name_plural = _("vote rounds")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="vote_round_once"),
            models.CheckConstraint(
                condition=Q(ballots_cast__lte=models.F("present_count")),
                name="vote_round_ballots_at_most_present",
                violation_error_message=_("More ballots than member units present."),
            ),
        ]

    def __str__(self):
        return f"{self.session} — {self.number}"

    @property
    def is_late(self):
        return (
            self.status == self.Status.OPEN
            and self.deadline is not None
            and (timezone.now() > self.deadline)
        )

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def is_void(self):
        return self.status == self.Status.VOID


class VoteCount(models.Model):
    """A candidate's counter in one round. No timestamp: see awards/voting.py."""

    round = models.ForeignKey(
        VoteRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="counts"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="counts"
    )
    votes = models.PositiveSmallIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("vote count")
        verbose_name_plural = _("vote counts")
        ordering = ["round", "candidate__rank", "candidate__unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate"], name="vote_count_once"),
        ]

    def __str__(self):
        return f"{self.round}: {self.candidate}"


class Participation(models.Model):
    """That a member unit has cast its ballot in a round; never what it chose, nor when."""

    round = models.ForeignKey(
        VoteRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="participations"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("unit name as it was"), max_length=255)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["round", "unit_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="participation_once",
                violation_error_message=_("This unit has already voted in this round."),
            ),
        ]

    def __str__(self):
        return f"{self.unit_name} — {self.round}"
