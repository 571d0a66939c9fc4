from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clusters import services
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
from core.admin import ReadOnlyAdmin, ServiceAdmin


@admin.register(Level)
class LevelAdmin(ServiceAdmin):
    create_service = services.level_create
    update_service = services.level_update
    update_kwarg = "level"
    list_display = ["name", "rank"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    create_service = services.unit_create
    update_service = services.unit_update
    update_kwarg = "unit"
    versioned = True
    list_display = ["name", "short_name", "kind", "level", "parent", "status", "valid_from"]
    list_filter = ["kind", "level", "status"]
    search_fields = ["name", "short_name", "search_text"]
    list_select_related = ["level", "parent"]
    autocomplete_fields = ["parent"]


@admin.register(Succession)
class SuccessionAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_date", "basis"]
    list_filter = ["kind"]
    search_fields = ["predecessor__name", "successor__name", "basis"]
    list_select_related = ["predecessor", "successor"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ["unit", "title", "can_sign", "start", "end", "confirmation"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    create_service = services.person_create
    update_service = services.person_update
    update_kwarg = "person"
    versioned = True
    list_display = ["full_name", "email", "user"]
    search_fields = ["full_name", "search_text", "email", "user__username"]
    list_select_related = ["user"]
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(ServiceAdmin):
    create_service = services.position_create
    update_service = services.position_update
    update_kwarg = "position"
    list_display = ["person", "unit", "title", "can_sign", "start", "end", "confirmation"]
    list_filter = ["title", "can_sign", "confirmation"]
    readonly_fields = ["confirmation", "requested_by", "confirmed_by", "refused_by"]
    search_fields = ["person__full_name", "unit__name"]
    list_select_related = ["person", "unit"]
    autocomplete_fields = ["person", "unit"]


@admin.register(ViewerGrant)
class ViewerGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "unit"]
    search_fields = ["user__username", "unit__name"]
    list_select_related = ["user", "unit"]


@admin.register(Cluster)
class ClusterAdmin(ServiceAdmin):
    create_service = services.cluster_create
    update_service = services.cluster_update
    update_kwarg = "cluster"
    versioned = True
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "search_text"]
    list_select_related = ["parent"]


@admin.register(Plan)
class PlanAdmin(ServiceAdmin):
    create_service = services.plan_create
    update_service = services.plan_update
    update_kwarg = "plan"
    versioned = True
    list_display = ["reference_number", "title", "parent", "year", "date"]
    list_filter = ["year", "parent"]
    search_fields = ["title", "symbol"]
    list_select_related = ["parent"]

    @admin.display(description=_("Reference"))
    def reference_number(self, plan):
        return plan.reference


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["unit", "order", "role", "since", "ended_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ClusterYear)
class ClusterYearAdmin(ReadOnlyAdmin):
    """Cluster years change through the app's pages (members, roles, roll-over)."""

    list_display = ["cluster", "year", "status", "signing_mode", "plan"]
    list_filter = ["year", "status", "cluster__parent"]
    search_fields = ["cluster__name", "cluster__search_text"]
    list_select_related = ["cluster", "plan"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["unit", "cluster_year", "role", "order", "ended_on"]
    list_filter = ["role", "cluster_year__year"]
    search_fields = ["unit__name", "cluster_year__cluster__name"]
    list_select_related = ["unit", "cluster_year__cluster"]


@admin.register(NumberRegister)
class NumberRegisterAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "last_number"]
    list_filter = ["year"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]


@admin.register(IssuedNumber)
class IssuedNumberAdmin(ReadOnlyAdmin):
    list_display = ["reference_number", "register", "purpose", "issued_at"]
    search_fields = ["symbol", "purpose"]
    list_select_related = ["register__unit"]

    @admin.display(description=_("Reference"))
    def reference_number(self, issued):
        return issued.reference
