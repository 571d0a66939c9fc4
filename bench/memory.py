"""Peak memory of one worker process doing one heavy job on the national dataset.

    DATABASE_URL=<national database> python -m bench.memory JOB   → JSON on stdout

JOB is "sealing" (the final document of a national agreement rendered and sealed, as the
seal task does it, without storing it) or "comparison_excel" (every parent body's comparison
of the last complete year, about 4,000 rows, written to one workbook with the product's
cell writers). The process loads Django first; the numbers are its peak resident size
(getrusage) and the peak of Python allocations during the job alone (tracemalloc).
"""

import json
import os
import resource
import sys
import time
import tracemalloc


def _mb(kilobytes):
    return round(kilobytes / 1024, 1)


def sealing():
    from agreements.signing import tasks
    from agreements.signing.models import Seal
    from bench import targets
    from core import sealing as seal_module

    found = targets.find(targets.NATIONAL_USER)
    seal = Seal.objects.select_related("agreement__cluster_year__cluster__parent").get(
        agreement=found.agreement
    )
    pdf = tasks.render_final_document(seal.agreement, seal)
    sealed = seal_module.seal_pdf(pdf, reason="bench", field_name=tasks.SEAL_FIELD)
    return {"bytes": len(sealed)}


def comparison_excel():
    from openpyxl import Workbook

    from bench import targets
    from clusters.models import Cluster, Unit
    from results import selectors
    from results.excel import _header, _save, number_cell, text_cell
    from results.models import Period

    year = targets.find(targets.NATIONAL_USER).year
    wb = Workbook()
    ws = wb.active
    ws.title = "So sánh"
    _header(ws, 1, ["Đơn vị cấp trên", "Cụm", "Đơn vị", "Tổng điểm", "Tỷ lệ (%)", "Xếp loại"])
    row = 2
    parents = Unit.objects.filter(pk__in=Cluster.objects.values("parent_id")).order_by("name")
    for parent in parents:
        _summaries, rows, _rules = selectors.parent_comparison(parent, year, Period.Kind.YEAR_END)
        for line in rows:
            text_cell(ws, row, 1, parent.short_name)
            text_cell(ws, row, 2, line.cluster)
            text_cell(ws, row, 3, line.name)
            number_cell(ws, row, 4, line.total)
            number_cell(ws, row, 5, line.percent)
            text_cell(ws, row, 6, line.rating)
            row += 1
    data = _save(wb)
    return {"rows": row - 2, "bytes": len(data)}


JOBS = {"sealing": sealing, "comparison_excel": comparison_excel}


def main(job):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    import openpyxl  # noqa: F401  (imported before the baseline, as a worker has them)
    import weasyprint  # noqa: F401

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    detail = JOBS[job]()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(
        {
            "peak_rss_mb": _mb(after),
            "rss_before_mb": _mb(before),
            "python_peak_mb": round(peak / 1024 / 1024, 1),
            "seconds": round(seconds, 2),
            **detail,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main(sys.argv[1])
