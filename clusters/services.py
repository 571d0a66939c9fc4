"""Every change to units, people, clusters and their years goes through one of these."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from clusters import access, rollover
from clusters.events import member_joined, signing_mode_locked
from clusters.models import (
    Cluster,
    ClusterYear,
    IssuedNumber,
    Level,
    Membership,
    NumberRegister,
    Person,
    Plan,
    Position,
    Succession,
    Unit,
    ViewerGrant,
)
from core.audit import audit_record, snapshot
from core.confirmation import confirmation_decide, confirmation_request, confirmation_waive
from core.errors import ConflictError, DomainError
from core.mail import send_each
from core.versioning import save_versioned

User = get_user_model()


# --- generic create / update, so that each service states only its own rules --------------


def _editable_fields(model, data):
    names = {f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key}
    unknown = set(data) - names
    if unknown:
        raise TypeError(f"Unknown fields for {model.__name__}: {sorted(unknown)}")
    return list(data)


def _create(model, *, actor, action, reason="", **data):
    _editable_fields(model, data)
    obj = model(**data)
    obj.full_clean()
    obj.save()
    audit_record(actor=actor, obj=obj, action=action, after=snapshot(obj, data), reason=reason)
    return obj


def _store_new_files(obj, fields):
    """Write newly uploaded files to storage (a versioned save bypasses FileField.pre_save)."""
    stored = []
    for name in fields:
        field = type(obj)._meta.get_field(name)
        if isinstance(field, models.FileField):
            fieldfile = getattr(obj, name)
            if fieldfile and not fieldfile._committed:
                fieldfile.save(fieldfile.name, fieldfile.file, save=False)
                stored.append(fieldfile)
    return stored


def _update(obj, *, actor, action, expected_version=None, reason="", **data):
    fields = _editable_fields(type(obj), data)
    before = snapshot(obj, fields)
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean()
    stored = _store_new_files(obj, fields)
    if expected_version is not None:
        try:
            save_versioned(obj, expected_version=expected_version, fields=fields)
        except ConflictError:
            for fieldfile in stored:
                fieldfile.storage.delete(fieldfile.name)
            raise
        if hasattr(type(obj), "search_text"):
            obj.save(update_fields=["search_text"])
    else:
        obj.save()
    audit_record(
        actor=actor,
        obj=obj,
        action=action,
        before=before,
        after=snapshot(obj, fields),
        reason=reason,
    )
    return obj


# --- units ---------------------------------------------------------------------------------


@transaction.atomic
def unit_create(*, actor, **data):
    return _create(Unit, actor=actor, action="unit.create", **data)


@transaction.atomic
def unit_update(*, actor, unit, expected_version, **data):
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    return _update(
        unit, actor=actor, action="unit.update", expected_version=expected_version, **data
    )


@transaction.atomic
def level_create(*, actor, **data):
    return _create(Level, actor=actor, action="level.create", **data)


@transaction.atomic
def level_update(*, actor, level, **data):
    level = Level.objects.select_for_update().get(pk=level.pk)
    return _update(level, actor=actor, action="level.update", **data)


@transaction.atomic
def succession_record(*, actor, predecessor, successor, kind, effective_date, basis=""):
    """Record a merge, split or rename; the successor takes over memberships from the date."""
    if predecessor.pk == successor.pk:
        raise DomainError({"successor": _("A unit cannot succeed itself.")})
    predecessor = Unit.objects.select_for_update().get(pk=predecessor.pk)
    succession = _create(
        Succession,
        actor=actor,
        action="succession.record",
        predecessor=predecessor,
        successor=successor,
        kind=kind,
        effective_date=effective_date,
        basis=basis,
    )
    before = snapshot(predecessor, ["status", "valid_to"])
    if kind != Succession.Kind.SPLIT or not predecessor.successions.exclude(pk=succession.pk):
        predecessor.status = {
            Succession.Kind.MERGE: Unit.Status.MERGED,
            Succession.Kind.SPLIT: Unit.Status.SPLIT,
            Succession.Kind.RENAME: Unit.Status.MERGED,
        }[kind]
        predecessor.valid_to = max(
            effective_date - datetime.timedelta(days=1), predecessor.valid_from
        )
        predecessor.save(update_fields=["status", "valid_to"])
        audit_record(
            actor=actor,
            obj=predecessor,
            action="unit.succeeded",
            before=before,
            after=snapshot(predecessor, ["status", "valid_to"]),
            reason=basis,
        )
    _transfer_memberships(
        actor=actor, predecessor=predecessor, successor=successor, on=effective_date
    )
    return succession


def _transfer_memberships(*, actor, predecessor, successor, on):
    memberships = Membership.objects.select_for_update().filter(
        unit=predecessor, ended_on__isnull=True, cluster_year__year__gte=on.year
    )
    for old in memberships:
        taken = Membership.objects.filter(cluster_year=old.cluster_year, unit=successor).first()
        old.ended_on = on
        old.save(update_fields=["ended_on"])
        if taken is None:
            taken = Membership.objects.create(
                cluster_year=old.cluster_year,
                unit=successor,
                order=old.order,
                role=old.role,
                since=on,
            )
        old.replaced_by = taken
        old.save(update_fields=["replaced_by"])
        audit_record(
            actor=actor,
            obj=old.cluster_year,
            action="membership.succeeded",
            before={"unit": predecessor.pk},
            after={"unit": successor.pk, "role": taken.role},
        )
        member_joined(actor=actor, membership=taken, predecessor=predecessor)


# --- people and positions ------------------------------------------------------------------


@transaction.atomic
def person_create(*, actor, **data):
    return _create(Person, actor=actor, action="person.create", **data)


@transaction.atomic
def person_update(*, actor, person, expected_version, **data):
    person = Person.objects.select_for_update().get(pk=person.pk)
    return _update(
        person, actor=actor, action="person.update", expected_version=expected_version, **data
    )


def _ask_confirmation(position, *, actor, widened):
    """A position granting a right waits for a second person; any other is in force at once."""
    if not position.grants_rights:
        confirmation_waive(position, actor=actor)
    elif widened or not position.is_in_force:
        confirmation_request(position, actor=actor)


def _widens(before, position):
    """Whether an edit gives more than the position gave: another title, signing, more time."""
    return (
        before.title != position.title
        or (position.can_sign and not before.can_sign)
        or position.start < before.start
        or (before.end is not None and (position.end is None or position.end > before.end))
    )


def _appointment_audit(*, actor, position, action, before=None, reason=""):
    fields = ["person", "unit", "title", "can_sign", "start", "end", "confirmation"]
    audit_record(
        actor=actor,
        obj=position,
        action=action,
        before=before,
        after=snapshot(position, fields),
        reason=reason,
    )
    if position.is_pending and action in ("position.create", "position.update"):
        transaction.on_commit(lambda: position_pending_notify.enqueue(position.pk))


@transaction.atomic
def position_create(*, actor, **data):
    """The appointment service: every position is made here (form, import, admin, demo).

    One that lets its holder sign, vote or apply the organisation signature counts only once
    a second person of the parent body confirms it (position_confirm).
    """
    _editable_fields(Position, data)
    position = Position(**data)
    _ask_confirmation(position, actor=actor, widened=True)
    position.full_clean()
    position.save()
    _appointment_audit(actor=actor, position=position, action="position.create")
    return position


@transaction.atomic
def position_appoint(*, actor, unit, person=None, full_name="", email="", phone="", **data):
    """Give a person a position in a unit, creating the person when only a name is given."""
    if person is None:
        if not full_name.strip():
            raise DomainError({"person": _("Choose a person or enter a new person's name.")})
        person = person_create(actor=actor, full_name=full_name.strip(), email=email, phone=phone)
    return position_create(actor=actor, person=person, unit=unit, **data)


@transaction.atomic
def position_update(*, actor, position, **data):
    """Change a position; one that then gives more rights waits again for confirmation."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    _editable_fields(Position, data)
    before = Position(**{f.attname: getattr(position, f.attname) for f in Position._meta.fields})
    fields = list(data)
    for name, value in data.items():
        setattr(position, name, value)
    _ask_confirmation(position, actor=actor, widened=_widens(before, position))
    position.full_clean()
    position.save()
    _appointment_audit(
        actor=actor,
        position=position,
        action="position.update",
        before=snapshot(before, [*fields, "confirmation"]),
    )
    return position


def _confirmable_position(actor, position):
    position = (
        Position.objects.select_for_update().select_related("person", "unit").get(pk=position.pk)
    )
    if not (actor.is_superuser or access.is_parent_staff(actor)) or not (
        access.managed_units(actor).filter(pk=position.unit_id).exists()
    ):
        raise DomainError(_("Only the parent body's staff may confirm an appointment."))
    return position


@transaction.atomic
def position_confirm(*, actor, position):
    """A second person of the parent body confirms an appointment: it takes effect."""
    position = _confirmable_position(actor, position)
    confirmation_decide(
        position, actor=actor, confirm=True, beneficiary_user_ids=[position.person.user_id]
    )
    _appointment_audit(actor=actor, position=position, action="position.confirm")
    transaction.on_commit(lambda: position_decided_notify.enqueue(position.pk))
    return position


@transaction.atomic
def position_refuse(*, actor, position, reason):
    """A second person of the parent body refuses an appointment: it never takes effect."""
    position = _confirmable_position(actor, position)
    confirmation_decide(
        position,
        actor=actor,
        confirm=False,
        reason=reason,
        beneficiary_user_ids=[position.person.user_id],
    )
    _appointment_audit(
        actor=actor, position=position, action="position.refuse", reason=position.refusal_reason
    )
    transaction.on_commit(lambda: position_decided_notify.enqueue(position.pk))
    return position


@transaction.atomic
def viewer_grant_create(*, actor, user, unit):
    return _create(ViewerGrant, actor=actor, action="viewer.grant", user=user, unit=unit)


# --- accounts ------------------------------------------------------------------------------


def _check_account_manager(actor, user):
    """Only an administrator may change an administrator's account."""
    if user.is_superuser and not (actor is not None and actor.is_superuser):
        raise DomainError(_("Only an administrator may change an administrator's account."))


@transaction.atomic
def account_create(*, actor, person, username, email="", invite=False):
    """Create a login for a person, with no usable password until they set one.

    With `invite`, the person is e-mailed a link to set the password (see account_invite).
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id:
        raise DomainError({"username": _("This person already has an account.")})
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError({"username": _("This username is already taken.")})
    first, _sep, last = person.full_name.rpartition(" ")
    user = User(username=username, email=email or person.email, first_name=first, last_name=last)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    audit_record(
        actor=actor,
        obj=user,
        action="account.create",
        after={"username": username, "person": person.pk},
    )
    if invite:
        account_invite(actor=actor, user=user)
    return user


@transaction.atomic
def account_set_active(*, actor, user, active, reason=""):
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_account_manager(actor, user)
    if actor is not None and user.pk == actor.pk and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        raise DomainError(
            _("The account is already active.")
            if active
            else _("The account is already deactivated.")
        )
    if not active and not reason.strip():
        raise DomainError({"reason": _("Give the reason for deactivating the account.")})
    before = {"is_active": user.is_active}
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        obj=user,
        action="account.activate" if active else "account.deactivate",
        before=before,
        after={"is_active": active},
        reason=reason,
    )
    return user


@transaction.atomic
def account_update(*, actor, user, email):
    """Change the login e-mail; the old address is told, once the change is committed.

    "Forgot your password?" mails the new address, so a change slipped in by somebody
    else would hand them the account: the notice lets the owner notice and object.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_account_manager(actor, user)
    old_email = user.email
    before = {"email": old_email}
    user.email = email
    user.full_clean(exclude=["password"])
    user.save(update_fields=["email"])
    audit_record(
        actor=actor, obj=user, action="account.update", before=before, after={"email": email}
    )
    if old_email and old_email.strip().lower() != email.strip().lower():
        changed_by = (actor.get_full_name() or actor.get_username()) if actor else "—"
        changed_at = f"{timezone.localtime():%d/%m/%Y %H:%M}"
        transaction.on_commit(
            lambda: account_email_changed_send.enqueue(user.pk, old_email, changed_by, changed_at)
        )
    return user


@task()
def account_email_changed_send(user_id, old_email, changed_by, changed_at):
    """Tell the old address that the account's e-mail was changed (follow-up of account_update)."""
    context = {
        "user": User.objects.get(pk=user_id),
        "changed_by": changed_by,
        "changed_at": changed_at,
        "site_url": settings.SITE_URL,
    }
    send_each([old_email], "accounts/email/email_changed", context)


@transaction.atomic
def account_invite(*, actor, user):
    """E-mail the person a link to set their password, once the change is committed.

    Only while no password is set: afterwards "Forgot your password?" serves the person,
    and staff cannot use an invitation to take over an account in use. The e-mail is
    written in the site's default language, whatever language the actor reads the site in.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_account_manager(actor, user)
    if not user.is_active:
        raise DomainError(_("The account is deactivated; reactivate it before inviting."))
    if user.has_usable_password():
        raise DomainError(
            _(
                "This person has already set a password; they can use “Forgot your "
                "password?” on the log-in page."
            )
        )
    if not user.email:
        raise DomainError({"email": _("Enter an e-mail address before sending the invitation.")})
    audit_record(actor=actor, obj=user, action="account.invite", after={"email": user.email})
    transaction.on_commit(lambda: account_invitation_send.enqueue(user.pk))
    return user


@task()
def account_invitation_send(user_id):
    """Send the invitation e-mail with a password-set link (follow-up work of account_invite)."""
    user = User.objects.get(pk=user_id)
    if not user.is_active or user.has_usable_password() or not user.email:
        return
    context = {
        "user": user,
        "site_url": settings.SITE_URL,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("registration/invitation_subject.txt", context)
        body = render_to_string("registration/invitation_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


# --- clusters, plans and cluster years -----------------------------------------------------


@transaction.atomic
def cluster_create(*, actor, **data):
    return _create(Cluster, actor=actor, action="cluster.create", **data)


@transaction.atomic
def cluster_update(*, actor, cluster, expected_version, **data):
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    return _update(
        cluster, actor=actor, action="cluster.update", expected_version=expected_version, **data
    )


@transaction.atomic
def plan_create(*, actor, **data):
    return _create(Plan, actor=actor, action="plan.create", **data)


@transaction.atomic
def plan_update(*, actor, plan, expected_version, **data):
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    return _update(
        plan, actor=actor, action="plan.update", expected_version=expected_version, **data
    )


@transaction.atomic
def cluster_year_create(*, actor, cluster, year, plan=None):
    if plan is not None and (plan.parent_id != cluster.parent_id or plan.year != year):
        raise DomainError({"plan": _("The plan must be the parent body's plan for the same year.")})
    return _create(
        ClusterYear,
        actor=actor,
        action="cluster_year.create",
        cluster=cluster,
        year=year,
        plan=plan,
    )


@transaction.atomic
def cluster_year_update(*, actor, cluster_year, expected_version, **data):
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    plan = data.get("plan", cluster_year.plan)
    if plan is not None and (
        plan.parent_id != cluster_year.cluster.parent_id or plan.year != cluster_year.year
    ):
        raise DomainError({"plan": _("The plan must be the parent body's plan for the same year.")})
    return _update(
        cluster_year,
        actor=actor,
        action="cluster_year.update",
        expected_version=expected_version,
        **data,
    )


@transaction.atomic
def cluster_year_start(*, actor, cluster_year):
    """Open the year's work; it needs a cluster head."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if cluster_year.status != ClusterYear.Status.PREPARING:
        raise DomainError(_("The year's work has already started."))
    if not cluster_year.memberships.filter(
        role=Membership.Role.HEAD, ended_on__isnull=True
    ).exists():
        raise DomainError(_("Choose the cluster head before the year's work starts."))
    cluster_year.status = ClusterYear.Status.ACTIVE
    cluster_year.save(update_fields=["status"])
    audit_record(
        actor=actor,
        obj=cluster_year,
        action="cluster_year.start",
        before={"status": ClusterYear.Status.PREPARING},
        after={"status": cluster_year.status},
    )
    return cluster_year


@transaction.atomic
def cluster_year_close(*, actor, cluster_year):
    """The year has run its course (the parent's decision on its awards is recorded)."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if cluster_year.status == ClusterYear.Status.CLOSED:
        return cluster_year
    before = {"status": cluster_year.status}
    cluster_year.status = ClusterYear.Status.CLOSED
    cluster_year.save(update_fields=["status"])
    audit_record(
        actor=actor,
        obj=cluster_year,
        action="cluster_year.close",
        before=before,
        after={"status": cluster_year.status},
    )
    return cluster_year


@transaction.atomic
def cluster_year_delegate_drafting(*, actor, cluster_year, delegated):
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if (
        delegated
        and not cluster_year.memberships.filter(
            role=Membership.Role.DEPUTY, ended_on__isnull=True
        ).exists()
    ):
        raise DomainError(_("The cluster has no deputy to delegate the drafting to."))
    before = {"drafting_delegated": cluster_year.drafting_delegated}
    cluster_year.drafting_delegated = delegated
    cluster_year.save(update_fields=["drafting_delegated"])
    audit_record(
        actor=actor,
        obj=cluster_year,
        action="cluster_year.delegate_drafting",
        before=before,
        after={"drafting_delegated": delegated},
    )
    return cluster_year


@transaction.atomic
def cluster_year_signing_mode_set(*, actor, cluster_year, mode):
    """Parent staff choose how the year's agreement is signed, before its signing begins."""
    cluster_year = (
        ClusterYear.objects.select_for_update(of=("self",))
        .select_related("cluster__parent")
        .get(pk=cluster_year.pk)
    )
    if not access.can_manage_cluster_year(actor, cluster_year):
        raise DomainError(_("Only the parent body's staff choose how the agreement is signed."))
    if mode not in ClusterYear.SigningMode.values:
        raise DomainError({"mode": _("Choose digital, simple or mixed signing.")})
    if mode == cluster_year.signing_mode:
        return cluster_year
    reason = signing_mode_locked(cluster_year)
    if reason:
        raise DomainError(reason)
    before = {"signing_mode": cluster_year.signing_mode}
    cluster_year.signing_mode = mode
    cluster_year.save(update_fields=["signing_mode"])
    audit_record(
        actor=actor,
        obj=cluster_year,
        action="cluster_year.signing_mode",
        before=before,
        after={"signing_mode": mode},
    )
    return cluster_year


@transaction.atomic
def membership_add(*, actor, cluster_year, unit, role=Membership.Role.MEMBER, order=None):
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if order is None:  # at the end
        last = cluster_year.memberships.aggregate(last=models.Max("order"))["last"]
        order = (last or 0) + 1
    membership = Membership(cluster_year=cluster_year, unit=unit, role=role, order=order)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        obj=cluster_year,
        action="membership.add",
        after={"unit": unit.pk, "role": role, "order": order},
    )
    member_joined(actor=actor, membership=membership)
    return membership


@transaction.atomic
def membership_update(*, actor, membership, role, order):
    """Change a member's role and order. Taking the head's or the deputy's role from another
    unit exchanges the two roles in one step (a new head: the former head gets this unit's old
    role; head and deputy swapped)."""
    ClusterYear.objects.select_for_update().get(pk=membership.cluster_year_id)
    membership = Membership.objects.get(pk=membership.pk)
    before = snapshot(membership, ["role", "order"])
    holder = None
    if role != membership.role and role in (Membership.Role.HEAD, Membership.Role.DEPUTY):
        holder = (
            Membership.objects.filter(
                cluster_year_id=membership.cluster_year_id, role=role, ended_on__isnull=True
            )
            .exclude(pk=membership.pk)
            .first()
        )
    if holder is not None:
        # One role at a time, so that the one-head and one-deputy constraints hold throughout.
        membership.role = Membership.Role.MEMBER
        membership.save(update_fields=["role"])
        holder.role = before["role"]
        holder.save(update_fields=["role"])
    membership.role = role
    membership.order = order
    membership.full_clean()
    membership.save(update_fields=["role", "order"])
    audit_record(
        actor=actor,
        obj=membership.cluster_year,
        action="membership.update",
        before={"unit": membership.unit_id, **before},
        after={"unit": membership.unit_id, "role": role, "order": order},
    )
    if holder is not None:
        audit_record(
            actor=actor,
            obj=membership.cluster_year,
            action="membership.update",
            before={"unit": holder.unit_id, "role": role, "order": holder.order},
            after={"unit": holder.unit_id, "role": holder.role, "order": holder.order},
        )
    return membership


@transaction.atomic
def membership_remove(*, actor, membership, reason=""):
    cluster_year = ClusterYear.objects.select_for_update().get(pk=membership.cluster_year_id)
    if cluster_year.status != ClusterYear.Status.PREPARING:
        raise DomainError(
            _("Members cannot be removed once the year's work has started; record a succession.")
        )
    before = {"unit": membership.unit_id, "role": membership.role}
    membership.delete()
    audit_record(
        actor=actor, obj=cluster_year, action="membership.remove", before=before, reason=reason
    )


@transaction.atomic
def year_rollover(*, actor, cluster_year, head, deputy=None):
    """Create next year's cluster year from this one, with the chosen head and deputy."""
    if deputy is not None and deputy.pk == head.pk:
        raise DomainError({"deputy": _("The head and the deputy must be different units.")})
    source = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    next_year = source.year + 1
    if ClusterYear.objects.filter(cluster=source.cluster, year=next_year).exists():
        raise DomainError(_("The cluster already has a year %(year)s.") % {"year": next_year})
    members = [m for m in source.memberships.select_related("unit") if m.is_active]
    member_ids = {m.unit_id for m in members}
    for unit, field in ((head, "head"), (deputy, "deputy")):
        if unit is not None and unit.pk not in member_ids:
            raise DomainError({field: _("The unit must be a member of the cluster.")})
    plan = (
        Plan.objects.filter(parent=source.cluster.parent, year=next_year).order_by("-date").first()
    )
    new = ClusterYear.objects.create(cluster=source.cluster, year=next_year, plan=plan)
    for m in members:
        role = Membership.Role.MEMBER
        if m.unit_id == head.pk:
            role = Membership.Role.HEAD
        elif deputy is not None and m.unit_id == deputy.pk:
            role = Membership.Role.DEPUTY
        Membership.objects.create(cluster_year=new, unit=m.unit, order=m.order, role=role)
    audit_record(
        actor=actor,
        obj=new,
        action="cluster_year.rollover",
        before={"from": source.pk},
        after={"head": head.pk, "deputy": deputy.pk if deputy else None, "members": len(members)},
    )
    return new


@transaction.atomic
def years_rollover(*, actor, parent, year):
    """Roll every cluster year of the parent body's `year` over to the next year, each with
    the head and deputy of clusters.rollover (elected, else as this year). Clusters that have
    next year already, or no head, are left out. Returns the new cluster years."""
    rows = [row for row in rollover.plan(parent, year) if not row.skipped]
    if not rows:
        raise DomainError(_("No cluster year of %(year)s can be rolled over.") % {"year": year})
    return [
        year_rollover(actor=actor, cluster_year=row.cluster_year, head=row.head, deputy=row.deputy)
        for row in rows
    ]


# --- number register -----------------------------------------------------------------------


def number_allocate(*, actor, unit, year, symbol, purpose):
    """Take the next number from the issuing body's register for the year; never reused."""
    with transaction.atomic():
        register, _created = NumberRegister.objects.get_or_create(unit=unit, year=year)
        register = NumberRegister.objects.select_for_update().get(pk=register.pk)
        register.last_number += 1
        register.save(update_fields=["last_number"])
        try:
            issued = IssuedNumber.objects.create(
                register=register, number=register.last_number, symbol=symbol, purpose=purpose
            )
        except IntegrityError:  # pragma: no cover - guarded by the row lock above
            raise DomainError(_("The number register is busy; try again.")) from None
        audit_record(actor=actor, obj=issued, action="number.allocate", after={"purpose": purpose})
        return issued


# --- appointments: who is told -------------------------------------------------------------


def _unit_contacts(unit):
    """The unit's current chair, or without one its other people in force (its officers)."""
    positions = list(Position.objects.current().filter(unit=unit).select_related("person__user"))
    chairs = [p for p in positions if p.title == Position.Title.CHAIR]
    return [
        (p.person.user.email if p.person.user else "") or p.person.email
        for p in (chairs or positions)
        if p.person.user is None or p.person.user.is_active
    ]


def _appointment_mail(position_id, template):
    position = Position.objects.select_related("person", "unit", "requested_by").get(pk=position_id)
    context = {
        "position": position,
        "link": f"{settings.SITE_URL}{reverse('clusters:unit', args=[position.unit_id])}",
    }
    return send_each(_unit_contacts(position.unit), template, context)


@task()
def position_pending_notify(position_id):
    """Tell the unit's chair (or its officers) that a right was asked for in its name."""
    return _appointment_mail(position_id, "clusters/email/position_pending")


@task()
def position_decided_notify(position_id):
    """Tell the unit's chair (or its officers) that the appointment was confirmed or refused."""
    return _appointment_mail(position_id, "clusters/email/position_decided")
