"""The parent body's award catalogue and vote rules, its awards of a year, and a unit's awards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards import access, selectors
from awards.forms import (
    AwardTypeEditForm,
    AwardTypeForm,
    ProposalDeadlineForm,
    VoteRulesForm,
)
from awards.models import AwardType
from awards.services import proposals
from awards.services import votes as voting
from clusters import access as cluster_access
from clusters.models import ClusterYear
from core.audit import entries_for
from core.links import link
from core.views import call_service
from results import access as results_access
from results.selectors import rules_for


def _year(request, default):
    try:
        return int(request.GET.get("year", default))
    except ValueError:
        return default


@require_GET
@login_required
def parent_awards(request, pk, year):
    parent = results_access.get_parent_to_compare(request.user, pk)
    award_types, lines = selectors.parent_year_summary(parent, year)
    # The links of every line from their address's shape (core.links).
    for line in lines:
        line.overview_url = link("awards:award_overview", line.cluster_year.pk)
        line.proposal_url = link("awards:proposal", line.proposal.pk) if line.proposal else ""
        line.deadline_url = link("awards:proposal_deadline", line.cluster_year.pk)
        # Read here: the template would raise and catch an exception for each line without one.
        line.decision = getattr(line.proposal, "decision", None)
    return render(
        request,
        "awards/proposal/parent_summary.html",
        {
            "parent": parent,
            "year": year,
            "award_types": award_types,
            "lines": lines,
            "years": [
                (y, link("awards:parent_awards", parent.pk, y))
                for y in selectors.award_years(parent)
            ],
            "is_staff": cluster_access.is_parent_staff(request.user, parent),
            "deadline_form": ProposalDeadlineForm(),
        },
    )


def _deadline_refused(request, form):
    for error in form.errors.get("due", []):
        messages.error(request, f"{form.fields['due'].label}: {error}")


@require_POST
@login_required
def proposal_deadline_all(request, pk, year):
    """The parent body's staff set one date for the files of all its clusters of the year."""
    parent = results_access.get_parent_to_configure(request.user, pk)
    form = ProposalDeadlineForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            proposals.proposal_deadline_set_all,
            success=_("The date is set for every cluster of the year."),
            parent=parent,
            year=year,
            due=form.cleaned_data["due"],
        )
    else:
        _deadline_refused(request, form)
    return redirect(reverse("awards:parent_awards", args=[parent.pk, year]) + "#deadlines")


@require_POST
@login_required
def proposal_deadline_one(request, pk):
    """Move one cluster's date."""
    cluster_year = get_object_or_404(ClusterYear.objects.select_related("cluster"), pk=pk)
    parent = results_access.get_parent_to_configure(request.user, cluster_year.cluster.parent_id)
    form = ProposalDeadlineForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            proposals.proposal_deadline_set,
            success=_("The date is set for %(cluster)s.") % {"cluster": cluster_year.cluster.name},
            cluster_year=cluster_year,
            due=form.cleaned_data["due"],
        )
    else:
        _deadline_refused(request, form)
    return redirect(
        reverse("awards:parent_awards", args=[parent.pk, cluster_year.year]) + "#deadlines"
    )


def _catalogue_page(request, parent, year, *, type_form=None, rules_form=None, status=200):
    ranking_labels = _rating_labels(parent, year)
    rules = selectors.vote_rules_for(parent.pk, year)
    is_staff = cluster_access.is_parent_staff(request.user, parent)
    context = {
        "parent": parent,
        "year": year,
        "award_types": list(AwardType.objects.filter(parent=parent, year=year)),
        "rules": rules,
        "rules_saved": rules.pk is not None,
        "is_staff": is_staff,
        "audit_entries": entries_for(rules, limit=10) if rules.pk else [],
    }
    if is_staff:
        context["type_form"] = type_form or AwardTypeForm(ratings=ranking_labels)
        context["rules_form"] = rules_form or VoteRulesForm(
            initial={
                "version": rules.version if rules.pk else None,
                **{f: getattr(rules, f) for f in voting.RULE_FIELDS},
            }
        )
    return render(request, "awards/catalogue/catalogue.html", context, status=status)


def _rating_labels(parent, year):
    return [label for label, _minimum in rules_for(parent.pk, year).thresholds]


@require_GET
@login_required
def catalogue(request, pk, year):
    parent = access.get_parent_catalogue(request.user, pk)
    return _catalogue_page(request, parent, year)


@require_POST
@login_required
def award_type_add(request, pk, year):
    parent = results_access.get_parent_to_configure(request.user, pk)
    form = AwardTypeForm(request.POST, ratings=_rating_labels(parent, year))
    if form.is_valid() and call_service(
        request,
        proposals.award_type_create,
        form,
        success=_("The award is added to the catalogue."),
        parent=parent,
        year=year,
        **form.cleaned_data,
    ):
        return redirect(reverse("awards:catalogue", args=[parent.pk, year]))
    return _catalogue_page(request, parent, year, type_form=form, status=400)


@require_POST
@login_required
def vote_rules_save(request, pk, year):
    parent = results_access.get_parent_to_configure(request.user, pk)
    form = VoteRulesForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if call_service(
            request,
            voting.vote_rules_save,
            form,
            success=_("The vote rules are saved."),
            parent=parent,
            year=year,
            expected_version=data.pop("version"),
            **data,
        ):
            return redirect(reverse("awards:catalogue", args=[parent.pk, year]))
    return _catalogue_page(request, parent, year, rules_form=form, status=400)


@require_POST
@login_required
def catalogue_copy(request, pk, year):
    parent = results_access.get_parent_to_configure(request.user, pk)
    call_service(
        request,
        proposals.catalogue_copy,
        success=_("The catalogue and vote rules were copied from the previous year."),
        parent=parent,
        year=year,
    )
    return redirect(reverse("awards:catalogue", args=[parent.pk, year]))


@require_http_methods(["GET", "POST"])
@login_required
def award_type_edit(request, pk):
    award_type = access.get_award_type_to_edit(request.user, pk)
    ratings = _rating_labels(award_type.parent, award_type.year)
    fields = proposals.AWARD_FIELDS
    if request.method == "POST":
        form = AwardTypeEditForm(request.POST, ratings=ratings)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if call_service(
                request,
                proposals.award_type_update,
                form,
                success=_("The award is saved."),
                award_type=award_type,
                expected_version=data.pop("version"),
                **data,
            ):
                return redirect(
                    reverse("awards:catalogue", args=[award_type.parent_id, award_type.year])
                )
        status = 400
    else:
        form = AwardTypeEditForm(
            ratings=ratings,
            initial={"version": award_type.version, **{f: getattr(award_type, f) for f in fields}},
        )
        status = 200
    return render(
        request,
        "awards/catalogue/award_type_form.html",
        {"award_type": award_type, "form": form, "audit_entries": entries_for(award_type)},
        status=status,
    )


@require_POST
@login_required
def award_type_remove(request, pk):
    award_type = access.get_award_type_to_edit(request.user, pk)
    call_service(
        request,
        proposals.award_type_remove,
        success=_("The award is removed from the catalogue."),
        award_type=award_type,
    )
    return redirect(reverse("awards:catalogue", args=[award_type.parent_id, award_type.year]))


@require_GET
@login_required
def unit_awards(request, pk):
    unit = cluster_access.get_unit(request.user, pk)
    return render(
        request,
        "awards/proposal/unit_awards.html",
        {"unit": unit, "awards": selectors.unit_awards(unit)},
    )
