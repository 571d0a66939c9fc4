"""The demo stage "assessed": the 2020 year-end review, locked and ranked, and two practices."""

import pytest
from django.core.files.storage import default_storage

from core.models import AuditEntry
from demo import stages
from results.models import Assessment, Evidence, GoodPractice, Period, RankingEntry

pytestmark = pytest.mark.django_db


def test_the_assessed_stage_tells_the_year_end_story():
    world = stages.build("assessed")
    period = Period.objects.get(cluster_year=world.cluster_year, kind=Period.Kind.YEAR_END)
    assert period.is_locked and period.locked_at.year == 2020
    assert period.agreement.is_demo
    sheets = period.assessments.all()
    assert sheets.count() == 6
    assert all(sheet.status == Assessment.Status.ACCEPTED for sheet in sheets)
    returned = AuditEntry.objects.filter(action="assessment.return")
    assert [entry.object_repr.split(" — ")[0] for entry in returned] == [
        "Ủy ban MTTQ Việt Nam quận Long Biên"
    ]
    assert AuditEntry.objects.filter(action="score.adjust").count() == 1
    evidence = Evidence.objects.filter(score__assessment__period=period)
    assert evidence.count() == 7
    assert all(default_storage.exists(item.file.name) for item in evidence)
    ranking = [
        (e.rank, e.unit.short_name, str(e.total))
        for e in RankingEntry.objects.filter(snapshot__period=period).select_related("unit")
    ]
    assert ranking == [
        (1, "Đống Đa", "103.00"),
        (2, "Hoàn Kiếm", "101.80"),
        (3, "Hai Bà Trưng", "99.90"),
        (4, "Ba Đình", "99.90"),
        (5, "Long Biên", "98.30"),
        (6, "Hoàng Mai", "93.17"),
    ]
    practices = GoodPractice.objects.filter(cluster_year=world.cluster_year)
    assert practices.count() == 2
    assert practices.filter(featured=True).get().unit == world.unit("hoankiem")
    # Safe to run twice.
    stages.build("assessed")
    assert Period.objects.count() == 1 and GoodPractice.objects.count() == 2
