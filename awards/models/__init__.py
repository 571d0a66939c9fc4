"""The awards app's models: the year-end meeting and its votes; the award catalogue, the proposal
file and the parent body's decision."""

from awards.models.proposals import (
    REPORT_KINDS,
    AwardType,
    Decision,
    Proposal,
    ProposalDeadline,
    ProposalDocument,
    ProposalItem,
    ProposalStatusChange,
    ReportVersion,
)
from awards.models.votes import (
    DEFAULT_VOTE_ROUNDS,
    DEFAULT_VOTE_THRESHOLD,
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

__all__ = [
    "Attendance",
    "AwardType",
    "Candidate",
    "DEFAULT_VOTE_ROUNDS",
    "DEFAULT_VOTE_THRESHOLD",
    "Decision",
    "Meeting",
    "Participation",
    "Proposal",
    "ProposalDeadline",
    "ProposalDocument",
    "ProposalItem",
    "ReportVersion",
    "ProposalStatusChange",
    "REPORT_KINDS",
    "VoteBase",
    "VoteCount",
    "VoteRound",
    "VoteRules",
    "VoteSession",
    "VoteTieBreak",
]
