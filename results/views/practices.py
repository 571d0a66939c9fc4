"""Good practices: shared by member units, featured by the head, searched by everybody."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import Criterion
from clusters import access as cluster_access
from clusters.models import Cluster, ClusterYear, Unit
from core.audit import entries_for
from core.text import folded_search
from core.uploads import attachment_response
from core.views import call_service
from results import access, selectors, services
from results.forms import (
    PracticeForm,
    PracticeSearchForm,
    UploadForm,
)
from results.models import Score

PAGE_SIZE = 50


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
        "results/practice_list.html",
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
        outcome = call_service(
            request,
            services.practice_create,
            form,
            success=_("The practice is saved as a draft; publish it to share."),
            cluster_year=cluster_year,
            **data,
        )
        if outcome:
            return redirect(reverse("results:practice", args=[outcome.result.pk]))
    return render(
        request,
        "results/practice_form.html",
        {"form": form, "cluster_year": cluster_year},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def practice_detail(request, pk):
    practice = access.get_practice(request.user, pk)
    return render(
        request,
        "results/practice_detail.html",
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
        outcome = call_service(
            request,
            services.practice_update,
            form,
            shows_conflict=True,
            success=_("The practice was saved."),
            practice=practice,
            expected_version=version,
            **data,
        )
        if outcome:
            return redirect(reverse("results:practice", args=[practice.pk]))
        conflict = outcome.conflict
    return render(
        request,
        "results/practice_form.html",
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
    call_service(
        request,
        services.practice_publish,
        success=_("The practice is published.") if publish else _("The practice is withdrawn."),
        practice=practice,
        published=publish,
    )
    return redirect(reverse("results:practice", args=[practice.pk]))


@require_POST
@login_required
def practice_feature(request, pk):
    practice = access.get_practice_to_feature(request.user, pk)
    featured = request.POST.get("featured", "1") == "1"
    call_service(
        request,
        services.practice_feature,
        success=_("The featured practice was updated."),
        practice=practice,
        featured=featured,
    )
    return redirect(reverse("results:practice", args=[practice.pk]))


@require_POST
@login_required
def practice_file_upload(request, pk):
    practice = access.get_practice_to_edit(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        call_service(
            request,
            services.practice_file_add,
            success=_("The file is attached."),
            practice=practice,
            upload=form.cleaned_data["file"],
        )
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect(reverse("results:practice", args=[practice.pk]))


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
    return redirect(reverse("results:practice", args=[item.practice_id]))
