"""A self-assessment sheet: filling, importing, evidence, submitting; its review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.audit import entries_for
from core.text import vn_number
from core.uploads import attachment_response
from core.views import call_service
from results import access, excel, selectors, services
from results.forms import (
    SHEET_FORM_ID,
    AdjustForm,
    ImportForm,
    ReopenForm,
    ReturnForm,
    UploadForm,
)
from results.forms import SheetForm as SheetEntryForm
from results.models import Assessment, Evidence, Score
from results.views.periods import period_url, sheet_url

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
            if can_review:
                score.adjust = AdjustForm()["reviewed_score"].as_widget(
                    attrs={"id": f"adjust-{score.pk}", "placeholder": vn_number(score.final_score)}
                )
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
    return render(request, "results/assessment_detail.html", context, status=status)


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
    outcome = call_service(
        request,
        services.assessment_save,
        form,
        shows_conflict=True,
        success=_("The draft is saved."),
        assessment=assessment,
        expected_version=form.cleaned_data["version"],
        entries=form.entries(),
    )
    if outcome:
        return redirect(sheet_url(assessment))
    status = 409 if outcome.conflict else 400
    return _sheet_page(request, assessment, form=form, conflict=outcome.conflict, status=status)


@require_POST
@login_required
def assessment_submit(request, pk):
    assessment = access.get_assessment_to_fill(request.user, pk)
    call_service(
        request,
        services.assessment_submit,
        success=_("The sheet is submitted for review."),
        assessment=assessment,
    )
    return redirect(sheet_url(assessment))


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
                outcome = call_service(
                    request,
                    services.assessment_import,
                    form,
                    assessment=assessment,
                    data=upload.read(),
                    expected_version=form.cleaned_data["version"],
                )
            except excel.WorkbookError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                if outcome:
                    messages.success(
                        request,
                        _("Imported: %(count)s criteria changed.") % {"count": outcome.result},
                    )
                    return redirect(sheet_url(assessment))
    return _sheet_page(request, assessment, import_form=form, status=400)


@require_POST
@login_required
def evidence_upload(request, pk):
    score = access.get_score_to_fill(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        call_service(
            request,
            services.evidence_add,
            success=_("The evidence file is attached."),
            score=score,
            upload=form.cleaned_data["file"],
        )
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect(sheet_url(score.assessment, f"criterion-{score.criterion_id}"))


@require_GET
@login_required
def evidence_download(request, pk):
    evidence = access.get_evidence(request.user, pk)
    return attachment_response(evidence.file, evidence.original_name)


@require_POST
@login_required
def evidence_remove(request, pk):
    evidence = access.get_evidence_to_remove(request.user, pk)
    call_service(
        request,
        services.evidence_remove,
        success=_("The evidence file was removed."),
        evidence=evidence,
    )
    return redirect(
        sheet_url(evidence.score.assessment, f"criterion-{evidence.score.criterion_id}")
    )


@require_POST
@login_required
def score_adjust(request, pk):
    score = access.get_score_to_review(request.user, pk)
    form = AdjustForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            services.score_adjust,
            success=_("The score was adjusted."),
            score=score,
            **form.cleaned_data,
        )
    else:
        problems = form.errors.get("reviewed_score")
        messages.error(
            request, problems[0] if problems else _("Enter the score after review and the reason.")
        )
    return redirect(sheet_url(score.assessment, f"criterion-{score.criterion_id}"))


@require_POST
@login_required
def assessment_accept(request, pk):
    assessment = access.get_assessment_to_review(request.user, pk)
    call_service(
        request,
        services.assessment_accept,
        success=_("The sheet is accepted."),
        assessment=assessment,
    )
    return redirect(period_url(assessment.period))


@require_POST
@login_required
def assessment_return(request, pk):
    assessment = access.get_assessment_to_review(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        if call_service(
            request,
            services.assessment_return,
            success=_("The sheet was returned; the unit was notified."),
            assessment=assessment,
            comment=form.cleaned_data["comment"],
        ):
            return redirect(period_url(assessment.period))
    else:
        messages.error(request, _("Say what the unit must correct."))
    return redirect(sheet_url(assessment, "review"))


@require_POST
@login_required
def assessment_reopen(request, pk):
    assessment = access.get_assessment_to_review(request.user, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            services.assessment_reopen,
            success=_("The sheet is under review again."),
            assessment=assessment,
            reason=form.cleaned_data["reason"],
        )
    else:
        messages.error(request, _("Give the reason for reopening the review."))
    return redirect(sheet_url(assessment))
