import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.confirmation import Confirmable, Confirmation
from core.expressions import Constant
from core.text import fold
from core.uploads import PDF, GeneratedName, UploadValidator
from core.versioning import Versioned

YEAR_MIN, YEAR_MAX = 2000, 2100


class ConstraintErrorsOnFields:
    """Report a named constraint's violation on the form field it concerns.

    Django puts check and conditional unique constraint errors on the whole form; a user
    needs them next to the field they must correct. `constraint_fields` maps names to fields.
    """

    constraint_fields = {}

    def validate_constraints(self, exclude=None):
        errors = {}
        using = router.db_for_write(type(self), instance=self)
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = self.constraint_fields.get(constraint.name)
                    if field is not None:
                        errors.setdefault(field, []).extend(error.error_list)
                    elif getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class Level(models.Model):
    """A configurable administrative level (central, province, commune, …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0, help_text=_("0 is the top."))

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["rank", "name"]

    def __str__(self):
        return self.name


class Unit(ConstraintErrorsOnFields, Versioned):
    """An organisation in emulation: a committee, a member organisation, a department."""

    constraint_fields = {"unit_valid_range": "valid_to"}

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Fatherland Front committee")
        MEMBER_ORG = "member_org", _("Member organisation")
        DEPARTMENT = "department", _("Department")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MERGED = "merged", _("Merged")
        SPLIT = "split", _("Split")
        DISSOLVED = "dissolved", _("Dissolved")

    name = models.CharField(_("official name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COMMITTEE)
    level = models.ForeignKey(
        Level, verbose_name=_("level"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    place_name = models.CharField(
        _("place name"), max_length=100, help_text=_("Used in document date lines, e.g. Hà Nội.")
    )
    header_lines = models.TextField(
        _("document header lines"),
        help_text=_(
            "One line per row, e.g. ỦY BAN MTTQ VIỆT NAM / THÀNH PHỐ HÀ NỘI / BAN THƯỜNG TRỰC."
        ),
    )
    collective_name = models.CharField(
        _("collective signing body"),
        max_length=100,
        blank=True,
        help_text=_(
            "The body the chair signs for, as in “TM. BAN THƯỜNG TRỰC”; empty for bodies "
            "without one."
        ),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    valid_from = models.DateField(_("valid from"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)

    @property
    def header(self):
        return [line.strip() for line in self.header_lines.splitlines() if line.strip()]


class Succession(ConstraintErrorsOnFields, models.Model):
    """A predecessor unit handing over to a successor (merge, split or rename) on a date."""

    constraint_fields = {"succession_not_self": "successor", "succession_unique_pair": "successor"}

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")
        RENAME = "rename", _("Rename")

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("predecessor"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("successor"), on_delete=models.PROTECT, related_name="predecessions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    effective_date = models.DateField(_("effective date"))
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        ordering = ["-effective_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="succession_not_self",
                violation_error_message=_("A unit cannot succeed itself."),
            ),
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="succession_unique_pair",
                violation_error_message=_("This succession is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"


class Person(Versioned):
    """A person who holds positions in units; optionally linked to a login."""

    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name

    @property
    def recipients(self):
        """Whom core.mail.send_each writes to for this person: the login (mail and in-app
        notification) and the person's own address when the login has none; none for a login
        that was deactivated."""
        user = self.user
        if user is None:
            return [self.email]
        if not user.is_active:
            return []
        return [user] if user.email else [user, self.email]

    def save(self, *args, **kwargs):
        self.search_text = fold(self.full_name)
        super().save(*args, **kwargs)


class PositionQuerySet(models.QuerySet):
    def current(self, on=None):
        """Positions in force on the day: within their dates and confirmed where they must be."""
        on = on or timezone.localdate()
        return self.filter(
            Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on), Position.in_force_q()
        )

    def pending(self):
        # Written into the SQL (core.expressions.Constant): the few pending rows are read from
        # their partial index even in a prepared statement's generic plan.
        return self.filter(confirmation=Constant(Confirmation.PENDING))


# Titles whose holder signs for the unit, votes for it or applies its organisation signature:
# such a position counts only once a second person of the parent body confirms it.
RIGHT_TITLES = ("chair", "vice_chair", "clerk")


class Position(ConstraintErrorsOnFields, Confirmable):
    """A person's position in a unit over a period; signatories may sign for the unit.

    A position that grants a right (see `grants_rights`) takes effect once confirmed.
    """

    constraint_fields = {
        "position_valid_range": "end",
        "position_signer_is_chair_or_vice": "can_sign",
    }

    class Title(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        STANDING_MEMBER = "standing_member", _("Standing member")
        OFFICER = "officer", _("Emulation officer")
        CLERK = "clerk", _("Clerk (applies the unit's organisation signature)")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="positions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("position"), max_length=20, choices=Title)
    can_sign = models.BooleanField(
        _("may sign for the unit"),
        default=False,
        help_text=_("The chair, or a vice-chair authorised to sign on the chair's behalf."),
    )
    start = models.DateField(_("from"), default=datetime.date(2000, 1, 1))
    end = models.DateField(_("to"), null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["unit__name", "title", "person__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="position_valid_range",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(can_sign=False) | Q(title__in=["chair", "vice_chair"]),
                name="position_signer_is_chair_or_vice",
                violation_error_message=_("Only a chair or a vice-chair may sign for a unit."),
            ),
        ]
        indexes = [
            # The appointments waiting for a second person (every dashboard): a few rows.
            models.Index(
                fields=["requested_at"],
                condition=Q(confirmation="pending"),
                name="position_pending",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_title_display()}, {self.unit.short_name}"

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.is_in_force and self.start <= on and (self.end is None or self.end >= on)

    @classmethod
    def in_force_q(cls, prefix=""):
        """Confirmed positions, and those that grant no right (an officer's) from the start."""
        grants = Q(**{f"{prefix}can_sign": True}) | Q(**{f"{prefix}title__in": RIGHT_TITLES})
        return super().in_force_q(prefix) | ~grants

    @property
    def is_in_force(self):
        return not self.grants_rights or super().is_in_force

    @property
    def grants_rights(self):
        """Whether the holder may sign, vote or seal for the unit (so a second person confirms)."""
        return self.can_sign or self.title in RIGHT_TITLES

    @property
    def signature_block(self):
        """The authority marks over the signature, derived from the unit and the position."""
        return signature_block(self.unit, self.title)


TITLE_CAPS = {
    Position.Title.CHAIR: "CHỦ TỊCH",
    Position.Title.VICE_CHAIR: "PHÓ CHỦ TỊCH",
    Position.Title.STANDING_MEMBER: "ỦY VIÊN THƯỜNG TRỰC",
    Position.Title.OFFICER: "CÁN BỘ",
}


def signature_block(unit, title):
    """Return the stacked authority lines: TM. <body> / [KT. CHỦ TỊCH] / <position>."""
    lines = []
    if unit.collective_name:
        lines.append(f"TM. {unit.collective_name.upper()}")
    if title == Position.Title.VICE_CHAIR:
        lines.append("KT. CHỦ TỊCH")
    lines.append(TITLE_CAPS[title])
    return lines


class ViewerGrant(models.Model):
    """A read grant on a parent body or on a unit, nothing more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="viewer_grants",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="viewer_grants"
    )

    class Meta:
        verbose_name = _("viewer grant")
        verbose_name_plural = _("viewer grants")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="viewer_grant_unique")]

    def __str__(self):
        return f"{self.user} → {self.unit}"


class Cluster(ConstraintErrorsOnFields, Versioned):
    """A cluster (cụm) or bloc (khối) of peer units run by a parent body."""

    constraint_fields = {"cluster_unique_name": "name"}

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Cluster (cụm)")
        BLOC = "bloc", _("Bloc (khối)")

    parent = models.ForeignKey(
        Unit, verbose_name=_("parent body"), on_delete=models.PROTECT, related_name="clusters"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CLUSTER)
    header_lines = models.TextField(
        _("document header lines"),
        help_text=_(
            "One line per row, e.g. ỦY BAN MTTQ VIỆT NAM / THÀNH PHỐ HÀ NỘI / CỤM THI ĐUA SỐ 1."
        ),
    )
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["parent__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="cluster_unique_name",
                violation_error_message=_("The parent body already has a cluster of this name."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def header(self):
        return [line.strip() for line in self.header_lines.splitlines() if line.strip()]


class Plan(ConstraintErrorsOnFields, Versioned):
    """The parent body's yearly emulation plan (Kế hoạch thi đua)."""

    constraint_fields = {"plan_unique_number": "number", "plan_year_range": "year"}

    parent = models.ForeignKey(
        Unit, verbose_name=_("parent body"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("symbol"), max_length=50, help_text=_("e.g. KH-MTTQ-BTT"))
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=500)
    file = models.FileField(
        _("file"),
        upload_to=GeneratedName("plans"),
        validators=[UploadValidator(PDF)],
        blank=True,
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "parent__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "year", "number", "symbol"],
                name="plan_unique_number",
                violation_error_message=_("This number is already used by another plan."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX),
                name="plan_year_range",
                violation_error_message=_("The year is out of range."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    @property
    def reference(self):
        return f"{self.number:02d}/{self.symbol}"


class ClusterYear(ConstraintErrorsOnFields, Versioned):
    """A cluster in one year: its members and roles, its plan, its work."""

    constraint_fields = {"cluster_year_unique": "year", "cluster_year_range": "year"}

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        ACTIVE = "active", _("In progress")
        CLOSED = "closed", _("Closed")

    class SigningMode(models.TextChoices):
        SIMPLE = "simple", _("Electronic signatures and the application's seal")
        DIGITAL = "digital", _("Digital signatures of every unit")
        MIXED = "mixed", _("Each unit chooses")

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PREPARING)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("parent's plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cluster_years",
    )
    drafting_delegated = models.BooleanField(_("drafting delegated to the deputy"), default=False)
    # Chosen by parent staff before the signing begins (services.cluster_year_signing_mode_set);
    # the agreements app refuses the change once the agreement's signing has begun.
    signing_mode = models.CharField(
        _("how its agreement is signed"),
        max_length=10,
        choices=SigningMode,
        default=SigningMode.SIMPLE,
        help_text=_(
            "Digital: every unit's chair and then the unit sign with their own certificates "
            "(chữ ký số). Simple: drawn or typed signatures sealed by the application — an "
            "electronic signature, not a digital signature. Mixed: each unit chooses."
        ),
    )

    class Meta:
        verbose_name = _("cluster year")
        verbose_name_plural = _("cluster years")
        ordering = ["-year", "cluster__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="cluster_year_unique",
                violation_error_message=_("The cluster already has this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX),
                name="cluster_year_range",
                violation_error_message=_("The year is out of range."),
            ),
        ]

    def __str__(self):
        return f"{self.cluster.name} — {self.year}"

    @property
    def parent(self):
        return self.cluster.parent

    def membership_of(self, role):
        # The prefetched memberships as they are: `.all()` would copy the queryset on every
        # call (the results page asks for the head and the deputy of each sheet's year).
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("memberships")
        members = self.memberships.all() if prefetched is None else prefetched
        return next((m for m in members if m.role == role and m.is_active), None)

    @property
    def head(self):
        membership = self.membership_of(Membership.Role.HEAD)
        return membership.unit if membership else None

    @property
    def deputy(self):
        membership = self.membership_of(Membership.Role.DEPUTY)
        return membership.unit if membership else None


class Membership(ConstraintErrorsOnFields, models.Model):
    """A unit's membership of a cluster year, with its order and role."""

    constraint_fields = {
        "membership_unit_once": "unit",
        "membership_one_head": "role",
        "membership_one_deputy": "role",
    }

    class Role(models.TextChoices):
        HEAD = "head", _("Cluster head")
        DEPUTY = "deputy", _("Deputy head")
        MEMBER = "member", _("Member")

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("cluster year"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    since = models.DateField(_("member since"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["cluster_year", "order", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "unit"],
                name="membership_unit_once",
                violation_error_message=_(
                    "This unit is already a member of the cluster this year."
                ),
            ),
            models.UniqueConstraint(
                fields=["cluster_year"],
                condition=Q(role="head", ended_on__isnull=True),
                name="membership_one_head",
                violation_error_message=_("The cluster already has a head this year."),
            ),
            models.UniqueConstraint(
                fields=["cluster_year"],
                condition=Q(role="deputy", ended_on__isnull=True),
                name="membership_one_deputy",
                violation_error_message=_("The cluster already has a deputy this year."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} — {self.cluster_year} ({self.get_role_display()})"

    @property
    def is_active(self):
        return self.ended_on is None


class NumberRegister(models.Model):
    """The register of outgoing document numbers of one issuing body in one year."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="registers"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("number register")
        verbose_name_plural = _("number registers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="register_unit_year"),
        ]

    def __str__(self):
        return f"{self.unit.short_name} {self.year}: {self.last_number}"


class IssuedNumber(models.Model):
    """One number taken from a register; numbers are never reused."""

    register = models.ForeignKey(
        NumberRegister, verbose_name=_("register"), on_delete=models.PROTECT, related_name="issued"
    )
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("symbol"), max_length=50)
    purpose = models.CharField(_("purpose"), max_length=300)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("issued number")
        verbose_name_plural = _("issued numbers")
        ordering = ["register", "number"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="issued_number_unique"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        return f"{self.number:02d}/{self.symbol}"
