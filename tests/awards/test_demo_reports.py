"""The demo's proposed units have achievement reports in the collective template's structure,
each kept as a version, and the proposal file carries them as PDF."""

import pytest

from awards import reports
from awards.models import Proposal, ReportVersion
from demo import stages
from tests.documents_support import pdf_lines

pytestmark = pytest.mark.django_db


def test_every_proposed_unit_of_the_demo_has_a_written_report(tmp_path):
    world = stages.build("decided")
    proposal = Proposal.objects.get(cluster_year=world.cluster_year)
    items = list(proposal.items.select_related("award_type", "unit", "proposal__cluster_year"))
    assert items
    for item in items:
        sections = item.report_sections
        assert set(sections) == set(reports.SECTION_KEYS)
        for key in ("situation", "duties", "results", "measures", "policies"):
            assert sections[key].strip(), (item.nominee, key)
        if item.rank:
            assert f"xếp thứ {item.rank} trong cụm" in sections["results"]
        assert ReportVersion.objects.filter(item=item).count() == 1
    text = " ".join(pdf_lines(reports.report_pdf(items[0]), tmp_path).split())
    assert "II. THÀNH TÍCH ĐẠT ĐƯỢC" in text and "Ngày hội Đại đoàn kết" in text
