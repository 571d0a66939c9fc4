"""The minutes (biên bản) and the covering submission (tờ trình) as official documents.

Both are issued by the cluster-head unit on the cluster's behalf and numbered from that unit's
register; they render from the content frozen when they were issued (before that, a preview
marked "DỰ THẢO"). Vietnamese only.
"""

import datetime

from django.utils import timezone

from awards.selectors import RulesContext, minutes_content, submission_content
from core.documents import document_number, place_date_line, render_pdf, vn_date

MINUTES_TEMPLATE = "documents/minutes.html"
SUBMISSION_TEMPLATE = "documents/submission.html"


def _date(text):
    return datetime.date.fromisoformat(text)


def _number_line(reference):
    if not reference:
        return "Số:      /"
    number, _sep, symbol = reference.partition("/")
    return document_number(int(number), symbol)


def minutes_context(meeting):
    issued = meeting.minutes_issued
    content = meeting.minutes_snapshot if issued else minutes_content(meeting)
    date = _date(content["date"])
    held = _date(content["held_date"])
    return {
        **content,
        "document_name": f"Biên bản {content['title']} — {content['cluster']}",
        "number_line": _number_line(content["number"]),
        "place_date": place_date_line(content["place"], date),
        "held_date_text": vn_date(held),
        "title": "BIÊN BẢN",
        "subtitle": content["title"],
        "meeting_title": content["title"],
        "is_draft": not issued,
        "secretary_cell": {
            "unit": "",
            "lines": ["THƯ KÝ"],
            "name": content["secretary"]["name"],
        },
        "chair_cell": {"unit": "", "lines": ["CHỦ TRÌ"], "name": content["chair"]["name"]},
    }


def minutes_pdf(meeting):
    return render_pdf(MINUTES_TEMPLATE, minutes_context(meeting))


def submission_context(content, *, is_draft=False):
    date = _date(content["date"])
    minutes = content.get("minutes")
    return {
        **content,
        "document_name": f"Tờ trình đề nghị khen thưởng — {content['cluster']}",
        "number_line": _number_line(content["number"]),
        "place_date": place_date_line(content["place"], date),
        "title": "TỜ TRÌNH",
        "subtitle": (
            f"Về việc đề nghị khen thưởng thành tích thi đua năm {content['year']} "
            f"của {content['cluster']}"
        ),
        "addressee": (
            f"{content['parent_collective']} {content['parent_name']}"
            if content["parent_collective"]
            else content["parent_name"]
        ),
        "minutes_line": (
            f"Căn cứ Biên bản số {minutes['reference']} ngày {_date(minutes['date']):%d/%m/%Y} "
            f"của {content['cluster']} về kết quả bình xét, suy tôn thi đua năm {content['year']};"
        )
        if minutes
        else "",
        "date_text": vn_date(date),
        "is_draft": is_draft,
        "recipients": [
            "Như trên",
            f"Các đơn vị thành viên {content['cluster']}",
            f"Lưu: VT, {content['cluster']}",
        ],
    }


def submission_pdf(document):
    return render_pdf(SUBMISSION_TEMPLATE, submission_context(document.content))


def submission_preview_pdf(proposal):
    """The submission as it would be issued now (unnumbered, marked DỰ THẢO)."""
    items = list(proposal.items.select_related("award_type", "unit"))
    content = submission_content(
        proposal, items, RulesContext(proposal.cluster_year), date=timezone.localdate()
    )
    return render_pdf(SUBMISSION_TEMPLATE, submission_context(content, is_draft=True))
