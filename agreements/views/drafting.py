"""Drafting an agreement: the cluster year's drafts, templates, header and closing, sections
and criteria (htmx partials; the same forms work without JavaScript)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from agreements import access, selectors, services
from agreements.forms import (
    AgreementStartForm,
    CriterionForm,
    SectionForm,
    TemplateCreateForm,
)
from agreements.models import Criterion, Section
from agreements.views.page import (
    DETAIL,
    PARTS,
    anchor,
    notice,
    partial,
    refused,
    section_of,
    totals_context,
    viewer_roles,
)
from clusters import access as cluster_access
from core.views import call_service


def _moved(request, agreement, target, direction):
    if not request.htmx:
        return redirect(anchor(agreement, target))
    # The page moves the element itself, so that open forms elsewhere keep their input.
    return trigger_client_event(
        HttpResponse(), "agreementMoved", {"target": target, "direction": direction}
    )


def _direction(request):
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise Http404
    return direction


def _cluster_year_page(request, cluster_year, form=None):
    agreements = selectors.cluster_year_agreements(cluster_year)
    can_draft = cluster_access.can_draft(request.user, cluster_year)
    return render(
        request,
        "agreements/cluster_year_agreements.html",
        {
            "cluster_year": cluster_year,
            "agreements": agreements,
            "can_start": can_draft and not any(a.is_editable for a in agreements),
            "form": form or AgreementStartForm(),
        },
    )


@require_GET
@login_required
def cluster_year_agreements(request, cluster_year_pk):
    cluster_year = cluster_access.get_cluster_year(request.user, cluster_year_pk)
    return _cluster_year_page(request, cluster_year)


@require_POST
@login_required
def agreement_start(request, cluster_year_pk):
    cluster_year = cluster_access.get_cluster_year(request.user, cluster_year_pk)
    if not cluster_access.can_draft(request.user, cluster_year):
        raise PermissionDenied
    form = AgreementStartForm(request.POST)
    outcome = form.is_valid() and call_service(
        request,
        services.agreement_create,
        form,
        cluster_year=cluster_year,
        origin=form.cleaned_data["origin"],
    )
    if not outcome:
        return _cluster_year_page(request, cluster_year, form)
    messages.success(request, _("The draft was created. Add and edit its sections below."))
    return redirect(outcome.result)


def _template_page(request, parents, form):
    return render(
        request,
        "agreements/template_list.html",
        {"templates": selectors.templates_of(parents), "form": form},
    )


def _template_parents(user):
    parents = cluster_access.manageable_parents(user)
    if not parents.exists():
        raise PermissionDenied
    return parents


@require_GET
@login_required
def template_list(request):
    parents = _template_parents(request.user)
    return _template_page(request, parents, TemplateCreateForm(parents=parents))


@require_POST
@login_required
def template_start(request):
    parents = _template_parents(request.user)
    form = TemplateCreateForm(request.POST, parents=parents)
    outcome = form.is_valid() and call_service(
        request,
        services.template_create,
        form,
        parent=form.cleaned_data["parent"],
        year=form.cleaned_data["year"],
    )
    if not outcome:
        return _template_page(request, parents, form)
    return redirect(outcome.result)


@require_http_methods(["GET", "POST"])
@login_required
def agreement_part_edit(request, pk, part):
    agreement = access.get_agreement_to_edit(request.user, pk)
    if part not in PARTS:
        raise Http404
    if agreement.is_frozen:
        return refused(request, agreement)
    form_class, context = PARTS[part], {"agreement": agreement, "can_edit": True}
    if request.method == "GET":
        form = form_class(instance=agreement, initial={"version": agreement.version}, prefix=part)
        return partial(request, f"{part}_form", {**context, "form": form})
    form = form_class(request.POST, instance=agreement, prefix=part)
    outcome = form.is_valid() and call_service(
        request,
        services.agreement_update,
        form,
        shows_conflict=True,
        agreement=agreement,
        expected_version=form.cleaned_data["version"],
        **{
            name: form.cleaned_data.get(name, getattr(agreement, name))
            for name in ("title", "place", "date", "legal_basis", "closing")
        },
    )
    if not outcome:
        return partial(
            request,
            f"{part}_form",
            {**context, "form": form, "conflict": getattr(outcome, "conflict", None)},
        )
    if not request.htmx:
        messages.success(request, _("Saved."))
        return redirect(anchor(agreement, f"agreement-{part}"))
    return render(request, f"{DETAIL}#{part}", {**context, "agreement": outcome.result})


@require_http_methods(["GET", "POST"])
@login_required
def section_add(request, pk):
    agreement = access.get_agreement_to_edit(request.user, pk)
    if agreement.is_frozen:
        return refused(request, agreement)
    context = {"agreement": agreement, "can_edit": True}
    if request.method == "GET":
        form = SectionForm(adding=True, prefix="new-section")
        return partial(request, "section_add_form", {**context, "section_add_form": form})
    form = SectionForm(request.POST, adding=True, prefix="new-section")
    outcome = form.is_valid() and call_service(
        request,
        services.section_add,
        form,
        agreement=agreement,
        heading=form.cleaned_data["heading"],
        text=form.cleaned_data["text"],
    )
    if not outcome:
        response = partial(request, "section_add_form", {**context, "section_add_form": form})
        return reswap(retarget(response, "#section-add"), "outerHTML") if request.htmx else response
    section = outcome.result
    if not request.htmx:
        messages.success(request, _("The section was added."))
        return redirect(anchor(agreement, f"section-{section.pk}"))
    totals = totals_context(agreement)
    return render(
        request,
        "agreements/section_added.html",
        {
            **context,
            **totals,
            "section": section_of(totals, section.pk),
            "section_add_form": SectionForm(adding=True, prefix="new-section"),
        },
    )


@require_GET
@login_required
def section_show(request, pk):
    """The section's heading and text as shown (the "cancel" of its edit form)."""
    section = Section.objects.filter(pk=pk).first()
    if section is None:
        raise Http404
    agreement = access.get_agreement(request.user, section.agreement_id)
    if not request.htmx:
        return redirect(anchor(agreement, f"section-{section.pk}"))
    context = {"agreement": agreement, "section": section, **viewer_roles(request.user, agreement)}
    return render(request, f"{DETAIL}#section_body", context)


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request, pk):
    section = access.get_section_to_edit(request.user, pk)
    agreement = section.agreement
    if agreement.is_frozen:
        return refused(request, agreement)
    context = {"agreement": agreement, "section": section, "can_edit": True}
    prefix = f"section-{section.pk}"
    if request.method == "GET":
        form = SectionForm(instance=section, initial={"version": section.version}, prefix=prefix)
        return partial(request, "section_form", {**context, "form": form})
    form = SectionForm(request.POST, instance=section, prefix=prefix)
    outcome = form.is_valid() and call_service(
        request,
        services.section_update,
        form,
        shows_conflict=True,
        section=section,
        expected_version=form.cleaned_data["version"],
        heading=form.cleaned_data["heading"],
        text=form.cleaned_data["text"],
    )
    if not outcome:
        return partial(
            request,
            "section_form",
            {**context, "form": form, "conflict": getattr(outcome, "conflict", None)},
        )
    if not request.htmx:
        messages.success(request, _("The section was saved."))
        return redirect(anchor(agreement, f"section-{section.pk}"))
    return render(request, f"{DETAIL}#section_body", {**context, "section": outcome.result})


@require_POST
@login_required
def section_remove(request, pk):
    section = access.get_section_to_edit(request.user, pk)
    agreement = section.agreement
    if agreement.is_frozen:
        return refused(request, agreement)
    outcome = call_service(request, services.section_remove, report=False, section=section)
    if not outcome:
        return notice(request, agreement, outcome.error, f"section-{pk}")
    if not request.htmx:
        messages.success(request, _("The section was removed."))
        return redirect(anchor(agreement, "sections"))
    context = {"agreement": agreement, "oob": True, **totals_context(agreement)}
    return render(request, f"{DETAIL}#totals", context)


@require_POST
@login_required
def section_move(request, pk):
    section = access.get_section_to_edit(request.user, pk)
    agreement = section.agreement
    if agreement.is_frozen:
        return refused(request, agreement)
    direction = _direction(request)
    outcome = call_service(
        request, services.section_move, report=False, section=section, direction=direction
    )
    if not outcome:
        return notice(request, agreement, outcome.error, f"section-{pk}")
    return _moved(request, agreement, f"section-{pk}", direction)


def _criterion_response(request, agreement, criterion_pk, template):
    """The criterion's row, with its section's total and the overall totals swapped too."""
    criterion = Criterion.objects.get(pk=criterion_pk)
    totals = totals_context(agreement)
    return render(
        request,
        template,
        {
            "agreement": agreement,
            "can_edit": True,
            "criterion": criterion,
            "section": section_of(totals, criterion.section_id),
            **totals,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def criterion_add(request, pk):
    section = access.get_section_to_edit(request.user, pk)
    agreement = section.agreement
    if agreement.is_frozen:
        return refused(request, agreement)
    context = {"agreement": agreement, "section": section, "can_edit": True}
    prefix = f"new-criterion-{section.pk}"
    if request.method == "GET":
        if request.htmx and request.GET.get("cancel"):
            return render(request, f"{DETAIL}#criterion_add_button", context)
        form = CriterionForm(adding=True, prefix=prefix)
        return partial(request, "criterion_add_form", {**context, "form": form})
    form = CriterionForm(request.POST, adding=True, prefix=prefix)
    outcome = form.is_valid() and call_service(
        request, services.criterion_add, form, section=section, **form.values()
    )
    if not outcome:
        response = partial(request, "criterion_add_form", {**context, "form": form})
        if request.htmx:
            response = reswap(retarget(response, f"#criterion-add-{section.pk}"), "innerHTML")
        return response
    criterion = outcome.result
    if not request.htmx:
        messages.success(request, _("The criterion was added."))
        return redirect(anchor(agreement, f"criterion-{criterion.pk}"))
    return _criterion_response(request, agreement, criterion.pk, "agreements/criterion_added.html")


@require_GET
@login_required
def criterion_show(request, pk):
    """The criterion's row as shown (the "cancel" of its edit form)."""
    criterion = Criterion.objects.select_related("section").filter(pk=pk).first()
    if criterion is None:
        raise Http404
    agreement = access.get_agreement(request.user, criterion.section.agreement_id)
    if not request.htmx:
        return redirect(anchor(agreement, f"criterion-{criterion.pk}"))
    context = {
        "agreement": agreement,
        "criterion": criterion,
        **viewer_roles(request.user, agreement),
    }
    return render(request, f"{DETAIL}#criterion", context)


@require_http_methods(["GET", "POST"])
@login_required
def criterion_edit(request, pk):
    criterion = access.get_criterion_to_edit(request.user, pk)
    agreement = criterion.section.agreement
    if agreement.is_frozen:
        return refused(request, agreement)
    context = {"agreement": agreement, "criterion": criterion, "can_edit": True}
    prefix = f"criterion-{criterion.pk}"
    if request.method == "GET":
        initial = {"version": criterion.version}
        form = CriterionForm(instance=criterion, initial=initial, prefix=prefix)
        return partial(request, "criterion_form", {**context, "form": form})
    form = CriterionForm(request.POST, instance=criterion, prefix=prefix)
    outcome = form.is_valid() and call_service(
        request,
        services.criterion_update,
        form,
        shows_conflict=True,
        criterion=criterion,
        expected_version=form.cleaned_data["version"],
        **form.values(),
    )
    if not outcome:
        context = {**context, "form": form, "conflict": getattr(outcome, "conflict", None)}
        return partial(request, "criterion_form", context)
    if not request.htmx:
        messages.success(request, _("The criterion was saved."))
        return redirect(anchor(agreement, f"criterion-{pk}"))
    return _criterion_response(request, agreement, pk, "agreements/criterion_saved.html")


@require_POST
@login_required
def criterion_remove(request, pk):
    criterion = access.get_criterion_to_edit(request.user, pk)
    agreement = criterion.section.agreement
    if agreement.is_frozen:
        return refused(request, agreement)
    outcome = call_service(request, services.criterion_remove, report=False, criterion=criterion)
    if not outcome:
        return notice(request, agreement, outcome.error, f"criterion-{pk}")
    if not request.htmx:
        messages.success(request, _("The criterion was removed."))
        return redirect(anchor(agreement, f"section-{criterion.section_id}"))
    totals = totals_context(agreement)
    return render(
        request,
        "agreements/criterion_removed.html",
        {"agreement": agreement, "section": section_of(totals, criterion.section_id), **totals},
    )


@require_POST
@login_required
def criterion_move(request, pk):
    criterion = access.get_criterion_to_edit(request.user, pk)
    agreement = criterion.section.agreement
    if agreement.is_frozen:
        return refused(request, agreement)
    direction = _direction(request)
    outcome = call_service(
        request, services.criterion_move, report=False, criterion=criterion, direction=direction
    )
    if not outcome:
        return notice(request, agreement, outcome.error, f"criterion-{pk}")
    return _moved(request, agreement, f"criterion-{pk}", direction)
