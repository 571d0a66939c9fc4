"""The parent body staff's dashboard: the year at a glance, every cluster on a row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters import services

pytestmark = pytest.mark.django_db


def board_of(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response, response.context["board"]


def test_the_staff_see_every_cluster_of_the_year_with_its_steps(client_for, world):
    response, board = board_of(client_for(world.user("bantt")))
    assert board["year"] == 2020
    [(cluster_year, cells)] = board["rows"]
    assert cluster_year == world.cluster_year
    assert "Thành viên" in [str(t) for t in board["titles"]]
    members, agreement = cells[0], cells[1]
    assert members.text == "Đang diễn ra · 6 thành viên"
    assert agreement.text == "Chưa soạn thảo"
    assert agreement.url == reverse("agreements:cluster_year_agreements", args=[cluster_year.pk])
    assert "Toàn cảnh năm 2020" in response.text
    assert world.other_cluster_year.cluster.parent.short_name not in response.text


def _more_clusters(world, count):
    for index in range(count):
        cluster = services.cluster_create(
            actor=world.admin, parent=world.parent, name=f"Cụm {index + 2}", header_lines="C"
        )
        year = services.cluster_year_create(actor=world.admin, cluster=cluster, year=2020)
        services.membership_add(
            actor=world.admin, cluster_year=year, unit=world.unit("badinh"), role="head"
        )


def test_the_board_costs_the_same_queries_whatever_the_number_of_clusters(client_for, world):
    client = client_for(world.user("bantt"))
    client.get(reverse("dashboard"))  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        _response, board = board_of(client)
    assert len(board["rows"]) == 1
    _more_clusters(world, 3)
    with CaptureQueriesContext(connection) as four:
        _response, board = board_of(client)
    assert len(board["rows"]) == 4
    assert len(four) == len(one)


@pytest.mark.parametrize("username", ["dongda", "canbo.dongda", "xem"])
def test_members_and_viewers_get_no_board(client_for, world, username):
    response, board = board_of(client_for(world.user(username)))
    assert board is None
    assert "year-board" not in response.text


def test_the_signatures_are_counted_while_the_agreement_is_being_signed(client_for, world):
    """From the first signature (status 'being signed') to the last, the board says how many
    units have signed; the agreement step stays done (it was adopted)."""
    from agreements.models import Agreement
    from tests.agreements.signing.support import adopt_agreement, sign

    agreement = adopt_agreement(world)
    client = client_for(world.user("bantt"))
    _response, board = board_of(client)
    [(_cy, cells)] = board["rows"]
    assert cells[2].text == "0/6" and not cells[2].done
    sign(world, "dongda", agreement)
    sign(world, "badinh", agreement)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNING
    _response, board = board_of(client)
    [(_cy, cells)] = board["rows"]
    assert cells[1].done and cells[1].text == "Đang ký"
    assert cells[2].text == "2/6" and not cells[2].done
    assert cells[2].url == reverse("agreements:detail", args=[agreement.pk])


def test_a_cell_writes_its_step_with_its_state_link_and_late_badge():
    from django.utils import translation

    from core.dashboard import Cell

    assert Cell("Chưa soạn thảo").html == '<td class="">Chưa soạn thảo</td>'
    assert Cell("Đã thông qua", url="/agreements/3/", done=True).html == (
        '<td class="board-done"><span aria-hidden="true">✓ </span>'
        '<a href="/agreements/3/">Đã thông qua</a></td>'
    )
    with translation.override("vi"):
        late = Cell("Hạn 05/02", url="/results/4/?a=1&b=2", done=True, late=True).html
    assert late == (
        '<td class="board-late"><span aria-hidden="true">✓ </span>'
        '<a href="/results/4/?a=1&amp;b=2">Hạn 05/02</a> '
        '<span class="badge text-bg-danger">trễ hạn</span></td>'
    )
    assert Cell("<b>x</b>").html == '<td class="">&lt;b&gt;x&lt;/b&gt;</td>'
