"""Every change to agreements, templates, sections, criteria, comments and conferences.

Each service locks the agreement row (select_for_update) so that revisions are numbered in
order and transitions cannot race; e-mails leave only after the transaction commits.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import access, content, notifications
from agreements.models import (
    EDITABLE,
    IN_FORCE,
    Agreement,
    Comment,
    Conference,
    Criterion,
    Guest,
    Revision,
    Section,
    content_sha256,
)
from agreements.selectors import members_snapshot
from agreements.signing import services as signing
from clusters.models import ClusterYear, Unit
from core.audit import audit_record, snapshot
from core.errors import DomainError
from core.forms import require_future
from core.text import NumberFormatError, parse_number
from core.versioning import save_versioned

HEADER_FIELDS = ["title", "place", "date", "legal_basis", "closing"]
CONFERENCE_FIELDS = ["starts_at", "venue", "minutes"]
CRITERION_FIELDS = [
    "code",
    "text",
    "measure",
    "unit_label",
    "target",
    "max_points",
    "kind",
    "rule",
    "points_per_occurrence",
    "cap",
]
DECIMAL_FIELDS = ["target", "max_points", "points_per_occurrence", "cap"]


def default_title(year):
    return f"GIAO ƯỚC THI ĐUA NĂM {year}"


def plan_basis(plan):
    """The legal-basis line citing the parent's plan, e.g. 'Căn cứ Kế hoạch số 37/KH-…'."""
    parent = plan.parent
    issuer = f"{parent.collective_name} {parent.name}" if parent.collective_name else parent.name
    subject = plan.title.strip()
    if subject.lower().startswith("kế hoạch "):
        subject = subject[len("kế hoạch ") :]
    subject = subject[:1].lower() + subject[1:]
    return (
        f"Căn cứ Kế hoạch số {plan.reference} ngày {plan.date:%d/%m/%Y} của {issuer} về {subject};"
    )


# --- helpers -------------------------------------------------------------------------------


def _lock(agreement_or_pk):
    pk = getattr(agreement_or_pk, "pk", agreement_or_pk)
    return Agreement.objects.select_for_update().get(pk=pk)


def _require_editable(agreement):
    if agreement.status in EDITABLE:
        return
    if agreement.status == Agreement.Status.SUPERSEDED:
        raise DomainError(
            _("This agreement has been superseded; its content can no longer change.")
        )
    raise DomainError(
        _(
            "The agreement has been adopted; its content can no longer change. "
            "To change it, draft an amendment."
        )
    )


def _require_agreement(agreement):
    if agreement.is_template:
        raise DomainError(_("A template cannot be circulated, adopted or signed."))


def _full_clean(obj, **kwargs):
    """Validate a model instance; report its errors as a DomainError (per field)."""
    try:
        obj.full_clean(**kwargs)
    except DomainError:
        raise
    except ValidationError as error:
        raise DomainError(
            error.error_dict if hasattr(error, "error_dict") else error.error_list
        ) from None


def _nfc_fields(data):
    return {k: content.nfc(v) if isinstance(v, str) else v for k, v in data.items()}


def _revise(agreement, *, actor, summary):
    """Save the agreement's current content as its next revision (unless nothing changed)."""
    text = content.serialize(agreement)
    last = agreement.revisions.order_by("-number").first()
    if last is not None and last.content == text:
        return last
    return Revision.objects.create(
        agreement=agreement,
        number=(last.number if last else 0) + 1,
        content=text,
        summary=summary[:300],
        author=actor if actor is not None and actor.is_authenticated else None,
    )


def _renumber(queryset):
    for order, obj in enumerate(queryset, start=1):
        if obj.order != order:
            type(obj).objects.filter(pk=obj.pk).update(order=order)
            obj.order = order


def _person_name(user):
    person = getattr(user, "person", None)
    return person.full_name if person else (user.get_full_name() or user.get_username())


def _section_label(section):
    return f"{section.order}. {section.heading or section.text[:80]}"


def _copy_content(source, target):
    for section in source.sections.order_by("order", "pk").prefetch_related("criteria"):
        new_section = Section.objects.create(
            agreement=target, order=section.order, heading=section.heading, text=section.text
        )
        Criterion.objects.bulk_create(
            Criterion(
                section=new_section,
                order=c.order,
                **{name: getattr(c, name) for name in CRITERION_FIELDS},
            )
            for c in section.criteria.order_by("order", "pk")
        )


def _save_new(agreement):
    try:
        _full_clean(agreement)
        with transaction.atomic():
            agreement.save()
    except IntegrityError:  # the constraints hold even when two people race
        raise DomainError(_("The cluster year already has a draft agreement.")) from None
    return agreement


# --- agreements and templates --------------------------------------------------------------


@transaction.atomic
def agreement_create(*, actor, cluster_year, origin, is_demo=False):
    """Start a cluster year's draft: blank, from the parent's template, or from last year's."""
    cluster_year = (
        ClusterYear.objects.select_for_update(of=("self",))
        .select_related("cluster__parent", "plan__parent")
        .get(pk=cluster_year.pk)
    )
    existing = Agreement.objects.filter(cluster_year=cluster_year)
    if existing.filter(status__in=EDITABLE).exists():
        raise DomainError(_("The cluster year already has a draft agreement."))
    if existing.filter(status__in=IN_FORCE).exists():
        raise DomainError(
            _("The cluster year already has an agreement in force; draft an amendment instead.")
        )
    source = None
    if origin == Agreement.Origin.TEMPLATE:
        source = Agreement.objects.filter(
            kind=Agreement.Kind.TEMPLATE,
            template_parent=cluster_year.cluster.parent,
            template_year=cluster_year.year,
        ).first()
        if source is None:
            raise DomainError(
                {
                    "origin": _("The parent body has no template for %(year)s.")
                    % {"year": cluster_year.year}
                }
            )
    elif origin == Agreement.Origin.PREVIOUS:
        source = Agreement.objects.filter(
            kind=Agreement.Kind.AGREEMENT,
            cluster_year__cluster=cluster_year.cluster,
            cluster_year__year=cluster_year.year - 1,
            status__in=IN_FORCE,
        ).first()
        if source is None:
            raise DomainError(
                {
                    "origin": _("The cluster has no agreement in force for %(year)s.")
                    % {"year": cluster_year.year - 1}
                }
            )
    elif origin != Agreement.Origin.BLANK:
        raise DomainError({"origin": _("Choose how to start the draft.")})

    memberships = list(cluster_year.memberships.select_related("unit"))
    head = next((m.unit for m in memberships if m.role == "head" and m.is_active), None)
    basis = [plan_basis(cluster_year.plan)] if cluster_year.plan_id else []
    if origin == Agreement.Origin.TEMPLATE and source.legal_basis.strip():
        basis += [line for line in source.legal_basis.splitlines() if line.strip()]
    closing = source.closing if source is not None else ""
    agreement = _save_new(
        Agreement(
            kind=Agreement.Kind.AGREEMENT,
            cluster_year=cluster_year,
            origin=origin,
            title=default_title(cluster_year.year),
            place=(head or cluster_year.cluster.parent).place_name,
            legal_basis="\n".join(basis),
            closing=closing,
            is_demo=is_demo,
            created_by=actor,
        )
    )
    if source is not None:
        _copy_content(source, agreement)
    summary = {
        Agreement.Origin.BLANK: _("Started a blank draft"),
        Agreement.Origin.TEMPLATE: _("Started from the parent's template"),
        Agreement.Origin.PREVIOUS: _("Started from last year's agreement"),
    }[origin]
    _revise(agreement, actor=actor, summary=summary)
    audit_record(
        actor=actor,
        obj=agreement,
        action="agreement.create",
        after={"origin": origin, "source": source.pk if source else None},
    )
    return agreement


@transaction.atomic
def template_create(*, actor, parent, year):
    """Start the parent body's template of sections and criteria for a year."""
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    if Agreement.objects.filter(
        kind=Agreement.Kind.TEMPLATE, template_parent=parent, template_year=year
    ).exists():
        raise DomainError({"year": _("The parent body already has a template for this year.")})
    template = Agreement(
        kind=Agreement.Kind.TEMPLATE,
        template_parent=parent,
        template_year=year,
        title=default_title(year),
        place=parent.place_name,
        created_by=actor,
    )
    try:
        _full_clean(template)
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise DomainError(
            {"year": _("The parent body already has a template for this year.")}
        ) from None
    _revise(template, actor=actor, summary=_("Started the template"))
    audit_record(actor=actor, obj=template, action="template.create", after={"year": year})
    return template


@transaction.atomic
def agreement_update(
    *, actor, agreement, expected_version, title, place, date, legal_basis, closing
):
    """Edit the heading part, legal basis and closing of a draft (lost-update guarded)."""
    agreement = _lock(agreement)
    _require_editable(agreement)
    data = _nfc_fields(
        {
            "title": title,
            "place": place,
            "date": date,
            "legal_basis": legal_basis,
            "closing": closing,
        }
    )
    before = snapshot(agreement, HEADER_FIELDS)
    for name, value in data.items():
        setattr(agreement, name, value)
    _full_clean(agreement, validate_constraints=False)
    save_versioned(agreement, expected_version=expected_version, fields=HEADER_FIELDS)
    after = snapshot(agreement, HEADER_FIELDS)
    changed = [
        str(Agreement._meta.get_field(name).verbose_name)
        for name in HEADER_FIELDS
        if before[name] != after[name]
    ]
    if changed:
        _revise(
            agreement,
            actor=actor,
            summary=_("Edited: %(fields)s") % {"fields": ", ".join(changed)},
        )
    audit_record(actor=actor, obj=agreement, action="agreement.update", before=before, after=after)
    return agreement


# --- sections ------------------------------------------------------------------------------


@transaction.atomic
def section_add(*, actor, agreement, heading, text):
    agreement = _lock(agreement)
    _require_editable(agreement)
    last = agreement.sections.aggregate(last=Max("order"))["last"] or 0
    section = Section(
        agreement=agreement, order=last + 1, **_nfc_fields({"heading": heading, "text": text})
    )
    _full_clean(section)
    section.save()
    _revise(
        agreement, actor=actor, summary=_("Added section %(number)s") % {"number": section.order}
    )
    audit_record(
        actor=actor,
        obj=agreement,
        action="section.add",
        after={"section": section.pk, **snapshot(section, ["order", "heading", "text"])},
    )
    return section


@transaction.atomic
def section_update(*, actor, section, expected_version, heading, text):
    agreement = _lock(section.agreement_id)
    _require_editable(agreement)
    section = Section.objects.get(pk=section.pk)
    before = snapshot(section, ["heading", "text"])
    section.heading, section.text = content.nfc(heading), content.nfc(text)
    _full_clean(section)
    save_versioned(section, expected_version=expected_version, fields=["heading", "text"])
    _revise(
        agreement, actor=actor, summary=_("Edited section %(number)s") % {"number": section.order}
    )
    audit_record(
        actor=actor,
        obj=agreement,
        action="section.update",
        before={"section": section.pk, **before},
        after={"section": section.pk, **snapshot(section, ["heading", "text"])},
    )
    section.agreement = agreement
    return section


@transaction.atomic
def section_remove(*, actor, section):
    agreement = _lock(section.agreement_id)
    _require_editable(agreement)
    section = Section.objects.get(pk=section.pk)
    before = {"section": section.pk, **snapshot(section, ["order", "heading", "text"])}
    number = section.order
    Comment.objects.filter(section=section, section_label="").update(
        section_label=_section_label(section)
    )
    section.delete()
    _renumber(agreement.sections.order_by("order", "pk"))
    _revise(agreement, actor=actor, summary=_("Removed section %(number)s") % {"number": number})
    audit_record(actor=actor, obj=agreement, action="section.remove", before=before)


def _move(siblings, obj, direction):
    """Swap `obj` with its neighbour in `siblings` (ordered); return the new order or None."""
    items = list(siblings)
    _renumber(items)
    index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise DomainError(_("Unknown direction."))
    if other < 0 or other >= len(items):
        return None
    a, b = items[index], items[other]
    type(a).objects.filter(pk=a.pk).update(order=b.order)
    type(b).objects.filter(pk=b.pk).update(order=a.order)
    return b.order


@transaction.atomic
def section_move(*, actor, section, direction):
    agreement = _lock(section.agreement_id)
    _require_editable(agreement)
    section = Section.objects.get(pk=section.pk)
    old = section.order
    new = _move(agreement.sections.order_by("order", "pk"), section, direction)
    if new is None:
        return section
    section.refresh_from_db()
    _revise(
        agreement,
        actor=actor,
        summary=_("Moved section %(old)s to position %(new)s") % {"old": old, "new": new},
    )
    audit_record(
        actor=actor,
        obj=agreement,
        action="section.move",
        before={"section": section.pk, "order": old},
        after={"section": section.pk, "order": new},
    )
    return section


# --- criteria ------------------------------------------------------------------------------


def _decimal_or_error(value, field, errors):
    if value is None or value == "":
        return None
    try:
        return parse_number(value)
    except NumberFormatError as error:
        errors.setdefault(field, []).append(error.message)
        return None


def validate_criterion(criterion):
    """Check a criterion's points, caps and rule; raise DomainError with field errors."""
    errors = {}
    for field in DECIMAL_FIELDS:
        setattr(criterion, field, _decimal_or_error(getattr(criterion, field), field, errors))
    if errors:
        raise DomainError(errors)
    C = Criterion
    if criterion.max_points is None:
        errors["max_points"] = [_("Enter the maximum points.")]
    elif criterion.max_points < 0:
        errors["max_points"] = [_("Points cannot be negative.")]
    if criterion.cap is not None and criterion.cap < 0:
        errors["cap"] = [_("The cap cannot be negative.")]
    if criterion.points_per_occurrence is not None and criterion.points_per_occurrence < 0:
        errors["points_per_occurrence"] = [_("Points per occurrence cannot be negative.")]
    if criterion.target is not None and criterion.target < 0:
        errors["target"] = [_("The target cannot be negative.")]
    if (
        criterion.kind == C.Kind.BONUS
        and criterion.cap is not None
        and criterion.max_points is not None
        and criterion.max_points > criterion.cap
    ):
        errors.setdefault("max_points", []).append(_("A bonus cannot give more than its cap."))
    if criterion.rule == C.Rule.PER_OCCURRENCE:
        if criterion.kind == C.Kind.NORMAL:
            errors.setdefault("rule", []).append(
                _("Points per occurrence apply to bonus and penalty criteria only.")
            )
        if criterion.points_per_occurrence is None:
            errors.setdefault("points_per_occurrence", []).append(
                _("Enter the points per occurrence.")
            )
    if criterion.rule == C.Rule.PROPORTIONAL:
        if criterion.kind == C.Kind.PENALTY:
            errors.setdefault("rule", []).append(
                _("A penalty is deducted per occurrence, all at once or by hand.")
            )
        elif criterion.measure not in (C.Measure.NUMBER, C.Measure.PERCENT):
            errors.setdefault("rule", []).append(
                _("A proportional score needs a number or a percentage.")
            )
        elif criterion.target is None or criterion.target <= 0:
            errors.setdefault("target", []).append(
                _("A proportional score needs a target above zero.")
            )
    if (
        criterion.rule == C.Rule.ALL_OR_NOTHING
        and criterion.kind != C.Kind.PENALTY
        and criterion.measure in (C.Measure.NUMBER, C.Measure.PERCENT)
        and criterion.target is None
    ):
        errors.setdefault("target", []).append(_("Enter the target to reach."))
    if criterion.measure == C.Measure.TEXT and criterion.rule not in (C.Rule.MANUAL,):
        errors.setdefault("rule", []).append(_("A free-text measure is scored by hand."))
    if errors:
        raise DomainError(errors)
    _full_clean(criterion, exclude=["section"])


def _criterion_fields(fields):
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown criterion fields: {sorted(unknown)}")
    return _nfc_fields(fields)


@transaction.atomic
def criterion_add(*, actor, section, **fields):
    agreement = _lock(section.agreement_id)
    _require_editable(agreement)
    section = Section.objects.get(pk=section.pk)
    last = section.criteria.aggregate(last=Max("order"))["last"] or 0
    criterion = Criterion(section=section, order=last + 1, **_criterion_fields(fields))
    validate_criterion(criterion)
    criterion.save()
    _revise(
        agreement,
        actor=actor,
        summary=_("Added criterion %(code)s to section %(number)s")
        % {"code": criterion.code, "number": section.order},
    )
    audit_record(
        actor=actor,
        obj=agreement,
        action="criterion.add",
        after={"criterion": criterion.pk, **snapshot(criterion, CRITERION_FIELDS)},
    )
    return criterion


@transaction.atomic
def criterion_update(*, actor, criterion, expected_version, **fields):
    section = Section.objects.get(pk=criterion.section_id)
    agreement = _lock(section.agreement_id)
    _require_editable(agreement)
    criterion = Criterion.objects.get(pk=criterion.pk)
    fields = _criterion_fields(fields)
    before = snapshot(criterion, list(fields))
    for name, value in fields.items():
        setattr(criterion, name, value)
    validate_criterion(criterion)
    save_versioned(criterion, expected_version=expected_version, fields=list(fields))
    _revise(
        agreement,
        actor=actor,
        summary=_("Edited criterion %(code)s") % {"code": criterion.code},
    )
    audit_record(
        actor=actor,
        obj=agreement,
        action="criterion.update",
        before={"criterion": criterion.pk, **before},
        after={"criterion": criterion.pk, **snapshot(criterion, list(fields))},
    )
    return criterion


@transaction.atomic
def criterion_remove(*, actor, criterion):
    section = Section.objects.get(pk=criterion.section_id)
    agreement = _lock(section.agreement_id)
    _require_editable(agreement)
    criterion = Criterion.objects.get(pk=criterion.pk)
    before = {"criterion": criterion.pk, **snapshot(criterion, CRITERION_FIELDS)}
    criterion.delete()
    _renumber(section.criteria.order_by("order", "pk"))
    _revise(
        agreement,
        actor=actor,
        summary=_("Removed criterion %(code)s") % {"code": before["code"]},
    )
    audit_record(actor=actor, obj=agreement, action="criterion.remove", before=before)


@transaction.atomic
def criterion_move(*, actor, criterion, direction):
    section = Section.objects.get(pk=criterion.section_id)
    agreement = _lock(section.agreement_id)
    _require_editable(agreement)
    criterion = Criterion.objects.get(pk=criterion.pk)
    old = criterion.order
    new = _move(section.criteria.order_by("order", "pk"), criterion, direction)
    if new is None:
        return criterion
    criterion.refresh_from_db()
    _revise(
        agreement,
        actor=actor,
        summary=_("Moved criterion %(code)s") % {"code": criterion.code},
    )
    audit_record(
        actor=actor,
        obj=agreement,
        action="criterion.move",
        before={"criterion": criterion.pk, "order": old},
        after={"criterion": criterion.pk, "order": new},
    )
    return criterion


# --- consultation --------------------------------------------------------------------------


@transaction.atomic
def agreement_circulate(*, actor, agreement, deadline=None):
    """Send the draft to every member unit for comment, by `deadline` when one is given."""
    agreement = _lock(agreement)
    _require_agreement(agreement)
    if agreement.status != Agreement.Status.DRAFT:
        raise DomainError(_("Only a draft can be circulated for comment."))
    if not agreement.sections.exists():
        raise DomainError(_("Add at least one section before circulating the draft."))
    agreement.consultation_deadline = require_future(deadline)
    agreement.status = Agreement.Status.CIRCULATED
    agreement.save(update_fields=["status", "consultation_deadline"])
    audit_record(
        actor=actor,
        obj=agreement,
        action="agreement.circulate",
        before={"status": Agreement.Status.DRAFT},
        after={"status": agreement.status, "deadline": deadline},
    )
    pk = agreement.pk
    transaction.on_commit(lambda: notifications.draft_circulated(pk))
    return agreement


@transaction.atomic
def comment_add(*, actor, agreement, unit, text, section=None):
    """A member unit's officer or chair comments on the circulated draft (or one section)."""
    agreement = _lock(agreement)
    _require_agreement(agreement)
    if agreement.status != Agreement.Status.CIRCULATED:
        raise DomainError(_("Comments are taken only while the draft is circulated."))
    if unit is None or unit.pk not in {u.pk for u in access.comment_units(actor, agreement)}:
        raise DomainError({"unit": _("You may comment only for a member unit you work for.")})
    if section is not None and section.agreement_id != agreement.pk:
        raise DomainError({"section": _("The section is not part of this agreement.")})
    text = content.nfc(text).strip()
    if not text:
        raise DomainError({"text": _("Write the comment.")})
    comment = Comment.objects.create(
        agreement=agreement,
        section=section,
        section_label=_section_label(section) if section is not None else "",
        unit=unit,
        author=actor,
        author_name=_person_name(actor),
        text=text,
    )
    audit_record(
        actor=actor,
        obj=agreement,
        action="comment.add",
        after={"comment": comment.pk, "unit": unit.pk, "section": getattr(section, "pk", None)},
    )
    return comment


@transaction.atomic
def comment_answer(*, actor, comment, answer):
    """The cluster head answers a comment; its author is told by e-mail."""
    agreement = _lock(comment.agreement_id)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not agreement.is_editable:
        raise DomainError(_("Comments can be answered only before the agreement is adopted."))
    if comment.status == Comment.Status.RESOLVED:
        raise DomainError(_("This comment has been resolved."))
    answer = content.nfc(answer).strip()
    if not answer:
        raise DomainError({"answer": _("Write the answer.")})
    before = snapshot(comment, ["status", "answer"])
    comment.answer = answer
    comment.status = Comment.Status.ANSWERED
    comment.answered_by = actor
    comment.answered_at = timezone.now()
    comment.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        obj=agreement,
        action="comment.answer",
        before={"comment": comment.pk, **before},
        after={"comment": comment.pk, **snapshot(comment, ["status", "answer"])},
    )
    pk = comment.pk
    transaction.on_commit(lambda: notifications.comment_answered(pk))
    return comment


@transaction.atomic
def comment_resolve(*, actor, comment):
    agreement = _lock(comment.agreement_id)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not agreement.is_editable:
        raise DomainError(_("Comments can be resolved only before the agreement is adopted."))
    if comment.status == Comment.Status.RESOLVED:
        raise DomainError(_("This comment has already been resolved."))
    before = comment.status
    comment.status = Comment.Status.RESOLVED
    comment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        obj=agreement,
        action="comment.resolve",
        before={"comment": comment.pk, "status": before},
        after={"comment": comment.pk, "status": comment.status},
    )
    return comment


# --- adoption and amendment ----------------------------------------------------------------


@transaction.atomic
def agreement_adopt(*, actor, agreement, signing_deadline=None):
    """Record the conference's adoption: freeze the content, hash it, snapshot the members.

    The signing opens with it, by `signing_deadline` when one is given.
    """
    agreement = _lock(agreement)
    require_future(signing_deadline, "signing_deadline")
    _require_agreement(agreement)
    if agreement.status != Agreement.Status.CIRCULATED:
        if agreement.status in IN_FORCE or agreement.status == Agreement.Status.SUPERSEDED:
            raise DomainError(_("This agreement has already been adopted."))
        raise DomainError(_("Circulate the draft for comment before it is adopted."))
    if not agreement.sections.exists():
        raise DomainError(_("An agreement without sections cannot be adopted."))
    old = None
    if agreement.supersedes_id:
        old = _lock(agreement.supersedes_id)
        if old.status not in IN_FORCE:
            raise DomainError(_("The agreement this amendment replaces is no longer in force."))
    else:
        in_force = Agreement.objects.filter(
            cluster_year_id=agreement.cluster_year_id, status__in=IN_FORCE
        ).exclude(pk=agreement.pk)
        if in_force.exists():
            raise DomainError(
                _("The cluster year already has an agreement in force; adopt an amendment instead.")
            )
    now = timezone.now()
    if agreement.date is None:
        agreement.date = timezone.localdate(now)
        agreement.save(update_fields=["date"])
    if old is not None:
        # The old one leaves force first, so that "one in force" holds at every statement.
        before_old = old.status
        old.status = Agreement.Status.SUPERSEDED
        old.save(update_fields=["status"])
        audit_record(
            actor=actor,
            obj=old,
            action="agreement.superseded",
            before={"status": before_old},
            after={"status": old.status, "superseded_by": agreement.pk},
        )
        # Its signatures stay for the record, marked void: the amendment is signed afresh.
        signing.signatures_void(actor=actor, agreement=old, reason=agreement.amendment_reason)
    canonical = content.serialize(agreement)
    agreement.canonical_content = canonical
    agreement.content_hash = content_sha256(canonical)
    agreement.members_snapshot = members_snapshot(agreement.cluster_year, agreement.date)
    agreement.adopted_at = now
    agreement.adopted_by = actor
    agreement.signing_deadline = signing_deadline
    agreement.status = Agreement.Status.ADOPTED
    agreement.save(
        update_fields=[
            "signing_deadline",
            "canonical_content",
            "content_hash",
            "members_snapshot",
            "adopted_at",
            "adopted_by",
            "status",
        ]
    )
    audit_record(
        actor=actor,
        obj=agreement,
        action="agreement.adopt",
        before={"status": Agreement.Status.CIRCULATED},
        after={
            "status": agreement.status,
            "content_hash": agreement.content_hash,
            "supersedes": agreement.supersedes_id,
            "signing_deadline": signing_deadline,
        },
    )
    return agreement


@transaction.atomic
def agreement_amend(*, actor, agreement, reason):
    """Start an amendment: a new draft copying the content; once adopted it supersedes this one."""
    agreement = _lock(agreement)
    _require_agreement(agreement)
    reason = content.nfc(reason).strip()
    if not reason:
        raise DomainError({"reason": _("Give the reason for the amendment.")})
    if agreement.status not in IN_FORCE:
        raise DomainError(_("Only the agreement in force can be amended."))
    if Agreement.objects.filter(supersedes=agreement).exists():
        raise DomainError(_("An amendment of this agreement has already been started."))
    if Agreement.objects.filter(
        cluster_year_id=agreement.cluster_year_id, status__in=EDITABLE
    ).exists():
        raise DomainError(_("The cluster year already has a draft agreement."))
    amendment = _save_new(
        Agreement(
            kind=Agreement.Kind.AGREEMENT,
            cluster_year_id=agreement.cluster_year_id,
            origin=Agreement.Origin.AMENDMENT,
            title=agreement.title,
            place=agreement.place,
            date=None,
            legal_basis=agreement.legal_basis,
            closing=agreement.closing,
            supersedes=agreement,
            amendment_reason=reason,
            is_demo=agreement.is_demo,
            created_by=actor,
        )
    )
    _copy_content(agreement, amendment)
    _revise(amendment, actor=actor, summary=_("Started an amendment"))
    audit_record(
        actor=actor,
        obj=amendment,
        action="agreement.amend",
        after={"supersedes": agreement.pk},
        reason=reason,
    )
    return amendment


# --- the signing conference ----------------------------------------------------------------


def _clean_guests(guests):
    rows, errors = [], []
    for index, guest in enumerate(guests or [], start=1):
        name = content.nfc(guest.get("name", "")).strip()
        title = content.nfc(guest.get("title", "")).strip()
        organisation = content.nfc(guest.get("organisation", "")).strip()
        if not (name or title or organisation):
            continue
        if not name:
            errors.append(_("Guest %(number)s has no name.") % {"number": index})
            continue
        rows.append({"name": name, "title": title, "organisation": organisation})
    return rows, errors


@transaction.atomic
def conference_save(
    *,
    actor,
    agreement,
    starts_at,
    venue,
    hosts,
    minutes="",
    guests=(),
    expected_version=None,
    minutes_file=None,
):
    """Record the signing conference; return (conference, warnings).

    `expected_version` is the conference's version the form was read at (0: none recorded
    yet); `minutes_file` an optional uploaded PDF scan of the minutes, replacing any earlier one.
    """
    agreement = _lock(agreement)
    _require_agreement(agreement)
    if agreement.status == Agreement.Status.SUPERSEDED:
        raise DomainError(_("This agreement has been superseded."))
    errors = {}
    if starts_at is None:
        errors["starts_at"] = [_("Enter the date and time.")]
    elif isinstance(starts_at, datetime.datetime) and timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    venue = content.nfc(venue).strip()
    if not venue:
        errors["venue"] = [_("Enter the venue.")]
    members = {m.unit_id for m in agreement.cluster_year.memberships.all() if m.is_active}
    hosts = list(hosts or [])
    if any(h.pk not in members for h in hosts):
        errors["hosts"] = [_("Host units must be members of the cluster.")]
    rows, guest_errors = _clean_guests(guests)
    if guest_errors:
        errors["guests"] = guest_errors
    if errors:
        raise DomainError(errors)
    conference = Conference.objects.select_for_update().filter(agreement=agreement).first()
    before = snapshot(conference, [*CONFERENCE_FIELDS, "minutes_file"]) if conference else None
    if conference is None:
        conference = Conference(agreement=agreement)
    conference.starts_at = starts_at
    conference.venue = venue
    conference.minutes = content.nfc(minutes)
    if minutes_file is not None:
        conference.minutes_file = minutes_file
    _full_clean(conference, exclude=[] if minutes_file is not None else ["minutes_file"])
    stored = None
    try:
        if conference.pk is None:
            conference.save()  # stores the scan, if any, under its generated name
        else:
            if expected_version is None:
                expected_version = conference.version
            save_versioned(conference, expected_version=expected_version, fields=CONFERENCE_FIELDS)
            if minutes_file is not None:
                conference.save(update_fields=["minutes_file"])  # stores the scan
        if minutes_file is not None:
            stored = conference.minutes_file.name
        conference.hosts.set(hosts)
        conference.guests.all().delete()
        Guest.objects.bulk_create(
            Guest(conference=conference, order=order, **row) for order, row in enumerate(rows, 1)
        )
        audit_record(
            actor=actor,
            obj=agreement,
            action="conference.save",
            before=before,
            after={
                **snapshot(conference, [*CONFERENCE_FIELDS, "minutes_file"]),
                "hosts": [h.pk for h in hosts],
                "guests": rows,
            },
        )
    except Exception:
        if stored:
            conference.minutes_file.storage.delete(stored)  # the rolled-back save keeps no scan
        raise
    return conference, conference_warnings(conference)


def conference_warnings(conference):
    """What looks wrong about a conference record (shown, never blocking)."""
    warnings = []
    plan = conference.agreement.cluster_year.plan
    if plan is not None and timezone.localtime(conference.starts_at).date() < plan.date:
        warnings.append(
            _(
                "The conference (%(date)s) predates the plan it implements (%(plan)s of "
                "%(plan_date)s). Check the date."
            )
            % {
                "date": f"{timezone.localtime(conference.starts_at):%d/%m/%Y}",
                "plan": plan.reference,
                "plan_date": f"{plan.date:%d/%m/%Y}",
            }
        )
    return warnings
