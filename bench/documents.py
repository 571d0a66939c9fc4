"""Time the official documents against a one-page WeasyPrint document, in the same process.

    DATABASE_URL=<seed database> python -m bench.documents   → JSON on stdout

Each document is produced as the product produces it (context from the database, then
core.documents.render_pdf; the sealed agreement also gets its PAdES seal), ROUNDS times in
turn; the median time is divided by the number of pages, then by the one-page time.
"""

import io
import json
import os
import statistics
import sys
import time

ROUNDS = int(os.environ.get("BENCH_DOCUMENT_ROUNDS", 3))
SPLIT = {}  # the sealed agreement's time: rendering, then sealing


def page_count(pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def producers():
    """name -> a function returning the PDF bytes, for the seed's 2020 documents."""
    from agreements import document
    from agreements.models import Agreement
    from agreements.signing import tasks
    from agreements.signing.models import Seal
    from awards import documents as award_documents
    from awards.models import Meeting, ProposalDocument
    from bench import targets
    from core import sealing
    from core.documents import render_pdf

    found = targets.find(targets.SEED_USER)
    agreement = Agreement.objects.select_related("cluster_year__cluster__parent").get(
        pk=found.agreement.pk
    )
    seal = Seal.objects.get(agreement=agreement)
    meeting = Meeting.objects.get(pk=found.meeting.pk)
    submission = (
        ProposalDocument.objects.filter(proposal=found.proposal).select_related("number").first()
    )
    one_page = {
        "header_lines": ["ỦY BAN MTTQ VIỆT NAM", "THÀNH PHỐ HÀ NỘI", "BAN THƯỜNG TRỰC"],
        "number_line": "Số: 01/TB-MTTQ",
        "place_date": "Hà Nội, ngày 05 tháng 02 năm 2020",
        "title": "THÔNG BÁO",
        "is_demo": True,
    }

    def sealed_agreement():
        started = time.perf_counter()
        pdf = tasks.render_final_document(agreement, seal)
        rendered = time.perf_counter()
        sealed = sealing.seal_pdf(pdf, reason="bench", field_name=tasks.SEAL_FIELD)
        SPLIT.setdefault("render", []).append(rendered - started)
        SPLIT.setdefault("seal", []).append(time.perf_counter() - rendered)
        return sealed

    return {
        "one_page": lambda: render_pdf("bench/one_page.html", one_page),
        "seed_agreement": lambda: document.render_agreement_pdf(agreement),
        "sealed_agreement": sealed_agreement,
        "minutes": lambda: award_documents.minutes_pdf(meeting),
        "submission": lambda: award_documents.submission_pdf(submission),
    }


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    jobs = producers()
    jobs["one_page"]()  # load fonts and WeasyPrint once before timing anything
    times = {name: [] for name in jobs}
    pages = {}
    for _round in range(ROUNDS):
        for name, job in jobs.items():
            started = time.perf_counter()
            pdf = job()
            times[name].append(time.perf_counter() - started)
            pages[name] = page_count(pdf)
    base = statistics.median(times["one_page"]) / pages["one_page"]
    result = {}
    for name in jobs:
        seconds = statistics.median(times[name])
        result[name] = {
            "seconds": round(seconds, 3),
            "pages": pages[name],
            "seconds_per_page": round(seconds / pages[name], 3),
            "ratio_per_page": round(seconds / pages[name] / base, 2),
        }
    result["sealed_agreement"].update(
        {f"{step}_seconds": round(statistics.median(times), 3) for step, times in SPLIT.items()}
    )
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
