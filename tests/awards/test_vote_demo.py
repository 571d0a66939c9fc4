"""The demo stage "decided": the 2020 story to its end, and 2021 ready to sign."""

import subprocess

import pytest

from agreements.models import Agreement
from agreements.signing.access import signable_units
from awards.models import Decision, Participation, Proposal, ProposalItem, VoteSession
from clusters import rollover
from clusters.models import ClusterYear, Membership
from demo import stages

pytestmark = pytest.mark.django_db


def pdf_text(data):
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()


def test_the_decided_stage_ends_the_2020_story_and_opens_2021():
    world = stages.build("decided")
    assert stages.names()[-2:] == ["decided", "digital"]  # `make run` loads the last, on this
    meeting = world.meeting
    assert meeting.minutes_number.reference == "01/BB-MTTQ"
    elected = {
        s.purpose: sorted(c.unit.short_name for c in s.elected())
        for s in meeting.sessions.prefetch_related("candidates__unit")
    }
    assert elected == {
        VoteSession.Purpose.LEADING: ["Đống Đa"],
        VoteSession.Purpose.CERTIFICATES: ["Ba Đình", "Hai Bà Trưng", "Hoàn Kiếm"],
        VoteSession.Purpose.HEAD: ["Hoàn Kiếm"],
        VoteSession.Purpose.DEPUTY: ["Ba Đình"],
    }
    assert Participation.objects.count() == 24  # four votes, six units, no ballot rows
    proposal = Proposal.objects.get(cluster_year=world.cluster_year)
    assert proposal.status == Proposal.Status.DECIDED
    granted = proposal.items.filter(status=ProposalItem.Status.GRANTED)
    assert granted.filter(award_type__form="flag").count() == 1
    assert granted.filter(award_type__form="merit").count() == 3  # half of six
    decision = Decision.objects.get()
    assert (decision.number, decision.date.year, decision.recorded_at.year) == (
        "125/QĐ-MTTQ-BTT",
        2021,
        2021,
    )
    # The attached decision is the decision in the official layout, not a placeholder.
    with decision.scan.open("rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())
    assert "QUYẾT ĐỊNH" in text and "Điều 1." in text and "Nguyễn Lan Hương" in text
    assert "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG" in text
    assert proposal.documents.get().number.reference == "02/TTr-MTTQ"
    # The decided year is finished; the roll-over proposes the elected head and deputy.
    decided = ClusterYear.objects.get(pk=world.cluster_year.pk)
    assert decided.status == ClusterYear.Status.CLOSED
    head, deputy, elected = rollover.next_roles(
        ClusterYear.objects.filter(pk=decided.pk).prefetch_related("memberships")
    )[decided.pk]
    assert (head, deputy, elected) == (world.unit("hoankiem").pk, world.unit("badinh").pk, True)
    next_year = ClusterYear.objects.get(cluster=world.cluster, year=2021)
    roles = dict(next_year.memberships.values_list("unit__short_name", "role"))
    assert roles["Hoàn Kiếm"] == Membership.Role.HEAD and roles["Ba Đình"] == Membership.Role.DEPUTY
    assert next_year.status == ClusterYear.Status.ACTIVE and next_year.plan.year == 2021
    agreement = Agreement.objects.get(cluster_year=next_year)
    assert agreement.status == Agreement.Status.ADOPTED and agreement.is_demo
    assert [u.short_name for u in signable_units(world.user("hoankiem"), agreement)] == [
        "Hoàn Kiếm"
    ]
    # Safe to run twice.
    stages.build("decided")
    assert (
        Proposal.objects.count() == 1
        and Agreement.objects.filter(cluster_year=next_year).count() == 1
    )
    assert Participation.objects.count() == 24
