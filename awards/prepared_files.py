"""The award documents and exports as prepared files (core.prepared): the minutes, the covering
submission, the parent body's awards of a year and the whole proposal file.

Each is rendered by the task worker from the same selectors and writers the pages use; the
access checks are the pages' own (awards.access, results.access).
"""

import hashlib
import io
import zipfile
from pathlib import PurePath

from django.utils.text import slugify
from django.utils.translation import gettext as _

from awards import access, documents, excel, reports, selectors
from core.prepared.kinds import Kind, Produced, register
from core.text import fold
from results import access as results_access
from results import selectors as results_selectors
from results.documents import score_table_pdf


def _minutes(meeting, pk):
    name = f"bien-ban-{meeting.cluster_year.year}-{meeting.pk}.pdf"
    return Produced(documents.minutes_pdf(meeting), name)


def _submission(proposal, pk):
    """The latest covering submission as issued, or a preview marked DỰ THẢO."""
    document = proposal.documents.select_related("number").first()
    name = f"to-trinh-{proposal.cluster_year.year}-{proposal.pk}.pdf"
    if document is None:
        return Produced(documents.submission_preview_pdf(proposal), name)
    return Produced(documents.submission_pdf(document), name)


def _issued_submission(document, pk):
    name = f"to-trinh-{document.number.number:02d}-{document.date.year}.pdf"
    return Produced(documents.submission_pdf(document), name)


def _decision_target(user, pk):
    proposal = access.get_proposal(user, pk)
    return access.get_decision(user, proposal)


def _decision(decision, pk):
    """The decision drafted in the official layout from what the parent body recorded."""
    year = decision.proposal.cluster_year.year
    return Produced(documents.decision_pdf(decision), f"quyet-dinh-khen-thuong-{year}-{pk}.pdf")


def _minutes_docx(meeting, pk):
    name = f"bien-ban-{meeting.cluster_year.year}-{meeting.pk}.docx"
    return Produced(documents.minutes_docx(meeting), name)


def _submission_docx(proposal, pk):
    document = proposal.documents.select_related("number").first()
    name = f"to-trinh-{proposal.cluster_year.year}-{proposal.pk}.docx"
    if document is None:
        return Produced(documents.submission_preview_docx(proposal), name)
    return Produced(documents.submission_docx(document), name)


def _decision_docx(decision, pk):
    year = decision.proposal.cluster_year.year
    return Produced(documents.decision_docx(decision), f"quyet-dinh-khen-thuong-{year}-{pk}.docx")


def _report_stem(item):
    return f"bao-cao-thanh-tich-{slugify(fold(item.nominee))[:60] or 'de-nghi'}-{item.pk}"


def _report_pdf(item, pk):
    return Produced(reports.report_pdf(item), f"{_report_stem(item)}.pdf")


def _report_docx(item, pk):
    return Produced(reports.report_docx(item), f"{_report_stem(item)}.docx")


def _parent_awards_xlsx(parent, pk, year):
    award_types, lines = selectors.parent_year_summary(parent, year)
    items = selectors.parent_year_items(parent, year)
    data = excel.year_summary_workbook(parent, year, award_types, lines, items)
    return Produced(data, f"khen-thuong-{year}-{parent.pk}.xlsx")


# --- the whole proposal file, as one archive -------------------------------------------------


def _bundle(proposal, pk):
    """The proposal file as the parent body receives it: the covering submission, the minutes,
    the score table, each nominee's achievement report and the decision, with a table of
    contents that gives each file's SHA-256."""
    cluster_year = proposal.cluster_year
    parts = [("to-trinh.pdf", "Tờ trình đề nghị khen thưởng", _submission(proposal, pk).content)]
    meeting = getattr(cluster_year, "award_meeting", None)
    if meeting is not None:
        parts.append(("bien-ban.pdf", "Biên bản hội nghị tổng kết", _minutes(meeting, pk).content))
    period = selectors.year_end_period(cluster_year)
    if period is not None:
        parts.append(
            ("bang-diem.pdf", "Bảng điểm", score_table_pdf(results_selectors.score_table(period)))
        )
    items = proposal.items.select_related("award_type").order_by("award_type__order", "order", "pk")
    for number, item in enumerate(items, start=1):
        label = f"Báo cáo thành tích — {item.nominee} ({item.award_type.name})"
        stem = f"bao-cao/{number:02d}-{slugify(fold(item.nominee))[:60] or 'de-nghi'}"
        if item.report_file:
            with item.report_file.open("rb") as handle:
                parts.append(
                    (f"{stem}{PurePath(item.report_file.name).suffix}", label, handle.read())
                )
        elif item.has_report:
            parts.append((f"{stem}.pdf", label, reports.report_pdf(item)))
    decision = getattr(proposal, "decision", None)
    if decision is not None:
        label = f"Quyết định số {decision.number}"
        parts.append(("quyet-dinh.pdf", label, documents.decision_pdf(decision)))
        if decision.scan:
            with decision.scan.open("rb") as handle:
                parts.append(("quyet-dinh-ban-ky.pdf", f"{label} (bản đã ký)", handle.read()))
    return Produced(
        _zip(proposal, parts), f"ho-so-khen-thuong-{cluster_year.year}-{proposal.pk}.zip"
    )


def _zip(proposal, parts):
    cluster_year = proposal.cluster_year
    contents = [f"Hồ sơ đề nghị khen thưởng năm {cluster_year.year} — {cluster_year.cluster}", ""]
    for position, (name, label, data) in enumerate(parts, start=1):
        digest = hashlib.sha256(data).hexdigest()
        contents.append(f"{position}. {label}\n   {name} — {len(data)} byte — SHA-256 {digest}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("muc-luc.txt", "\n".join(contents) + "\n")
        for name, _label, data in parts:
            archive.writestr(name, data)
    return buffer.getvalue()


register(
    Kind(
        key="awards.minutes",
        url_name="awards:minutes_pdf",
        target=access.get_meeting,
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
        target=access.get_proposal,
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
        target=access.get_document,
        produce=_issued_submission,
        title=lambda document, pk: (
            _("The covering submission No. %(number)s (PDF)")
            % {"number": document.number.reference}
        ),
    )
)
register(
    Kind(
        key="awards.decision",
        url_name="awards:decision_pdf",
        target=_decision_target,
        produce=_decision,
        title=lambda decision, pk: (
            _("The decision No. %(number)s (PDF)") % {"number": decision.number}
        ),
    )
)
register(
    Kind(
        key="awards.minutes_docx",
        url_name="awards:minutes_docx",
        target=access.get_meeting,
        produce=_minutes_docx,
        title=lambda meeting, pk: (
            _("The minutes of the %(year)s meeting (Word)") % {"year": meeting.cluster_year.year}
        ),
    )
)
register(
    Kind(
        key="awards.submission_docx",
        url_name="awards:submission_docx",
        target=access.get_proposal,
        produce=_submission_docx,
        title=lambda proposal, pk: (
            _("The covering submission of %(year)s (Word)") % {"year": proposal.cluster_year.year}
        ),
    )
)
register(
    Kind(
        key="awards.decision_docx",
        url_name="awards:decision_docx",
        target=_decision_target,
        produce=_decision_docx,
        title=lambda decision, pk: (
            _("The decision No. %(number)s (Word)") % {"number": decision.number}
        ),
    )
)
register(
    Kind(
        key="awards.report_pdf",
        url_name="awards:proposal_item_report_pdf",
        target=access.get_item,
        produce=_report_pdf,
        title=lambda item, pk: (
            _("The achievement report of %(name)s (PDF)") % {"name": item.nominee}
        ),
    )
)
register(
    Kind(
        key="awards.report_docx",
        url_name="awards:proposal_item_report_docx",
        target=access.get_item,
        produce=_report_docx,
        title=lambda item, pk: (
            _("The achievement report of %(name)s (Word)") % {"name": item.nominee}
        ),
    )
)
register(
    Kind(
        key="awards.parent_awards_xlsx",
        url_name="awards:parent_awards_xlsx",
        target=lambda user, pk, year: results_access.get_parent_to_compare(user, pk),
        produce=_parent_awards_xlsx,
        title=lambda parent, pk, year: (
            _("The awards of %(year)s of %(parent)s (Excel)")
            % {"year": year, "parent": parent.short_name or parent.name}
        ),
    )
)
register(
    Kind(
        key="awards.proposal_bundle",
        url_name="awards:proposal_bundle",
        target=access.get_proposal,
        produce=_bundle,
        title=lambda proposal, pk: (
            _("The whole proposal file of %(year)s (ZIP)") % {"year": proposal.cluster_year.year}
        ),
    )
)
