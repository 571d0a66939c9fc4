"""The results world (fixture `results`, for tests/results and tests/awards): the seed
foundation plus a signed 2020 agreement with every kind of criterion, and helpers to open a
review and fill sheets.

The agreement is built directly (the agreements app has its own tests); each criterion is
checked by agreements.services.validate_criterion so that it is one the app would accept.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import Agreement, Criterion, Section
from agreements.services import validate_criterion
from results import services
from results.models import Period

C = Criterion

# (section order, code, text, measure, kind, rule, target, max, per occurrence, cap)
CRITERIA = [
    (1, "1.1", "Tổ chức hội nghị chuyên đề", C.Measure.NUMBER, C.Kind.NORMAL,
     C.Rule.PROPORTIONAL, "10", "10", None, None),
    (1, "1.2", "Tỷ lệ khu dân cư đạt chuẩn", C.Measure.PERCENT, C.Kind.NORMAL,
     C.Rule.PROPORTIONAL, "100", "10", None, None),
    (2, "2.1", "Ban hành kế hoạch thi đua đúng hạn", C.Measure.YES_NO, C.Kind.NORMAL,
     C.Rule.ALL_OR_NOTHING, None, "5", None, None),
    (2, "2.2", "Đánh giá chất lượng công tác", C.Measure.TEXT, C.Kind.NORMAL,
     C.Rule.MANUAL, None, "5", None, None),
    (3, "3.1", "Số mô hình điểm được xây dựng", C.Measure.NUMBER, C.Kind.NORMAL,
     C.Rule.ALL_OR_NOTHING, "3", "10", None, None),
    (3, "T.1", "Mô hình mới, sáng tạo", C.Measure.NUMBER, C.Kind.BONUS,
     C.Rule.PER_OCCURRENCE, None, "3", "1", "3"),
    (3, "TR.1", "Nộp báo cáo chậm", C.Measure.NUMBER, C.Kind.PENALTY,
     C.Rule.PER_OCCURRENCE, None, "0", "0.5", "2"),
]  # fmt: skip
MAX_POINTS = Decimal("40")

# A complete, valid sheet: criterion code -> entry (value; blank self-score takes the rule's).
GOOD_ENTRIES = {
    "1.1": {"value": "8", "explanation": "8 hội nghị"},
    "1.2": {"value": "95"},
    "2.1": {"value": "1"},
    "2.2": {"value": "Tốt", "self_score": "4"},
    "3.1": {"value": "3"},
    "T.1": {"value": "2"},
    "TR.1": {"value": "1"},
}
# Suggested: 8 + 9.5 + 5 + 4 + 10 = 36.5 normal, +2 bonus, -0.5 penalty = 38.


def build_agreement(cluster_year, *, status=Agreement.Status.SIGNED, criteria=CRITERIA):
    agreement = Agreement.objects.create(
        cluster_year=cluster_year,
        status=status,
        title=f"GIAO ƯỚC THI ĐUA NĂM {cluster_year.year}",
        place="Hà Nội",
        date=datetime.date(cluster_year.year, 2, 5),
        adopted_at=timezone.now(),
    )
    sections = {}
    for order, heading in ((1, "Nhiệm vụ chính trị"), (2, "Công tác thi đua"), (3, "Mô hình")):
        sections[order] = Section.objects.create(
            agreement=agreement, order=order, heading=heading, text=f"Nội dung {order}"
        )
    for index, row in enumerate(criteria):
        order, code, text, measure, kind, rule, target, max_points, per, cap = row
        criterion = Criterion(
            section=sections[order],
            order=index,
            code=code,
            text=text,
            measure=measure,
            kind=kind,
            rule=rule,
            target=Decimal(target) if target else None,
            max_points=Decimal(max_points),
            points_per_occurrence=Decimal(per) if per else None,
            cap=Decimal(cap) if cap else None,
        )
        validate_criterion(criterion)
        criterion.save()
    return agreement


@dataclass
class Results:
    world: object
    agreement: Agreement

    def __getattr__(self, name):
        return getattr(self.world, name)

    def criterion(self, code):
        return Criterion.objects.get(section__agreement=self.agreement, code=code)

    def open(self, kind=Period.Kind.YEAR_END, *, days=7, cross_checking=False):
        return services.period_open(
            actor=self.world.user("dongda"),
            cluster_year=self.world.cluster_year,
            kind=kind,
            deadline=timezone.now() + datetime.timedelta(days=days),
            cross_checking=cross_checking,
        )

    def entries(self, overrides=None):
        by_code = {**GOOD_ENTRIES, **(overrides or {})}
        return {self.criterion(code).pk: entry for code, entry in by_code.items()}

    def fill(self, assessment, user=None, overrides=None):
        unit_user = user or self.officer_of(assessment.unit)
        assessment.refresh_from_db()
        services.assessment_save(
            actor=unit_user,
            assessment=assessment,
            expected_version=assessment.version,
            entries=self.entries(overrides),
        )
        assessment.refresh_from_db()
        return assessment

    def submit(self, assessment, overrides=None):
        self.fill(assessment, overrides=overrides)
        services.assessment_submit(actor=self.officer_of(assessment.unit), assessment=assessment)
        assessment.refresh_from_db()
        return assessment

    def officer_of(self, unit):
        for username, candidate in self.world.units.items():
            if candidate.pk == unit.pk:
                return self.world.user(username)
        raise LookupError(unit)

    def reviewer_for(self, assessment):
        if assessment.unit_id == self.world.unit("dongda").pk:
            return self.world.user("hoankiem")
        return self.world.user("canbo.dongda")


@pytest.fixture
def results(world):
    return Results(world, build_agreement(world.cluster_year))


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sheet(period, username, world):
    return period.assessments.get(unit=world.unit(username))


def accept_all(results, period, overrides_by_unit=None):
    for assessment in period.assessments.all():
        overrides = (overrides_by_unit or {}).get(assessment.unit.short_name)
        results.submit(assessment, overrides=overrides)
        services.assessment_accept(actor=results.reviewer_for(assessment), assessment=assessment)
