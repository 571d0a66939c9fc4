"""The secret ballot: nothing the application stores links a unit to its choices.

The main test casts the same four ballots twice through the pages, with the choices swapped
between the voters but the same totals, and reads EVERY table of every app (the audit trail,
sessions and Django's own tables included) after each run. Once row ids and times are
normalised (they differ from run to run, not with the choices), the two databases are equal:
whoever reads them cannot tell the runs apart, so cannot tell who chose what. A third run with
other totals shows that the comparison does see a difference when there is one.
"""

import datetime
import decimal

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse

from awards.models import Candidate, Participation, VoteCount, VoteSession
from awards.services import votes as voting
from clusters.models import Unit
from tests.awards.support import (
    build_catalogue,
    cast,
    deadline_passes,
    english,  # noqa: F401  (autouse: messages in English)
    lock_ranking,
    meeting,
    session,
)

VOTERS = ["badinh", "hoankiem", "longbien", "hoangmai"]
# Hoàn Kiếm 2, Long Biên 1, Hai Bà Trưng 1 in both runs; each voter's choice differs.
RUN_A = {
    "badinh": "hoankiem",
    "hoankiem": "longbien",
    "longbien": "hoankiem",
    "hoangmai": "haibatrung",
}
RUN_B = {
    "badinh": "longbien",
    "hoankiem": "hoankiem",
    "longbien": "haibatrung",
    "hoangmai": "hoankiem",
}
RUN_C = {
    "badinh": "longbien",
    "hoankiem": "longbien",
    "longbien": "haibatrung",
    "hoangmai": "hoankiem",
}


def _models():
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.proxy and model._meta.managed:
            yield model


def dump():
    """Every row of every table: {table: {pk: {column: value}}}."""
    data = {}
    for model in _models():
        pk = model._meta.pk.attname
        rows = {}
        for row in model._base_manager.values():
            if model is Session:
                row = {
                    **row,
                    "session_data": Session(session_data=row["session_data"]).get_decoded(),
                }
            rows[row[pk]] = row
        data[model._meta.db_table] = rows
    return data


def _relations():
    """{table: {column: related table}} for foreign keys, to normalise ids of new rows."""
    result = {}
    for model in _models():
        result[model._meta.db_table] = {
            f.attname: f.related_model._meta.db_table
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
        }
    return result


def changes(before, after):
    """The rows a run added or changed, with new ids and times replaced by their order."""
    new_ids = {
        table: {pk: index for index, pk in enumerate(sorted(set(rows) - set(before[table])))}
        for table, rows in after.items()
    }
    changed = {
        table: [row for pk, row in sorted(rows.items()) if before[table].get(pk) != row]
        for table, rows in after.items()
    }
    removed = {t: sorted(set(before[t]) - set(after[t])) for t in after}
    times = sorted(
        {
            value
            for rows in changed.values()
            for row in rows
            for value in row.values()
            if isinstance(value, datetime.datetime)
        }
    )
    relations = _relations()

    def normal(table, column, value):
        if isinstance(value, datetime.datetime):
            return ("time", times.index(value))
        target = relations[table].get(column)
        pk_column = column == "id" or column == "pk"
        if pk_column and value in new_ids[table]:
            return ("new", new_ids[table][value])
        if target and value in new_ids.get(target, {}):
            return ("new", target, new_ids[target][value])
        if isinstance(value, decimal.Decimal):
            return str(value)
        return value

    return {
        table: [
            {column: normal(table, column, value) for column, value in row.items()} for row in rows
        ]
        for table, rows in changed.items()
        if rows
    } | {f"removed:{t}": len(pks) for t, pks in removed.items() if pks}


@pytest.fixture
def open_vote(results, settings):
    """Next year's head is voted online; four member units vote, each with its own client."""
    lock_ranking(results)
    world = results.world
    build_catalogue(world)
    the_meeting = meeting(world)
    head = session(world, the_meeting, VoteSession.Purpose.HEAD)
    voting.session_open(actor=world.user("dongda"), session=head)
    clients = {}
    for voter in VOTERS:
        clients[voter] = Client()
        clients[voter].force_login(world.user(voter))
    chair = Client()
    chair.force_login(world.user("dongda"))
    return world, head, clients, chair


def vote_through_the_pages(world, head, clients, chair, choices):
    candidates = {c.unit_id: c.pk for c in head.candidates.all()}
    for voter in VOTERS:
        response = clients[voter].post(
            reverse("awards:ballot", args=[head.pk]),
            {"unit": world.unit(voter).pk, "choices": [candidates[world.unit(choices[voter]).pk]]},
        )
        assert response.status_code == 302 and response.url == reverse(
            "awards:vote", args=[head.pk]
        )
    response = chair.post(reverse("awards:vote_close", args=[head.pk]))
    assert response.status_code == 302


def run(world, head, clients, chair, choices):
    """Vote, read every table, undo: the normalised changes of the run."""
    before = dump()
    with transaction.atomic():
        vote_through_the_pages(world, head, clients, chair, choices)
        result = changes(before, dump())
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_no_table_links_a_unit_to_its_choices(open_vote):
    world, head, clients, chair = open_vote
    run_a = run(world, head, clients, chair, RUN_A)
    run_b = run(world, head, clients, chair, RUN_B)
    run_c = run(world, head, clients, chair, RUN_C)
    # The runs did write: four participations, the counters, the audit trail.
    assert len(run_a["awards_participation"]) == 4
    assert run_a["awards_votecount"] and run_a["core_auditentry"]
    # Same totals, different choices per unit: the stored data cannot tell the runs apart.
    assert run_a == run_b
    # Different totals: the same comparison does see a difference.
    assert run_a != run_c


@pytest.mark.django_db
def test_the_ballots_audit_entries_name_no_candidate(open_vote):
    world, head, clients, chair = open_vote
    with transaction.atomic():
        vote_through_the_pages(world, head, clients, chair, RUN_A)
        from core.models import AuditEntry

        ballots = list(AuditEntry.objects.filter(action="vote.ballot"))
        assert len(ballots) == 4
        candidate_words = {str(c.pk) for c in head.candidates.all()} | {
            c.unit_name for c in head.candidates.all()
        }
        for entry in ballots:
            assert set(entry.after) == {"unit", "round"}
            text = f"{entry.before} {entry.after} {entry.reason} {entry.object_repr}"
            assert not any(word in text for word in candidate_words if not word.isdigit()), text
        transaction.set_rollback(True)


def test_the_vote_tables_have_no_time_and_no_link_between_who_and_what():
    def fields(model):
        return model._meta.concrete_fields

    for model in (VoteCount, Participation):
        assert not [f for f in fields(model) if isinstance(f, (models.DateField, models.TimeField))]
    assert {f.related_model for f in fields(Participation) if f.is_relation} == {
        Unit,
        Participation._meta.get_field("round").related_model,
    }
    assert {f.related_model for f in fields(VoteCount) if f.is_relation} == {
        Candidate,
        VoteCount._meta.get_field("round").related_model,
    }
    # No other model points at both a participation and a counter.
    for model in apps.get_models():
        targets = {f.related_model for f in fields(model) if f.is_relation}
        assert not ({Participation, VoteCount} <= targets), model


def test_every_ballot_rewrites_every_counter_so_row_versions_link_nothing(
    transactional_db, results
):
    """PostgreSQL's xmin of each counter names the transaction that last wrote it: all of
    them must name the last ballot, never the last ballot for one candidate."""
    lock_ranking(results)
    world = results.world
    the_meeting = meeting(world)
    head = session(world, the_meeting, VoteSession.Purpose.HEAD)
    voting.session_open(actor=world.user("dongda"), session=head)
    for voter, choice in RUN_A.items():
        cast(world, head, {voter: [choice]})
    vote_round = head.rounds.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM awards_votecount WHERE round_id = %s", [vote_round.pk]
        )
        counters = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT xmin::text FROM awards_participation WHERE round_id = %s", [vote_round.pk]
        )
        participations = [row[0] for row in cursor.fetchall()]
    assert len(counters) == 1
    assert len(set(participations)) == 4  # one transaction per ballot


@pytest.mark.django_db
def test_the_counts_stay_hidden_until_the_round_is_closed(open_vote, client_for, admin_client):
    world, head, clients, chair = open_vote
    cast(world, head, {"badinh": ["hoankiem"]})
    page = chair.get(reverse("awards:vote", args=[head.pk]))
    assert page.status_code == 200
    assert "counts-hidden" in page.text and "vote-count" not in page.text
    assert world.unit("badinh").name in page.text  # THAT it voted is public
    vote_round = head.rounds.get()
    admin_page = admin_client.get(reverse("admin:awards_voteround_change", args=[vote_round.pk]))
    assert admin_page.status_code == 200
    assert "hidden until the round is closed" in admin_page.text or "ẩn" in admin_page.text
    cast(world, head, {voter: ["hoankiem"] for voter in ("hoankiem", "longbien", "hoangmai")})
    deadline_passes(head)
    voting.vote_close(actor=world.user("dongda"), session=head)
    page = chair.get(reverse("awards:vote", args=[head.pk]))
    assert "vote-count" in page.text and "counts-hidden" not in page.text
