"""The vote, the catalogue and the proposal files in the admin: read-only.

Every change goes through the pages and their services (checked and audited). A round's
counters are shown only once the round is closed, as on every other screen.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from awards.models import (
    Attendance,
    AwardType,
    Candidate,
    Decision,
    Meeting,
    Participation,
    Proposal,
    ProposalDocument,
    ProposalItem,
    ProposalStatusChange,
    VoteCount,
    VoteRound,
    VoteRules,
    VoteSession,
)
from core.admin import ReadOnlyAdmin


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(VoteRules)
class VoteRulesAdmin(ReadOnlyAdmin):
    list_display = ["parent", "year", "threshold_percent", "strictly_more", "base", "rounds"]
    list_filter = ["year"]
    list_select_related = ["parent"]


@admin.register(AwardType)
class AwardTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "parent", "year", "form", "recipient", "quota_kind", "quota_value"]
    list_filter = ["year", "form"]
    list_select_related = ["parent"]


class AttendanceInline(_ReadOnlyInline):
    model = Attendance
    fields = ["unit_name", "present"]
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "cluster_year", "held_at", "minutes_number"]
    list_select_related = ["cluster_year__cluster", "minutes_number"]
    exclude = ["minutes_snapshot"]
    inlines = [AttendanceInline]


class CandidateInline(_ReadOnlyInline):
    model = Candidate
    fields = ["unit_name", "rank", "rating", "outcome", "elected_round", "share"]
    readonly_fields = fields


@admin.register(VoteSession)
class VoteSessionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "mode", "seats", "status", "opened_at", "closed_at"]
    list_filter = ["purpose", "status", "mode"]
    list_select_related = ["meeting__cluster_year__cluster"]
    inlines = [CandidateInline]


class ParticipationInline(_ReadOnlyInline):
    """Who voted (never what they chose)."""

    model = Participation
    fields = ["unit_name"]
    readonly_fields = fields


class VoteCountInline(_ReadOnlyInline):
    model = VoteCount
    fields = ["candidate", "votes_shown"]
    readonly_fields = fields

    @admin.display(description=_("votes"))
    def votes_shown(self, obj):
        if obj.round.is_open:
            return _("hidden until the round is closed")
        return obj.votes


@admin.register(VoteRound)
class VoteRoundAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "present_count", "base_count", "ballots_cast"]
    list_filter = ["status"]
    list_select_related = ["session__meeting__cluster_year__cluster"]
    inlines = [VoteCountInline, ParticipationInline]


class ItemInline(_ReadOnlyInline):
    model = ProposalItem
    fields = ["unit_name", "person_name", "award_type", "score", "rank", "vote_share", "status"]
    readonly_fields = fields


class HistoryInline(_ReadOnlyInline):
    model = ProposalStatusChange
    fields = ["at", "from_status", "to_status", "actor_name", "reason"]
    readonly_fields = fields


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["cluster_year", "status", "head_name", "submitted_at"]
    list_filter = ["status", "cluster_year__year"]
    list_select_related = ["cluster_year__cluster"]
    inlines = [ItemInline, HistoryInline]


@admin.register(ProposalDocument)
class ProposalDocumentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "proposal", "date"]
    list_select_related = ["number", "proposal__cluster_year__cluster"]
    exclude = ["content"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "date", "proposal", "signer_name", "revoked_at"]
    list_select_related = ["proposal__cluster_year__cluster"]
