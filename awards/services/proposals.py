"""The award catalogue, the proposal file sent up by the cluster head and the parent's decision.

Statuses of a file: to send → awaiting review → returned (with a reason) ⇄ resubmitted →
accepted → being decided → decided; a decision can be revoked with a reason. Every transition
locks the file, is checked here, writes a status history row and an audit entry, and e-mails
the units after the commit (returns, decisions, revocations).
"""

import os

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.selectors import signatory_of
from awards import mail, reports
from awards.models import (
    REPORT_KINDS,
    AwardType,
    Decision,
    Proposal,
    ProposalDeadline,
    ProposalDocument,
    ProposalItem,
    ProposalStatusChange,
    ReportVersion,
    VoteRules,
)
from awards.selectors import (
    RulesContext,
    meets_rating,
    quota_limit,
    submission_content,
)
from clusters.models import ClusterYear, Unit
from clusters.services import cluster_year_close, number_allocate
from core.audit import audit_record, snapshot
from core.errors import DomainError
from core.forms import require_future
from core.text import vn_number
from core.uploads import PDF, UploadValidator
from core.versioning import save_versioned
from results.selectors import ranking_key

SUBMISSION_SYMBOL = "TTr-MTTQ"
MAX_TEXT = 20000
AWARD_FIELDS = [
    "order",
    "form",
    "name",
    "issuer",
    "recipient",
    "rank_one_only",
    "min_rating",
    "vote_purpose",
    "quota_kind",
    "quota_value",
]
S = Proposal.Status


def _full_clean(obj, **kwargs):
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise DomainError(error.message_dict) from None


def _text(value, limit=MAX_TEXT):
    return (value or "").strip()[:limit]


# --- the catalogue -------------------------------------------------------------------------


@transaction.atomic
def award_type_create(*, actor, parent, year, **data):
    """Add an award to a parent body's catalogue for a year."""
    unknown = set(data) - set(AWARD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown award fields: {sorted(unknown)}")
    Unit.objects.select_for_update().get(pk=parent.pk)
    award_type = AwardType(parent=parent, year=year, **_clean_award(data))
    _full_clean(award_type)
    award_type.save()
    audit_record(
        actor=actor,
        obj=award_type,
        action="award_type.create",
        after=snapshot(award_type, ["parent", "year", *AWARD_FIELDS]),
    )
    return award_type


def _clean_award(data):
    data = dict(data)
    for name in ("name", "issuer", "min_rating"):
        if name in data:
            data[name] = _text(data[name], 300)
    if data.get("quota_kind") == AwardType.Quota.NONE:
        data["quota_value"] = None
    return data


@transaction.atomic
def award_type_update(*, actor, award_type, expected_version, **data):
    award_type = AwardType.objects.select_for_update().get(pk=award_type.pk)
    data = _clean_award(data)
    fields = [f for f in AWARD_FIELDS if f in data]
    before = snapshot(award_type, fields)
    for name, value in data.items():
        setattr(award_type, name, value)
    _full_clean(award_type)
    save_versioned(award_type, expected_version=expected_version, fields=fields)
    audit_record(
        actor=actor,
        obj=award_type,
        action="award_type.update",
        before=before,
        after=snapshot(award_type, fields),
    )
    return award_type


@transaction.atomic
def award_type_remove(*, actor, award_type):
    award_type = AwardType.objects.select_for_update().get(pk=award_type.pk)
    if award_type.items.exists():
        raise DomainError(
            _("This award is used in a proposal file; it can be changed but not removed.")
        )
    # Its parent body and year too: the backup of the year finds the entries of a removed award.
    before = snapshot(award_type, ["parent", "year", *AWARD_FIELDS])
    audit_record(actor=actor, obj=award_type, action="award_type.remove", before=before)
    award_type.delete()


@transaction.atomic
def catalogue_copy(*, actor, parent, year):
    """Start a year's catalogue and vote rules from the latest earlier year's."""
    Unit.objects.select_for_update().get(pk=parent.pk)
    if AwardType.objects.filter(parent=parent, year=year).exists():
        raise DomainError(_("The catalogue of %(year)s already has awards.") % {"year": year})
    source_year = (
        AwardType.objects.filter(parent=parent, year__lt=year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if source_year is None:
        raise DomainError(_("There is no earlier catalogue to copy."))
    copied = []
    for source in AwardType.objects.filter(parent=parent, year=source_year):
        award_type = AwardType(
            parent=parent, year=year, **{f: getattr(source, f) for f in AWARD_FIELDS}
        )
        award_type.save()
        copied.append(award_type.pk)
    rules = VoteRules.objects.filter(parent=parent, year=source_year).first()
    if rules is not None and not VoteRules.objects.filter(parent=parent, year=year).exists():
        VoteRules.objects.create(
            parent=parent,
            year=year,
            threshold_percent=rules.threshold_percent,
            strictly_more=rules.strictly_more,
            base=rules.base,
            rounds=rules.rounds,
            tie_break=rules.tie_break,
        )
    audit_record(
        actor=actor,
        obj=parent,
        action="award_catalogue.copy",
        after={"from": source_year, "to": year, "award_types": copied},
    )
    return copied


# --- eligibility and quota -----------------------------------------------------------------


def eligibility_errors(award_type, unit, context, *, individual=False):
    """Why `unit` (or an individual of it) may not receive `award_type`; [] when it may.

    Rank and rating rules concern collectives; an individual needs only to work for a member.
    """
    year = context.cluster_year.year
    if award_type.parent_id != context.cluster_year.cluster.parent_id or award_type.year != year:
        return [_("Choose an award of the parent body's catalogue for %(year)s.") % {"year": year}]
    if unit.pk not in context.members:
        return [_("%(unit)s is not a member of the cluster.") % {"unit": unit.name}]
    if individual != award_type.for_individuals:
        if award_type.for_individuals:
            return [
                _("%(award)s is for individuals: name the person.") % {"award": award_type.name}
            ]
        return [_("%(award)s is for collectives, not individuals.") % {"award": award_type.name}]
    if individual:
        return []
    errors = []
    entry = context.entries.get(unit.pk)
    if entry is None:
        return [_("%(unit)s has no place in the locked ranking.") % {"unit": unit.name}]
    if award_type.rank_one_only and entry.rank != 1:
        errors.append(
            _("%(award)s goes only to the unit ranked first; %(unit)s is ranked %(rank)s.")
            % {"award": award_type.name, "unit": unit.name, "rank": entry.rank}
        )
    if not meets_rating(entry, award_type.min_rating, context.ranking):
        errors.append(
            _("%(award)s needs the rating “%(min)s” or better; %(unit)s is rated “%(rating)s”.")
            % {
                "award": award_type.name,
                "min": award_type.min_rating,
                "unit": unit.name,
                "rating": entry.rating,
            }
        )
    if award_type.vote_purpose and unit.pk not in context.elected(award_type.vote_purpose):
        errors.append(
            _("%(unit)s was not elected by the cluster's vote for %(award)s.")
            % {"unit": unit.name, "award": award_type.name}
        )
    return errors


def quota_error(award_type, count, context):
    """The message when `count` nominations of an award exceed its quota, else None."""
    limit = quota_limit(award_type, len(context.members))
    if limit is None or count <= limit:
        return None
    if award_type.quota_kind == AwardType.Quota.SHARE:
        return _(
            "The quota for %(award)s is %(share)s%% of the %(members)s member units, that is "
            "%(limit)s; the file proposes %(count)s."
        ) % {
            "award": award_type.name,
            "share": vn_number(award_type.quota_value),
            "members": len(context.members),
            "limit": limit,
            "count": count,
        }
    return _("The quota for %(award)s is %(limit)s per cluster; the file proposes %(count)s.") % {
        "award": award_type.name,
        "limit": limit,
        "count": count,
    }


# --- the proposal file ---------------------------------------------------------------------


def _lock(proposal):
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster__parent", "head")
        .get(pk=proposal.pk)
    )


def _history(proposal, actor, from_status, reason=""):
    ProposalStatusChange.objects.create(
        proposal=proposal,
        from_status=from_status or "",
        to_status=proposal.status,
        reason=reason,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if actor else "",
    )


def _transition(proposal, actor, to_status, action, reason="", **after):
    from_status = proposal.status
    proposal.status = to_status
    proposal.save(update_fields=["status", *after.pop("fields", [])])
    _history(proposal, actor, from_status, reason)
    audit_record(
        actor=actor,
        obj=proposal,
        action=action,
        before={"status": from_status},
        after={"status": to_status, **after},
        reason=reason,
    )


def _require_editable(proposal):
    if not proposal.is_editable:
        raise DomainError(
            _("The file has been sent to the parent body; it changes only if it is returned.")
        )


def _item(context, proposal, award_type, unit, *, person_name="", person_title="", reason=""):
    entry = context.entries.get(unit.pk)
    return ProposalItem(
        proposal=proposal,
        award_type=award_type,
        unit=unit,
        unit_name=unit.name,
        person_name=_text(person_name, 200),
        person_title=_text(person_title, 300),
        reason=_text(reason),
        score=entry.total if entry else None,
        rank=entry.rank if entry else None,
        rating=entry.rating if entry else "",
        vote_share=context.vote_share(award_type.vote_purpose, unit.pk)
        if not person_name
        else None,
    )


def default_reason(entry, cluster_year, members):
    if entry is None:
        return ""
    return (
        f"{entry.rating} năm {cluster_year.year}; xếp thứ {entry.rank}/{members} đơn vị "
        f"{cluster_year.cluster.name} với {vn_number(entry.total)} điểm."
    )


@transaction.atomic
def proposal_create(*, actor, cluster_year):
    """Start the cluster year's proposal file, pre-filled with the units the vote elected."""
    cluster_year = (
        ClusterYear.objects.select_for_update(of=("self",))
        .select_related("cluster__parent")
        .get(pk=cluster_year.pk)
    )
    if Proposal.objects.filter(cluster_year=cluster_year).exists():
        raise DomainError(_("The cluster year already has its proposal file."))
    head = cluster_year.head
    if head is None:
        raise DomainError(_("The cluster has no head to send the proposal."))
    context = RulesContext(cluster_year)
    if context.ranking is None:
        raise DomainError(
            _("The year-end results are not locked yet: the proposal follows the ranking.")
        )
    catalogue = list(
        AwardType.objects.filter(parent_id=cluster_year.cluster.parent_id, year=cluster_year.year)
    )
    if not catalogue:
        raise DomainError(
            _("The parent body has no award catalogue for %(year)s yet.")
            % {"year": cluster_year.year}
        )
    proposal = Proposal.objects.create(
        cluster_year=cluster_year, head=head, head_name=head.name, created_by=actor
    )
    _history(proposal, actor, "")
    members = {m.unit_id: m.unit for m in cluster_year.memberships.select_related("unit")}
    created = []
    for award_type in catalogue:
        if not award_type.vote_purpose or award_type.for_individuals:
            continue
        chosen = sorted(
            context.elected(award_type.vote_purpose),
            key=lambda pk: (
                ranking_key(context.entries[pk]) if pk in context.entries else (10**6, "", ""),
                pk,
            ),
        )
        count = 0
        for unit_id in chosen:
            unit = members.get(unit_id)
            if unit is None or eligibility_errors(award_type, unit, context):
                continue
            if quota_error(award_type, count + 1, context):
                break
            item = _item(
                context,
                proposal,
                award_type,
                unit,
                reason=default_reason(context.entries.get(unit_id), cluster_year, len(members)),
            )
            item.order = len(created)
            item.save()
            created.append(item)
            count += 1
    audit_record(
        actor=actor,
        obj=proposal,
        action="proposal.create",
        after={"items": [[i.award_type_id, i.unit_id] for i in created]},
    )
    return proposal


@transaction.atomic
def proposal_item_add(
    *, actor, proposal, award_type, unit, person_name="", person_title="", reason=""
):
    """Nominate a unit (or an individual of a member unit) for an award, within the rules."""
    proposal = _lock(proposal)
    _require_editable(proposal)
    context = RulesContext(proposal.cluster_year)
    individual = bool(_text(person_name))
    errors = eligibility_errors(award_type, unit, context, individual=individual)
    if errors:
        raise DomainError(errors)
    if not _text(reason):
        raise DomainError({"reason": _("State the achievements in brief.")})
    if proposal.items.filter(
        award_type=award_type, unit=unit, person_name=_text(person_name, 200)
    ).exists():
        raise DomainError(_("This nominee is already proposed for this award."))
    count = proposal.items.filter(award_type=award_type).count()
    message = quota_error(award_type, count + 1, context)
    if message:
        raise DomainError(message)
    item = _item(
        context,
        proposal,
        award_type,
        unit,
        person_name=person_name,
        person_title=person_title,
        reason=reason,
    )
    item.order = proposal.items.count()
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise DomainError(_("This nominee is already proposed for this award.")) from None
    audit_record(
        actor=actor,
        obj=proposal,
        action="proposal.item_add",
        after={
            "award_type": award_type.pk,
            "unit": unit.pk,
            "person_name": item.person_name,
            "reason": item.reason,
        },
    )
    return item


@transaction.atomic
def proposal_item_update(*, actor, item, expected_version, reason, person_title=""):
    proposal = _lock(item.proposal)
    _require_editable(proposal)
    item = ProposalItem.objects.get(pk=item.pk, proposal=proposal)
    if not _text(reason):
        raise DomainError({"reason": _("State the achievements in brief.")})
    fields = ["reason", "person_title"]
    before = snapshot(item, fields)
    item.reason = _text(reason)
    item.person_title = _text(person_title, 300) if item.person_name else ""
    save_versioned(item, expected_version=expected_version, fields=fields)
    audit_record(
        actor=actor,
        obj=proposal,
        action="proposal.item_update",
        before={"item": item.pk, **before},
        after={"item": item.pk, **snapshot(item, fields)},
    )
    return item


@transaction.atomic
def proposal_item_remove(*, actor, item):
    proposal = _lock(item.proposal)
    _require_editable(proposal)
    item = ProposalItem.objects.get(pk=item.pk, proposal=proposal)
    before = {"award_type": item.award_type_id, "unit": item.unit_id, "person": item.person_name}
    stored = item.report_file.name if item.report_file else None
    storage = item.report_file.storage
    item.delete()
    audit_record(actor=actor, obj=proposal, action="proposal.item_remove", before=before)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


def _require_report_editable(item):
    if not item.proposal.is_editable:
        raise DomainError(
            _("The file has been sent to the parent body; reports change only if it is returned.")
        )


@transaction.atomic
def item_report_save(*, actor, item, expected_version, sections):
    """Save a nominee's achievement report, section by section (awards.reports.SECTIONS); every
    save is kept as a numbered version with who saved it and when."""
    proposal = _lock(item.proposal)
    item = ProposalItem.objects.select_related("proposal").get(pk=item.pk, proposal=proposal)
    _require_report_editable(item)
    cleaned = {
        key: _text(sections.get(key, ""), reports.MAX_SECTION) for key in reports.SECTION_KEYS
    }
    too_long = [
        key
        for key in reports.SECTION_KEYS
        if len(str(sections.get(key) or "")) > reports.MAX_SECTION
    ]
    if too_long:
        raise DomainError({key: _("The text is too long.") for key in too_long})
    if not any(cleaned.values()):
        raise DomainError(_("Write at least one section of the report."))
    before = {"item": item.pk, "version": item.version}
    item.report_sections = cleaned
    save_versioned(item, expected_version=expected_version, fields=["report_sections"])
    ReportVersion.objects.create(
        item=item,
        number=item.version,
        sections=cleaned,
        saved_by=actor,
        saved_by_name=actor.get_full_name() or actor.get_username(),
    )
    audit_record(
        actor=actor,
        obj=proposal,
        action="proposal.report_write",
        before=before,
        after={"item": item.pk, "version": item.version},
    )
    return item


@transaction.atomic
def item_report_upload(*, actor, item, upload):
    """Attach a nominee's achievement report as a file (PDF, DOCX or ODT)."""
    proposal = _lock(item.proposal)
    item = ProposalItem.objects.select_related("proposal").get(pk=item.pk, proposal=proposal)
    _require_report_editable(item)
    try:
        UploadValidator(REPORT_KINDS)(upload)
    except ValidationError as error:
        raise DomainError({"file": error.messages}) from None
    old = item.report_file.name if item.report_file else None
    storage = item.report_file.storage
    item.report_file.save(upload.name, upload, save=False)
    item.report_file_name = os.path.basename(upload.name or "file")[:255]
    item.save(update_fields=["report_file", "report_file_name"])
    audit_record(
        actor=actor,
        obj=proposal,
        action="proposal.report_upload",
        after={"item": item.pk, "file": item.report_file_name, "size": upload.size},
    )
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    return item


def _check_file(proposal, items, context):
    if not items:
        raise DomainError(_("Add at least one nominee before sending the file."))
    missing = [i.nominee for i in items if not i.has_report]
    if missing:
        raise DomainError(
            _("Every nominee needs an achievement report. Missing: %(names)s.")
            % {"names": "; ".join(missing)}
        )
    errors = []
    counts = {}
    for item in items:
        errors += eligibility_errors(
            item.award_type, item.unit, context, individual=bool(item.person_name)
        )
        counts.setdefault(item.award_type, 0)
        counts[item.award_type] += 1
    for award_type, count in counts.items():
        message = quota_error(award_type, count, context)
        if message:
            errors.append(message)
    if errors:
        raise DomainError(errors)
    meeting = context.meeting
    if meeting is None or not meeting.minutes_issued:
        raise DomainError(_("Issue the minutes of the year-end meeting before sending the file."))


@transaction.atomic
def proposal_submit(*, actor, proposal, date=None):
    """Send the file to the parent body with a numbered covering submission (tờ trình)."""
    proposal = _lock(proposal)
    if proposal.status not in (S.TO_SEND, S.RETURNED):
        raise DomainError(_("The file has already been sent to the parent body."))
    cluster_year = proposal.cluster_year
    items = list(proposal.items.select_related("award_type", "unit"))
    context = RulesContext(cluster_year)
    _check_file(proposal, items, context)
    head = cluster_year.head or proposal.head
    date = date or timezone.localdate()
    issued = number_allocate(
        actor=actor,
        unit=head,
        year=date.year,
        symbol=SUBMISSION_SYMBOL,
        purpose=f"Tờ trình đề nghị khen thưởng năm {cluster_year.year} — "
        f"{cluster_year.cluster.name}"[:300],
    )
    signer = signatory_of(head, date)
    document = ProposalDocument.objects.create(
        proposal=proposal,
        number=issued,
        date=date,
        content=submission_content(
            proposal, items, context, issued=issued, date=date, signer=signer
        ),
    )
    proposal.submitted_at = timezone.now()
    proposal.return_reason = ""
    to_status = S.AWAITING_REVIEW if proposal.status == S.TO_SEND else S.RESUBMITTED
    _transition(
        proposal,
        actor,
        to_status,
        "proposal.submit",
        fields=["submitted_at", "return_reason"],
        number=issued.reference,
        document=document.pk,
    )
    return proposal


# --- the parent body -----------------------------------------------------------------------


@transaction.atomic
def proposal_return(*, actor, proposal, reason):
    """Return the file to the cluster head with the reason; the head fixes and resubmits."""
    proposal = _lock(proposal)
    if not proposal.is_under_review:
        raise DomainError(_("Only a file awaiting review can be returned."))
    reason = _text(reason, 5000)
    if not reason:
        raise DomainError({"reason": _("Say what the cluster must correct.")})
    proposal.return_reason = reason
    _transition(
        proposal, actor, S.RETURNED, "proposal.return", reason=reason, fields=["return_reason"]
    )
    pk = proposal.pk
    transaction.on_commit(lambda: mail.proposal_returned(pk))
    return proposal


@transaction.atomic
def proposal_accept(*, actor, proposal, accepted, notes=None):
    """Accept the file: the items in `accepted` (ids) go on to the decision, the others not."""
    proposal = _lock(proposal)
    if not proposal.is_under_review:
        raise DomainError(_("Only a file awaiting review can be accepted."))
    items = list(proposal.items.select_for_update())
    accepted = {int(pk) for pk in accepted}
    if not accepted <= {i.pk for i in items}:
        raise DomainError(_("Choose items of this file."))
    if not accepted:
        raise DomainError(_("Accept at least one item, or return the file with a reason."))
    notes = notes or {}
    for item in items:
        item.status = (
            ProposalItem.Status.ACCEPTED
            if item.pk in accepted
            else ProposalItem.Status.NOT_ACCEPTED
        )
        item.parent_note = _text(notes.get(item.pk, ""), 5000)
        item.save(update_fields=["status", "parent_note"])
    _transition(proposal, actor, S.ACCEPTED, "proposal.accept", accepted=sorted(accepted))
    return proposal


@transaction.atomic
def proposal_start_decision(*, actor, proposal):
    """The accepted file goes to the parent's emulation council."""
    proposal = _lock(proposal)
    if proposal.status != S.ACCEPTED:
        raise DomainError(_("Only an accepted file goes to the decision."))
    _transition(proposal, actor, S.BEING_DECIDED, "proposal.start_decision")
    return proposal


@transaction.atomic
def proposal_decide(*, actor, proposal, number, date, signer_name, granted, scan, signer_title=""):
    """Record the parent's decision: number, date, signer, granted items, the scanned PDF."""
    proposal = _lock(proposal)
    if proposal.status == S.RETURNED:
        raise DomainError(
            _(
                "This file was returned to the cluster; it can be decided only once it is "
                "resubmitted and accepted."
            )
        )
    if proposal.status not in (S.ACCEPTED, S.BEING_DECIDED):
        raise DomainError(_("Only an accepted file can be decided."))
    errors = {}
    number, signer_name = _text(number, 100), _text(signer_name, 200)
    if not number:
        errors["number"] = [_("Enter the decision's number.")]
    if date is None:
        errors["date"] = [_("Enter the decision's date.")]
    if not signer_name:
        errors["signer_name"] = [_("Enter who signed the decision.")]
    if scan is None:
        errors["scan"] = [_("Attach the scanned decision (PDF).")]
    else:
        try:
            UploadValidator(PDF)(scan)
        except ValidationError as error:
            errors["scan"] = error.messages
    items = list(proposal.items.select_for_update())
    accepted = {i.pk for i in items if i.status == ProposalItem.Status.ACCEPTED}
    granted = {int(pk) for pk in granted}
    if not granted:
        errors["granted"] = [_("Choose the items the decision grants.")]
    elif not granted <= accepted:
        errors["granted"] = [_("A decision grants only items the parent body accepted.")]
    if errors:
        raise DomainError(errors)
    decision = Decision(
        proposal=proposal,
        number=number,
        date=date,
        signer_name=signer_name,
        signer_title=_text(signer_title, 300),
        recorded_by=actor,
    )
    decision.scan.save(scan.name, scan, save=False)
    decision.save()
    for item in items:
        if item.status == ProposalItem.Status.ACCEPTED:
            item.status = (
                ProposalItem.Status.GRANTED
                if item.pk in granted
                else ProposalItem.Status.NOT_GRANTED
            )
            item.save(update_fields=["status"])
    if proposal.status == S.ACCEPTED:
        _transition(proposal, actor, S.BEING_DECIDED, "proposal.start_decision")
    _transition(
        proposal,
        actor,
        S.DECIDED,
        "proposal.decide",
        number=number,
        date=date,
        signer=signer_name,
        granted=sorted(granted),
    )
    # The decision is the year's last step: the cluster year is finished.
    cluster_year_close(actor=actor, cluster_year=proposal.cluster_year)
    pk = proposal.pk
    transaction.on_commit(lambda: mail.proposal_decided(pk))
    return decision


@transaction.atomic
def decision_revoke(*, actor, proposal, reason, items=None):
    """Revoke the decision (all its awards) or some granted awards, with the reason."""
    proposal = _lock(proposal)
    if proposal.status != S.DECIDED:
        raise DomainError(_("Only a decided file's awards can be revoked."))
    reason = _text(reason, 5000)
    if not reason:
        raise DomainError({"reason": _("Give the reason for the revocation.")})
    granted = {
        i.pk: i
        for i in proposal.items.select_for_update().filter(status=ProposalItem.Status.GRANTED)
    }
    chosen = set(granted) if not items else {int(pk) for pk in items}
    if not chosen <= set(granted):
        raise DomainError({"items": _("Choose awards this decision granted.")})
    for pk in chosen:
        item = granted[pk]
        item.status = ProposalItem.Status.REVOKED
        item.revoked_reason = reason
        item.save(update_fields=["status", "revoked_reason"])
    audit_record(
        actor=actor,
        obj=proposal,
        action="proposal.revoke_items",
        after={"items": sorted(chosen)},
        reason=reason,
    )
    if chosen == set(granted):
        decision = Decision.objects.select_for_update().get(proposal=proposal)
        decision.revoked_at = timezone.now()
        decision.revoked_reason = reason
        decision.save(update_fields=["revoked_at", "revoked_reason"])
        _transition(proposal, actor, S.REVOKED, "proposal.revoke", reason=reason)
    pk, revoked = proposal.pk, sorted(chosen)
    transaction.on_commit(lambda: mail.awards_revoked(pk, revoked))
    return proposal


# --- the proposal file's deadline ---------------------------------------------------------


def _set_deadline(actor, cluster_year, due):
    row, created = ProposalDeadline.objects.update_or_create(
        cluster_year=cluster_year, defaults={"due": due, "set_by": actor}
    )
    return row


@transaction.atomic
def proposal_deadline_set_all(*, actor, parent, year, due):
    """The parent body's date for the proposal files of all its clusters of the year."""
    require_future(due, "due")
    cluster_years = list(
        ClusterYear.objects.select_for_update().filter(cluster__parent=parent, year=year)
    )
    if not cluster_years:
        raise DomainError(_("The parent body has no cluster this year."))
    for cluster_year in cluster_years:
        _set_deadline(actor, cluster_year, due)
    audit_record(
        actor=actor,
        obj=parent,
        action="proposal.deadline_all",
        after={"year": year, "due": due, "clusters": len(cluster_years)},
    )
    return len(cluster_years)


@transaction.atomic
def proposal_deadline_set(*, actor, cluster_year, due):
    """Move one cluster's date (an extension, say)."""
    require_future(due, "due")
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    before = ProposalDeadline.objects.filter(cluster_year=cluster_year).first()
    row = _set_deadline(actor, cluster_year, due)
    audit_record(
        actor=actor,
        obj=cluster_year,
        action="proposal.deadline",
        before={"due": before.due} if before else None,
        after={"due": due},
    )
    return row
