"""The score table as prepared files (core.prepared), PDF and Excel.

Rendered by the task worker from the same selectors and writers the pages use; the access
check is the page's own (results.access).
"""

from django.http import Http404
from django.utils.translation import gettext as _

from core.prepared.kinds import Kind, Produced, register
from results import access, excel, selectors
from results.documents import score_table_docx, score_table_pdf
from results.models import Period

# The reviews as file names say them (Vietnamese, without diacritics).
KIND_SLUGS = {Period.Kind.YEAR_END: "tong-ket", Period.Kind.MID_YEAR: "so-ket-6-thang"}
KIND_LABELS = {Period.Kind.YEAR_END: "Tổng kết", Period.Kind.MID_YEAR: "Sơ kết 6 tháng"}


def _score_table_name(period, ext):
    return f"bang-diem-{KIND_SLUGS[period.kind]}-{period.cluster_year.year}-{period.pk}.{ext}"


def _score_table_xlsx(period, pk):
    data = excel.score_table_workbook(selectors.score_table(period), demo=period.agreement.is_demo)
    return Produced(data, _score_table_name(period, "xlsx"))


def _score_table_pdf(period, pk):
    pdf = score_table_pdf(selectors.score_table(period))
    return Produced(pdf, _score_table_name(period, "pdf"))


register(
    Kind(
        key="results.score_table_xlsx",
        url_name="results:score_table_xlsx",
        target=access.get_period,
        produce=_score_table_xlsx,
        title=lambda period, pk: _("The score table of %(period)s (Excel)") % {"period": period},
    )
)


def _score_table_docx(period, pk):
    data = score_table_docx(selectors.score_table(period))
    return Produced(data, _score_table_name(period, "docx"))


register(
    Kind(
        key="results.score_table_docx",
        url_name="results:score_table_docx",
        target=access.get_period,
        produce=_score_table_docx,
        title=lambda period, pk: _("The score table of %(period)s (Word)") % {"period": period},
    )
)
register(
    Kind(
        key="results.score_table_pdf",
        url_name="results:score_table_pdf",
        target=access.get_period,
        produce=_score_table_pdf,
        title=lambda period, pk: _("The score table of %(period)s (PDF)") % {"period": period},
    )
)


def _comparison_xlsx(parent, pk, year, kind):
    summaries, rows, _rules = selectors.parent_comparison(parent, year, kind)
    data = excel.comparison_workbook(parent, year, KIND_LABELS[kind], summaries, rows)
    return Produced(data, f"so-sanh-cac-cum-{KIND_SLUGS[kind]}-{year}-{parent.pk}.xlsx")


def _comparison_target(user, pk, year, kind):
    if kind not in KIND_SLUGS:
        raise Http404
    return access.get_parent_to_compare(user, pk)


register(
    Kind(
        key="results.comparison_xlsx",
        url_name="results:comparison_xlsx",
        target=_comparison_target,
        produce=_comparison_xlsx,
        title=lambda parent, pk, year, kind: (
            _("The comparison between the clusters of %(parent)s, %(year)s (Excel)")
            % {"parent": parent.short_name or parent.name, "year": year}
        ),
    )
)
