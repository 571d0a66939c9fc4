"""Admin for agreements: frozen records are read-only; draft edits go through the services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from agreements import services
from agreements.models import (
    Agreement,
    Comment,
    Conference,
    Criterion,
    Guest,
    Revision,
    Section,
)
from agreements.signing import models as signing
from clusters.models import Membership
from core.admin import ReadOnlyAdmin

HEADER_FIELDS = ["title", "place", "date", "legal_basis", "closing"]
ROLE_LABELS = dict(Membership.Role.choices)


class NoAddNoDelete(admin.ModelAdmin):
    """Created and removed only on the agreement pages (with their checks and revisions)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _call(self, request, service, **kwargs):
        try:
            return service(actor=request.user, **kwargs)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            raise


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order", "heading", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(NoAddNoDelete):
    list_display = [
        "title",
        "kind",
        "cluster_year",
        "template_parent",
        "template_year",
        "status",
        "origin",
        "is_demo",
        "adopted_at",
        "short_hash",
    ]
    list_filter = ["kind", "status", "origin", "is_demo"]
    search_fields = ["title", "cluster_year__cluster__name", "template_parent__name"]
    list_select_related = ["cluster_year__cluster", "template_parent"]
    date_hierarchy = "created_at"
    inlines = [SectionInline]
    fields = [
        "kind",
        "cluster_year",
        "template_parent",
        "template_year",
        "status",
        "origin",
        *HEADER_FIELDS,
        "supersedes",
        "amendment_reason",
        "content_hash",
        "members_table",
        "adopted_at",
        "adopted_by",
        "is_demo",
        "created_at",
        "created_by",
        "version",
    ]

    @admin.display(description=_("members at adoption"))
    def members_table(self, obj):
        """The members frozen at adoption, as a table (the field holds them as JSON)."""
        if not obj.members_snapshot:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    member.get("order", ""),
                    member.get("name", ""),
                    ROLE_LABELS.get(member.get("role"), member.get("role", "")),
                    member.get("signatory_name", ""),
                    member.get("signatory_title", ""),
                )
                for member in obj.members_snapshot
            ),
        )
        return format_html(
            '<table class="members-at-adoption"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("No."),
            _("Unit"),
            _("Role"),
            _("Signatory"),
            _("Position"),
            rows,
        )

    @admin.display(description="SHA-256")
    def short_hash(self, obj):
        return f"{obj.content_hash[:12]}…" if obj.content_hash else ""

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_editable:
            return [f for f in self.fields if f not in HEADER_FIELDS]
        return self.fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        current = Agreement.objects.get(pk=obj.pk)
        self._call(
            request,
            services.agreement_update,
            agreement=current,
            expected_version=current.version,
            **{name: getattr(obj, name) for name in HEADER_FIELDS},
        )


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["order", "code", "text", "measure", "target", "max_points", "kind", "rule", "cap"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(NoAddNoDelete):
    list_display = ["__str__", "agreement", "order"]
    search_fields = ["heading", "text", "agreement__title"]
    list_select_related = ["agreement"]
    fields = ["agreement", "order", "heading", "text", "version"]
    readonly_fields = ["agreement", "order", "version"]
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.agreement.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        current = Section.objects.get(pk=obj.pk)
        self._call(
            request,
            services.section_update,
            section=current,
            expected_version=current.version,
            heading=obj.heading,
            text=obj.text,
        )


class CriterionYearFilter(admin.SimpleListFilter):
    """The year of the criterion's agreement: a cluster year's, or a template's."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Agreement.objects.annotate(
            year=Coalesce("cluster_year__year", "template_year")
        ).values_list("year", flat=True)
        return [(year, year) for year in sorted(set(years), reverse=True) if year]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            year = int(self.value())
            return queryset.filter(
                Q(section__agreement__cluster_year__year=year)
                | Q(section__agreement__template_year=year)
            )
        return queryset


@admin.register(Criterion)
class CriterionAdmin(NoAddNoDelete):
    """Criteria of every agreement and template: the year and the agreement tell them apart."""

    list_display = [
        "code",
        "text",
        "year",
        "agreement",
        "section",
        "kind",
        "rule",
        "target",
        "max_points",
        "cap",
    ]
    list_filter = [
        CriterionYearFilter,
        "section__agreement__kind",
        "section__agreement__status",
        "kind",
        "rule",
        "measure",
    ]
    search_fields = [
        "code",
        "text",
        "section__agreement__title",
        "section__agreement__cluster_year__cluster__name",
    ]
    list_select_related = [
        "section__agreement__cluster_year__cluster",
        "section__agreement__template_parent",
    ]

    @admin.display(description=_("year"))
    def year(self, criterion):
        agreement = criterion.section.agreement
        return agreement.cluster_year.year if agreement.cluster_year else agreement.template_year

    @admin.display(description=_("agreement"), ordering="section__agreement")
    def agreement(self, criterion):
        agreement = criterion.section.agreement
        owner = (
            agreement.cluster_year.cluster.name
            if agreement.cluster_year
            else agreement.template_parent.short_name
        )
        return format_html(
            "{}<br><small>{} · {} · {}</small>",
            agreement.title,
            agreement.get_kind_display(),
            owner,
            agreement.get_status_display(),
        )

    fields = ["section", "order", *services.CRITERION_FIELDS, "version"]
    readonly_fields = ["section", "order", "version"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.section.agreement.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        current = Criterion.objects.get(pk=obj.pk)
        changed = {
            name: getattr(obj, name)
            for name in form.changed_data
            if name in services.CRITERION_FIELDS
        }
        if changed:
            self._call(
                request,
                services.criterion_update,
                criterion=current,
                expected_version=current.version,
                **changed,
            )


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "unit", "author_name", "section_label", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["text", "answer", "author_name", "unit__name"]
    list_select_related = ["agreement", "unit"]


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "number", "summary", "author", "created_at"]
    search_fields = ["agreement__title", "summary"]
    list_select_related = ["agreement", "author"]


class GuestInline(admin.TabularInline):
    model = Guest
    fields = ["order", "name", "title", "organisation"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conference)
class ConferenceAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "starts_at", "venue", "predates_plan"]
    search_fields = ["agreement__title", "venue"]
    list_select_related = ["agreement__cluster_year__plan"]
    inlines = [GuestInline]

    @admin.display(boolean=True, description=_("before its plan"))
    def predates_plan(self, obj):
        return obj.predates_plan


@admin.register(Guest)
class GuestAdmin(ReadOnlyAdmin):
    list_display = ["name", "title", "organisation", "conference"]
    search_fields = ["name", "title", "organisation"]


# Signatures, declines, paper signings, closures and seals are records of what happened:
# read-only here (the signing pages and services change them).
for model, columns in [
    (signing.Signature, ["__str__"]),
    (signing.SavedSignature, ["__str__"]),
    (signing.Decline, ["__str__"]),
    (signing.PaperSigning, ["__str__"]),
    (signing.SigningClosure, ["__str__"]),
    (signing.Seal, ["__str__", "status", "sealed_at"]),
]:
    if not admin.site.is_registered(model):
        admin.site.register(
            model,
            type(
                f"{model.__name__}Admin",
                (ReadOnlyAdmin,),
                {
                    "list_display": columns,
                },
            ),
        )
