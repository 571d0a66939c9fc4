"""The award and result documents and exports as prepared files (core.prepared).

Each is rendered by the task worker from the same selectors and writers the pages use; the
access checks are the pages' own (awards.access, awards.award_access).
"""

from django.utils.translation import gettext as _

from awards import (
    access,
    award_access,
    award_documents,
    award_excel,
    award_selectors,
    excel,
    selectors,
)
from awards.documents import score_table_pdf
from core.prepared import Kind, Produced, register


def _minutes(meeting, pk):
    name = f"bien-ban-{meeting.cluster_year.year}-{meeting.pk}.pdf"
    return Produced(award_documents.minutes_pdf(meeting), name)


def _submission(proposal, pk):
    """The latest covering submission as issued, or a preview marked DỰ THẢO."""
    document = proposal.documents.select_related("number").first()
    name = f"to-trinh-{proposal.cluster_year.year}-{proposal.pk}.pdf"
    if document is None:
        return Produced(award_documents.submission_preview_pdf(proposal), name)
    return Produced(award_documents.submission_pdf(document), name)


def _issued_submission(document, pk):
    name = f"to-trinh-{document.number.number:02d}-{document.date.year}.pdf"
    return Produced(award_documents.submission_pdf(document), name)


def _score_table_name(period, ext):
    return f"bang-diem-{period.cluster_year.year}-{period.kind}-{period.pk}.{ext}"


def _score_table_xlsx(period, pk):
    data = excel.score_table_workbook(selectors.score_table(period), demo=period.agreement.is_demo)
    return Produced(data, _score_table_name(period, "xlsx"))


def _score_table_pdf(period, pk):
    pdf = score_table_pdf(selectors.score_table(period))
    return Produced(pdf, _score_table_name(period, "pdf"))


def _parent_awards_xlsx(parent, pk, year):
    award_types, lines = award_selectors.parent_year_summary(parent, year)
    items = award_selectors.parent_year_items(parent, year)
    data = award_excel.year_summary_workbook(parent, year, award_types, lines, items)
    return Produced(data, f"khen-thuong-{year}-{parent.pk}.xlsx")


register(
    Kind(
        key="awards.minutes",
        url_name="awards:minutes_pdf",
        target=lambda user, pk: award_access.get_meeting(user, pk),
        produce=_minutes,
        title=lambda meeting, pk: (
            _("The minutes of the %(year)s meeting (PDF)") % {"year": meeting.cluster_year.year}
        ),
    )
)
register(
    Kind(
        key="awards.submission",
        url_name="awards:submission_pdf",
        target=lambda user, pk: award_access.get_proposal(user, pk),
        produce=_submission,
        title=lambda proposal, pk: (
            _("The covering submission of %(year)s (PDF)") % {"year": proposal.cluster_year.year}
        ),
    )
)
register(
    Kind(
        key="awards.proposal_document",
        url_name="awards:proposal_document",
        target=lambda user, pk: award_access.get_document(user, pk),
        produce=_issued_submission,
        title=lambda document, pk: (
            _("The covering submission No. %(number)s (PDF)")
            % {"number": document.number.reference}
        ),
    )
)
register(
    Kind(
        key="awards.score_table_xlsx",
        url_name="awards:score_table_xlsx",
        target=lambda user, pk: access.get_period(user, pk),
        produce=_score_table_xlsx,
        title=lambda period, pk: _("The score table of %(period)s (Excel)") % {"period": period},
    )
)
register(
    Kind(
        key="awards.score_table_pdf",
        url_name="awards:score_table_pdf",
        target=lambda user, pk: access.get_period(user, pk),
        produce=_score_table_pdf,
        title=lambda period, pk: _("The score table of %(period)s (PDF)") % {"period": period},
    )
)
register(
    Kind(
        key="awards.parent_awards_xlsx",
        url_name="awards:parent_awards_xlsx",
        target=lambda user, pk, year: access.get_parent_to_compare(user, pk),
        produce=_parent_awards_xlsx,
        title=lambda parent, pk, year: (
            _("The awards of %(year)s of %(parent)s (Excel)")
            % {"year": year, "parent": parent.short_name or parent.name}
        ),
    )
)
