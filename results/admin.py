"""Results in the admin: read-only. Every change goes through the pages and their services
(rules on the parent's rules page, sheets on their pages), so that it is checked and audited."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
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
)


class ThresholdInline(admin.TabularInline):
    model = RatingThreshold
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ResultRules)
class ResultRulesAdmin(ReadOnlyAdmin):
    list_display = ["parent", "year", "tie_break", "evidence_max_mb"]
    list_filter = ["year"]
    list_select_related = ["parent"]
    inlines = [ThresholdInline]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["cluster_year", "kind", "status", "deadline", "cross_checking", "locked_at"]
    list_filter = ["kind", "status", "cluster_year__year"]
    list_select_related = ["cluster_year__cluster"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    can_delete = False
    fields = ["criterion", "achieved", "achieved_text", "occurrences", "self_score"]
    fields += ["reviewed_score", "review_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["unit_name", "period", "status", "submitted_at", "peer_reviewer"]
    list_filter = ["status", "period__kind", "period__cluster_year__year"]
    search_fields = ["unit_name"]
    list_select_related = ["period__cluster_year__cluster", "peer_reviewer"]
    inlines = [ScoreInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "score", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["score__assessment", "score__criterion", "uploaded_by"]


class EntryInline(admin.TabularInline):
    model = RankingEntry
    extra = 0
    can_delete = False
    fields = ["rank", "unit_name", "total", "normal", "bonus", "penalty", "percent", "rating"]
    fields += ["decided_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["period", "binding", "max_points", "created_at", "created_by"]
    list_select_related = ["period__cluster_year__cluster", "created_by"]
    inlines = [EntryInline]


@admin.register(GoodPractice)
class GoodPracticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit_name", "cluster_year", "status", "featured", "published_at"]
    list_filter = ["status", "featured", "cluster_year__year"]
    search_fields = ["search_text"]
    list_select_related = ["cluster_year__cluster"]


@admin.register(PracticeFile)
class PracticeFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "practice", "size", "uploaded_at"]
    list_select_related = ["practice"]
