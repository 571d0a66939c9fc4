"""The parent body's comparison between its clusters, and its result rules."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusters import access as cluster_access
from core.audit import entries_for
from core.links import link
from core.text import fold, vn_number
from core.views import call_service
from results import access, selectors, services
from results.forms import (
    ComparisonFilterForm,
    RulesForm,
)
from results.models import Period

PAGE_SIZE = 50

# One row of the units' table: written here rather than by the template (eight variables and
# three filters a row cost more than the rest of the table), with the same HTML.
UNIT_ROW = (
    '\n  <tr>\n    <td>{}</td>\n    <th scope="row">{}</th>\n    <td>{}</td>\n'
    '    <td class="text-end">{}</td>\n    <td class="text-end">{}</td>\n'
    '    <td class="text-end">{}</td>\n    <td class="text-end">{}</td>\n'
    "    <td>{}</td>\n  </tr>\n  "
)


def unit_rows(page):
    """The HTML of the page's rows ("" for none), numbers as `vn_number` writes them."""
    language = get_language()
    return mark_safe(  # noqa: S308 - every text below is escaped
        "".join(
            UNIT_ROW.format(
                number,
                escape(row.name),
                escape(row.cluster),
                vn_number(row.total, language=language),
                vn_number(row.max_points, language=language),
                vn_number(row.percent, language=language),
                row.rank,
                escape(row.rating),
            )
            for number, row in enumerate(page, start=page.start_index())
        )
    )


@require_GET
@login_required
def comparison(request, pk):
    parent = access.get_parent_to_compare(request.user, pk)
    years = selectors.comparison_years(parent) or [timezone.localdate().year]
    clusters = selectors.comparison_clusters(parent)
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
    for summary in summaries:
        summary.url = link("results:period", summary.period.pk)
    return render(
        request,
        "results/comparison.html",
        {
            "parent": parent,
            "year": year,
            "kind": kind,
            "form": form,
            "summaries": summaries,
            "page_obj": page,
            "unit_rows": unit_rows(page),
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
            form,
            success=_("The result rules were saved."),
            parent=parent,
            year=year,
            tie_break=form.tie_break(),
            thresholds=form.thresholds(),
            evidence_max_mb=form.cleaned_data["evidence_max_mb"],
        )
        if saved:
            return redirect(reverse("results:rules", args=[parent.pk, year]))
    return render(
        request,
        "results/rules.html",
        {
            "parent": parent,
            "year": year,
            "form": form,
            "saved": rules.saved,
            "audit_entries": entries_for(rules.saved) if rules.saved else [],
        },
        status=400 if request.method == "POST" else 200,
    )
