"""Results pages: reviews, self-assessment sheets, review, ranking, exports, comparison and
good practices. Each view fetches through awards.access, calls one service and redirects.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import Criterion
from awards import access, charts, excel, selectors, services
from awards.forms import (
    SHEET_FORM_ID,
    AdjustForm,
    ComparisonFilterForm,
    ImportForm,
    PeersForm,
    PeriodOpenForm,
    PeriodUpdateForm,
    PracticeForm,
    PracticeSearchForm,
    ReopenForm,
    ReturnForm,
    RulesForm,
    UploadForm,
)
from awards.forms import SheetForm as SheetEntryForm
from awards.models import Assessment, Evidence, GoodPractice, Period, Score, TieBreak
from clusters import access as cluster_access
from clusters.models import Cluster, ClusterYear, Unit
from core.audit import entries_for
from core.errors import ConflictError
from core.forms import apply_errors
from core.views import call_service
from core.text import fold, folded_search
from core.uploads import attachment_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _period_url(period, fragment=""):
    url = reverse("awards:period", args=[period.pk])
    return f"{url}#{fragment}" if fragment else url


def _sheet_url(assessment, fragment=""):
    url = reverse("awards:assessment", args=[assessment.pk])
    return f"{url}#{fragment}" if fragment else url


def _error_message(request, error):
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


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
        "awards/cluster_year_results.html",
        {
            "cluster_year": cluster_year,
            "periods": periods,
            "can_run": can_run,
            "agreement": selectors.results_agreement(cluster_year),
            "open_form": PeriodOpenForm(kinds=kinds) if can_run and kinds else None,
            "practices_url": reverse("awards:practices") + f"?cluster={cluster_year.cluster_id}"
            f"&year={cluster_year.year}",
            "can_share": bool(access.practice_units(request.user, cluster_year)),
        },
    )


@require_POST
@login_required
def period_open(request, pk):
    cluster_year = access.get_cluster_year_to_run(request.user, pk)
    form = PeriodOpenForm(request.POST)
    if form.is_valid():
        period = call_service(
            request,
            services.period_open,
            form=form,
            cluster_year=cluster_year,
            **form.cleaned_data,
        )
        if period is not None:
            messages.success(request, _("The review is open; the member units were notified."))
            return redirect(_period_url(period))
    return render(
        request,
        "awards/cluster_year_results.html",
        {
            "cluster_year": cluster_year,
            "periods": list(cluster_year.result_periods.order_by("kind")),
            "can_run": True,
            "agreement": selectors.results_agreement(cluster_year),
            "open_form": form,
        },
        status=400,
    )


# --- the results page ----------------------------------------------------------------------


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
    mine = access.assessment_for_user(user, period)
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
    for row in results.rows:
        row.decided_label = TieBreak(row.decided_by).label if row.decided_by else ""
    can_run = access.can_run(user, period.cluster_year)
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
        "reviewable": {
            row.assessment.pk for row in results.rows if access.can_review(user, row.assessment)
        },
        "readable": {
            row.assessment.pk for row in results.rows if access.can_read(user, row.assessment)
        },
        "audit_entries": entries_for(period, limit=20) if can_run else [],
    }
    if can_run and period.is_open:
        context["update_form"] = PeriodUpdateForm(
            initial={
                "version": period.version,
                "deadline": period.deadline,
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
    period = access.get_period(request.user, pk)
    results = selectors.period_results(period)
    for row in results.rows:
        row.assessment.period = period
    context = _results_context(request, period, results)
    if request.htmx:
        return render(request, "awards/period_detail.html#table", context)
    return render(request, "awards/period_detail.html", context)


@require_POST
@login_required
def period_update(request, pk):
    period = access.get_period_to_run(request.user, pk)
    form = PeriodUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.period_update(
                actor=request.user,
                period=period,
                expected_version=form.cleaned_data["version"],
                deadline=form.cleaned_data["deadline"],
                cross_checking=form.cleaned_data["cross_checking"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The review's settings were saved."))
            return redirect(_period_url(period))
        except ValidationError as error:
            apply_errors(form, error)
    for message in form.errors.get("__all__", []):
        messages.error(request, message)
    for name, errors in form.errors.items():
        if name != "__all__":
            messages.error(request, f"{form.fields[name].label}: {' '.join(errors)}")
    return redirect(_period_url(period, "settings"))


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
        try:
            services.period_assign_peers(actor=request.user, period=period, assignments=assignments)
            messages.success(request, _("The peer units were assigned."))
        except ValidationError as error:
            _error_message(request, error)
    else:
        messages.error(request, _("Choose member units only."))
    return redirect(_period_url(period, "peers"))


@require_POST
@login_required
def period_lock(request, pk):
    period = access.get_period_to_run(request.user, pk)
    try:
        services.period_lock(actor=request.user, period=period)
        messages.success(request, _("The results are locked and the ranking recorded."))
    except ValidationError as error:
        _error_message(request, error)
    return redirect(_period_url(period))


@require_GET
@login_required
def my_sheet(request, pk):
    period = access.get_period(request.user, pk)
    mine = access.assessment_for_user(request.user, period)
    if mine is None:
        messages.info(request, _("You do not work for a member unit of this cluster."))
        return redirect(_period_url(period))
    return redirect(_sheet_url(mine))


# --- a self-assessment sheet ---------------------------------------------------------------


def _scores(assessment):
    return list(
        Score.objects.filter(assessment=assessment)
        .select_related("criterion__section")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .order_by("criterion__section__order", "criterion__order", "criterion__pk")
    )


def _sections(scores):
    """Group scores by section, with the completeness of each section."""
    grouped = []
    for score in scores:
        section = score.criterion.section
        if not grouped or grouped[-1]["section"].pk != section.pk:
            grouped.append({"section": section, "scores": [], "filled": 0})
        grouped[-1]["scores"].append(score)
        score.suggested = services.suggested_score(
            score.criterion, score.achieved, score.occurrences
        )
        score.low, score.high = selectors.score_limits(score.criterion)
        score.kind_of_input = selectors.input_kind(score.criterion)
        score.complete = services.score_is_complete(score)
        if score.complete:
            grouped[-1]["filled"] += 1
    return grouped


def _sheet_page(request, assessment, *, form=None, import_form=None, conflict=None, status=200):
    user = request.user
    scores = _scores(assessment)
    sections = _sections(scores)
    can_fill = access.can_fill(user, assessment) and assessment.is_editable
    can_review = access.can_review(user, assessment) and assessment.is_under_review
    if can_fill and form is None:
        form = SheetEntryForm(initial={"version": assessment.version}, scores=scores)
    rows = {}
    if form is not None:
        rows = {score.criterion_id: fields for score, *fields in form.rows()}
    for group in sections:
        for score in group["scores"]:
            score.fields = rows.get(score.criterion_id)
    totals = selectors.totals_for([assessment.pk]).get(assessment.pk, selectors.Totals())
    context = {
        "assessment": assessment,
        "period": assessment.period,
        "sections": sections,
        "filled": sum(g["filled"] for g in sections),
        "count": len(scores),
        "totals": totals,
        "form": form,
        "form_id": SHEET_FORM_ID,
        "can_fill": can_fill,
        "is_unit": access.can_fill(user, assessment),
        "can_review": can_review,
        "can_reopen": access.can_review(user, assessment)
        and assessment.period.is_open
        and assessment.status == Assessment.Status.ACCEPTED,
        "import_form": import_form or (ImportForm(initial={"version": assessment.version})),
        "upload_form": UploadForm(),
        "return_form": ReturnForm(),
        "reopen_form": ReopenForm(),
        "conflict": conflict,
        "audit_entries": entries_for(assessment),
    }
    return render(request, "awards/assessment_detail.html", context, status=status)


@require_GET
@login_required
def assessment_detail(request, pk):
    assessment = access.get_assessment(request.user, pk)
    return _sheet_page(request, assessment)


@require_POST
@login_required
def assessment_save(request, pk):
    assessment = access.get_assessment_to_fill(request.user, pk)
    scores = _scores(assessment)
    form = SheetEntryForm(request.POST, scores=scores)
    if not form.is_valid():
        return _sheet_page(request, assessment, form=form, status=400)
    try:
        services.assessment_save(
            actor=request.user,
            assessment=assessment,
            expected_version=form.cleaned_data["version"],
            entries=form.entries(),
        )
    except ConflictError as error:
        data = form.data.copy()
        data["version"] = Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)
        form.data = data
        return _sheet_page(request, assessment, form=form, conflict=error, status=409)
    except services.SheetError as error:
        form.apply_sheet_errors(error)
        return _sheet_page(request, assessment, form=form, status=400)
    except ValidationError as error:
        apply_errors(form, error)
        return _sheet_page(request, assessment, form=form, status=400)
    messages.success(request, _("The draft is saved."))
    return redirect(_sheet_url(assessment))


@require_POST
@login_required
def assessment_submit(request, pk):
    assessment = access.get_assessment_to_fill(request.user, pk)
    try:
        services.assessment_submit(actor=request.user, assessment=assessment)
        messages.success(request, _("The sheet is submitted for review."))
    except ValidationError as error:
        _error_message(request, error)
    return redirect(_sheet_url(assessment))


@require_GET
@login_required
def assessment_template(request, pk):
    assessment = access.get_assessment_to_fill(request.user, pk)
    sections = selectors.sections_with_criteria(assessment.period.agreement)
    data = excel.template_workbook(assessment, sections, _scores(assessment))
    response = HttpResponse(data, content_type=XLSX)
    name = f"tu-cham-diem-{assessment.period.cluster_year.year}-{assessment.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def assessment_import(request, pk):
    assessment = access.get_assessment_to_fill(request.user, pk)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > excel.MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                count = services.assessment_import(
                    actor=request.user,
                    assessment=assessment,
                    data=upload.read(),
                    expected_version=form.cleaned_data["version"],
                )
                messages.success(
                    request, _("Imported: %(count)s criteria changed.") % {"count": count}
                )
                return redirect(_sheet_url(assessment))
            except excel.WorkbookError as error:
                for message in error.messages:
                    form.add_error("file", message)
            except ValidationError as error:
                apply_errors(form, error)
    return _sheet_page(request, assessment, import_form=form, status=400)


@require_POST
@login_required
def evidence_upload(request, pk):
    score = access.get_score_to_fill(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(actor=request.user, score=score, upload=form.cleaned_data["file"])
            messages.success(request, _("The evidence file is attached."))
        except ValidationError as error:
            _error_message(request, error)
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect(_sheet_url(score.assessment, f"criterion-{score.criterion_id}"))


@require_GET
@login_required
def evidence_download(request, pk):
    evidence = access.get_evidence(request.user, pk)
    return attachment_response(evidence.file, evidence.original_name)


@require_POST
@login_required
def evidence_remove(request, pk):
    evidence = access.get_evidence_to_remove(request.user, pk)
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
        messages.success(request, _("The evidence file was removed."))
    except ValidationError as error:
        _error_message(request, error)
    return redirect(
        _sheet_url(evidence.score.assessment, f"criterion-{evidence.score.criterion_id}")
    )


# --- review --------------------------------------------------------------------------------


@require_POST
@login_required
def score_adjust(request, pk):
    score = access.get_score_to_review(request.user, pk)
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            services.score_adjust(actor=request.user, score=score, **form.cleaned_data)
            messages.success(request, _("The score was adjusted."))
        except ValidationError as error:
            _error_message(request, error)
    else:
        messages.error(request, _("Enter the score after review and the reason."))
    return redirect(_sheet_url(score.assessment, f"criterion-{score.criterion_id}"))


@require_POST
@login_required
def assessment_accept(request, pk):
    assessment = access.get_assessment_to_review(request.user, pk)
    try:
        services.assessment_accept(actor=request.user, assessment=assessment)
        messages.success(request, _("The sheet is accepted."))
    except ValidationError as error:
        _error_message(request, error)
    return redirect(_period_url(assessment.period))


@require_POST
@login_required
def assessment_return(request, pk):
    assessment = access.get_assessment_to_review(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_return(
                actor=request.user, assessment=assessment, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("The sheet was returned; the unit was notified."))
            return redirect(_period_url(assessment.period))
        except ValidationError as error:
            _error_message(request, error)
    else:
        messages.error(request, _("Say what the unit must correct."))
    return redirect(_sheet_url(assessment, "review"))


@require_POST
@login_required
def assessment_reopen(request, pk):
    assessment = access.get_assessment_to_review(request.user, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_reopen(
                actor=request.user, assessment=assessment, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The sheet is under review again."))
        except ValidationError as error:
            _error_message(request, error)
    else:
        messages.error(request, _("Give the reason for reopening the review."))
    return redirect(_sheet_url(assessment))


# --- the parent's comparison and rules -----------------------------------------------------


@require_GET
@login_required
def comparison(request, pk):
    parent = access.get_parent_to_compare(request.user, pk)
    years = selectors.comparison_years(parent) or [timezone.localdate().year]
    clusters = list(Cluster.objects.filter(parent=parent).values_list("pk", "name"))
    data = request.GET.copy()
    data.setdefault("year", str(years[0]))
    data.setdefault("kind", Period.Kind.YEAR_END)
    year = int(data["year"]) if data["year"] in {str(y) for y in years} else years[0]
    kind = data["kind"] if data["kind"] in Period.Kind.values else Period.Kind.YEAR_END
    summaries, rows, rules = selectors.parent_comparison(parent, year, kind)
    ratings = list(
        dict.fromkeys([label for label, _m in rules.thresholds] + [r.rating for r in rows])
    )
    form = ComparisonFilterForm(data, years=years, clusters=clusters, ratings=ratings)
    if form.is_valid():
        cluster_id = form.cleaned_data.get("cluster")
        rating = form.cleaned_data.get("rating")
        query = form.cleaned_data.get("q")
        if cluster_id:
            rows = [r for r in rows if r.period.cluster_year.cluster_id == cluster_id]
        if rating:
            rows = [r for r in rows if r.rating == rating]
        if query:
            words = fold(query).split()
            rows = [r for r in rows if all(w in fold(r.name) for w in words)]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/comparison.html",
        {
            "parent": parent,
            "year": year,
            "kind": kind,
            "form": form,
            "summaries": summaries,
            "page_obj": page,
            "rules": rules,
            "can_configure": cluster_access.is_parent_staff(request.user, parent),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def rules_edit(request, pk, year):
    parent = access.get_parent_to_configure(request.user, pk)
    rules = selectors.rules_for(parent.pk, year)
    form = RulesForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            request,
            services.result_rules_save,
            form=form,
            parent=parent,
            year=year,
            tie_break=form.tie_break(),
            thresholds=form.thresholds(),
            evidence_max_mb=form.cleaned_data["evidence_max_mb"],
        )
        if saved is not None:
            messages.success(request, _("The result rules were saved."))
            return redirect(reverse("awards:rules", args=[parent.pk, year]))
    return render(
        request,
        "awards/rules.html",
        {
            "parent": parent,
            "year": year,
            "form": form,
            "saved": rules.saved,
            "audit_entries": entries_for(rules.saved) if rules.saved else [],
        },
        status=400 if request.method == "POST" else 200,
    )


# --- good practices ------------------------------------------------------------------------


@require_GET
@login_required
def practice_list(request):
    visible = access.visible_practices(request.user)
    years = sorted(set(visible.values_list("cluster_year__year", flat=True)), reverse=True)
    clusters = list(
        Cluster.objects.filter(years__good_practices__in=visible)
        .distinct()
        .values_list("pk", "name")
    )
    form = PracticeSearchForm(request.GET or None, years=years, clusters=clusters)
    queryset = selectors.practices_page_queryset(visible)
    if form.is_valid():
        if form.cleaned_data.get("q"):
            queryset = folded_search(queryset, form.cleaned_data["q"])
        if form.cleaned_data.get("year"):
            queryset = queryset.filter(cluster_year__year=form.cleaned_data["year"])
        if form.cleaned_data.get("cluster"):
            queryset = queryset.filter(cluster_year__cluster_id=form.cleaned_data["cluster"])
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    years_open = (
        ClusterYear.objects.filter(
            memberships__unit_id__in=cluster_access.unit_ids(request.user),
            memberships__ended_on__isnull=True,
        )
        .select_related("cluster")
        .order_by("-year")
        .distinct()[:10]
    )
    return render(
        request,
        "awards/practice_list.html",
        {"form": form, "page_obj": page, "member_years": years_open},
    )


def _practice_choices(cluster_year, unit_ids):
    """Criteria of the year's agreements, and the units' bonus points claimed that year."""
    agreement_ids = set(cluster_year.result_periods.values_list("agreement_id", flat=True))
    agreement = selectors.results_agreement(cluster_year)
    if agreement is not None:
        agreement_ids.add(agreement.pk)
    criteria = Criterion.objects.filter(section__agreement_id__in=agreement_ids).order_by(
        "section__order", "order", "pk"
    )
    claims = Score.objects.filter(
        assessment__period__cluster_year=cluster_year,
        assessment__unit_id__in=unit_ids,
        criterion__kind=Criterion.Kind.BONUS,
    ).select_related("criterion", "assessment__period")
    return criteria, claims


@require_http_methods(["GET", "POST"])
@login_required
def practice_new(request, pk):
    cluster_year = cluster_access.get_cluster_year(request.user, pk)
    units = access.practice_units(request.user, cluster_year)
    if not units:
        raise PermissionDenied
    criteria, claims = _practice_choices(cluster_year, [u.pk for u in units])
    form = PracticeForm(
        request.POST or None,
        criteria=criteria,
        bonus_claims=claims,
        units=Unit.objects.filter(pk__in=[u.pk for u in units]),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        practice = call_service(
            request, services.practice_create, form=form, cluster_year=cluster_year, **data
        )
        if practice is not None:
            messages.success(request, _("The practice is saved as a draft; publish it to share."))
            return redirect(reverse("awards:practice", args=[practice.pk]))
    return render(
        request,
        "awards/practice_form.html",
        {"form": form, "cluster_year": cluster_year},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def practice_detail(request, pk):
    practice = access.get_practice(request.user, pk)
    return render(
        request,
        "awards/practice_detail.html",
        {
            "practice": practice,
            "criteria": practice.criteria.select_related("section").order_by("code"),
            "claims": practice.bonus_claims.select_related("criterion", "assessment__period"),
            "files": practice.files.all(),
            "can_edit": access.can_edit_practice(request.user, practice),
            "can_feature": access.can_feature(request.user, practice),
            "upload_form": UploadForm(),
            "audit_entries": entries_for(practice)
            if access.can_edit_practice(request.user, practice)
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def practice_edit(request, pk):
    practice = access.get_practice_to_edit(request.user, pk)
    criteria, claims = _practice_choices(practice.cluster_year, [practice.unit_id])
    initial = {
        "version": practice.version,
        "title": practice.title,
        "description": practice.description,
        "results": practice.results,
        "criteria": list(practice.criteria.values_list("pk", flat=True)),
        "bonus_claims": list(practice.bonus_claims.values_list("pk", flat=True)),
    }
    form = PracticeForm(
        request.POST or None, initial=initial, criteria=criteria, bonus_claims=claims
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or practice.version
        try:
            services.practice_update(
                actor=request.user, practice=practice, expected_version=version, **data
            )
            messages.success(request, _("The practice was saved."))
            return redirect(reverse("awards:practice", args=[practice.pk]))
        except ConflictError as error:
            conflict = error
            data = form.data.copy()
            data["version"] = GoodPractice.objects.values_list("version", flat=True).get(
                pk=practice.pk
            )
            form.data = data
        except ValidationError as error:
            apply_errors(form, error)
    return render(
        request,
        "awards/practice_form.html",
        {
            "form": form,
            "practice": practice,
            "cluster_year": practice.cluster_year,
            "conflict": conflict,
        },
        status=(409 if conflict else 400) if request.method == "POST" else 200,
    )


@require_POST
@login_required
def practice_publish(request, pk):
    practice = access.get_practice_to_edit(request.user, pk)
    publish = request.POST.get("publish", "1") == "1"
    try:
        services.practice_publish(actor=request.user, practice=practice, published=publish)
        messages.success(
            request,
            _("The practice is published.") if publish else _("The practice is withdrawn."),
        )
    except ValidationError as error:
        _error_message(request, error)
    return redirect(reverse("awards:practice", args=[practice.pk]))


@require_POST
@login_required
def practice_feature(request, pk):
    practice = access.get_practice_to_feature(request.user, pk)
    featured = request.POST.get("featured", "1") == "1"
    try:
        services.practice_feature(actor=request.user, practice=practice, featured=featured)
        messages.success(request, _("The featured practice was updated."))
    except ValidationError as error:
        _error_message(request, error)
    return redirect(reverse("awards:practice", args=[practice.pk]))


@require_POST
@login_required
def practice_file_upload(request, pk):
    practice = access.get_practice_to_edit(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.practice_file_add(
                actor=request.user, practice=practice, upload=form.cleaned_data["file"]
            )
            messages.success(request, _("The file is attached."))
        except ValidationError as error:
            _error_message(request, error)
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect(reverse("awards:practice", args=[practice.pk]))


@require_GET
@login_required
def practice_file_download(request, pk):
    item = access.get_practice_file(request.user, pk)
    return attachment_response(item.file, item.original_name)


@require_POST
@login_required
def practice_file_remove(request, pk):
    item = access.get_practice_file(request.user, pk)
    if not access.can_edit_practice(request.user, item.practice):
        raise PermissionDenied
    services.practice_file_remove(actor=request.user, item=item)
    messages.success(request, _("The file was removed."))
    return redirect(reverse("awards:practice", args=[item.practice_id]))
