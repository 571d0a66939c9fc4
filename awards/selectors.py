"""Reads for the vote and award pages, and the frozen content of the minutes and submission.

Counts of a round are read only through `round_results`, which returns nothing while the round
is open (see the threat model in awards/voting.py).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from agreements.services import plan_basis
from awards.models import (
    DEFAULT_VOTE_ROUNDS,
    DEFAULT_VOTE_THRESHOLD,
    Attendance,
    AwardType,
    Candidate,
    Meeting,
    Proposal,
    ProposalItem,
    VoteBase,
    VoteRound,
    VoteRules,
    VoteSession,
    VoteTieBreak,
)
from clusters import access as cluster_access
from clusters.models import ClusterYear
from core.compiled import compiled
from core.text import vn_number
from results.models import Period, RankingEntry, RankingSnapshot
from results.selectors import in_ranking_order, ranking_key

PURPOSE_ORDER = ["leading", "certificates", "head", "deputy"]
FORM_VN = {
    AwardType.Form.FLAG: "Cờ thi đua",
    AwardType.Form.MERIT: "Bằng khen",
    AwardType.Form.COMMENDATION: "Giấy khen",
}


def purpose_title_vn(purpose, year):
    return {
        "leading": "Bình xét, suy tôn đơn vị dẫn đầu Cụm thi đua",
        "certificates": "Bình xét các đơn vị đề nghị tặng Bằng khen",
        "head": f"Bầu đơn vị Cụm trưởng năm {year + 1}",
        "deputy": f"Bầu đơn vị Cụm phó năm {year + 1}",
    }[purpose]


def rule_text_vn(session):
    """The rule as the minutes state it, e.g. 'đạt trên 50% số phiếu so với ...'."""
    word = "trên" if session.strictly_more else "từ"
    base = (
        "tổng số đơn vị có mặt"
        if session.base == VoteBase.PRESENT
        else "tổng số đơn vị thành viên của Cụm"
    )
    return f"đạt {word} {vn_number(session.threshold_percent)}% số phiếu so với {base}"


# --- a round's results (never while it is open) --------------------------------------------


@dataclass
class ResultRow:
    candidate: Candidate
    votes: int
    share: object
    elected_here: bool


def round_results(vote_round):
    """The counted results of a closed round, best first; None while it is open."""
    if vote_round.status != VoteRound.Status.CLOSED:
        return None
    rows = []
    for count in vote_round.counts.select_related("candidate"):
        base = vote_round.base_count
        share = count.votes * 100 / base if base else 0
        rows.append(
            ResultRow(
                count.candidate,
                count.votes,
                round(share, 2),
                count.candidate.elected_round == vote_round.number
                and count.candidate.outcome == Candidate.Outcome.ELECTED,
            )
        )
    rows.sort(key=lambda r: (-r.votes, *ranking_key(r.candidate)))
    return rows


@dataclass
class RoundView:
    round: VoteRound
    results: list = None  # None while open
    voted: list = field(default_factory=list)  # unit names that took part (never choices)


def session_rounds(session):
    rounds = []
    for vote_round in session.rounds.order_by("number").prefetch_related("participations"):
        rounds.append(
            RoundView(
                vote_round,
                round_results(vote_round),
                sorted(p.unit_name for p in vote_round.participations.all()),
            )
        )
    return rounds


def meeting_for(cluster_year):
    return (
        Meeting.objects.filter(cluster_year=cluster_year)
        .prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("unit")),
            Prefetch(
                "sessions",
                queryset=VoteSession.objects.prefetch_related("candidates", "rounds"),
            ),
        )
        .first()
    )


def ordered_sessions(meeting):
    sessions = list(meeting.sessions.all())
    sessions.sort(key=lambda s: PURPOSE_ORDER.index(s.purpose))
    return sessions


# --- the minutes' frozen content -----------------------------------------------------------


def _elected_names(meeting, purpose):
    ids = elected_units(meeting, purpose)
    return [
        c.unit_name
        for c in in_ranking_order(
            Candidate.objects.filter(
                session__meeting=meeting, session__purpose=purpose, unit_id__in=ids
            )
        )
    ]


def minutes_content(meeting, *, issued=None, date=None):
    """Everything the minutes print, as JSON, so that the issued minutes never change."""
    cluster_year = meeting.cluster_year
    cluster = cluster_year.cluster
    head = cluster_year.head
    ranking = binding_ranking(cluster_year)
    entries = in_ranking_order(RankingEntry.objects.filter(snapshot=ranking)) if ranking else []
    attendance = list(meeting.attendance.order_by("order", "unit_name"))
    sessions = []
    for session in sorted(meeting.sessions.all(), key=lambda s: PURPOSE_ORDER.index(s.purpose)):
        rounds = []
        for vote_round in session.rounds.order_by("number"):
            results = round_results(vote_round) or []
            rounds.append(
                {
                    "number": vote_round.number,
                    "ballots": vote_round.ballots_cast,
                    "present": vote_round.present_count,
                    "members": vote_round.member_count,
                    "base": vote_round.base_count,
                    "seats": vote_round.seats,
                    "void": vote_round.is_void,
                    "rows": [
                        {
                            "name": r.candidate.unit_name,
                            "votes": r.votes,
                            "share": vn_number(r.share),
                            "elected": r.elected_here,
                        }
                        for r in results
                    ],
                }
            )
        sessions.append(
            {
                "purpose": session.purpose,
                "title": purpose_title_vn(session.purpose, cluster_year.year),
                "online": session.is_online,
                "rule": rule_text_vn(session) if session.threshold_percent is not None else "",
                "seats": session.seats,
                "rounds": rounds,
                "elected": [c.unit_name for c in session.elected()],
                "decision_reason": session.decision_reason,
            }
        )
    held = timezone.localtime(meeting.held_at)
    is_demo = bool(ranking and ranking.period.agreement.is_demo)
    return {
        "cluster": cluster.name,
        "header_lines": cluster.header,
        "year": cluster_year.year,
        "number": issued.reference if issued else "",
        "date": (date or held.date()).isoformat(),
        "place": head.place_name if head else cluster.parent.place_name,
        "head_name": head.name if head else "",
        "title": meeting.title,
        "held_time": f"{held:%H} giờ {held:%M}",
        "held_date": held.date().isoformat(),
        "venue": meeting.venue,
        "chair": {"name": meeting.chair_name, "title": meeting.chair_title},
        "secretary": {"name": meeting.secretary_name, "title": meeting.secretary_title},
        "present": [a.unit_name for a in attendance if a.present],
        "absent": [a.unit_name for a in attendance if not a.present],
        "member_count": len(attendance),
        "ranking": [
            {
                "rank": e.rank,
                "name": e.unit_name,
                "total": vn_number(e.total),
                "rating": e.rating,
            }
            for e in entries
        ],
        "max_points": vn_number(ranking.max_points) if ranking else "",
        "sessions": sessions,
        "leading": _elected_names(meeting, VoteSession.Purpose.LEADING),
        "certificates": _elected_names(meeting, VoteSession.Purpose.CERTIFICATES),
        "next_head": _elected_names(meeting, VoteSession.Purpose.HEAD),
        "next_deputy": _elected_names(meeting, VoteSession.Purpose.DEPUTY),
        "next_year": cluster_year.year + 1,
        "notes": meeting.notes,
        "is_demo": is_demo,
    }


# --- the submission's frozen content -------------------------------------------------------


def submission_content(proposal, items, context, *, issued=None, date=None, signer=None):
    """Everything the covering submission (tờ trình) prints, as JSON."""
    cluster_year = proposal.cluster_year
    cluster = cluster_year.cluster
    parent = cluster.parent
    head = cluster_year.head or proposal.head
    plan = cluster_year.plan
    meeting = context.meeting
    ranking = context.ranking
    date = date or timezone.localdate()
    rows = []
    for item in items:
        rows.append(
            {
                "nominee": item.nominee,
                "unit_name": item.unit_name,
                "person_name": item.person_name,
                "person_title": item.person_title,
                "award": item.award_type.name,
                "form": FORM_VN.get(item.award_type.form, item.award_type.form),
                "individual": bool(item.person_name),
                "score": vn_number(item.score) if item.score is not None else "",
                "rank": item.rank,
                "rating": item.rating,
                "vote_share": vn_number(item.vote_share) if item.vote_share is not None else "",
                "reason": item.reason,
            }
        )
    forms = {}
    for row in rows:
        forms.setdefault(row["award"], {"collective": 0, "individual": 0})
        forms[row["award"]]["individual" if row["individual"] else "collective"] += 1
    return {
        "cluster": cluster.name,
        "header_lines": cluster.header,
        "year": cluster_year.year,
        "number": issued.reference if issued else "",
        "date": date.isoformat(),
        "place": head.place_name if head else parent.place_name,
        "head_name": head.name if head else "",
        "parent_name": parent.name,
        "parent_collective": parent.collective_name,
        "plan_line": plan_basis(plan) if plan else "",
        "minutes": {
            "reference": meeting.minutes_number.reference,
            "date": meeting.minutes_date.isoformat(),
        }
        if meeting is not None and meeting.minutes_issued
        else None,
        "member_count": len(context.members),
        "items": rows,
        "summary": [
            {"award": award, "collective": n["collective"], "individual": n["individual"]}
            for award, n in forms.items()
        ],
        "signer": {
            "unit": f"TM. {cluster.name.upper()}",
            "lines": ["CỤM TRƯỞNG"],
            "name": signer.person.full_name if signer else "",
        },
        "is_demo": bool(ranking and ranking.period.agreement.is_demo),
    }


# --- a unit's awards across years ----------------------------------------------------------

SHOWN_TO_UNIT = [
    ProposalItem.Status.GRANTED,
    ProposalItem.Status.REVOKED,
]


def unit_awards(unit):
    """The awards a unit (or its people) received, newest year first, with their decision."""
    return list(
        ProposalItem.objects.filter(unit=unit, status__in=SHOWN_TO_UNIT)
        .select_related("award_type", "proposal__cluster_year__cluster", "proposal__decision")
        .order_by("-proposal__cluster_year__year", "award_type__order", "pk")
    )


# --- the parent's year summary -------------------------------------------------------------


@dataclass
class ClusterLine:
    cluster_year: ClusterYear
    proposal: Proposal = None
    deadline: object = None  # the ProposalDeadline, if set
    proposed: dict = field(default_factory=dict)  # award type id -> count
    granted: dict = field(default_factory=dict)


def proposal_deadline_of(cluster_year):
    """The cluster year's ProposalDeadline, or None (select_related it to spare a query)."""
    try:
        return cluster_year.proposal_deadline
    except ClusterYear.proposal_deadline.RelatedObjectDoesNotExist:
        return None


@compiled
def _year_award_types(parent, year):
    return AwardType.objects.filter(parent_id=parent, year=year)


@compiled
def _year_cluster_years(parent, year):
    """The parent's cluster years of the year, each with its file, decision and due date."""
    return (
        ClusterYear.objects.filter(cluster__parent_id=parent, year=year)
        .select_related("cluster", "proposal_deadline", "award_proposal__decision")
        .order_by("cluster__name")
    )


@compiled
def _year_item_counts(parent, year):
    return (
        ProposalItem.objects.filter(
            proposal__cluster_year__cluster__parent_id=parent, proposal__cluster_year__year=year
        )
        .values("proposal__cluster_year_id", "award_type_id")
        .annotate(
            proposed=Count("pk"),
            granted=Count("pk", filter=Q(status=ProposalItem.Status.GRANTED)),
        )
        .order_by()
    )


def parent_year_summary(parent, year):
    """One line per cluster of the parent body in the year: its file, proposed and granted."""
    award_types = _year_award_types(parent=parent.pk, year=year)
    lines = {
        cy.pk: ClusterLine(
            cy, getattr(cy, "award_proposal", None), deadline=proposal_deadline_of(cy)
        )
        for cy in _year_cluster_years(parent=parent.pk, year=year)
    }
    for row in _year_item_counts(parent=parent.pk, year=year):
        line = lines[row["proposal__cluster_year_id"]]
        line.proposed[row["award_type_id"]] = row["proposed"]
        line.granted[row["award_type_id"]] = row["granted"]
    for line in lines.values():
        line.late = line.deadline is not None and line.deadline.is_late(line.proposal)
        line.cells = [(line.proposed.get(t.pk, 0), line.granted.get(t.pk, 0)) for t in award_types]
    return award_types, list(lines.values())


def parent_year_items(parent, year):
    """Every nominee of the parent's clusters in the year, for the spreadsheet."""
    return list(
        ProposalItem.objects.filter(
            proposal__cluster_year__cluster__parent=parent, proposal__cluster_year__year=year
        )
        .select_related("award_type", "proposal__cluster_year__cluster", "proposal__decision")
        .order_by("proposal__cluster_year__cluster__name", "award_type__order", "order", "pk")
    )


@compiled
def _award_years(parent):
    # One query: the years of the catalogue and of the clusters (UNION drops repeats).
    return (
        AwardType.objects.filter(parent_id=parent)
        .order_by()
        .values_list("year", flat=True)
        .union(
            ClusterYear.objects.filter(cluster__parent_id=parent)
            .order_by()
            .values_list("year", flat=True)
        )
        .order_by("-year")
    )


def award_years(parent):
    """The years of the parent body's award catalogue or clusters, latest first."""
    return _award_years(parent=parent.pk)


def incoming_count(parent_ids):
    """Files awaiting the parent's review, for the dashboard."""
    return Proposal.objects.filter(
        cluster_year__cluster__parent_id__in=parent_ids,
        status__in=[Proposal.Status.AWAITING_REVIEW, Proposal.Status.RESUBMITTED],
    )


def year_end_period(cluster_year):
    return Period.objects.filter(cluster_year=cluster_year, kind=Period.Kind.YEAR_END).first()


def vote_rules_for(parent_id, year):
    """The vote rules in effect: the saved ones, or the usual defaults (unsaved)."""
    saved = VoteRules.objects.filter(parent_id=parent_id, year=year).first()
    if saved is not None:
        return saved
    return VoteRules(
        parent_id=parent_id,
        year=year,
        threshold_percent=DEFAULT_VOTE_THRESHOLD,
        strictly_more=True,
        base=VoteBase.PRESENT,
        rounds=DEFAULT_VOTE_ROUNDS,
        tie_break=VoteTieBreak.RANKING,
    )


def binding_ranking(cluster_year):
    """The locked year-end ranking snapshot of the cluster year, or None."""
    return (
        RankingSnapshot.objects.filter(
            period__cluster_year_id=cluster_year.pk,
            period__kind=Period.Kind.YEAR_END,
            period__status=Period.Status.LOCKED,
        )
        .select_related("period")
        .first()
    )


def ranking_entries(ranking):
    """{unit id: RankingEntry} of a snapshot ({} without one)."""
    if ranking is None:
        return {}
    return {e.unit_id: e for e in RankingEntry.objects.filter(snapshot=ranking)}


def rating_order(ranking):
    """The snapshot's ratings, best first."""
    return [label for label, _minimum in (ranking.thresholds if ranking else [])]


def meets_rating(entry, min_rating, ranking):
    """Is the entry's rating at least `min_rating` in the snapshot's order of ratings?"""
    if not min_rating:
        return True
    order = rating_order(ranking)
    if min_rating not in order or entry is None or entry.rating not in order:
        return False
    return order.index(entry.rating) <= order.index(min_rating)


def elected_units(meeting, purpose):
    """Unit ids elected in the meeting's closed session of `purpose`."""
    return set(
        Candidate.objects.filter(
            session__meeting=meeting,
            session__purpose=purpose,
            session__status=VoteSession.Status.CLOSED,
            outcome=Candidate.Outcome.ELECTED,
        ).values_list("unit_id", flat=True)
    )


def purpose_award_type(cluster_year, purpose):
    """The catalogue entry whose nominees come from a vote of this purpose, if any."""
    return (
        AwardType.objects.filter(
            parent_id=cluster_year.cluster.parent_id, year=cluster_year.year, vote_purpose=purpose
        )
        .order_by("order", "pk")
        .first()
    )


def quota_limit(award_type, member_count):
    """How many of an award a cluster may propose (None: no quota)."""
    if award_type is None or award_type.quota_kind == AwardType.Quota.NONE:
        return None
    if award_type.quota_kind == AwardType.Quota.NUMBER:
        return int(award_type.quota_value)
    return int(Decimal(member_count) * award_type.quota_value / 100)


def next_year_exists(meeting):
    cluster_year = meeting.cluster_year
    return ClusterYear.objects.filter(
        cluster_id=cluster_year.cluster_id, year=cluster_year.year + 1
    ).exists()


class RulesContext:
    """What the rules need about a cluster year: ranking, members, elected units, catalogue."""

    def __init__(self, cluster_year):
        self.cluster_year = cluster_year
        self.ranking = binding_ranking(cluster_year)
        self.entries = ranking_entries(self.ranking)
        self.members = cluster_access.member_unit_ids(cluster_year)
        self.meeting = Meeting.objects.filter(cluster_year=cluster_year).first()
        self._elected = {}

    def elected(self, purpose):
        if not purpose or self.meeting is None:
            return set()
        if purpose not in self._elected:
            self._elected[purpose] = elected_units(self.meeting, purpose)
        return self._elected[purpose]

    def vote_share(self, purpose, unit_id):
        if not purpose or self.meeting is None:
            return None
        session = (
            VoteSession.objects.filter(meeting=self.meeting, purpose=purpose)
            .prefetch_related("candidates")
            .first()
        )
        if session is None:
            return None
        candidate = next((c for c in session.candidates.all() if c.unit_id == unit_id), None)
        return candidate.share if candidate else None
