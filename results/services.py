"""Every change to review periods, self-assessments, reviews, rankings and good practices.

Each service locks the row it changes (select_for_update), checks that the transition is
allowed, writes, records an audit entry and sends e-mail only after the commit. Once a
period is locked nothing in it changes again.
"""

import hashlib
import json
import os
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.models import Criterion
from agreements.scoring import as_number, suggest
from clusters.models import ClusterYear
from core.audit import audit_record, snapshot
from core.errors import DomainError
from core.forms import require_future
from core.text import NumberFormatError, parse_number, vn_number
from core.uploads import EVIDENCE, UploadValidator
from core.versioning import save_versioned
from results import excel
from results import mail as notifications
from results.models import (
    Assessment,
    Evidence,
    GoodPractice,
    Period,
    PracticeFile,
    RankingEntry,
    RankingSnapshot,
    RatingThreshold,
    ResultRules,
    Score,
    TieBreak,
)
from results.selectors import input_kind, period_results, results_agreement, rules_for, score_limits

CENT = Decimal("0.01")
MAX_TEXT = 5000
MAX_FILES_PER_ITEM = 20
MAX_NUMBER = Decimal("999999999999")


class SheetError(DomainError):
    """Invalid entries of a sheet: `entries` maps (criterion id, field) to messages."""

    def __init__(self, entries):
        self.entries = {key: list(messages) for key, messages in entries.items()}
        super().__init__([m for messages in self.entries.values() for m in messages])


def _locked_message():
    return _("The results of this review are locked; nothing can change any more.")


# --- result rules (per parent body and year) -----------------------------------------------


@transaction.atomic
def result_rules_save(*, actor, parent, year, tie_break, thresholds, evidence_max_mb):
    """Set how a parent body ranks and rates a year's results; `thresholds` best first."""
    errors = {}
    keys = [str(k) for k in tie_break]
    if not keys or any(k not in TieBreak.values for k in keys) or len(set(keys)) != len(keys):
        errors["tie_break"] = [_("Choose each ranking key at most once, from the list.")]
    elif keys[0] != TieBreak.TOTAL:
        errors["tie_break"] = [_("Rank by the total first; the other keys break ties.")]
    cleaned = []
    for label, minimum in thresholds:
        label = (label or "").strip()
        try:
            minimum = Decimal(str(minimum))
        except (InvalidOperation, ValueError):
            minimum = None
        if not label or minimum is None or not minimum.is_finite() or not 0 <= minimum <= 100:
            errors["thresholds"] = [
                # xgettext:no-python-format
                _("Each rating needs a name and a threshold from 0 to 100 (% of the maximum).")
            ]
            break
        cleaned.append((label, minimum.quantize(CENT)))
    if not errors.get("thresholds"):
        labels = [c[0] for c in cleaned]
        minima = [c[1] for c in cleaned]
        if not cleaned:
            errors["thresholds"] = [_("Enter at least one rating.")]
        elif len(set(labels)) != len(labels) or len(set(minima)) != len(minima):
            errors["thresholds"] = [_("Ratings and thresholds must all be different.")]
        elif minima != sorted(minima, reverse=True):
            errors["thresholds"] = [_("List the ratings from the best (highest threshold) down.")]
        elif minima[-1] != 0:
            errors["thresholds"] = [
                _("The last rating must start at 0% so that every unit gets one.")
            ]
    if errors:
        raise DomainError(errors)
    rules, _created = ResultRules.objects.get_or_create(parent=parent, year=year)
    rules = ResultRules.objects.select_for_update().get(pk=rules.pk)
    before = {
        "tie_break": rules.tie_break,
        "evidence_max_mb": rules.evidence_max_mb,
        "thresholds": [[t.label, str(t.min_percent)] for t in rules.thresholds.all()],
    }
    rules.tie_break = keys
    rules.evidence_max_mb = evidence_max_mb
    try:
        rules.full_clean()
    except ValidationError as error:
        raise DomainError(error.message_dict) from None
    rules.save()
    rules.thresholds.all().delete()
    RatingThreshold.objects.bulk_create(
        RatingThreshold(rules=rules, order=index, label=label, min_percent=minimum)
        for index, (label, minimum) in enumerate(cleaned)
    )
    audit_record(
        actor=actor,
        obj=rules,
        action="result_rules.save",
        before=before,
        after={
            "tie_break": keys,
            "evidence_max_mb": evidence_max_mb,
            "thresholds": [[label, str(minimum)] for label, minimum in cleaned],
        },
    )
    return rules


# --- periods -------------------------------------------------------------------------------


def _lock_period(period):
    return (
        Period.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster", "agreement")
        .get(pk=period.pk)
    )


def _check_review_deadline(deadline, review_deadline):
    """The review's deadline, when given, lies ahead and after the self-assessments'."""
    if review_deadline is None:
        return
    require_future(review_deadline, "review_deadline")
    if review_deadline < deadline:
        raise DomainError(
            {"review_deadline": _("The review cannot be due before the self-assessments.")}
        )


@transaction.atomic
def period_open(
    *, actor, cluster_year, kind, deadline, cross_checking=False, note="", review_deadline=None
):
    """Open a mid-year or year-end review: a sheet for every member, announced by e-mail."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if kind not in Period.Kind.values:
        raise DomainError({"kind": _("Choose the mid-year or the year-end review.")})
    if cluster_year.status != ClusterYear.Status.ACTIVE:
        raise DomainError(_("Reviews open only while the cluster year is in progress."))
    if Period.objects.filter(cluster_year=cluster_year, kind=kind).exists():
        raise DomainError({"kind": _("This review is already open for the cluster year.")})
    if deadline is None or deadline <= timezone.now():
        raise DomainError({"deadline": _("The deadline must be in the future.")})
    _check_review_deadline(deadline, review_deadline)
    agreement = results_agreement(cluster_year)
    if agreement is None:
        raise DomainError(
            _(
                "There is no agreement to assess against yet: results follow the agreement in "
                "force once every member has signed it or parent staff have closed the signing."
            )
        )
    period = Period.objects.create(
        cluster_year=cluster_year,
        kind=kind,
        agreement=agreement,
        deadline=deadline,
        review_deadline=review_deadline,
        cross_checking=cross_checking,
        note=(note or "").strip()[:MAX_TEXT],
        opened_by=actor,
    )
    criterion_ids = _criterion_ids(period)
    members = [m for m in cluster_year.memberships.select_related("unit") if m.is_active]
    for membership in members:
        _new_sheet(period, membership.unit, criterion_ids)
    audit_record(
        actor=actor,
        obj=period,
        action="period.open",
        after={
            "kind": kind,
            "deadline": deadline,
            "review_deadline": review_deadline,
            "agreement": agreement.pk,
            "cross_checking": cross_checking,
            "members": len(members),
        },
    )
    pk = period.pk
    transaction.on_commit(lambda: notifications.period_opened(pk))
    return period


@transaction.atomic
def period_update(
    *, actor, period, expected_version, deadline, cross_checking, note="", review_deadline=None
):
    """Move the deadlines, switch cross-checking, change the message (while open)."""
    period = _lock_period(period)
    if not period.is_open:
        raise DomainError(_locked_message())
    if deadline is None or deadline <= timezone.now():
        raise DomainError({"deadline": _("The deadline must be in the future.")})
    if review_deadline != period.review_deadline:
        _check_review_deadline(deadline, review_deadline)
    fields = ["deadline", "review_deadline", "cross_checking", "note"]
    before = snapshot(period, fields)
    period.deadline = deadline
    period.review_deadline = review_deadline
    period.cross_checking = cross_checking
    period.note = (note or "").strip()[:MAX_TEXT]
    save_versioned(period, expected_version=expected_version, fields=fields)
    audit_record(
        actor=actor,
        obj=period,
        action="period.update",
        before=before,
        after=snapshot(period, fields),
    )
    return period


def _criterion_ids(period):
    return list(
        Criterion.objects.filter(section__agreement_id=period.agreement_id).values_list(
            "pk", flat=True
        )
    )


def _new_sheet(period, unit, criterion_ids):
    """An empty self-assessment sheet of `unit`: one score line per criterion of the agreement."""
    assessment = Assessment.objects.create(period=period, unit=unit, unit_name=unit.name)
    Score.objects.bulk_create(Score(assessment=assessment, criterion_id=pk) for pk in criterion_ids)
    return assessment


def sheets_for_joined_member(actor, membership, predecessor=None):
    """A unit joined the cluster year while a review is open: it gets its sheet in that review.

    A successor carries on its predecessor's sheet (the entries, evidence and history stay with
    the work already done) unless it already has one of its own; otherwise the sheet is new.
    Registered with `clusters.events.on_member_joined`; runs in the joining transaction.
    """
    unit = membership.unit
    periods = Period.objects.select_for_update().filter(
        cluster_year_id=membership.cluster_year_id, status=Period.Status.OPEN
    )
    for period in periods:
        if Assessment.objects.filter(period=period, unit=unit).exists():
            continue
        inherited = None
        if predecessor is not None:
            inherited = (
                Assessment.objects.select_for_update()
                .filter(period=period, unit=predecessor)
                .first()
            )
        if inherited is not None:
            Assessment.objects.filter(pk=inherited.pk).update(
                unit=unit, unit_name=unit.name, version=F("version") + 1
            )
            audit_record(
                actor=actor,
                obj=inherited,
                action="assessment.transfer",
                before={"unit": predecessor.pk, "unit_name": inherited.unit_name},
                after={"unit": unit.pk, "unit_name": unit.name},
            )
        else:
            sheet = _new_sheet(period, unit, _criterion_ids(period))
            audit_record(
                actor=actor, obj=sheet, action="assessment.create", after={"unit": unit.pk}
            )


@transaction.atomic
def period_assign_peers(*, actor, period, assignments):
    """Assign cross-checking peers: `assignments` maps assessment id -> peer unit id or None."""
    period = _lock_period(period)
    if not period.is_open:
        raise DomainError(_locked_message())
    if not period.cross_checking:
        raise DomainError(_("Switch cross-checking on before assigning peer units."))
    members = {m.unit_id for m in period.cluster_year.memberships.all() if m.is_active}
    sheets = {a.pk: a for a in Assessment.objects.select_for_update().filter(period=period)}
    errors = {}
    changes = []
    for assessment_id, unit_id in assignments.items():
        assessment = sheets.get(int(assessment_id))
        if assessment is None:
            raise DomainError(_("A sheet of another review was given."))
        unit_id = int(unit_id) if unit_id else None
        if unit_id is not None and unit_id not in members:
            errors[f"peer_{assessment.pk}"] = [_("The peer must be a member of the cluster.")]
        elif unit_id is not None and unit_id == assessment.unit_id:
            errors[f"peer_{assessment.pk}"] = [_("A unit cannot cross-check its own sheet.")]
        elif unit_id != assessment.peer_reviewer_id:
            changes.append((assessment, assessment.peer_reviewer_id, unit_id))
    if errors:
        raise DomainError(errors)
    for assessment, old, new in changes:
        assessment.peer_reviewer_id = new
        assessment.save(update_fields=["peer_reviewer"])
        audit_record(
            actor=actor,
            obj=assessment,
            action="assessment.assign_peer",
            before={"peer_reviewer": old},
            after={"peer_reviewer": new},
        )
    return len(changes)


def rotation(period):
    """Peers in rotation: each member checks the next one in the cluster's order."""
    memberships = [m for m in period.cluster_year.memberships.all() if m.is_active]
    memberships.sort(key=lambda m: (m.order, m.unit_id))
    units = [m.unit_id for m in memberships]
    sheets = {a.unit_id: a.pk for a in period.assessments.all()}
    if len(units) < 2:
        return {}
    return {
        sheets[unit]: units[(index + 1) % len(units)]
        for index, unit in enumerate(units)
        if unit in sheets
    }


def _snapshot_hash(payload):
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def period_lock(*, actor, period):
    """Lock a review: every sheet accepted; take the immutable ranking snapshot."""
    period = _lock_period(period)
    if not period.is_open:
        raise DomainError(_("These results are already locked."))
    sheets = list(Assessment.objects.select_for_update().filter(period=period))
    pending = sorted(a.unit_name for a in sheets if a.status != Assessment.Status.ACCEPTED)
    if pending:
        raise DomainError(
            _("Every sheet must be reviewed and accepted before locking. Not yet: %(units)s.")
            % {"units": ", ".join(pending)}
        )
    if not sheets:
        raise DomainError(_("There is no sheet to rank."))
    results = period_results(period)
    period.status = Period.Status.LOCKED
    rules = results.rules
    sections = [
        {"id": s.pk, "order": s.order, "heading": s.heading or s.text[:200], "max_points": str(m)}
        for s, m in zip(results.sections, results.section_max, strict=True)
    ]
    entries = [
        {
            "unit": row.assessment.unit_id,
            "unit_name": row.name,
            "rank": row.rank,
            "total": str(row.total),
            "normal": str(row.normal),
            "bonus": str(row.bonus),
            "penalty": str(row.penalty),
            "percent": str(row.percent),
            "rating": row.rating,
            "section_totals": [str(v) for v in row.section_points],
            "decided_by": row.decided_by,
        }
        for row in results.rows
    ]
    thresholds = [[label, str(minimum)] for label, minimum in rules.thresholds]
    payload = {
        "period": period.pk,
        "kind": period.kind,
        "agreement": period.agreement_id,
        "max_points": str(results.max_points),
        "tie_break": rules.tie_break,
        "thresholds": thresholds,
        "sections": sections,
        "entries": entries,
    }
    ranking = RankingSnapshot.objects.create(
        period=period,
        binding=period.is_binding,
        max_points=results.max_points,
        tie_break=rules.tie_break,
        thresholds=thresholds,
        sections=sections,
        content_hash=_snapshot_hash(payload),
        created_by=actor,
    )
    RankingEntry.objects.bulk_create(
        RankingEntry(
            snapshot=ranking,
            unit_id=e["unit"],
            unit_name=e["unit_name"],
            rank=e["rank"],
            total=Decimal(e["total"]),
            normal=Decimal(e["normal"]),
            bonus=Decimal(e["bonus"]),
            penalty=Decimal(e["penalty"]),
            percent=Decimal(e["percent"]),
            rating=e["rating"],
            section_totals=e["section_totals"],
            decided_by=e["decided_by"],
        )
        for e in entries
    )
    period.locked_at = timezone.now()
    period.locked_by = actor
    period.save(update_fields=["status", "locked_at", "locked_by"])
    audit_record(
        actor=actor,
        obj=period,
        action="period.lock",
        before={"status": Period.Status.OPEN},
        after={
            "status": period.status,
            "ranking": [[e["unit_name"], e["rank"], e["total"], e["rating"]] for e in entries],
            "tie_break": rules.tie_break,
            "hash": ranking.content_hash,
        },
    )
    return ranking


# --- self-assessment -----------------------------------------------------------------------


def _lock_assessment(assessment):
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("period__cluster_year__cluster", "period__agreement", "unit")
        .get(pk=assessment.pk)
    )


def _require_editable(assessment):
    if not assessment.period.is_open:
        raise DomainError(_locked_message())
    if assessment.status == Assessment.Status.SUBMITTED:
        raise DomainError(
            _("The sheet has been submitted and is under review; it can change only if returned.")
        )
    if assessment.status == Assessment.Status.ACCEPTED:
        raise DomainError(_("The sheet has been accepted; it can no longer change."))


def _clean_value(criterion, raw, errors):
    """The achieved value as stored: (achieved, achieved_text, occurrences)."""
    kind = input_kind(criterion)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, "", None
    if kind == "text":
        text = str(raw).strip()
        if len(text) > MAX_TEXT:
            errors["value"] = [_("The text is too long.")]
        return None, text[:MAX_TEXT], None
    if kind == "yes_no":
        number = as_number(raw)
        if number is None or number not in (0, 1):
            errors["value"] = [_("Answer yes or no (Có / Không).")]
            return None, "", None
        return Decimal(int(number)), "", None
    try:
        number = parse_number(raw)
    except NumberFormatError as error:
        errors["value"] = [error.message]
        return None, "", None
    if number < 0:
        errors["value"] = [_("The value cannot be negative.")]
        return None, "", None
    if number > MAX_NUMBER:
        errors["value"] = [_("The value is too large.")]
        return None, "", None
    if kind == "occurrences":
        if number != number.to_integral_value():
            errors["value"] = [_("Enter a whole number of occurrences.")]
            return None, "", None
        return None, "", int(number)
    return number.quantize(CENT, rounding=ROUND_HALF_UP), "", None


def suggested_score(criterion, achieved, occurrences):
    value = occurrences if input_kind(criterion) == "occurrences" else achieved
    return suggest(criterion, value) if value is not None else None


def check_score(criterion, value, field="self_score"):
    """Parse a score and check it against the criterion's limits; return (Decimal, errors)."""
    try:
        number = parse_number(value)
    except NumberFormatError as error:
        return None, {field: [error.message]}
    if number is None:
        return None, {}
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    low, high = score_limits(criterion)
    if not low <= number <= high:
        if criterion.kind == Criterion.Kind.PENALTY:
            message = _(
                "A penalty deducts from 0 to %(cap)s points: enter a score from %(low)s to 0."
            ) % {"cap": vn_number(-low), "low": vn_number(low)}
        elif criterion.kind == Criterion.Kind.BONUS:
            message = _("A bonus gives from 0 to %(high)s points (its cap).") % {
                "high": vn_number(high)
            }
        else:
            message = _("The score must be from 0 to %(high)s points (the maximum).") % {
                "high": vn_number(high)
            }
        return None, {field: [message]}
    return number, {}


def _links(text, errors):
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    validator = URLValidator(schemes=["http", "https"])
    for line in lines:
        try:
            validator(line)
        except ValidationError:
            errors["links"] = [_("Each line must be a web address (http:// or https://).")]
            break
    return "\n".join(lines)[:MAX_TEXT]


def clean_entry(criterion, entry):
    """Validate one criterion's entry: {value, self_score, explanation, links}.

    Returns (fields to store, errors by field). A blank self-score takes the rule's
    suggestion.
    """
    errors = {}
    achieved, achieved_text, occurrences = _clean_value(criterion, entry.get("value"), errors)
    self_score, score_errors = check_score(criterion, entry.get("self_score"))
    errors.update(score_errors)
    if self_score is None and not score_errors:
        self_score = suggested_score(criterion, achieved, occurrences)
    explanation = str(entry.get("explanation") or "").strip()
    if len(explanation) > MAX_TEXT:
        errors["explanation"] = [_("The text is too long.")]
    links = _links(entry.get("links"), errors)
    return {
        "achieved": achieved,
        "achieved_text": achieved_text,
        "occurrences": occurrences,
        "self_score": self_score,
        "explanation": explanation[:MAX_TEXT],
        "links": links,
    }, errors


ENTRY_FIELDS = ["achieved", "achieved_text", "occurrences", "self_score", "explanation", "links"]


def score_is_complete(score):
    kind = input_kind(score.criterion)
    if kind == "text":
        has_value = bool(score.achieved_text.strip())
    elif kind == "occurrences":
        has_value = score.occurrences is not None
    else:
        has_value = score.achieved is not None
    return has_value and score.self_score is not None


def _write_entries(*, actor, assessment, entries, action):
    scores = {
        s.criterion_id: s
        for s in Score.objects.select_related("criterion").filter(assessment=assessment)
    }
    errors = {}
    cleaned = {}
    for criterion_id, entry in entries.items():
        score = scores.get(int(criterion_id))
        if score is None:
            errors[(criterion_id, "value")] = [
                _("This criterion is not part of this sheet's agreement.")
            ]
            continue
        values, entry_errors = clean_entry(score.criterion, entry)
        for name, messages in entry_errors.items():
            errors[(score.criterion_id, name)] = messages
        cleaned[score.criterion_id] = values
    if errors:
        raise SheetError(errors)
    changed, before, after = [], {}, {}
    for criterion_id, values in cleaned.items():
        score = scores[criterion_id]
        old = snapshot(score, ENTRY_FIELDS)
        if all(getattr(score, name) == value for name, value in values.items()):
            continue
        if values["self_score"] != score.self_score and score.reviewed_score is not None:
            # The unit answered the reviewer on this criterion: the old adjustment lapses.
            old.update(reviewed_score=str(score.reviewed_score), review_reason=score.review_reason)
            score.reviewed_score = None
            score.review_reason = ""
        for name, value in values.items():
            setattr(score, name, value)
        changed.append(score)
        before[score.criterion.code] = old
        after[score.criterion.code] = snapshot(score, ENTRY_FIELDS)
    if changed:
        Score.objects.bulk_update(changed, [*ENTRY_FIELDS, "reviewed_score", "review_reason"])
        audit_record(actor=actor, obj=assessment, action=action, before=before, after=after)
    return len(changed)


@transaction.atomic
def assessment_save(*, actor, assessment, expected_version, entries):
    """Save a sheet's draft: `entries` maps criterion id -> {value, self_score, ...}.

    Every entry is checked; any error leaves the sheet exactly as it was.
    """
    assessment = _lock_assessment(assessment)
    _require_editable(assessment)
    save_versioned(assessment, expected_version=expected_version, fields=[])
    return _write_entries(
        actor=actor, assessment=assessment, entries=entries, action="assessment.save"
    )


@transaction.atomic
def assessment_import(*, actor, assessment, data, expected_version=None):
    """Import a filled template (bytes); any error in any cell imports nothing.

    Raises excel.WorkbookError (errors by cell) or DomainError.
    """
    assessment = _lock_assessment(assessment)
    _require_editable(assessment)
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(section__agreement_id=assessment.period.agreement_id)
    }
    parsed = excel.parse_assessment_workbook(data, assessment=assessment, criteria=criteria)
    if expected_version is not None:
        save_versioned(assessment, expected_version=expected_version, fields=[])
    else:
        save_versioned(assessment, expected_version=assessment.version, fields=[])
    try:
        return _write_entries(
            actor=actor, assessment=assessment, entries=parsed.entries, action="assessment.import"
        )
    except SheetError as error:
        raise excel.WorkbookError(
            [
                (excel.cell_of(parsed, criterion_id, field), message)
                for (criterion_id, field), messages in error.entries.items()
                for message in messages
            ]
        ) from None


@transaction.atomic
def assessment_submit(*, actor, assessment):
    """Submit a complete sheet for review; it locks for the unit."""
    assessment = _lock_assessment(assessment)
    _require_editable(assessment)
    period = assessment.period
    if assessment.status == Assessment.Status.DRAFT and period.deadline_passed:
        raise DomainError(
            _("The deadline (%(deadline)s) has passed; ask the cluster head to extend it.")
            % {
                "deadline": date_format(
                    timezone.localtime(period.deadline), "SHORT_DATETIME_FORMAT"
                )
            }
        )
    scores = list(Score.objects.select_related("criterion").filter(assessment=assessment))
    missing = [s.criterion.code for s in scores if not score_is_complete(s)]
    if missing:
        raise DomainError(
            _("Fill in the value and the score of every criterion first. Missing: %(codes)s.")
            % {"codes": ", ".join(missing[:30]) + ("…" if len(missing) > 30 else "")}
        )
    before = {"status": assessment.status}
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit_record(
        actor=actor,
        obj=assessment,
        action="assessment.submit",
        before=before,
        after={"status": assessment.status},
    )
    return assessment


def _require_under_review(assessment):
    if not assessment.period.is_open:
        raise DomainError(_locked_message())
    if assessment.status != Assessment.Status.SUBMITTED:
        raise DomainError(_("Only a submitted sheet can be reviewed."))


@transaction.atomic
def score_adjust(*, actor, score, reviewed_score, reason):
    """A reviewer sets the score that counts for one criterion, with a reason."""
    assessment = _lock_assessment(score.assessment)
    _require_under_review(assessment)
    score = Score.objects.select_related("criterion").get(pk=score.pk, assessment=assessment)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Give the reason for the adjustment.")})
    if len(reason) > MAX_TEXT:
        raise DomainError({"reason": _("The text is too long.")})
    value, errors = check_score(score.criterion, reviewed_score, field="reviewed_score")
    if errors:
        raise DomainError(errors)
    before = {
        "criterion": score.criterion.code,
        "score": str(score.final_score),
        "self_score": str(score.self_score),
    }
    score.reviewed_score = value
    score.review_reason = reason
    score.save(update_fields=["reviewed_score", "review_reason"])
    audit_record(
        actor=actor,
        obj=assessment,
        action="score.adjust",
        before=before,
        after={"criterion": score.criterion.code, "score": str(score.final_score)},
        reason=reason,
    )
    return score


@transaction.atomic
def assessment_return(*, actor, assessment, comment):
    """Send a sheet back to its unit with comments; the unit fixes and resubmits."""
    assessment = _lock_assessment(assessment)
    _require_under_review(assessment)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError({"comment": _("Say what the unit must correct.")})
    if len(comment) > MAX_TEXT:
        raise DomainError({"comment": _("The text is too long.")})
    assessment.status = Assessment.Status.RETURNED
    assessment.return_comment = comment
    assessment.reviewed_at = timezone.now()
    assessment.reviewed_by = actor
    assessment.save(update_fields=["status", "return_comment", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        obj=assessment,
        action="assessment.return",
        before={"status": Assessment.Status.SUBMITTED},
        after={"status": assessment.status},
        reason=comment,
    )
    pk = assessment.pk
    transaction.on_commit(lambda: notifications.assessment_returned(pk))
    return assessment


@transaction.atomic
def assessment_accept(*, actor, assessment):
    """Accept a reviewed sheet as it stands (with any adjustments)."""
    assessment = _lock_assessment(assessment)
    _require_under_review(assessment)
    assessment.status = Assessment.Status.ACCEPTED
    assessment.reviewed_at = timezone.now()
    assessment.reviewed_by = actor
    assessment.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        obj=assessment,
        action="assessment.accept",
        before={"status": Assessment.Status.SUBMITTED},
        after={"status": assessment.status},
    )
    return assessment


@transaction.atomic
def assessment_reopen(*, actor, assessment, reason):
    """Take an accepted sheet back under review (before the results are locked)."""
    assessment = _lock_assessment(assessment)
    if not assessment.period.is_open:
        raise DomainError(_locked_message())
    if assessment.status != Assessment.Status.ACCEPTED:
        raise DomainError(_("Only an accepted sheet can be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Give the reason for reopening the review.")})
    assessment.status = Assessment.Status.SUBMITTED
    assessment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        obj=assessment,
        action="assessment.reopen",
        before={"status": Assessment.Status.ACCEPTED},
        after={"status": assessment.status},
        reason=reason[:MAX_TEXT],
    )
    return assessment


# --- evidence ------------------------------------------------------------------------------


def _validate_upload(upload, max_bytes):
    try:
        UploadValidator(EVIDENCE, max_bytes=max_bytes)(upload)
    except ValidationError as error:
        raise DomainError({"file": error.messages}) from None


def _file_name(upload):
    return os.path.basename(upload.name or "file")[:255] or "file"


@transaction.atomic
def evidence_add(*, actor, score, upload):
    """Attach an evidence file to a criterion of the unit's own sheet."""
    assessment = _lock_assessment(score.assessment)
    _require_editable(assessment)
    score = Score.objects.get(pk=score.pk, assessment=assessment)
    if score.evidence.count() >= MAX_FILES_PER_ITEM:
        raise DomainError(
            {"file": _("A criterion takes at most %(n)s files.") % {"n": MAX_FILES_PER_ITEM}}
        )
    rules = rules_for(
        assessment.period.cluster_year.cluster.parent_id, assessment.period.cluster_year.year
    )
    _validate_upload(upload, rules.evidence_max_bytes)
    evidence = Evidence(
        score=score, original_name=_file_name(upload), size=upload.size, uploaded_by=actor
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    audit_record(
        actor=actor,
        obj=assessment,
        action="evidence.add",
        after={
            "criterion": score.criterion.code,
            "file": evidence.original_name,
            "size": evidence.size,
        },
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence):
    assessment = _lock_assessment(evidence.score.assessment)
    _require_editable(assessment)
    evidence = Evidence.objects.select_related("score__criterion").get(pk=evidence.pk)
    before = {"criterion": evidence.score.criterion.code, "file": evidence.original_name}
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    audit_record(actor=actor, obj=assessment, action="evidence.remove", before=before)
    transaction.on_commit(lambda: storage.delete(stored))


# --- good practices ------------------------------------------------------------------------

PRACTICE_FIELDS = ["title", "description", "results"]


def _practice_links(cluster_year, unit, criteria, bonus_claims):
    agreements = set(
        Period.objects.filter(cluster_year=cluster_year).values_list("agreement_id", flat=True)
    )
    agreement = results_agreement(cluster_year)
    if agreement is not None:
        agreements.add(agreement.pk)
    errors = {}
    criteria = list(criteria or [])
    if any(c.section.agreement_id not in agreements for c in criteria):
        errors["criteria"] = [_("Choose criteria of this cluster year's agreement.")]
    claims = list(bonus_claims or [])
    for claim in claims:
        if (
            claim.assessment.unit_id != unit.pk
            or claim.assessment.period.cluster_year_id != cluster_year.pk
            or claim.criterion.kind != Criterion.Kind.BONUS
        ):
            errors["bonus_claims"] = [_("Choose bonus points your unit claimed this year.")]
            break
    if errors:
        raise DomainError(errors)
    return criteria, claims


def _practice_text(data):
    errors = {}
    cleaned = {}
    for name in PRACTICE_FIELDS:
        value = (data.get(name) or "").strip()
        if name != "results" and not value:
            errors[name] = [_("This field is required.")]
        if len(value) > (300 if name == "title" else 20000):
            errors[name] = [_("The text is too long.")]
        cleaned[name] = value
    if errors:
        raise DomainError(errors)
    return cleaned


@transaction.atomic
def practice_create(*, actor, cluster_year, unit, criteria=(), bonus_claims=(), **data):
    """A member unit writes up a model or good practice (a draft until published)."""
    members = {m.unit_id for m in cluster_year.memberships.all() if m.is_active}
    if unit.pk not in members:
        raise DomainError(_("Only a member unit of the cluster can share a practice here."))
    text = _practice_text(data)
    criteria, claims = _practice_links(cluster_year, unit, criteria, bonus_claims)
    practice = GoodPractice.objects.create(
        cluster_year=cluster_year, unit=unit, unit_name=unit.name, created_by=actor, **text
    )
    practice.criteria.set(criteria)
    practice.bonus_claims.set(claims)
    audit_record(
        actor=actor,
        obj=practice,
        action="practice.create",
        after={
            **text,
            "criteria": [c.pk for c in criteria],
            "bonus_claims": [c.pk for c in claims],
        },
    )
    return practice


@transaction.atomic
def practice_update(*, actor, practice, expected_version, criteria=(), bonus_claims=(), **data):
    practice = GoodPractice.objects.select_for_update().get(pk=practice.pk)
    text = _practice_text(data)
    criteria, claims = _practice_links(practice.cluster_year, practice.unit, criteria, bonus_claims)
    before = snapshot(practice, PRACTICE_FIELDS)
    for name, value in text.items():
        setattr(practice, name, value)
    practice.search_text = practice.folded_text()
    save_versioned(
        practice, expected_version=expected_version, fields=[*PRACTICE_FIELDS, "search_text"]
    )
    practice.criteria.set(criteria)
    practice.bonus_claims.set(claims)
    audit_record(actor=actor, obj=practice, action="practice.update", before=before, after=text)
    return practice


@transaction.atomic
def practice_publish(*, actor, practice, published=True):
    practice = GoodPractice.objects.select_for_update().get(pk=practice.pk)
    target = GoodPractice.Status.PUBLISHED if published else GoodPractice.Status.DRAFT
    if practice.status == target:
        raise DomainError(
            _("The practice is already published.")
            if published
            else _("The practice is not published.")
        )
    before = {"status": practice.status, "featured": practice.featured}
    practice.status = target
    practice.published_at = timezone.now() if published else None
    if not published:
        practice.featured = False
    practice.save(update_fields=["status", "published_at", "featured"])
    audit_record(
        actor=actor,
        obj=practice,
        action="practice.publish" if published else "practice.unpublish",
        before=before,
        after={"status": practice.status, "featured": practice.featured},
    )
    return practice


@transaction.atomic
def practice_feature(*, actor, practice, featured=True):
    """The cluster head features one published practice of the cluster year (or none)."""
    ClusterYear.objects.select_for_update().get(pk=practice.cluster_year_id)
    practice = GoodPractice.objects.select_for_update().get(pk=practice.pk)
    if featured and not practice.is_published:
        raise DomainError(_("Only a published practice can be featured."))
    if featured:
        for other in GoodPractice.objects.filter(
            cluster_year_id=practice.cluster_year_id, featured=True
        ).exclude(pk=practice.pk):
            other.featured = False
            other.save(update_fields=["featured"])
            audit_record(
                actor=actor,
                obj=other,
                action="practice.unfeature",
                before={"featured": True},
                after={"featured": False},
            )
    before = {"featured": practice.featured}
    practice.featured = featured
    practice.save(update_fields=["featured"])
    audit_record(
        actor=actor,
        obj=practice,
        action="practice.feature" if featured else "practice.unfeature",
        before=before,
        after={"featured": featured},
    )
    return practice


@transaction.atomic
def practice_file_add(*, actor, practice, upload):
    practice = GoodPractice.objects.select_for_update().get(pk=practice.pk)
    if practice.files.count() >= MAX_FILES_PER_ITEM:
        raise DomainError(
            {"file": _("A practice takes at most %(n)s files.") % {"n": MAX_FILES_PER_ITEM}}
        )
    rules = rules_for(practice.cluster_year.cluster.parent_id, practice.cluster_year.year)
    _validate_upload(upload, rules.evidence_max_bytes)
    item = PracticeFile(
        practice=practice, original_name=_file_name(upload), size=upload.size, uploaded_by=actor
    )
    item.file.save(upload.name, upload, save=False)
    item.save()
    audit_record(
        actor=actor, obj=practice, action="practice.file_add", after={"file": item.original_name}
    )
    return item


@transaction.atomic
def practice_file_remove(*, actor, item):
    practice = GoodPractice.objects.select_for_update().get(pk=item.practice_id)
    item = PracticeFile.objects.get(pk=item.pk, practice=practice)
    stored, storage = item.file.name, item.file.storage
    before = {"file": item.original_name}
    item.delete()
    audit_record(actor=actor, obj=practice, action="practice.file_remove", before=before)
    transaction.on_commit(lambda: storage.delete(stored))
