"""Pages of units, people, clusters, cluster years, plans, search and import.

Objects are fetched only through `access` (404 to outsiders, 403 to readers); writes go
through `services`; forms re-render with the user's data on any error or conflict.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusters import access, forms, imports, rollover, selectors, services
from clusters.models import ClusterYear, Plan, Unit
from core.text import in_vietnamese_order
from core.uploads import attachment_response
from core.views import call_service, report_form_errors

PER_PAGE = 25
IMPORT_SESSION_KEY = "clusters_import"


def _page(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _data(request):
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def _form_page(request, form, *, title, cancel_url, conflict=None, intro="", submit=None, links=()):
    return render(
        request,
        "clusters/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "conflict": conflict,
            "intro": intro,
            "submit_label": submit or _("Save"),
            "links": links,
        },
    )


def _require_parent_staff(user):
    if not access.is_parent_staff(user):
        raise PermissionDenied


def _create_page(
    request, form, service, *, title, cancel_url, success, intro="", links=(), **kwargs
):
    """Bind `form`; on a valid POST call `service`, then redirect to `success(obj)`."""
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request, service, form, success=_("Saved."), **kwargs, **form.service_data()
        )
        if outcome:
            return redirect(success(outcome.result))
    return _form_page(request, form, title=title, cancel_url=cancel_url, intro=intro, links=links)


def _edit_versioned(request, obj, form_class, service, *, kwarg, title, success_url, **form_kw):
    """Edit a Versioned record: a second edit of the same version gets the conflict message."""
    form = form_class(_data(request), _files(request), instance=obj, **form_kw)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.service_data(changed_only=True)
        if not data:
            messages.info(request, _("Nothing was changed."))
            return redirect(success_url)
        outcome = call_service(
            request,
            service,
            form,
            shows_conflict=True,
            success=_("Saved."),
            expected_version=form.cleaned_data["version"],
            **{kwarg: obj},
            **data,
        )
        if outcome:
            return redirect(success_url)
        conflict = outcome.conflict
    return _form_page(request, form, title=title, cancel_url=success_url, conflict=conflict)


# --- cluster years ---------------------------------------------------------------------------


@require_GET
@login_required
def cluster_year_list(request):
    parents, years = selectors.cluster_year_filters(request.user)
    form = forms.ClusterYearFilterForm(request.GET or None, parents=parents, years=years)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.cluster_year_rows(
        request.user, parent=filters.get("parent"), year=filters.get("year")
    )
    return render(
        request,
        "clusters/cluster_year_list.html",
        {
            "form": form,
            "page_obj": _page(request, rows),
            "filtered": bool(filters.get("parent") or filters.get("year")),
            "is_parent_staff": access.is_parent_staff(request.user),
        },
    )


@require_GET
@login_required
def cluster_year_detail(request, pk):
    cluster_year = access.get_cluster_year_with_members(
        request.user, pk, selectors.cluster_year_page_annotations
    )
    # The "add a member" form lists every active unit the user manages (over a hundred for a
    # province): it is loaded by htmx when its panel opens (membership_add), not on every view.
    context = selectors.cluster_year_page(request.user, cluster_year)
    if context["can_set_signing_mode"]:
        context["signing_mode_form"] = forms.SigningModeForm(
            initial={"mode": cluster_year.signing_mode}
        )
    return render(request, "clusters/cluster_year_detail.html", context)


def _membership_form(user, cluster_year, data=None):
    """The units that can join: active, not the parent body itself, not members already; in
    Vietnamese dictionary order."""
    units = (
        access.managed_units(user)
        .filter(status=Unit.Status.ACTIVE)
        .exclude(pk=cluster_year.cluster.parent_id)
        .exclude(memberships__cluster_year=cluster_year, memberships__ended_on__isnull=True)
    )
    return forms.MembershipForm(data, units=in_vietnamese_order(units))


@require_http_methods(["GET", "POST"])
@login_required
def cluster_year_create(request):
    _require_parent_staff(request.user)
    form = forms.ClusterYearForm(
        _data(request),
        initial={"cluster": request.GET.get("cluster")},
        clusters=access.manageable_clusters(request.user),
        plans=Plan.objects.filter(parent__in=access.manageable_parents(request.user)),
    )
    # Most years continue the one before: the roll-over copies its members (and takes the
    # elected head and deputy); an empty year is for a new cluster.
    links = []
    chosen = str(request.GET.get("cluster", ""))
    latest = (
        ClusterYear.objects.filter(
            cluster_id=chosen, cluster__in=access.manageable_clusters(request.user)
        )
        .order_by("-year")
        .first()
        if chosen.isdigit()
        else None
    )
    if latest is not None:
        links.append(
            (
                reverse("clusters:cluster_year_rollover", args=[latest.pk]),
                _("Roll %(cluster_year)s over to next year") % {"cluster_year": latest},
            )
        )
    links.append(
        (reverse("clusters:cluster_year_rollover_all"), _("Roll every cluster over to next year"))
    )
    return _create_page(
        request,
        form,
        services.cluster_year_create,
        title=_("New cluster year"),
        cancel_url=reverse("clusters:cluster_year_list"),
        success=lambda cy: reverse("clusters:cluster_year", args=[cy.pk]),
        intro=_(
            "This creates an empty year. To continue a year with its members, roll it over instead:"
        ),
        links=links,
    )


@require_http_methods(["GET", "POST"])
@login_required
def cluster_year_edit(request, pk):
    cluster_year = access.get_cluster_year_to_manage(request.user, pk)
    return _edit_versioned(
        request,
        cluster_year,
        forms.ClusterYearEditForm,
        services.cluster_year_update,
        kwarg="cluster_year",
        title=_("Plan of %(cluster_year)s") % {"cluster_year": cluster_year},
        success_url=reverse("clusters:cluster_year", args=[cluster_year.pk]),
        plans=Plan.objects.filter(parent=cluster_year.cluster.parent, year=cluster_year.year),
    )


def _post_action(request, cluster_year, service, success, **kwargs):
    """Run a button's service; report its refusal as a message; back to the page."""
    call_service(request, service, success=success, cluster_year=cluster_year, **kwargs)
    return redirect("clusters:cluster_year", pk=cluster_year.pk)


@require_POST
@login_required
def cluster_year_start(request, pk):
    cluster_year = access.get_cluster_year_to_manage(request.user, pk)
    return _post_action(
        request, cluster_year, services.cluster_year_start, _("The year's work has started.")
    )


@require_POST
@login_required
def cluster_year_signing_mode(request, pk):
    """Parent staff choose how the year's agreement is signed (until its signing begins)."""
    cluster_year = access.get_cluster_year_to_manage(request.user, pk)
    form = forms.SigningModeForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("clusters:cluster_year", pk=cluster_year.pk)
    return _post_action(
        request,
        cluster_year,
        services.cluster_year_signing_mode_set,
        _("The way the agreement is signed is saved."),
        mode=form.cleaned_data["mode"],
    )


@require_POST
@login_required
def cluster_year_delegate(request, pk):
    cluster_year = access.get_cluster_year(request.user, pk)
    if not access.is_head_officer(request.user, cluster_year):
        raise PermissionDenied
    delegated = request.POST.get("delegated") == "1"
    done = _("Drafting delegated to the deputy.") if delegated else _("Drafting taken back.")
    return _post_action(
        request,
        cluster_year,
        services.cluster_year_delegate_drafting,
        done,
        delegated=delegated,
    )


@require_http_methods(["GET", "POST"])
@login_required
def cluster_year_rollover(request, pk):
    cluster_year = access.get_cluster_year_to_manage(request.user, pk)
    members = in_vietnamese_order(Unit.objects.filter(pk__in=access.member_unit_ids(cluster_year)))
    head, deputy, _elected = rollover.next_roles(
        ClusterYear.objects.filter(pk=cluster_year.pk).prefetch_related("memberships")
    )[cluster_year.pk]
    form = forms.RolloverForm(
        _data(request), members=members, initial={"head": head, "deputy": deputy}
    )
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request,
            services.year_rollover,
            form,
            cluster_year=cluster_year,
            **form.cleaned_data,
        )
        if outcome:
            new = outcome.result
            messages.success(request, _("Year %(year)s created.") % {"year": new.year})
            return redirect("clusters:cluster_year", pk=new.pk)
    return _form_page(
        request,
        form,
        title=_("Roll %(cluster_year)s over to next year") % {"cluster_year": cluster_year},
        cancel_url=reverse("clusters:cluster_year", args=[cluster_year.pk]),
        intro=_("The members are copied in their order; choose next year's head and deputy."),
        submit=_("Create next year"),
    )


def _latest_rollable_year(parents):
    years = ClusterYear.objects.filter(cluster__parent__in=parents).values_list("year", flat=True)
    return max(years, default=None)


@require_http_methods(["GET", "POST"])
@login_required
def cluster_year_rollover_all(request):
    """Every cluster of a parent body to next year at once, after a confirmation page."""
    _require_parent_staff(request.user)
    parents = access.manageable_parents(request.user).filter(clusters__isnull=False).distinct()
    if request.method == "POST":
        data = request.POST
    elif not request.GET and parents.count() == 1:  # the usual case: one's own parent body
        data = {"parent": parents.get().pk, "year": _latest_rollable_year(parents)}
    else:
        data = request.GET or None
    form = forms.RolloverAllForm(data, parents=parents)
    rows = []
    if form.is_valid():
        parent, year = form.cleaned_data["parent"], form.cleaned_data["year"]
        if request.method == "POST":
            outcome = call_service(request, services.years_rollover, form, parent=parent, year=year)
            if outcome:
                messages.success(
                    request,
                    _("%(count)s cluster years of %(year)s created.")
                    % {"count": len(outcome.result), "year": year + 1},
                )
                return redirect(
                    reverse("clusters:cluster_year_list") + f"?parent={parent.pk}&year={year + 1}"
                )
        rows = rollover.plan(parent, year)
    return render(
        request,
        "clusters/rollover_all.html",
        {
            "form": form,
            "rows": rows,
            "ready": [row for row in rows if not row.skipped],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def plan_file(request, pk):
    plan = access.get_plan(request.user, pk)
    if not plan.file:
        raise Http404
    return attachment_response(plan.file, f"{plan.reference.replace('/', '-')}.pdf")


# --- memberships -----------------------------------------------------------------------------


def _membership(cluster_year, membership_pk):
    for membership in cluster_year.memberships.all():
        if membership.pk == membership_pk:
            return membership
    raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def membership_add(request, pk):
    cluster_year = access.get_cluster_year_to_manage(request.user, pk)
    form = _membership_form(request.user, cluster_year, _data(request))
    if request.method == "GET" and request.htmx:  # the panel of the cluster year's page
        return render(
            request,
            "clusters/_member_add_form.html",
            {"cluster_year": cluster_year, "member_form": form},
        )
    return _create_page(
        request,
        form,
        services.membership_add,
        title=_("Add a member to %(cluster_year)s") % {"cluster_year": cluster_year},
        cancel_url=reverse("clusters:cluster_year", args=[cluster_year.pk]),
        success=lambda m: reverse("clusters:cluster_year", args=[cluster_year.pk]),
        cluster_year=cluster_year,
    )


@require_http_methods(["GET", "POST"])
@login_required
def membership_edit(request, pk, membership_pk):
    cluster_year = access.get_cluster_year_to_manage(request.user, pk)
    membership = _membership(cluster_year, membership_pk)
    form = forms.MembershipEditForm(_data(request), instance=membership)
    back = reverse("clusters:cluster_year", args=[cluster_year.pk])
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if call_service(
            request,
            services.membership_update,
            form,
            success=_("Saved."),
            membership=membership,
            **data,
        ):
            return redirect(back)
    title = _("Role and order of %(unit)s") % {"unit": membership.unit.short_name}
    return _form_page(request, form, title=title, cancel_url=back)


@require_POST
@login_required
def membership_remove(request, pk, membership_pk):
    cluster_year = access.get_cluster_year_to_manage(request.user, pk)
    membership = _membership(cluster_year, membership_pk)
    call_service(
        request,
        services.membership_remove,
        success=_("%(unit)s removed.") % {"unit": membership.unit.short_name},
        membership=membership,
    )
    return redirect("clusters:cluster_year", pk=cluster_year.pk)


# --- clusters and plans ----------------------------------------------------------------------


@require_GET
@login_required
def cluster_detail(request, pk):
    cluster = access.get_cluster(request.user, pk)
    return render(
        request, "clusters/cluster_detail.html", selectors.cluster_page(request.user, cluster)
    )


@require_http_methods(["GET", "POST"])
@login_required
def cluster_create(request):
    _require_parent_staff(request.user)
    form = forms.ClusterForm(_data(request), parents=access.manageable_parents(request.user))
    return _create_page(
        request,
        form,
        services.cluster_create,
        title=_("New cluster"),
        cancel_url=reverse("clusters:cluster_year_list"),
        success=lambda cluster: reverse("clusters:cluster", args=[cluster.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def cluster_edit(request, pk):
    cluster = access.get_cluster_to_manage(request.user, pk)
    return _edit_versioned(
        request,
        cluster,
        forms.ClusterEditForm,
        services.cluster_update,
        kwarg="cluster",
        title=_("Edit %(cluster)s") % {"cluster": cluster},
        success_url=reverse("clusters:cluster", args=[cluster.pk]),
    )


@require_GET
@login_required
def plan_list(request):
    return render(
        request,
        "clusters/plan_list.html",
        {
            "page_obj": _page(request, selectors.plan_rows(request.user)),
            "is_parent_staff": access.is_parent_staff(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request):
    _require_parent_staff(request.user)
    form = forms.PlanForm(
        _data(request), _files(request), parents=access.manageable_parents(request.user)
    )
    return _create_page(
        request,
        form,
        services.plan_create,
        title=_("New plan"),
        cancel_url=reverse("clusters:plan_list"),
        success=lambda plan: reverse("clusters:plan_list"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request, pk):
    plan = access.get_plan_to_manage(request.user, pk)
    return _edit_versioned(
        request,
        plan,
        forms.PlanEditForm,
        services.plan_update,
        kwarg="plan",
        title=_("Edit plan %(reference)s") % {"reference": plan.reference},
        success_url=reverse("clusters:plan_list"),
    )


# --- units, successions, people and positions ------------------------------------------------


@require_GET
@login_required
def unit_list(request):
    form = forms.UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.unit_rows(request.user, **{k: v for k, v in filters.items() if v})
    template = "clusters/unit_list.html#rows" if request.htmx else "clusters/unit_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page_obj": _page(request, rows),
            "filtered": any(filters.values()),
            "is_parent_staff": access.is_parent_staff(request.user),
        },
    )


@require_GET
@login_required
def unit_detail(request, pk):
    unit = access.get_unit(request.user, pk)
    return render(request, "clusters/unit_detail.html", selectors.unit_page(request.user, unit))


def _parent_choices(user, unit=None):
    if user.is_superuser:
        return Unit.objects.all()
    extra = [unit.parent_id] if unit is not None and unit.parent_id else []
    return Unit.objects.filter(pk__in=[*access.staff_parent_ids(user), *extra])


@require_http_methods(["GET", "POST"])
@login_required
def unit_create(request):
    _require_parent_staff(request.user)
    form = forms.UnitForm(
        _data(request),
        parents=_parent_choices(request.user),
        parent_required=not request.user.is_superuser,
    )
    return _create_page(
        request,
        form,
        services.unit_create,
        title=_("New unit"),
        cancel_url=reverse("clusters:unit_list"),
        success=lambda unit: reverse("clusters:unit", args=[unit.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_edit(request, pk):
    unit = access.get_unit_to_manage(request.user, pk)
    return _edit_versioned(
        request,
        unit,
        forms.UnitEditForm,
        services.unit_update,
        kwarg="unit",
        title=_("Edit %(unit)s") % {"unit": unit.short_name},
        success_url=reverse("clusters:unit", args=[unit.pk]),
        parents=_parent_choices(request.user, unit),
        parent_required=bool(unit.parent_id) and not request.user.is_superuser,
    )


@require_http_methods(["GET", "POST"])
@login_required
def succession_create(request, pk):
    unit = access.get_unit_to_manage(request.user, pk)
    form = forms.SuccessionForm(
        _data(request), successors=access.managed_units(request.user).order_by("name")
    )
    return _create_page(
        request,
        form,
        services.succession_record,
        title=_("Record a succession of %(unit)s") % {"unit": unit.short_name},
        cancel_url=reverse("clusters:unit", args=[unit.pk]),
        success=lambda succession: reverse("clusters:unit", args=[unit.pk]),
        predecessor=unit,
    )


@require_http_methods(["GET", "POST"])
@login_required
def position_create(request, pk):
    unit = access.get_unit_to_manage(request.user, pk)
    form = forms.PositionForm(
        _data(request), people=access.managed_people(request.user).order_by("full_name")
    )
    back = reverse("clusters:unit", args=[unit.pk])
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            services.position_appoint,
            form,
            success=_("Saved."),
            unit=unit,
            **form.appoint_data(),
        )
    ):
        return redirect(back)
    title = _("New position in %(unit)s") % {"unit": unit.short_name}
    return _form_page(request, form, title=title, cancel_url=back)


@require_http_methods(["GET", "POST"])
@login_required
def position_edit(request, pk):
    position = access.get_position_to_manage(request.user, pk)
    form = forms.PositionEditForm(_data(request), instance=position)
    back = reverse("clusters:unit", args=[position.unit_id])
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if call_service(
            request,
            services.position_update,
            form,
            success=_("Saved."),
            position=position,
            **data,
        ):
            return redirect(back)
    return _form_page(request, form, title=str(position), cancel_url=back)


def _position_decided(request, pk, service, **kwargs):
    position = access.get_position_to_manage(request.user, pk)
    call_service(request, service, position=position, **kwargs)
    if request.POST.get("back") == "dashboard":
        return redirect("dashboard")
    return redirect("clusters:unit", position.unit_id)


@require_POST
@login_required
def position_confirm(request, pk):
    """A second person of the parent body confirms an appointment."""
    return _position_decided(
        request, pk, services.position_confirm, success=_("The appointment is confirmed.")
    )


@require_POST
@login_required
def position_refuse(request, pk):
    """A second person of the parent body refuses an appointment, with the reason."""
    return _position_decided(
        request,
        pk,
        services.position_refuse,
        success=_("The appointment is refused."),
        reason=request.POST.get("reason", "")[:1000],
    )


@require_GET
@login_required
def person_detail(request, pk):
    person = access.get_person(request.user, pk)
    return render(
        request, "clusters/person_detail.html", selectors.person_page(request.user, person)
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request, pk):
    person = access.get_person_to_manage(request.user, pk)
    return _edit_versioned(
        request,
        person,
        forms.PersonForm,
        services.person_update,
        kwarg="person",
        title=_("Edit %(person)s") % {"person": person},
        success_url=reverse("clusters:person", args=[person.pk]),
    )


# --- search ----------------------------------------------------------------------------------


@require_GET
@login_required
def search(request):
    form = forms.SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "clusters/search.html",
        {"form": form, "q": q, "results": selectors.search(request.user, q)},
    )


# --- import ----------------------------------------------------------------------------------


def _import_kind(key):
    try:
        return imports.KINDS[key]
    except KeyError:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request):
    _require_parent_staff(request.user)
    form = forms.ImportForm(_data(request), _files(request), kinds=imports.kind_choices())
    if request.method == "POST" and form.is_valid():
        kind = imports.KINDS[form.cleaned_data["kind"]]
        upload = form.cleaned_data["file"]
        try:
            rows, letters = imports.read_file(upload, kind)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            errors = imports.run(
                kind=kind, user=request.user, rows=rows, letters=letters, commit=False
            )
            request.session[IMPORT_SESSION_KEY] = {
                "token": uuid.uuid4().hex,
                "kind": kind.key,
                "filename": upload.name[:200],
                "rows": rows,
                "letters": letters,
                "errors": [{"row": e.row, "text": str(e)} for e in errors],
            }
            return redirect("clusters:import_preview")
    return render(request, "clusters/import.html", {"form": form, "kinds": imports.KINDS.values()})


@require_GET
@login_required
def import_preview(request):
    _require_parent_staff(request.user)
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending:
        messages.info(request, _("Upload a file first."))
        return redirect("clusters:import")
    kind = _import_kind(pending["kind"])
    columns = [c for c in kind.columns if c.key in pending["letters"]]
    bad_rows = {e["row"] for e in pending["errors"]}
    rows = [
        {
            "number": row["row"],
            "bad": row["row"] in bad_rows,
            "cells": [row["values"].get(c.key, "") for c in columns],
        }
        for row in pending["rows"]
    ]
    return render(
        request,
        "clusters/import_preview.html",
        {"pending": pending, "kind": kind, "columns": columns, "rows": rows},
    )


@require_POST
@login_required
def import_confirm(request):
    _require_parent_staff(request.user)
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending or request.POST.get("token") != pending["token"]:
        messages.error(request, _("This import is no longer pending; upload the file again."))
        return redirect("clusters:import")
    kind = _import_kind(pending["kind"])
    started = timezone.now()
    errors = imports.run(
        kind=kind,
        user=request.user,
        rows=pending["rows"],
        letters=pending["letters"],
        commit=True,
    )
    if errors:
        pending["errors"] = [{"row": e.row, "text": str(e)} for e in errors]
        request.session[IMPORT_SESSION_KEY] = pending
        messages.error(request, _("Nothing was imported: correct the rows below."))
        return redirect("clusters:import_preview")
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, _("%(count)s rows imported.") % {"count": len(pending["rows"])})
    waiting = selectors.appointments_waiting(request.user, since=started)
    if waiting:
        messages.info(
            request,
            _(
                "%(count)s imported positions may sign, vote or apply the organisation signature: "
                "they count once another person of the parent body confirms them."
            )
            % {"count": waiting},
        )
    target = "clusters:cluster_year_list" if kind.key == "memberships" else "clusters:unit_list"
    return redirect(target)


@require_GET
@login_required
def import_template(request, kind, fmt):
    _require_parent_staff(request.user)
    kind = _import_kind(kind)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    if fmt == "xlsx":
        content = imports.template_xlsx(kind)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = imports.template_csv(kind)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="thidua-{kind.key}.{fmt}"'
    return response
