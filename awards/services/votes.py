"""The vote (bình xét, suy tôn): vote rules, the year-end meeting, sessions, ballots, tallies.

Threat model of the secret ballot
=================================

What is protected: which member unit chose which candidates in an online secret ballot.

Who must not be able to learn it: anybody using the application (the cluster head, parent
staff, administrators in Django admin, viewers), anybody reading its exports (documents,
spreadsheets), its audit trail, or its database tables after the fact (a backup, a SQL
console on the application's tables, PostgreSQL's system columns such as xmin included).

How:

- A ballot writes two things in one transaction, under a row lock on the round:
  a `Participation` row (round, unit: THAT the unit voted) and an increment of the
  per-candidate counters (`VoteCount`: WHAT was chosen, summed). There is no ballot row.
- Neither table has a timestamp, and the counters have no "updated at"; the audit entry of a
  ballot says only "unit X voted in session Y" (it names no candidate).
- Every ballot adds 0 or 1 to EVERY counter of the round in one UPDATE, so all the round's
  counter rows are rewritten by every ballot: their PostgreSQL row versions (xmin, ctid)
  point at the last ballot as a whole, never at the last ballot for a given candidate.
- The counters stay hidden until the round is closed: no page, export, admin list or
  selector shows them before (in a six-unit cluster a live count would reveal each vote).
- Nothing else records a choice: the confirmation message names no candidate, the ballot
  view is marked `sensitive_post_parameters` so that error reports do not carry the form,
  and no log line is written with the choices.

What is outside this model, honestly:

- The database server itself: statement logging (log_statement=all), the write-ahead log,
  replication streams and dead row versions read with superuser tools (pageinspect) show
  each UPDATE's parameters, in order. So does anybody who polls the counters live while the
  vote runs (a snapshot after each ballot). Protect the server; do not log statements.
- The web server and a TLS-terminating proxy see request bodies if they are configured to
  log them; ours log only the path.
- Arithmetic: when everybody chose the same candidate (or a candidate got no vote), the
  totals alone reveal every ballot, which is unavoidable in a six-unit cluster. Small rounds
  are closed to this: a round closes only when every unit present has voted or its deadline
  has passed (the head cannot count after the first ballot), a round with fewer than
  MIN_BALLOTS ballots is void (its counters are zeroed, never shown; the parent body decides
  the matter with a recorded reason), no round follows a void one, and attendance cannot
  change between the rounds of a vote (a second round without one unit would reveal that
  unit's choice by difference).
- Coercion and shoulder-surfing at the voter's own screen.

Paper-ballot mode keeps the ballots on paper: the cluster head enters only the tallies.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import (
    Attendance,
    Candidate,
    Meeting,
    Participation,
    VoteBase,
    VoteCount,
    VoteRound,
    VoteRules,
    VoteSession,
    VoteTieBreak,
)
from awards.selectors import (
    binding_ranking,
    elected_units,
    meets_rating,
    minutes_content,
    next_year_exists,
    purpose_award_type,
    quota_limit,
    ranking_entries,
    vote_rules_for,
)
from clusters import access as cluster_access
from clusters.models import ClusterYear
from clusters.services import number_allocate, year_rollover
from core.audit import audit_record, snapshot
from core.errors import DomainError
from core.forms import require_future
from core.text import fold
from core.versioning import save_versioned
from results.selectors import ranking_key

MINUTES_SYMBOL = "BB-MTTQ"
# A round with fewer ballots is void: its totals would reveal who chose what.
MIN_BALLOTS = 3
MAX_TEXT = 5000
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
MEETING_FIELDS = [
    "title",
    "held_at",
    "venue",
    "chair_name",
    "chair_title",
    "secretary_name",
    "secretary_title",
    "notes",
]
SINGLE_SEAT = {
    VoteSession.Purpose.LEADING,
    VoteSession.Purpose.HEAD,
    VoteSession.Purpose.DEPUTY,
}


def q2(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- vote rules (per parent body and year) -------------------------------------------------


RULE_FIELDS = ["threshold_percent", "strictly_more", "base", "rounds", "tie_break"]


@transaction.atomic
def vote_rules_save(*, actor, parent, year, expected_version=None, **data):
    """Set how a parent body's clusters vote in a year (threshold, base, rounds, tie-break)."""
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown vote rule fields: {sorted(unknown)}")
    rules, created = VoteRules.objects.get_or_create(parent=parent, year=year)
    rules = VoteRules.objects.select_for_update().get(pk=rules.pk)
    before = None if created else snapshot(rules, RULE_FIELDS)
    for name, value in data.items():
        setattr(rules, name, value)
    _full_clean(rules)
    if expected_version is not None and not created:
        save_versioned(rules, expected_version=expected_version, fields=RULE_FIELDS)
    else:
        rules.save()
    audit_record(
        actor=actor,
        obj=rules,
        action="vote_rules.save",
        before=before,
        after=snapshot(rules, RULE_FIELDS),
    )
    return rules


def _full_clean(obj, **kwargs):
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise DomainError(error.message_dict) from None


# --- the ranking the vote starts from ------------------------------------------------------


def _require_ranking(cluster_year):
    ranking = binding_ranking(cluster_year)
    if ranking is None:
        raise DomainError(
            _("The year-end results are not locked yet: the vote starts from the locked ranking.")
        )
    return ranking


# --- the meeting ---------------------------------------------------------------------------


def _lock_meeting(meeting):
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster__parent")
        .get(pk=meeting.pk)
    )


def _require_minutes_open(meeting):
    if meeting.minutes_issued:
        raise DomainError(
            _("The minutes of this meeting have been issued; the meeting no longer changes.")
        )


def _clean_meeting_data(data):
    unknown = set(data) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    cleaned = {}
    for name, value in data.items():
        cleaned[name] = value.strip()[:MAX_TEXT] if isinstance(value, str) else value
    return cleaned


@transaction.atomic
def meeting_create(*, actor, cluster_year, **data):
    """Record the cluster's year-end meeting; every active member starts marked present."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if Meeting.objects.filter(cluster_year=cluster_year).exists():
        raise DomainError(_("The cluster year already has its year-end meeting."))
    _require_ranking(cluster_year)
    data = _clean_meeting_data(data)
    meeting = Meeting(cluster_year=cluster_year, created_by=actor, **data)
    _full_clean(meeting)
    meeting.save()
    memberships = [m for m in cluster_year.memberships.select_related("unit") if m.is_active]
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, unit=m.unit, unit_name=m.unit.name, order=m.order)
        for m in memberships
    )
    audit_record(
        actor=actor,
        obj=meeting,
        action="meeting.create",
        after={**snapshot(meeting, MEETING_FIELDS), "members": len(memberships)},
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting, expected_version, **data):
    meeting = _lock_meeting(meeting)
    _require_minutes_open(meeting)
    data = _clean_meeting_data(data)
    fields = list(data)
    before = snapshot(meeting, fields)
    for name, value in data.items():
        setattr(meeting, name, value)
    _full_clean(meeting)
    save_versioned(meeting, expected_version=expected_version, fields=fields)
    audit_record(
        actor=actor,
        obj=meeting,
        action="meeting.update",
        before=before,
        after=snapshot(meeting, fields),
    )
    return meeting


@transaction.atomic
def attendance_set(*, actor, meeting, present_unit_ids):
    """Mark who is present (may vote); not while a round is open."""
    meeting = _lock_meeting(meeting)
    _require_minutes_open(meeting)
    if VoteSession.objects.filter(
        meeting=meeting, status__in=[VoteSession.Status.OPEN, VoteSession.Status.COUNTED]
    ).exists():
        raise DomainError(
            _(
                "Attendance cannot change while a vote is open or waiting for another round; "
                "close it first."
            )
        )
    present = {int(pk) for pk in present_unit_ids}
    rows = list(Attendance.objects.select_for_update().filter(meeting=meeting))
    unknown = present - {row.unit_id for row in rows}
    if unknown:
        raise DomainError(_("Only member units of the cluster can be marked present."))
    before, after = {}, {}
    for row in rows:
        value = row.unit_id in present
        if row.present != value:
            before[row.unit_name] = row.present
            after[row.unit_name] = value
            row.present = value
            row.save(update_fields=["present"])
    if after:
        audit_record(
            actor=actor, obj=meeting, action="meeting.attendance", before=before, after=after
        )
    return rows


# --- sessions and candidates ---------------------------------------------------------------


def _lock_session(session):
    return (
        VoteSession.objects.select_for_update(of=("self",))
        .select_related("meeting__cluster_year__cluster__parent")
        .get(pk=session.pk)
    )


def _eligible_for(award_type, entry, ranking):
    if award_type is None:
        return True
    if award_type.rank_one_only and entry.rank != 1:
        return False
    return meets_rating(entry, award_type.min_rating, ranking)


def _prefill(meeting, purpose):
    """Candidates for a new session: [(unit, entry or None)] in ranking order."""
    cluster_year = meeting.cluster_year
    members = [m for m in cluster_year.memberships.select_related("unit") if m.is_active]
    ranking = binding_ranking(cluster_year)
    entries = ranking_entries(ranking)

    def ranked(units):
        return sorted(
            units,
            key=lambda u: ranking_key(entries[u.pk]) if u.pk in entries else (10**6, fold(u.name)),
        )

    if purpose == VoteSession.Purpose.LEADING:
        award_type = purpose_award_type(cluster_year, purpose)
        units = [
            m.unit
            for m in members
            if m.unit_id in entries
            and entries[m.unit_id].rank == 1
            and _eligible_for(award_type, entries[m.unit_id], ranking)
        ]
    elif purpose == VoteSession.Purpose.CERTIFICATES:
        award_type = purpose_award_type(cluster_year, purpose)
        leading = elected_units(meeting, VoteSession.Purpose.LEADING)
        units = [
            m.unit
            for m in members
            if m.unit_id in entries
            and m.unit_id not in leading
            and _eligible_for(award_type, entries[m.unit_id], ranking)
        ]
    elif purpose == VoteSession.Purpose.HEAD:
        current = cluster_year.head
        units = [m.unit for m in members if current is None or m.unit_id != current.pk]
    else:
        head = elected_units(meeting, VoteSession.Purpose.HEAD)
        units = [m.unit for m in members if m.unit_id not in head]
    return [(unit, entries.get(unit.pk)) for unit in ranked(units)]


def _candidate(session, unit, entry):
    return Candidate(
        session=session,
        unit=unit,
        unit_name=unit.name,
        rank=entry.rank if entry else None,
        rating=entry.rating if entry else "",
        total=entry.total if entry else None,
    )


def _default_seats(meeting, purpose, candidates):
    if purpose in SINGLE_SEAT:
        return 1
    award_type = purpose_award_type(meeting.cluster_year, purpose)
    members = sum(1 for m in meeting.cluster_year.memberships.all() if m.is_active)
    limit = quota_limit(award_type, members)
    return max(1, min(limit if limit is not None else len(candidates), len(candidates) or 1))


@transaction.atomic
def session_create(*, actor, meeting, purpose, mode=VoteSession.Mode.ONLINE, seats=None):
    """Prepare a vote for a purpose, with candidates pre-filled from the locked ranking."""
    meeting = _lock_meeting(meeting)
    _require_minutes_open(meeting)
    if purpose not in VoteSession.Purpose.values:
        raise DomainError({"purpose": _("Choose what the vote is for.")})
    if mode not in VoteSession.Mode.values:
        raise DomainError({"mode": _("Choose how the members vote.")})
    if VoteSession.objects.filter(meeting=meeting, purpose=purpose).exists():
        raise DomainError({"purpose": _("The meeting already has a vote for this purpose.")})
    if purpose in (VoteSession.Purpose.LEADING, VoteSession.Purpose.CERTIFICATES):
        _require_ranking(meeting.cluster_year)
    if purpose == VoteSession.Purpose.CERTIFICATES and not _closed(
        meeting, VoteSession.Purpose.LEADING
    ):
        raise DomainError(
            {"purpose": _("Vote on the leading unit first; certificates go to the others.")}
        )
    if purpose == VoteSession.Purpose.DEPUTY and not elected_units(
        meeting, VoteSession.Purpose.HEAD
    ):
        raise DomainError({"purpose": _("Elect next year's cluster head before the deputy.")})
    prefill = _prefill(meeting, purpose)
    if seats is None:
        seats = _default_seats(meeting, purpose, prefill)
    if purpose in SINGLE_SEAT and seats != 1:
        raise DomainError({"seats": _("This vote elects exactly one unit.")})
    session = VoteSession(
        meeting=meeting, purpose=purpose, mode=mode, seats=seats, created_by=actor
    )
    _full_clean(session)
    session.save()
    Candidate.objects.bulk_create(_candidate(session, unit, entry) for unit, entry in prefill)
    audit_record(
        actor=actor,
        obj=session,
        action="vote.create",
        after={
            "purpose": purpose,
            "mode": mode,
            "seats": seats,
            "candidates": [unit.pk for unit, _entry in prefill],
        },
    )
    return session


def _closed(meeting, purpose):
    return VoteSession.objects.filter(
        meeting=meeting, purpose=purpose, status=VoteSession.Status.CLOSED
    ).exists()


def _require_preparing(session):
    if session.status != VoteSession.Status.PREPARING:
        raise DomainError(_("The vote has started; its candidates and settings no longer change."))


@transaction.atomic
def session_update(*, actor, session, mode, seats):
    session = _lock_session(session)
    _require_preparing(session)
    if session.purpose in SINGLE_SEAT and seats != 1:
        raise DomainError({"seats": _("This vote elects exactly one unit.")})
    before = snapshot(session, ["mode", "seats"])
    session.mode = mode
    session.seats = seats
    _full_clean(session, exclude=["meeting"])
    session.save(update_fields=["mode", "seats"])
    audit_record(
        actor=actor,
        obj=session,
        action="vote.update",
        before=before,
        after=snapshot(session, ["mode", "seats"]),
    )
    return session


@transaction.atomic
def candidate_add(*, actor, session, unit):
    session = _lock_session(session)
    _require_preparing(session)
    cluster_year = session.meeting.cluster_year
    if unit.pk not in cluster_access.member_unit_ids(cluster_year):
        raise DomainError({"unit": _("Only a member unit of the cluster can stand.")})
    if session.candidates.filter(unit=unit).exists():
        raise DomainError({"unit": _("This unit is already a candidate.")})
    if session.purpose == VoteSession.Purpose.DEPUTY and unit.pk in elected_units(
        session.meeting, VoteSession.Purpose.HEAD
    ):
        raise DomainError({"unit": _("Next year's cluster head cannot also be the deputy.")})
    entry = ranking_entries(binding_ranking(cluster_year)).get(unit.pk)
    candidate = _candidate(session, unit, entry)
    candidate.save()
    audit_record(actor=actor, obj=session, action="vote.candidate_add", after={"unit": unit.pk})
    return candidate


@transaction.atomic
def candidate_remove(*, actor, candidate):
    session = _lock_session(candidate.session)
    _require_preparing(session)
    candidate = Candidate.objects.get(pk=candidate.pk, session=session)
    unit_id = candidate.unit_id
    candidate.delete()
    audit_record(actor=actor, obj=session, action="vote.candidate_remove", before={"unit": unit_id})


def _new_round(session, number, seats, candidates, deadline=None):
    meeting = session.meeting
    attendance = list(meeting.attendance.all())
    members = cluster_access.member_unit_ids(meeting.cluster_year)
    present = sum(1 for a in attendance if a.present and a.unit_id in members)
    if present == 0:
        raise DomainError(_("Mark at least one member unit present before the vote."))
    base = present if session.base == VoteBase.PRESENT else len(members)
    vote_round = VoteRound.objects.create(
        session=session,
        number=number,
        seats=seats,
        present_count=present,
        member_count=len(members),
        base_count=base,
        deadline=deadline
        or timezone.now() + datetime.timedelta(minutes=settings.VOTE_ROUND_MINUTES),
    )
    VoteCount.objects.bulk_create(VoteCount(round=vote_round, candidate=c) for c in candidates)
    return vote_round


@transaction.atomic
def session_open(*, actor, session, deadline=None):
    """Open the vote (round 1) with the rules of the parent body as they are now.

    An online vote may run beyond the meeting: then `deadline` says when its round closes.
    """
    require_future(deadline)
    session = _lock_session(session)
    _require_preparing(session)
    _require_minutes_open(session.meeting)
    candidates = list(session.candidates.all())
    if not candidates:
        raise DomainError(_("Add at least one candidate before opening the vote."))
    if session.seats > len(candidates):
        raise DomainError(
            {"seats": _("There are fewer candidates than units to elect; add candidates.")}
        )
    cluster_year = session.meeting.cluster_year
    rules = vote_rules_for(cluster_year.cluster.parent_id, cluster_year.year)
    session.threshold_percent = rules.threshold_percent
    session.strictly_more = rules.strictly_more
    session.base = rules.base
    session.rounds_allowed = rules.rounds
    session.tie_break = rules.tie_break
    session.status = VoteSession.Status.OPEN
    session.opened_at = timezone.now()
    session.save()
    vote_round = _new_round(session, 1, session.seats, candidates, deadline)
    audit_record(
        actor=actor,
        obj=session,
        action="vote.open",
        before={"status": VoteSession.Status.PREPARING},
        after={
            "status": session.status,
            "round": 1,
            "rules": snapshot(
                session, ["threshold_percent", "strictly_more", "base", "rounds_allowed"]
            )
            | {"tie_break": session.tie_break},
            "present": vote_round.present_count,
            "base": vote_round.base_count,
        },
    )
    return session


def _lock_open_round(session):
    vote_round = (
        VoteRound.objects.select_for_update()
        .filter(session=session, status=VoteRound.Status.OPEN)
        .first()
    )
    if vote_round is None:
        if session.status == VoteSession.Status.CLOSED:
            raise DomainError(_("This vote is closed; no more ballots are accepted."))
        if session.status == VoteSession.Status.PREPARING:
            raise DomainError(_("This vote has not been opened yet."))
        raise DomainError(_("This round has been counted; wait for the next round."))
    return vote_round


# --- the secret ballot ---------------------------------------------------------------------


def _ballot_refusal(session, unit, actor):
    """The reason a ballot from `unit` cast by `actor` is refused, or None."""
    meeting = session.meeting
    if unit.pk not in cluster_access.member_unit_ids(meeting.cluster_year):
        return _("Only a member unit of the cluster can vote.")
    if not cluster_access.is_signatory_of(actor, unit):
        return _("Only the unit's chair (or the vice-chair who signs for it) casts its ballot.")
    attendance = Attendance.objects.filter(meeting=meeting, unit=unit).first()
    if attendance is None or not attendance.present:
        return _("The unit is marked absent from the meeting; it cannot vote.")
    return None


@transaction.atomic
def ballot_cast(*, actor, session, unit, choices):
    """Cast a member unit's secret ballot: record THAT it voted and add its choices.

    `choices` are candidate ids (at most the session's seats; none is a blank ballot).
    See the module docstring: no ballot row, no timestamp, every counter rewritten.
    """
    session = VoteSession.objects.select_related("meeting__cluster_year__cluster").get(
        pk=session.pk
    )
    if not session.is_online:
        raise DomainError(_("This vote is on paper; the cluster head enters the tallies."))
    vote_round = _lock_open_round(session)
    refusal = _ballot_refusal(session, unit, actor)
    if refusal:
        raise DomainError(refusal)
    if Participation.objects.filter(round=vote_round, unit=unit).exists():
        raise DomainError(_("This unit has already voted in this round."))
    standing = set(vote_round.counts.values_list("candidate_id", flat=True))
    try:
        chosen = {int(c) for c in choices}
    except (TypeError, ValueError):
        raise DomainError({"choices": _("Choose among the candidates of this round.")}) from None
    if len(chosen) != len(list(choices)) or not chosen <= standing:
        raise DomainError({"choices": _("Choose among the candidates of this round.")})
    if len(chosen) > vote_round.seats:
        raise DomainError(
            {
                "choices": _("Choose at most %(n)s candidates on this ballot.")
                % {"n": vote_round.seats}
            }
        )
    try:
        with transaction.atomic():
            Participation.objects.create(round=vote_round, unit=unit, unit_name=unit.name)
    except IntegrityError:
        raise DomainError(_("This unit has already voted in this round.")) from None
    # One UPDATE of every counter of the round: 1 for the chosen, 0 for the others.
    VoteCount.objects.filter(round=vote_round).update(
        votes=F("votes")
        + Case(
            When(candidate_id__in=sorted(chosen) or [0], then=Value(1)),
            default=Value(0),
        )
    )
    VoteRound.objects.filter(pk=vote_round.pk).update(ballots_cast=F("ballots_cast") + 1)
    audit_record(
        actor=actor,
        obj=session,
        action="vote.ballot",
        after={"unit": unit.pk, "round": vote_round.number},
    )


# --- counting ------------------------------------------------------------------------------


def share_of(votes, base):
    return q2(Decimal(votes) * HUNDRED / base) if base else Decimal("0")


def reaches(votes, base, session):
    """Does a candidate's vote reach the threshold against the base?"""
    if not base:
        return False
    share = Decimal(votes) * HUNDRED / base
    threshold = session.threshold_percent
    return share > threshold if session.strictly_more else share >= threshold


def tally(session, vote_round, counts):
    """Apply the rules to a round's counts: (elected, tied at the cut) lists of VoteCount.

    Candidates reaching the threshold are taken by votes; a tie at the last seat goes to the
    better-ranked unit (tie-break "ranking") or, when the ranks do not settle it or the rule
    is "another round", to another round between the tied candidates.
    """

    def rank(count):
        return count.candidate.rank if count.candidate.rank is not None else 10**4

    by_ranking = session.tie_break == VoteTieBreak.RANKING

    def key(count):
        return (-count.votes, rank(count)) if by_ranking else (-count.votes,)

    qualifying = sorted(
        (c for c in counts if reaches(c.votes, vote_round.base_count, session)),
        key=lambda c: (key(c), c.candidate.unit_name),
    )
    seats = vote_round.seats
    if len(qualifying) <= seats:
        return qualifying, []
    cut = key(qualifying[seats - 1])
    above = [c for c in qualifying if key(c) < cut]
    at_cut = [c for c in qualifying if key(c) == cut]
    if len(above) + len(at_cut) <= seats:
        return above + at_cut, []
    return above, at_cut


def _round_counts(vote_round):
    return list(vote_round.counts.select_related("candidate").order_by("pk"))


def _void_round(actor, session, vote_round):
    """Too few ballots: nothing is counted or kept; the parent body decides the matter."""
    VoteCount.objects.filter(round=vote_round).update(votes=0)
    vote_round.status = VoteRound.Status.VOID
    vote_round.closed_at = timezone.now()
    vote_round.save(update_fields=["status", "closed_at"])
    session.status = VoteSession.Status.VOID
    session.save(update_fields=["status"])
    audit_record(
        actor=actor,
        obj=session,
        action="vote.void",
        after={"round": vote_round.number, "ballots": vote_round.ballots_cast},
    )
    return session


def _close_round(actor, session, vote_round):
    if vote_round.ballots_cast < MIN_BALLOTS:
        return _void_round(actor, session, vote_round)
    counts = _round_counts(vote_round)
    elected, tied = tally(session, vote_round, counts)
    elected_ids = {c.candidate_id for c in elected}
    for count in counts:
        candidate = count.candidate
        candidate.share = share_of(count.votes, vote_round.base_count)
        fields = ["share"]
        if count.candidate_id in elected_ids:
            candidate.outcome = Candidate.Outcome.ELECTED
            candidate.elected_round = vote_round.number
            fields += ["outcome", "elected_round"]
        candidate.save(update_fields=fields)
    vote_round.status = VoteRound.Status.CLOSED
    vote_round.closed_at = timezone.now()
    vote_round.save(update_fields=["status", "closed_at"])
    remaining = vote_round.seats - len(elected)
    others = [c for c in counts if c.candidate_id not in elected_ids]
    another = remaining > 0 and others and vote_round.number < (session.rounds_allowed or 1)
    if another:
        session.status = VoteSession.Status.COUNTED
        session.save(update_fields=["status"])
    else:
        _finish(session)
    audit_record(
        actor=actor,
        obj=session,
        action="vote.count",
        after={
            "round": vote_round.number,
            "ballots": vote_round.ballots_cast,
            "base": vote_round.base_count,
            "counts": {c.candidate.unit_name: c.votes for c in counts},
            "elected": [c.candidate.unit_name for c in elected],
            "tied": [c.candidate.unit_name for c in tied],
            "status": session.status,
        },
    )
    if session.status == VoteSession.Status.CLOSED:
        _after_close(actor, session)
    return session


def _finish(session):
    session.candidates.filter(outcome=Candidate.Outcome.PENDING).update(
        outcome=Candidate.Outcome.NOT_ELECTED
    )
    session.status = VoteSession.Status.CLOSED
    session.closed_at = timezone.now()
    session.save(update_fields=["status", "closed_at"])


@transaction.atomic
def vote_close(*, actor, session):
    """Close the open round of an online vote and count it against the rules."""
    session = _lock_session(session)
    if not session.is_online:
        raise DomainError(_("This vote is on paper; enter the tallies to count it."))
    vote_round = _lock_open_round(session)
    everyone_voted = vote_round.ballots_cast >= vote_round.present_count
    if not everyone_voted and vote_round.deadline and timezone.now() < vote_round.deadline:
        raise DomainError(
            _(
                "The round closes when every unit present has voted (%(cast)s of %(present)s "
                "so far) or at %(deadline)s."
            )
            % {
                "cast": vote_round.ballots_cast,
                "present": vote_round.present_count,
                "deadline": timezone.localtime(vote_round.deadline).strftime("%H:%M"),
            }
        )
    return _close_round(actor, session, vote_round)


@transaction.atomic
def vote_paper_tally(*, actor, session, ballots_cast, counts):
    """Enter the tallies of a paper round ({candidate id: votes}) and count it."""
    session = _lock_session(session)
    if session.is_online:
        raise DomainError(_("This vote is online; the members cast their own ballots."))
    vote_round = _lock_open_round(session)
    rows = {c.candidate_id: c for c in vote_round.counts.select_for_update()}
    errors = {}
    try:
        ballots_cast = int(ballots_cast)
        values = {int(k): int(v) for k, v in counts.items()}
    except (TypeError, ValueError):
        raise DomainError(_("Enter whole numbers.")) from None
    if set(values) != set(rows):
        raise DomainError(_("Enter a tally for every candidate of this round."))
    if not 0 < ballots_cast <= vote_round.present_count:
        errors["ballots_cast"] = [
            _("The ballots cast are from 1 to the %(n)s member units present.")
            % {"n": vote_round.present_count}
        ]
    elif any(v < 0 or v > ballots_cast for v in values.values()):
        errors["counts"] = [_("A candidate gets from 0 to the number of ballots cast.")]
    elif sum(values.values()) > ballots_cast * vote_round.seats:
        errors["counts"] = [
            _("The votes add up to more than %(n)s ballots allow.") % {"n": ballots_cast}
        ]
    if errors:
        raise DomainError(errors)
    if ballots_cast >= MIN_BALLOTS:  # a void round keeps no tallies
        for candidate_id, row in rows.items():
            row.votes = values[candidate_id]
            row.save(update_fields=["votes"])
    vote_round.ballots_cast = ballots_cast
    vote_round.save(update_fields=["ballots_cast"])
    return _close_round(actor, session, vote_round)


def next_round_candidates(session, vote_round):
    """Who stands again: the tied at the cut, or else everyone not elected."""
    counts = _round_counts(vote_round)
    _elected, tied = tally(session, vote_round, counts)
    if tied:
        return [c.candidate for c in tied]
    return [c.candidate for c in counts if c.candidate.outcome == Candidate.Outcome.PENDING]


@transaction.atomic
def vote_next_round(*, actor, session, deadline=None):
    """Hold another round for the seats still free (when the rules allow one), by `deadline`."""
    require_future(deadline)
    session = _lock_session(session)
    if session.status != VoteSession.Status.COUNTED:
        raise DomainError(_("Another round can follow only a counted round with seats free."))
    last = session.rounds.order_by("-number").first()
    if last.number >= (session.rounds_allowed or 1):
        raise DomainError(_("The rules allow no further round."))
    elected = sum(1 for c in session.candidates.all() if c.outcome == Candidate.Outcome.ELECTED)
    candidates = next_round_candidates(session, last)
    vote_round = _new_round(session, last.number + 1, session.seats - elected, candidates, deadline)
    session.status = VoteSession.Status.OPEN
    session.save(update_fields=["status"])
    audit_record(
        actor=actor,
        obj=session,
        action="vote.next_round",
        after={
            "round": vote_round.number,
            "seats": vote_round.seats,
            "candidates": [c.unit_id for c in candidates],
        },
    )
    return session


@transaction.atomic
def vote_finish(*, actor, session):
    """End the vote after a counted round, leaving the free seats unfilled."""
    session = _lock_session(session)
    if session.status != VoteSession.Status.COUNTED:
        raise DomainError(_("Only a counted vote waiting for another round can be ended."))
    _finish(session)
    audit_record(actor=actor, obj=session, action="vote.finish", after={"status": session.status})
    _after_close(actor, session)
    return session


@transaction.atomic
def vote_decide(*, actor, session, elected_ids, reason):
    """The parent body decides a vote whose round was void: who is elected, and why.

    `elected_ids` are candidate ids (at most the seats still free; none leaves them unfilled).
    The reason is required and kept on the session, in the audit trail and in the minutes.
    """
    session = _lock_session(session)
    parent = session.meeting.cluster_year.cluster.parent
    if not cluster_access.is_parent_staff(actor, parent):
        raise DomainError(_("Only the parent body's staff decide a void vote."))
    if session.status != VoteSession.Status.VOID:
        raise DomainError(_("Only a vote whose round was void is decided by the parent body."))
    reason = (reason or "").strip()[:MAX_TEXT]
    if not reason:
        raise DomainError({"reason": _("Give the reason for the decision.")})
    pending = {c.pk: c for c in session.candidates.filter(outcome=Candidate.Outcome.PENDING)}
    try:
        chosen = {int(pk) for pk in elected_ids}
    except (TypeError, ValueError):
        raise DomainError({"elected": _("Choose among the candidates of this vote.")}) from None
    if not chosen <= set(pending):
        raise DomainError({"elected": _("Choose among the candidates of this vote.")})
    elected_already = session.candidates.filter(outcome=Candidate.Outcome.ELECTED).count()
    if len(chosen) > session.seats - elected_already:
        raise DomainError(
            {"elected": _("Choose at most %(n)s units.") % {"n": session.seats - elected_already}}
        )
    for pk in chosen:
        candidate = pending[pk]
        candidate.outcome = Candidate.Outcome.ELECTED
        candidate.save(update_fields=["outcome"])
    session.decision_reason = reason
    session.decided_by = actor
    session.decided_at = timezone.now()
    session.save(update_fields=["decision_reason", "decided_by", "decided_at"])
    _finish(session)
    audit_record(
        actor=actor,
        obj=session,
        action="vote.decide",
        after={"elected": [pending[pk].unit_name for pk in sorted(chosen)]},
        reason=reason,
    )
    _after_close(actor, session)
    return session


# --- the election of next year's head and deputy -------------------------------------------


def _after_close(actor, session):
    if session.purpose == VoteSession.Purpose.DEPUTY:
        meeting = session.meeting
        if elected_units(meeting, VoteSession.Purpose.HEAD) and not next_year_exists(meeting):
            _rollover(actor, meeting)


def _rollover(actor, meeting):
    cluster_year = meeting.cluster_year
    members = {m.unit_id: m.unit for m in cluster_year.memberships.select_related("unit")}
    head_ids = elected_units(meeting, VoteSession.Purpose.HEAD)
    deputy_ids = elected_units(meeting, VoteSession.Purpose.DEPUTY) - head_ids
    head = members[next(iter(head_ids))]
    deputy = members[next(iter(deputy_ids))] if deputy_ids else None
    new = year_rollover(actor=actor, cluster_year=cluster_year, head=head, deputy=deputy)
    audit_record(
        actor=actor,
        obj=meeting,
        action="meeting.rollover",
        after={"cluster_year": new.pk, "head": head.pk, "deputy": deputy.pk if deputy else None},
    )
    return new


@transaction.atomic
def election_rollover(*, actor, meeting):
    """Create next year's cluster year with the elected head (and deputy, if elected)."""
    meeting = _lock_meeting(meeting)
    if not elected_units(meeting, VoteSession.Purpose.HEAD):
        raise DomainError(_("Next year's cluster head has not been elected yet."))
    if (
        VoteSession.objects.filter(meeting=meeting, purpose=VoteSession.Purpose.DEPUTY)
        .exclude(status=VoteSession.Status.CLOSED)
        .exists()
    ):
        raise DomainError(_("Finish the vote on the deputy first."))
    if next_year_exists(meeting):
        raise DomainError(
            _("The cluster already has a year %(year)s.") % {"year": meeting.cluster_year.year + 1}
        )
    return _rollover(actor, meeting)


# --- the minutes ---------------------------------------------------------------------------


@transaction.atomic
def minutes_issue(*, actor, meeting, date=None):
    """Number the minutes from the cluster head's register and freeze their content."""
    meeting = _lock_meeting(meeting)
    _require_minutes_open(meeting)
    sessions = list(meeting.sessions.all())
    if not sessions:
        raise DomainError(_("Hold at least one vote before issuing the minutes."))
    if any(s.status != VoteSession.Status.CLOSED for s in sessions):
        raise DomainError(_("Close every vote of the meeting before issuing the minutes."))
    cluster_year = meeting.cluster_year
    head = cluster_year.head
    if head is None:
        raise DomainError(_("The cluster has no head to issue the minutes."))
    date = date or timezone.localtime(meeting.held_at).date()
    issued = number_allocate(
        actor=actor,
        unit=head,
        year=date.year,
        symbol=MINUTES_SYMBOL,
        purpose=f"Biên bản {meeting.title} — {cluster_year.cluster.name}"[:300],
    )
    meeting.minutes_number = issued
    meeting.minutes_date = date
    meeting.minutes_snapshot = minutes_content(meeting, issued=issued, date=date)
    meeting.save(update_fields=["minutes_number", "minutes_date", "minutes_snapshot"])
    audit_record(
        actor=actor,
        obj=meeting,
        action="meeting.minutes",
        after={"number": issued.reference, "date": date},
    )
    return meeting
