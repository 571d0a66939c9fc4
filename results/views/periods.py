"""A cluster year's reviews and the results page of one: its settings, peers and lock."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusters import access as cluster_access
from core.audit import entries_for
from core.views import call_service
from results import access, charts, selectors, services
from results.forms import (
    PeersForm,
    PeriodOpenForm,
    PeriodUpdateForm,
)
from results.models import Assessment, Period


def period_url(period, fragment=""):
    url = reverse("results:period", args=[period.pk])
    return f"{url}#{fragment}" if fragment else url


def sheet_url(assessment, fragment=""):
    url = reverse("results:assessment", args=[assessment.pk])
    return f"{url}#{fragment}" if fragment else url


# --- a cluster year's reviews --------------------------------------------------------------


@require_GET
@login_required
def cluster_year_results(request, pk):
    cluster_year = cluster_access.get_cluster_year(request.user, pk)
    periods = list(cluster_year.result_periods.order_by("kind"))
    can_run = access.can_run(request.user, cluster_year)
    kinds = [k for k in Period.Kind.values if k not in {p.kind for p in periods}]
    return render(
        request,
        "results/cluster_year_results.html",
        {
            "cluster_year": cluster_year,
            "periods": periods,
            "can_run": can_run,
            "agreement": selectors.results_agreement(cluster_year),
            "open_form": PeriodOpenForm(kinds=kinds) if can_run and kinds else None,
            "practices_url": reverse("results:practices") + f"?cluster={cluster_year.cluster_id}"
            f"&year={cluster_year.year}",
            "can_share": bool(access.practice_units(request.user, cluster_year)),
            # Only the parent body's staff and viewers compare its clusters: members see no link
            # that leads them to a page they may not open.
            "can_compare": access.can_compare(request.user, cluster_year.cluster.parent),
        },
    )


@require_POST
@login_required
def period_open(request, pk):
    cluster_year = access.get_cluster_year_to_run(request.user, pk)
    form = PeriodOpenForm(request.POST)
    if form.is_valid():
        outcome = call_service(
            request,
            services.period_open,
            form,
            success=_("The review is open; the member units were notified."),
            cluster_year=cluster_year,
            **form.cleaned_data,
        )
        if outcome:
            return redirect(period_url(outcome.result))
    return render(
        request,
        "results/cluster_year_results.html",
        {
            "cluster_year": cluster_year,
            "periods": list(cluster_year.result_periods.order_by("kind")),
            "can_run": True,
            "agreement": selectors.results_agreement(cluster_year),
            "open_form": form,
            "can_compare": access.can_compare(request.user, cluster_year.cluster.parent),
        },
        status=400,
    )


# --- the results page ----------------------------------------------------------------------


SHEET_STATUS_LABELS = dict(Assessment.Status.choices)
_URL_MARK = 987654321987654321  # stands for a sheet's pk in its reversed URL


def _results_context(request, period, results):
    user = request.user
    labels = {row.assessment.unit_id: row.assessment.unit.short_name for row in results.rows}
    titles = {
        "totals": _("Total points by unit"),
        # xgettext:no-python-format
        "profile": _("Points per section against the cluster average (% of the maximum)"),
        "average": _("Cluster average"),
        "section": _("S{order}"),
    }
    mine = access.assessment_for_user_among(user, [row.assessment for row in results.rows])
    chosen = request.GET.get("unit")
    profile_row = None
    for row in results.rows:
        if chosen and str(row.assessment.pk) == chosen:
            profile_row = row
    if profile_row is None:
        profile_row = next(
            (r for r in results.rows if mine is not None and r.assessment.pk == mine.pk),
            results.rows[0] if results.rows else None,
        )
    # What each row links to and shows of its sheet, written here once: the template's {% url %}
    # and get_status_display cost several times more (profiled on 11 rows). One URL reversed,
    # each sheet's pk put in place of the mark.
    sheet_url = reverse("results:assessment", args=[_URL_MARK])
    for row in results.rows:
        row.tie_note = selectors.tie_note(row.decided_by)
        row.sheet_url = sheet_url.replace(str(_URL_MARK), str(row.assessment.pk))
        row.status_label = SHEET_STATUS_LABELS.get(row.assessment.status, row.assessment.status)
    can_run = access.can_run(user, period.cluster_year)
    reviewable, readable = access.sheet_rights(
        user, period, [row.assessment for row in results.rows]
    )
    context = {
        "period": period,
        "cluster_year": period.cluster_year,
        "results": results,
        "mine": mine,
        "can_run": can_run,
        "totals_chart": charts.totals_for_results(results, titles=titles, labels=labels),
        "profile_chart": charts.unit_profile(results, profile_row, titles=titles, labels=labels)
        if profile_row
        else None,
        "profile_row": profile_row,
        "reviewable": reviewable,
        "readable": readable,
        "audit_entries": entries_for(period, limit=20) if can_run else [],
    }
    if can_run and period.is_open:
        context["update_form"] = PeriodUpdateForm(
            initial={
                "version": period.version,
                "deadline": period.deadline,
                "review_deadline": period.review_deadline,
                "cross_checking": period.cross_checking,
                "note": period.note,
            }
        )
        if period.cross_checking:
            context["peers_form"] = PeersForm(
                period=period, assessments=[row.assessment for row in results.rows]
            )
    return context


@require_GET
@login_required
def period_detail(request, pk):
    period = access.get_period(request.user, pk, for_results=True)
    results = selectors.period_results(period)
    for row in results.rows:
        row.assessment.period = period
    context = _results_context(request, period, results)
    if request.htmx:
        return render(request, "results/period_detail.html#table", context)
    return render(request, "results/period_detail.html", context)


@require_POST
@login_required
def period_update(request, pk):
    period = access.get_period_to_run(request.user, pk)
    form = PeriodUpdateForm(request.POST)
    if form.is_valid() and call_service(
        request,
        services.period_update,
        form,
        success=_("The review's settings were saved."),
        period=period,
        expected_version=form.cleaned_data["version"],
        deadline=form.cleaned_data["deadline"],
        review_deadline=form.cleaned_data["review_deadline"],
        cross_checking=form.cleaned_data["cross_checking"],
        note=form.cleaned_data["note"],
    ):
        return redirect(period_url(period))
    for message in form.errors.get("__all__", []):
        messages.error(request, message)
    for name, errors in form.errors.items():
        if name != "__all__":
            messages.error(request, f"{form.fields[name].label}: {' '.join(errors)}")
    return redirect(period_url(period, "settings"))


@require_POST
@login_required
def period_peers(request, pk):
    period = access.get_period_to_run(request.user, pk)
    assessments = list(period.assessments.all())
    form = PeersForm(request.POST, period=period, assessments=assessments)
    if form.is_valid():
        assignments = (
            services.rotation(period) if request.POST.get("rotation") else form.assignments()
        )
        call_service(
            request,
            services.period_assign_peers,
            success=_("The peer units were assigned."),
            period=period,
            assignments=assignments,
        )
    else:
        messages.error(request, _("Choose member units only."))
    return redirect(period_url(period, "peers"))


@require_POST
@login_required
def period_lock(request, pk):
    period = access.get_period_to_run(request.user, pk)
    call_service(
        request,
        services.period_lock,
        success=_("The results are locked and the ranking recorded."),
        period=period,
    )
    return redirect(period_url(period))


@require_GET
@login_required
def my_sheet(request, pk):
    period = access.get_period(request.user, pk)
    mine = access.assessment_for_user(request.user, period)
    if mine is None:
        messages.info(request, _("You do not work for a member unit of this cluster."))
        return redirect(period_url(period))
    return redirect(sheet_url(mine))


# --- a self-assessment sheet ---------------------------------------------------------------


# --- review --------------------------------------------------------------------------------


# --- the parent's comparison and rules -----------------------------------------------------


# --- good practices ------------------------------------------------------------------------
