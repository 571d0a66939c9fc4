"""The national-scale generator (demo/scale.py) writes data the product itself would write."""

import hashlib
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from agreements import content, services
from agreements.models import Agreement, Criterion
from agreements.services import CRITERION_FIELDS
from agreements.signing.models import Seal
from awards import documents as award_documents
from awards.models import Meeting, Participation, Proposal, ProposalDocument, VoteCount
from clusters.models import Cluster, ClusterYear, Unit
from demo.foundation import DEMO_PASSWORD
from results.models import Assessment, Period, RankingEntry, Score
from results.selectors import period_results
from tests.perf.support import LAST_YEAR, SMALL

pytestmark = pytest.mark.django_db


def test_the_sizes_asked_for_are_the_sizes_written(small):
    users = get_user_model().objects.filter(username__startswith="small.")
    parents = 1 + 2  # the central committee and two provinces
    assert users.count() == SMALL.units + 2 * parents  # a chair each; staff and viewer
    chaired = Unit.objects.filter(positions__title="chair", positions__person__user__in=users)
    assert chaired.distinct().count() == SMALL.units
    clusters = Cluster.objects.filter(parent__positions__person__user__in=users).distinct()
    assert clusters.count() == SMALL.clusters
    years = ClusterYear.objects.filter(cluster__in=clusters)
    assert sorted(set(years.values_list("year", flat=True))) == [LAST_YEAR - 1, LAST_YEAR]
    assert years.count() == SMALL.clusters * SMALL.years
    assert small.counts["agreements.Criterion"] == SMALL.clusters * SMALL.years * SMALL.criteria


def test_one_password_hash_for_every_login(small):
    users = get_user_model().objects.filter(username__startswith="small.")
    assert users.values("password").distinct().count() == 1
    assert users.first().check_password(DEMO_PASSWORD)


def test_agreements_are_sealed_with_the_hash_of_their_canonical_content(small):
    for agreement in Agreement.objects.filter(cluster_year__year=LAST_YEAR - 1, is_demo=True):
        assert agreement.status == Agreement.Status.SEALED
        assert agreement.canonical_content == content.serialize(agreement)
        digest = hashlib.sha256(agreement.canonical_content.encode()).hexdigest()
        assert agreement.content_hash == digest
        members = list(agreement.cluster_year.memberships.values_list("unit_id", flat=True))
        assert [m["unit_id"] for m in agreement.members_snapshot] == members
        signatures = agreement.signatures.filter(void=False)
        assert sorted(signatures.values_list("unit_id", flat=True)) == sorted(members)
        assert set(signatures.values_list("content_hash", flat=True)) == {digest}
        assert agreement.seal.status == Seal.Status.SEALED


def test_each_ranking_snapshot_is_what_the_scores_add_up_to(small):
    locked = Period.objects.filter(status=Period.Status.LOCKED, kind=Period.Kind.YEAR_END)
    assert locked.count() == SMALL.clusters * (SMALL.years - 1)
    for period in locked:
        sheets = Assessment.objects.filter(period=period)
        assert Score.objects.filter(assessment__in=sheets).count() == (
            sheets.count() * SMALL.criteria
        )
        live = period_results(period)  # ranks as the snapshot says; totals from the scores
        entries = {e.unit_id: e for e in RankingEntry.objects.filter(snapshot__period=period)}
        assert [row.assessment.unit_id for row in live.rows] == [
            e.unit_id for e in sorted(entries.values(), key=lambda e: (e.rank, e.unit_name))
        ]
        for row in live.rows:
            assert entries[row.assessment.unit_id].total == row.total
        assert min(e.rank for e in entries.values()) == 1


def test_the_open_year_is_half_done(small):
    open_periods = Period.objects.filter(status=Period.Status.OPEN)
    assert open_periods.count() == SMALL.clusters
    assert set(open_periods.values_list("cluster_year__year", flat=True)) == {LAST_YEAR}
    assert not Proposal.objects.filter(cluster_year__year=LAST_YEAR).exists()


def test_votes_keep_participation_and_counters_only(small):
    for meeting in Meeting.objects.all():
        present = meeting.attendance.filter(present=True).count()
        for session in meeting.sessions.all():
            vote_round = session.rounds.get()
            assert vote_round.ballots_cast == present
            assert Participation.objects.filter(round=vote_round).count() == present
            assert VoteCount.objects.filter(round=vote_round).count() == (
                session.candidates.count()
            )
        assert meeting.minutes_snapshot["number"] == meeting.minutes_number.reference


def test_every_foreign_key_points_at_a_row(small):
    connection.check_constraints()  # raises IntegrityError on any dangling key


def _pdf_text(data, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode()


def test_generated_minutes_and_submission_print(small, tmp_path):
    meeting = Meeting.objects.select_related("cluster_year__cluster").first()
    text = _pdf_text(award_documents.minutes_pdf(meeting), tmp_path)
    assert "BIÊN BẢN" in text
    assert meeting.minutes_snapshot["leading"][0].split()[-1] in text
    document = ProposalDocument.objects.select_related("number").first()
    text = _pdf_text(award_documents.submission_pdf(document), tmp_path)
    assert "TỜ TRÌNH" in text
    assert document.number.reference.split("/")[0] in text


def test_the_command_refuses_without_debug_and_on_a_built_database(settings, small):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_scale", "--units", "20", "--clusters", "3", "--years", "1")
    settings.DEBUG = True
    with pytest.raises(CommandError, match="too few|Too few"):
        call_command("seed_scale", "--units", "5", "--clusters", "3", "--years", "1")


def test_the_command_builds_the_sizes_asked_for(settings, capsys):
    settings.DEBUG = True
    call_command("seed_scale", "--units", "20", "--clusters", "3", "--years", "2")
    assert "Scale dataset built" in capsys.readouterr().out
    assert get_user_model().objects.filter(username="scale.t01.staff").exists()
    with pytest.raises(CommandError, match="already"):
        call_command("seed_scale", "--units", "20", "--clusters", "3", "--years", "2")


def _rows(queryset, exclude):
    fields = [f.name for f in queryset.model._meta.concrete_fields if f.name not in exclude]
    return list(queryset.values(*fields))


def test_the_generator_writes_the_agreement_rows_the_services_would_write(small):
    """One cluster year's agreement, written again through the services from the same inputs:
    every field of the agreement, its sections and its criteria is the same (ids, dates of the
    writing and who wrote it apart)."""
    bulk = (
        Agreement.objects.filter(cluster_year__year=LAST_YEAR - 1, is_demo=True)
        .select_related("cluster_year", "created_by")
        .order_by("pk")
        .first()
    )
    sections = list(bulk.sections.order_by("order"))
    criteria = {s.pk: list(s.criteria.order_by("order")) for s in sections}
    # Out of force (as an amendment would leave it), so that the year can have another.
    Agreement.objects.filter(pk=bulk.pk).update(status=Agreement.Status.SUPERSEDED)

    actor = bulk.created_by
    made = services.agreement_create(
        actor=actor, cluster_year=bulk.cluster_year, origin=bulk.origin, is_demo=True
    )
    made = services.agreement_update(
        actor=actor,
        agreement=made,
        expected_version=made.version,
        title=made.title,
        place=made.place,
        date=bulk.date,
        legal_basis=bulk.legal_basis,  # the head's officer adds the law to the plan's line
        closing=bulk.closing,
    )
    if bulk.origin == Agreement.Origin.BLANK:
        for section in sections:
            new = services.section_add(
                actor=actor, agreement=made, heading=section.heading, text=section.text
            )
            for criterion in criteria[section.pk]:
                services.criterion_add(
                    actor=actor,
                    section=new,
                    **{name: getattr(criterion, name) for name in CRITERION_FIELDS},
                )
    services.agreement_circulate(actor=actor, agreement=made)
    made = services.agreement_adopt(actor=actor, agreement=made)

    skip = {"id", "status", "created_by", "created_at", "updated_at", "adopted_at", "adopted_by"}
    skip |= {"version", "supersedes", "amendment_reason"}
    assert (
        _differences(
            Agreement.objects.filter(pk=made.pk), Agreement.objects.filter(pk=bulk.pk), skip
        )
        == []
    )
    skip = {"id", "agreement", "version"}
    assert (
        _differences(made.sections.order_by("order"), bulk.sections.order_by("order"), skip) == []
    )
    skip = {"id", "section", "version"}
    made_criteria = Criterion.objects.filter(section__agreement=made).order_by(*ORDER)
    bulk_criteria = Criterion.objects.filter(section__agreement=bulk).order_by(*ORDER)
    assert _differences(made_criteria, bulk_criteria, skip) == []


def _differences(made, bulk, exclude):
    """[(row, field, by the services, by the generator)] wherever they differ."""
    made, bulk = _rows(made, exclude), _rows(bulk, exclude)
    assert len(made) == len(bulk) > 0
    return [
        (i, name, a[name], b[name])
        for i, (a, b) in enumerate(zip(made, bulk, strict=True))
        for name in a
        if a[name] != b[name]
    ]


ORDER = ("section__order", "order")
