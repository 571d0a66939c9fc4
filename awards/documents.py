"""The minutes (biên bản) and the covering submission (tờ trình) as official documents.

Both are issued by the cluster-head unit on the cluster's behalf and numbered from that unit's
register; they render from the content frozen when they were issued (before that, a preview
marked "DỰ THẢO"). Vietnamese only.
"""

import datetime

from django.utils import timezone

from agreements.models import Agreement
from agreements.services import plan_basis
from awards.models import ProposalItem
from awards.selectors import RulesContext, minutes_content, submission_content
from core.documents import document_number, place_date_line, render_docx, render_pdf, vn_date

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


def _preview_context(proposal):
    """The submission as it would be issued now (unnumbered, marked DỰ THẢO)."""
    items = list(proposal.items.select_related("award_type", "unit"))
    content = submission_content(
        proposal, items, RulesContext(proposal.cluster_year), date=timezone.localdate()
    )
    return submission_context(content, is_draft=True)


def submission_preview_pdf(proposal):
    return render_pdf(SUBMISSION_TEMPLATE, _preview_context(proposal))


# --- the decision (quyết định khen thưởng) -------------------------------------------------

DECISION_TEMPLATE = "documents/decision.html"
# The law on emulation and commendation in force on the decision's date.
LAW_2022_FROM = datetime.date(2024, 1, 1)
LAW_2022 = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
LAW_2003 = (
    "Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số "
    "điều của Luật Thi đua, Khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013;"
)
GRANTED = (ProposalItem.Status.GRANTED, ProposalItem.Status.REVOKED)


def _position(signer_title):
    """'Chủ tịch Ủy ban MTTQ Việt Nam thành phố Hà Nội' → 'CHỦ TỊCH' (the signature's line)."""
    position = signer_title.split(" Ủy ban")[0].split(" của ")[0].strip()
    return (position or "Chủ tịch").upper()


def decision_context(decision):
    """The parent body's decision in the official layout, drafted from what was recorded: its
    number, date and signer, the bases (the law in force, the parent's plan, the cluster's
    submission) and the granted awards, listed in an annex."""
    proposal = decision.proposal
    cluster_year = proposal.cluster_year
    cluster = cluster_year.cluster
    parent = cluster.parent
    issuer = f"{parent.collective_name} {parent.name}".strip()
    items = list(
        proposal.items.filter(status__in=GRANTED)
        .select_related("award_type")
        .order_by("award_type__order", "order", "pk")
    )
    awards = {}
    for item in items:
        counts = awards.setdefault(item.award_type.name, {"collective": 0, "individual": 0})
        counts["individual" if item.person_name else "collective"] += 1
    articles = []
    for award, counts in awards.items():
        whom = " và ".join(
            part
            for part in (
                f"{counts['collective']} tập thể" if counts["collective"] else "",
                f"{counts['individual']} cá nhân" if counts["individual"] else "",
            )
            if part
        )
        articles.append(f"Tặng {award} cho {whom}")
    bases = [LAW_2022 if decision.date >= LAW_2022_FROM else LAW_2003]
    if cluster_year.plan is not None:
        bases.append(plan_basis(cluster_year.plan))
    submission = proposal.documents.select_related("number").first()
    if submission is not None:
        bases.append(
            f"Xét đề nghị của {cluster.name} tại Tờ trình số {submission.number.reference} "
            f"ngày {submission.date:%d/%m/%Y}."
        )
    return {
        "document_name": f"Quyết định khen thưởng số {decision.number}",
        "header_lines": parent.header,
        "number_line": f"Số: {decision.number}",
        "place_date": place_date_line(parent.place_name, decision.date),
        "title": "QUYẾT ĐỊNH",
        "subtitle": (
            f"Về việc khen thưởng các tập thể, cá nhân thuộc {cluster.name} có thành tích "
            f"xuất sắc trong phong trào thi đua năm {cluster_year.year}"
        ),
        "authority": issuer.upper(),
        "bases": bases,
        "articles": articles,
        "cluster": cluster.name,
        "year": cluster_year.year,
        "items": [
            {
                "name": (
                    f"{item.person_name}, {item.person_title} ({item.unit_name})"
                    if item.person_name and item.person_title
                    else item.person_name or item.unit_name
                ),
                "award": item.award_type.name,
                "reason": item.reason,
            }
            for item in items
        ],
        "annex_reference": (
            f"Kèm theo Quyết định số {decision.number} ngày {decision.date:%d/%m/%Y} của {issuer}"
        ),
        "signer": {
            "unit": f"TM. {parent.collective_name.upper()}" if parent.collective_name else "",
            "lines": [_position(decision.signer_title)],
            "name": decision.signer_name,
        },
        "recipients": ["Như Điều 3", f"Lưu: VT, {cluster.name}"],
        "is_draft": False,
        "is_demo": Agreement.objects.filter(cluster_year=cluster_year, is_demo=True).exists(),
    }


def decision_pdf(decision):
    return render_pdf(DECISION_TEMPLATE, decision_context(decision))


# --- the same documents as editable Word files (core.word) ----------------------------------


def minutes_docx(meeting):
    return render_docx(MINUTES_TEMPLATE, minutes_context(meeting))


def submission_docx(document):
    return render_docx(SUBMISSION_TEMPLATE, submission_context(document.content))


def submission_preview_docx(proposal):
    return render_docx(SUBMISSION_TEMPLATE, _preview_context(proposal))


def decision_docx(decision):
    return render_docx(DECISION_TEMPLATE, decision_context(decision))
