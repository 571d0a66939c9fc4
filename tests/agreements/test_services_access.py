"""Who may read, edit, comment on and run an agreement (agreements.access)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from agreements import access, services
from clusters import services as cluster_services
from tests.agreements.helpers import adopt, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return make_draft(world)


@pytest.fixture
def template(world):
    template = services.template_create(actor=world.user("bantt"), parent=world.parent, year=2021)
    services.section_add(actor=world.user("bantt"), agreement=template, heading="", text="x")
    return template


def test_an_outsider_gets_404_for_an_agreement_and_its_parts(world, draft):
    ngoai = world.user("ngoai")
    section = draft.sections.first()
    criterion = section.criteria.first()
    for helper, pk in [
        (access.get_agreement, draft.pk),
        (access.get_agreement_to_edit, draft.pk),
        (access.get_agreement_to_run, draft.pk),
        (access.get_agreement_to_comment, draft.pk),
        (access.get_section_to_edit, section.pk),
        (access.get_criterion_to_edit, criterion.pk),
    ]:
        with pytest.raises(Http404):
            helper(ngoai, pk)
    assert not access.visible_agreements(ngoai).exists()


def test_a_missing_or_malformed_id_is_404(world):
    with pytest.raises(Http404):
        access.get_agreement(world.user("dongda"), 999999)
    with pytest.raises(Http404):
        access.get_agreement(world.user("dongda"), "abc")


def test_members_staff_and_viewers_read_but_only_the_drafters_edit(world, draft):
    for username in ("xem", "bantt", "badinh", "canbo.badinh", "hoankiem"):
        user = world.user(username)
        assert access.get_agreement(user, draft.pk) == draft
        assert not access.can_edit(user, draft)
        with pytest.raises(PermissionDenied):
            access.get_agreement_to_edit(user, draft.pk)
    for username in ("dongda", "canbo.dongda"):
        user = world.user(username)
        assert access.get_agreement_to_edit(user, draft.pk) == draft
        assert access.can_edit(user, draft)
        assert access.get_section_to_edit(user, draft.sections.first().pk).agreement == draft


def test_the_deputy_drafts_when_the_head_delegates(world, draft):
    hoankiem = world.user("hoankiem")
    cluster_services.cluster_year_delegate_drafting(
        actor=world.user("bantt"), cluster_year=world.cluster_year, delegated=True
    )
    assert access.get_agreement_to_edit(hoankiem, draft.pk) == draft
    assert not access.can_run(hoankiem, draft)  # circulating and adopting stay with the head
    with pytest.raises(PermissionDenied):
        access.get_agreement_to_run(hoankiem, draft.pk)


def test_only_the_head_runs_the_agreement(world, draft):
    assert access.can_run(world.user("dongda"), draft)
    assert access.can_run(world.user("canbo.dongda"), draft)
    for username in ("badinh", "bantt", "xem"):
        assert not access.can_run(world.user(username), draft)
        with pytest.raises(PermissionDenied):
            access.get_agreement_to_run(world.user(username), draft.pk)


def test_an_adopted_agreement_is_no_longer_editable_for_anyone(world, draft):
    adopted = adopt(world, draft)
    assert not access.can_edit(world.user("dongda"), adopted)


def test_members_comment_for_their_own_units_while_circulated(world, draft):
    badinh = world.user("canbo.badinh")
    assert access.comment_units(badinh, draft) == [world.unit("badinh")]
    assert not access.can_comment(badinh, draft)  # still a draft
    services.agreement_circulate(actor=world.user("dongda"), agreement=draft)
    draft.refresh_from_db()
    assert access.can_comment(badinh, draft)
    assert access.can_comment(world.user("dongda"), draft)  # the head is a member too
    assert access.get_agreement_to_comment(badinh, draft.pk) == draft
    for username in ("bantt", "xem"):
        assert access.comment_units(world.user(username), draft) == []
        assert not access.can_comment(world.user(username), draft)
        with pytest.raises(PermissionDenied):
            access.get_agreement_to_comment(world.user(username), draft.pk)


def test_a_comment_is_read_by_readers_and_run_by_the_head(world, draft):
    services.agreement_circulate(actor=world.user("dongda"), agreement=draft)
    comment = services.comment_add(
        actor=world.user("badinh"), agreement=draft, unit=world.unit("badinh"), text="Ý kiến"
    )
    assert access.get_comment(world.user("xem"), comment.pk) == comment
    assert access.get_comment_to_run(world.user("dongda"), comment.pk) == comment
    with pytest.raises(PermissionDenied):
        access.get_comment_to_run(world.user("badinh"), comment.pk)
    with pytest.raises(Http404):
        access.get_comment(world.user("ngoai"), comment.pk)


def test_templates_are_the_parent_staffs(world, template):
    assert access.get_agreement_to_edit(world.user("bantt"), template.pk) == template
    assert access.get_agreement(world.user("xem"), template.pk) == template
    with pytest.raises(PermissionDenied):
        access.get_agreement_to_edit(world.user("xem"), template.pk)
    for username in ("dongda", "ngoai"):
        with pytest.raises(Http404):
            access.get_agreement(world.user(username), template.pk)
    assert not access.can_run(world.user("bantt"), template)
    assert access.comment_units(world.user("bantt"), template) == []
    visible = access.visible_agreements(world.user("xem"))
    assert template in visible


def test_visible_agreements_follow_the_cluster_years(world, draft):
    assert list(access.visible_agreements(world.user("badinh"))) == [draft]
    assert list(access.visible_agreements(world.admin)) == [draft]
