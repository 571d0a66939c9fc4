"""Word (.docx) against PDF for the same document, in the same run.

    DATABASE_URL=<seed database> python -m bench.word   → JSON on stdout

For each document the application offers in both forms (the 2020 agreement's text, the minutes
of the year-end meeting, the covering submission, the score table, the decision, an achievement
report), both are produced ROUNDS times from the seed demo's rows by the functions the prepared
files call, and the medians compared. Goal (issue 15): the Word file within the PDF's time.
Rendering only: the prepared-file job's queue and storage are the same for both and left out.
"""

import json
import os
import statistics
import sys
import time

ROUNDS = int(os.environ.get("BENCH_WORD_ROUNDS", 3))


def _median_seconds(produce):
    times = []
    for _round in range(ROUNDS):
        start = time.perf_counter()
        produce()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def documents():
    """(name, make Word, make PDF) for each document the seed demo holds."""
    from agreements import document as agreement_document
    from agreements.models import Agreement
    from awards import documents as award_documents
    from awards import reports
    from awards.models import Decision, Meeting, ProposalDocument, ProposalItem
    from results import selectors as results_selectors
    from results.documents import score_table_docx, score_table_pdf
    from results.models import Period

    table = None
    period = Period.objects.filter(locked_at__isnull=False).order_by("pk").first()
    if period:
        table = results_selectors.score_table(period)
    first = {
        "agreement": Agreement.objects.filter(kind=Agreement.Kind.AGREEMENT).order_by("pk").first(),
        "minutes": Meeting.objects.order_by("pk").first(),
        "submission": ProposalDocument.objects.order_by("pk").first(),
        "score_table": table,
        "decision": Decision.objects.order_by("pk").first(),
        "achievement_report": ProposalItem.objects.order_by("pk").first(),
    }
    makers = {
        "agreement": (
            agreement_document.render_agreement_docx,
            agreement_document.render_agreement_pdf,
        ),
        "minutes": (award_documents.minutes_docx, award_documents.minutes_pdf),
        "submission": (award_documents.submission_docx, award_documents.submission_pdf),
        "score_table": (score_table_docx, score_table_pdf),
        "decision": (award_documents.decision_docx, award_documents.decision_pdf),
        "achievement_report": (reports.report_docx, reports.report_pdf),
    }
    found = []
    for name, row in first.items():
        if row is not None:
            word, pdf = makers[name]
            found.append((name, lambda w=word, r=row: w(r), lambda p=pdf, r=row: p(r)))
    return found


def measure():
    rows = {}
    for name, word, pdf in documents():
        word(), pdf()  # warm: fonts, templates
        word_s, pdf_s = _median_seconds(word), _median_seconds(pdf)
        rows[name] = {"word_s": round(word_s, 3), "pdf_s": round(pdf_s, 3), "met": word_s <= pdf_s}
    return {"rounds": ROUNDS, "documents": rows}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    json.dump(measure(), sys.stdout)


if __name__ == "__main__":
    main()
