"""The score table as prepared files (core.prepared), PDF and Excel.

Rendered by the task worker from the same selectors and writers the pages use; the access
check is the page's own (results.access).
"""

from django.utils.translation import gettext as _

from core.prepared.kinds import Kind, Produced, register
from results import access, excel, selectors
from results.documents import score_table_pdf


def _score_table_name(period, ext):
    return f"bang-diem-{period.cluster_year.year}-{period.kind}-{period.pk}.{ext}"


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
register(
    Kind(
        key="results.score_table_pdf",
        url_name="results:score_table_pdf",
        target=access.get_period,
        produce=_score_table_pdf,
        title=lambda period, pk: _("The score table of %(period)s (PDF)") % {"period": period},
    )
)
