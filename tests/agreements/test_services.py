import datetime
import hashlib
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from agreements import content, services
from agreements.models import Agreement, Comment, Conference, Criterion, Revision, Section
from clusters import services as cluster_services
from core.errors import ConflictError, DomainError
from core.models import AuditEntry
from tests.agreements.helpers import add_content, adopt, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return make_draft(world)


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the services' messages and revision summaries in English."""
    with translation.override("en"):
        yield


def messages(excinfo):
    return " ".join(excinfo.value.messages)


def field_errors(excinfo):
    return excinfo.value.message_dict


# --- starting a draft ----------------------------------------------------------------------


def test_a_blank_draft_is_prefilled_from_the_cluster_year_and_the_plan(world):
    agreement = services.agreement_create(
        actor=world.user("dongda"), cluster_year=world.cluster_year, origin="blank"
    )
    assert agreement.status == Agreement.Status.DRAFT
    assert agreement.title == "GIAO ƯỚC THI ĐUA NĂM 2020"
    assert agreement.place == "Đống Đa"
    assert agreement.legal_basis == (
        "Căn cứ Kế hoạch số 37/KH-MTTQ-BTT ngày 20/01/2020 của Ban Thường trực Ủy ban MTTQ "
        "Việt Nam thành phố Hà Nội về công tác thi đua, khen thưởng năm 2020;"
    )
    assert agreement.created_by == world.user("dongda")
    assert list(agreement.revisions.values_list("number", flat=True)) == [1]
    assert AuditEntry.objects.for_object(agreement).filter(action="agreement.create").exists()


def test_a_second_draft_for_the_cluster_year_is_refused(world):
    make_draft(world)
    with pytest.raises(DomainError):
        services.agreement_create(
            actor=world.user("dongda"), cluster_year=world.cluster_year, origin="blank"
        )
    assert Agreement.objects.filter(cluster_year=world.cluster_year).count() == 1


def test_the_database_holds_one_draft_per_cluster_year(world):
    draft = make_draft(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            cluster_year=draft.cluster_year, title="x", status=Agreement.Status.CIRCULATED
        )


def test_a_new_draft_is_refused_while_an_agreement_is_in_force(world):
    adopt(world, make_draft(world))
    with pytest.raises(DomainError) as excinfo, translation.override("en"):
        services.agreement_create(
            actor=world.user("dongda"), cluster_year=world.cluster_year, origin="blank"
        )
    assert "amendment" in messages(excinfo)


def test_the_database_holds_one_agreement_in_force_per_cluster_year(world):
    adopted = adopt(world, make_draft(world))
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            cluster_year=adopted.cluster_year, title="x", status=Agreement.Status.SIGNED
        )


def test_starting_from_a_missing_template_is_refused_on_the_origin_field(world):
    with pytest.raises(DomainError) as excinfo:
        services.agreement_create(
            actor=world.user("dongda"), cluster_year=world.cluster_year, origin="template"
        )
    assert "origin" in field_errors(excinfo)
    assert not Agreement.objects.filter(cluster_year=world.cluster_year).exists()


def test_starting_from_the_template_copies_its_sections_and_criteria(world):
    template = services.template_create(actor=world.user("bantt"), parent=world.parent, year=2020)
    services.agreement_update(
        actor=world.user("bantt"),
        agreement=template,
        expected_version=template.version,
        title=template.title,
        place=template.place,
        date=None,
        legal_basis="Căn cứ Luật Thi đua, Khen thưởng;",
        closing="Các đơn vị cam kết thực hiện.",
    )
    add_content(world.user("bantt"), template)
    agreement = services.agreement_create(
        actor=world.user("dongda"), cluster_year=world.cluster_year, origin="template"
    )
    assert agreement.origin == Agreement.Origin.TEMPLATE
    assert agreement.legal_basis.splitlines()[0].startswith("Căn cứ Kế hoạch số 37/KH-MTTQ-BTT")
    assert agreement.legal_basis.splitlines()[1] == "Căn cứ Luật Thi đua, Khen thưởng;"
    assert agreement.closing == "Các đơn vị cam kết thực hiện."
    copied = json.loads(content.serialize(agreement))
    original = json.loads(content.serialize(template))
    assert copied["sections"] == original["sections"]
    assert Section.objects.filter(agreement=template).count() == 2  # the template is untouched


def test_a_second_template_for_the_same_year_is_refused(world):
    services.template_create(actor=world.user("bantt"), parent=world.parent, year=2021)
    with pytest.raises(DomainError) as excinfo:
        services.template_create(actor=world.user("bantt"), parent=world.parent, year=2021)
    assert "year" in field_errors(excinfo)


def test_starting_from_last_year_needs_last_years_agreement_in_force(world):
    next_year = cluster_services.year_rollover(
        actor=world.user("bantt"),
        cluster_year=world.cluster_year,
        head=world.unit("hoankiem"),
        deputy=world.unit("badinh"),
    )
    draft = make_draft(world)
    with pytest.raises(DomainError) as excinfo:
        services.agreement_create(
            actor=world.user("hoankiem"), cluster_year=next_year, origin="previous"
        )
    assert "origin" in field_errors(excinfo)
    adopt(world, draft)
    agreement = services.agreement_create(
        actor=world.user("hoankiem"), cluster_year=next_year, origin="previous"
    )
    assert agreement.title == "GIAO ƯỚC THI ĐUA NĂM 2021"
    assert agreement.place == "Hoàn Kiếm"
    assert agreement.legal_basis == ""  # 2021 has no plan yet; 2020's is not cited
    assert [s.heading for s in agreement.sections.order_by("order")] == [
        "Nhiệm vụ chính trị",
        "Công tác thi đua",
    ]
    assert Criterion.objects.filter(section__agreement=agreement).count() == 4


# --- editing and revisions -----------------------------------------------------------------


def test_every_edit_writes_a_numbered_revision_with_a_summary(world, draft):
    head = world.user("dongda")
    numbers = list(draft.revisions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6, 7]
    section = draft.sections.get(order=1)
    services.section_update(
        actor=head,
        section=section,
        expected_version=section.version,
        heading="Nhiệm vụ chính trị trọng tâm",
        text=section.text,
    )
    last = draft.revisions.order_by("-number").first()
    assert last.number == 8
    assert last.summary == "Edited section 1"
    assert last.author == head
    assert last.data["sections"][0]["heading"] == "Nhiệm vụ chính trị trọng tâm"
    assert last.content == content.serialize(draft)


def test_an_edit_that_changes_nothing_writes_no_revision(world, draft):
    section = draft.sections.get(order=1)
    before = draft.revisions.count()
    services.section_update(
        actor=world.user("dongda"),
        section=section,
        expected_version=section.version,
        heading=section.heading,
        text=section.text,
    )
    assert draft.revisions.count() == before


def test_updating_the_heading_part_records_what_changed(world, draft):
    services.agreement_update(
        actor=world.user("canbo.dongda"),
        agreement=draft,
        expected_version=draft.version,
        title=draft.title,
        place="Hà Nội",
        date=datetime.date(2020, 2, 5),
        legal_basis=draft.legal_basis,
        closing="Trước mắt, …",
    )
    draft.refresh_from_db()
    assert draft.place == "Hà Nội"
    assert draft.version == 2
    last = draft.revisions.order_by("-number").first()
    assert "place" in last.summary and "date" in last.summary and "closing" in last.summary
    entry = AuditEntry.objects.for_object(draft).filter(action="agreement.update").get()
    assert entry.before["place"] == "Đống Đa" and entry.after["place"] == "Hà Nội"


def test_the_later_of_two_saves_of_the_same_section_gets_a_conflict(world, draft):
    section = draft.sections.get(order=1)
    first_read = section.version
    services.section_update(
        actor=world.user("dongda"),
        section=section,
        expected_version=first_read,
        heading="Bản của Đống Đa",
        text=section.text,
    )
    with pytest.raises(ConflictError) as excinfo:
        services.section_update(
            actor=world.user("canbo.dongda"),
            section=section,
            expected_version=first_read,
            heading="Bản của cán bộ",
            text=section.text,
        )
    assert "Bản của Đống Đa" in excinfo.value.current.values()
    section.refresh_from_db()
    assert section.heading == "Bản của Đống Đa"


def test_the_heading_part_has_its_own_lost_update_guard(world, draft):
    kwargs = {
        "title": draft.title,
        "place": draft.place,
        "date": None,
        "legal_basis": draft.legal_basis,
        "closing": "a",
    }
    services.agreement_update(
        actor=world.user("dongda"), agreement=draft, expected_version=1, **kwargs
    )
    with pytest.raises(ConflictError):
        services.agreement_update(
            actor=world.user("dongda"), agreement=draft, expected_version=1, **kwargs
        )


def test_sections_are_added_moved_and_removed_in_order(world, draft):
    head = world.user("dongda")
    third = services.section_add(actor=head, agreement=draft, heading="Ba", text="Nội dung ba")
    assert third.order == 3
    services.section_move(actor=head, section=third, direction="up")
    assert [s.heading for s in draft.sections.order_by("order")] == [
        "Nhiệm vụ chính trị",
        "Ba",
        "Công tác thi đua",
    ]
    services.section_move(actor=head, section=draft.sections.get(order=1), direction="up")
    assert draft.sections.get(order=1).heading == "Nhiệm vụ chính trị"  # already first
    services.section_remove(actor=head, section=draft.sections.get(order=1))
    assert list(draft.sections.order_by("order").values_list("order", "heading")) == [
        (1, "Ba"),
        (2, "Công tác thi đua"),
    ]
    assert "Removed section 1" in draft.revisions.order_by("-number").first().summary


def test_an_empty_section_text_is_an_error_on_the_field(world, draft):
    with pytest.raises(DomainError) as excinfo:
        services.section_add(actor=world.user("dongda"), agreement=draft, heading="x", text="")
    assert "text" in field_errors(excinfo)
    assert draft.sections.count() == 2


def test_criteria_are_moved_and_removed_in_order(world, draft):
    head = world.user("dongda")
    section = draft.sections.get(order=2)
    last = section.criteria.get(code="2.3")
    services.criterion_move(actor=head, criterion=last, direction="up")
    assert list(section.criteria.order_by("order").values_list("code", flat=True)) == [
        "2.1",
        "2.3",
        "2.2",
    ]
    services.criterion_remove(actor=head, criterion=section.criteria.get(code="2.1"))
    assert list(section.criteria.order_by("order").values_list("order", "code")) == [
        (1, "2.3"),
        (2, "2.2"),
    ]


def test_a_criterion_update_is_guarded_and_revised(world, draft):
    criterion = Criterion.objects.get(section__agreement=draft, code="1.1")
    services.criterion_update(
        actor=world.user("dongda"),
        criterion=criterion,
        expected_version=criterion.version,
        max_points="12.5",
    )
    criterion.refresh_from_db()
    assert criterion.max_points == Decimal("12.50")
    with pytest.raises(ConflictError):
        services.criterion_update(
            actor=world.user("dongda"), criterion=criterion, expected_version=1, max_points="1"
        )
    assert draft.revisions.order_by("-number").first().summary == "Edited criterion 1.1"


# --- criterion validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"max_points": "-1"}, "max_points"),
        ({"max_points": "mười"}, "max_points"),
        ({"max_points": None}, "max_points"),
        ({"target": "abc"}, "target"),
        ({"kind": "bonus", "max_points": "5", "cap": "3"}, "max_points"),
        (
            {"kind": "bonus", "rule": "per_occurrence", "cap": "3", "max_points": "3"},
            "points_per_occurrence",
        ),
        ({"kind": "penalty", "rule": "per_occurrence", "max_points": "0"}, "points_per_occurrence"),
        ({"kind": "penalty", "rule": "proportional", "max_points": "0"}, "rule"),
        ({"rule": "per_occurrence", "points_per_occurrence": "1"}, "rule"),
        ({"target": None}, "target"),
        ({"target": "0"}, "target"),
        ({"measure": "text"}, "rule"),
        ({"cap": "-2"}, "cap"),
        ({"code": ""}, "code"),
    ],
)
def test_bad_criteria_are_refused_on_the_field_and_nothing_changes(world, draft, fields, field):
    section = draft.sections.get(order=1)
    before = Criterion.objects.count(), draft.revisions.count()
    data = {
        "code": "1.9",
        "text": "Chỉ tiêu thử",
        "measure": "number",
        "target": "10",
        "max_points": "5",
    }
    data.update(fields)
    with pytest.raises(DomainError) as excinfo:
        services.criterion_add(actor=world.user("dongda"), section=section, **data)
    assert field in field_errors(excinfo)
    assert (Criterion.objects.count(), draft.revisions.count()) == before


def test_an_update_to_negative_points_is_refused_and_the_criterion_keeps_its_value(world, draft):
    criterion = Criterion.objects.get(section__agreement=draft, code="1.1")
    with pytest.raises(DomainError) as excinfo:
        services.criterion_update(
            actor=world.user("dongda"),
            criterion=criterion,
            expected_version=criterion.version,
            max_points="-3",
        )
    assert "max_points" in field_errors(excinfo)
    criterion.refresh_from_db()
    assert criterion.max_points == Decimal("10.00")


def test_a_yes_no_criterion_all_or_nothing_needs_no_target(world, draft):
    criterion = services.criterion_add(
        actor=world.user("dongda"),
        section=draft.sections.get(order=1),
        code="1.2",
        text="Có kế hoạch thực hiện",
        measure="yes_no",
        rule="all_or_nothing",
        max_points="2",
    )
    assert criterion.order == 2


# --- consultation --------------------------------------------------------------------------


def test_circulating_emails_every_member_units_people_after_commit(
    world, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.agreement_circulate(actor=world.user("dongda"), agreement=draft)
        assert len(mail.outbox) == 0  # nothing leaves before the commit
    assert len(callbacks) == 1
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.CIRCULATED
    recipients = {m.to[0] for m in mail.outbox}
    assert "badinh@demo.thidua.invalid" in recipients
    assert "canbo.badinh@demo.thidua.invalid" in recipients
    assert "ngoai@demo.thidua.invalid" not in recipients
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert "GIAO ƯỚC THI ĐUA NĂM 2020" in mail.outbox[0].subject
    assert f"/agreements/{draft.pk}/" in mail.outbox[0].body


def test_only_a_draft_with_sections_is_circulated(world):
    empty = services.agreement_create(
        actor=world.user("dongda"), cluster_year=world.cluster_year, origin="blank"
    )
    with pytest.raises(DomainError):
        services.agreement_circulate(actor=world.user("dongda"), agreement=empty)
    add_content(world.user("dongda"), empty)
    services.agreement_circulate(actor=world.user("dongda"), agreement=empty)
    with pytest.raises(DomainError):
        services.agreement_circulate(actor=world.user("dongda"), agreement=empty)


def test_a_template_is_never_circulated(world):
    template = services.template_create(actor=world.user("bantt"), parent=world.parent, year=2020)
    add_content(world.user("bantt"), template)
    with pytest.raises(DomainError):
        services.agreement_circulate(actor=world.user("bantt"), agreement=template)


def test_edits_continue_while_the_draft_is_circulated(world, draft):
    services.agreement_circulate(actor=world.user("dongda"), agreement=draft)
    services.section_add(actor=world.user("dongda"), agreement=draft, heading="", text="Thêm")
    assert draft.sections.count() == 3


def test_a_member_comments_on_a_section_and_the_head_answers(
    world, draft, django_capture_on_commit_callbacks
):
    services.agreement_circulate(actor=world.user("dongda"), agreement=draft)
    section = draft.sections.get(order=2)
    comment = services.comment_add(
        actor=world.user("canbo.badinh"),
        agreement=draft,
        unit=world.unit("badinh"),
        text="Đề nghị bổ sung chỉ tiêu về khu dân cư.",
        section=section,
    )
    assert comment.status == Comment.Status.OPEN
    assert comment.author_name == "Lý Thị N"
    assert comment.section_label == "2. Công tác thi đua"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_answer(
            actor=world.user("canbo.dongda"), comment=comment, answer="Đã tiếp thu."
        )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ANSWERED
    assert comment.answered_by == world.user("canbo.dongda")
    assert [m.to for m in mail.outbox] == [["canbo.badinh@demo.thidua.invalid"]]
    assert "Đã tiếp thu." in mail.outbox[0].body
    services.comment_resolve(actor=world.user("dongda"), comment=comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.RESOLVED
    with pytest.raises(DomainError):
        services.comment_resolve(actor=world.user("dongda"), comment=comment)
    with pytest.raises(DomainError):
        services.comment_answer(actor=world.user("dongda"), comment=comment, answer="Lại")
    actions = set(AuditEntry.objects.for_object(draft).values_list("action", flat=True))
    assert {"comment.add", "comment.answer", "comment.resolve"} <= actions


def test_a_comment_by_a_non_member_is_refused(world, draft):
    services.agreement_circulate(actor=world.user("dongda"), agreement=draft)
    with pytest.raises(DomainError) as excinfo:
        services.comment_add(
            actor=world.user("ngoai"), agreement=draft, unit=world.unit("badinh"), text="x"
        )
    assert "unit" in field_errors(excinfo)
    with pytest.raises(DomainError):  # a member may not comment for another member
        services.comment_add(
            actor=world.user("canbo.badinh"), agreement=draft, unit=world.unit("dongda"), text="x"
        )
    with pytest.raises(DomainError):  # parent staff are not members
        services.comment_add(
            actor=world.user("bantt"), agreement=draft, unit=world.unit("badinh"), text="x"
        )
    assert not Comment.objects.exists()


def test_comments_are_taken_only_while_circulated(world, draft):
    with pytest.raises(DomainError):
        services.comment_add(
            actor=world.user("canbo.badinh"), agreement=draft, unit=world.unit("badinh"), text="x"
        )
    adopt(world, draft)
    with pytest.raises(DomainError):
        services.comment_add(
            actor=world.user("canbo.badinh"), agreement=draft, unit=world.unit("badinh"), text="x"
        )
    assert not Comment.objects.exists()


def test_an_empty_comment_or_a_foreign_section_is_an_error_on_the_field(world, draft):
    services.agreement_circulate(actor=world.user("dongda"), agreement=draft)
    template = services.template_create(actor=world.user("bantt"), parent=world.parent, year=2020)
    foreign = services.section_add(
        actor=world.user("bantt"), agreement=template, heading="", text="x"
    )
    with pytest.raises(DomainError) as excinfo:
        services.comment_add(
            actor=world.user("badinh"), agreement=draft, unit=world.unit("badinh"), text="  "
        )
    assert "text" in field_errors(excinfo)
    with pytest.raises(DomainError) as excinfo:
        services.comment_add(
            actor=world.user("badinh"),
            agreement=draft,
            unit=world.unit("badinh"),
            text="x",
            section=foreign,
        )
    assert "section" in field_errors(excinfo)


# --- adoption ------------------------------------------------------------------------------


def test_adoption_freezes_the_content_hash_and_members(world, draft):
    services.agreement_circulate(actor=world.user("dongda"), agreement=draft)
    adopted = services.agreement_adopt(actor=world.user("dongda"), agreement=draft)
    adopted.refresh_from_db()
    assert adopted.status == Agreement.Status.ADOPTED
    assert adopted.canonical_content == content.serialize(adopted)
    assert (
        adopted.content_hash
        == hashlib.sha256(adopted.canonical_content.encode("utf-8")).hexdigest()
    )
    assert adopted.adopted_by == world.user("dongda")
    assert adopted.adopted_at is not None
    assert adopted.date == timezone.localdate()
    snapshot = adopted.members_snapshot
    assert [m["short_name"] for m in snapshot] == [
        "Hai Bà Trưng",
        "Đống Đa",
        "Ba Đình",
        "Hoàn Kiếm",
        "Long Biên",
        "Hoàng Mai",
    ]
    dongda = snapshot[1]
    assert dongda["role"] == "head" and dongda["order"] == 2
    assert dongda["name"] == "Ủy ban MTTQ Việt Nam quận Đống Đa"
    assert dongda["signatory_name"] == "Đỗ Trọng Nam"
    assert dongda["signature_block"] == ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH"]
    assert snapshot[3]["role"] == "deputy"


def test_the_members_snapshot_keeps_names_as_they_were(world, draft):
    adopted = adopt(world, draft)
    unit = world.unit("badinh")
    cluster_services.unit_update(
        actor=world.admin,
        unit=unit,
        expected_version=unit.version,
        name="Ủy ban MTTQ Việt Nam phường Ba Đình",
    )
    adopted.refresh_from_db()
    assert adopted.members_snapshot[2]["name"] == "Ủy ban MTTQ Việt Nam quận Ba Đình"


def test_adoption_needs_circulation_first(world, draft):
    with pytest.raises(DomainError):
        services.agreement_adopt(actor=world.user("dongda"), agreement=draft)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT


def test_an_agreement_is_adopted_once(world, draft):
    adopt(world, draft)
    with pytest.raises(DomainError):
        services.agreement_adopt(actor=world.user("dongda"), agreement=draft)


def _every_edit(world, agreement):
    head = world.user("dongda")
    section = agreement.sections.get(order=1)
    criterion = Criterion.objects.filter(section__agreement=agreement).first()
    return [
        lambda: services.agreement_update(
            actor=head,
            agreement=agreement,
            expected_version=agreement.version,
            title="Khác",
            place="",
            date=None,
            legal_basis="",
            closing="",
        ),
        lambda: services.section_add(actor=head, agreement=agreement, heading="", text="x"),
        lambda: services.section_update(
            actor=head, section=section, expected_version=section.version, heading="", text="y"
        ),
        lambda: services.section_remove(actor=head, section=section),
        lambda: services.section_move(actor=head, section=section, direction="down"),
        lambda: services.criterion_add(
            actor=head, section=section, code="9", text="x", target="1", max_points="1"
        ),
        lambda: services.criterion_update(
            actor=head, criterion=criterion, expected_version=criterion.version, max_points="2"
        ),
        lambda: services.criterion_remove(actor=head, criterion=criterion),
        lambda: services.criterion_move(actor=head, criterion=criterion, direction="down"),
    ]


def test_every_edit_after_adoption_is_refused_with_a_clear_message(world, draft):
    adopted = adopt(world, draft)
    frozen = adopted.canonical_content
    revisions = adopted.revisions.count()
    for edit in _every_edit(world, adopted):
        with pytest.raises(DomainError) as excinfo, translation.override("en"):
            edit()
        assert "The agreement has been adopted" in messages(excinfo)
    adopted.refresh_from_db()
    assert content.serialize(adopted) == frozen
    assert adopted.revisions.count() == revisions


# --- amendment -----------------------------------------------------------------------------


def test_an_amendment_supersedes_the_agreement_in_force_once_adopted(world, draft):
    head = world.user("dongda")
    original = adopt(world, draft)
    amendment = services.agreement_amend(
        actor=head, agreement=original, reason="Bổ sung chỉ tiêu phòng, chống dịch"
    )
    assert amendment.status == Agreement.Status.DRAFT
    assert amendment.origin == Agreement.Origin.AMENDMENT
    assert amendment.supersedes == original
    assert (
        json.loads(content.serialize(amendment))["sections"]
        == json.loads(original.canonical_content)["sections"]
    )
    original.refresh_from_db()
    assert original.status == Agreement.Status.ADOPTED  # still in force while drafting
    services.section_add(actor=head, agreement=amendment, heading="Phòng, chống dịch", text="x")
    adopt(world, amendment)
    original.refresh_from_db()
    amendment.refresh_from_db()
    assert original.status == Agreement.Status.SUPERSEDED
    assert original.superseded_by == amendment
    assert amendment.status == Agreement.Status.ADOPTED
    in_force = Agreement.objects.filter(cluster_year=world.cluster_year, status__in=["adopted"])
    assert list(in_force) == [amendment]
    assert original.canonical_content != amendment.canonical_content
    superseded = AuditEntry.objects.for_object(original).get(action="agreement.superseded")
    assert superseded.after["superseded_by"] == amendment.pk


def test_a_superseded_agreement_refuses_edits_and_a_second_amendment(world, draft):
    original = adopt(world, draft)
    amendment = services.agreement_amend(
        actor=world.user("dongda"), agreement=original, reason="Lý do"
    )
    with pytest.raises(DomainError):
        services.agreement_amend(actor=world.user("dongda"), agreement=original, reason="Lần hai")
    adopt(world, amendment)
    original.refresh_from_db()
    with pytest.raises(DomainError) as excinfo, translation.override("en"):
        services.section_add(actor=world.user("dongda"), agreement=original, heading="", text="x")
    assert "superseded" in messages(excinfo)


def test_an_amendment_needs_a_reason_and_an_agreement_in_force(world, draft):
    with pytest.raises(DomainError):
        services.agreement_amend(actor=world.user("dongda"), agreement=draft, reason="Lý do")
    adopted = adopt(world, draft)
    with pytest.raises(DomainError) as excinfo:
        services.agreement_amend(actor=world.user("dongda"), agreement=adopted, reason="  ")
    assert "reason" in field_errors(excinfo)
    assert Agreement.objects.filter(cluster_year=world.cluster_year).count() == 1


# --- the signing conference ----------------------------------------------------------------


def test_the_conference_is_recorded_with_hosts_and_guests(world, draft):
    starts_at = timezone.make_aware(datetime.datetime(2020, 2, 5, 14, 0))
    conference, warnings = services.conference_save(
        actor=world.user("dongda"),
        agreement=draft,
        starts_at=starts_at,
        venue="Trụ sở Quận ủy – HĐND - UBND quận Đống Đa",
        hosts=[world.unit("dongda"), world.unit("hoankiem")],
        guests=[
            {"name": "Nguyễn Lan Hương", "title": "Chủ tịch", "organisation": "MTTQ Hà Nội"},
            {"name": "", "title": "", "organisation": ""},
            {"name": "Hà Minh Hải", "title": "Bí thư Quận ủy Đống Đa", "organisation": ""},
        ],
    )
    assert warnings == []
    assert set(conference.hosts.all()) == {world.unit("dongda"), world.unit("hoankiem")}
    assert [g.name for g in conference.guests.all()] == ["Nguyễn Lan Hương", "Hà Minh Hải"]
    conference, _warnings = services.conference_save(
        actor=world.user("dongda"),
        agreement=draft,
        starts_at=starts_at,
        venue="Hội trường",
        hosts=[world.unit("dongda")],
        guests=[{"name": "Khách mời", "title": "", "organisation": ""}],
    )
    assert Conference.objects.count() == 1
    assert conference.version == 2
    assert [g.name for g in conference.guests.all()] == ["Khách mời"]
    assert AuditEntry.objects.for_object(draft).filter(action="conference.save").count() == 2


def test_a_conference_before_its_plan_is_saved_with_a_warning(world, draft):
    with translation.override("en"):
        conference, warnings = services.conference_save(
            actor=world.user("dongda"),
            agreement=draft,
            starts_at=timezone.make_aware(datetime.datetime(2020, 1, 5, 14, 0)),
            venue="Trụ sở",
            hosts=[],
        )
    assert len(warnings) == 1
    assert "predates the plan" in warnings[0] and "37/KH-MTTQ-BTT" in warnings[0]
    assert conference.predates_plan


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"venue": "  "}, "venue"),
        ({"starts_at": None}, "starts_at"),
        ({"guests": [{"name": "", "title": "Phó Chủ tịch"}]}, "guests"),
        ({"hosts": "outsider"}, "hosts"),
    ],
)
def test_a_bad_conference_record_is_refused_on_the_field(world, draft, kwargs, field):
    data = {
        "starts_at": timezone.make_aware(datetime.datetime(2020, 2, 5, 14, 0)),
        "venue": "Trụ sở",
        "hosts": [world.unit("dongda")],
    }
    data.update(kwargs)
    if data["hosts"] == "outsider":
        data["hosts"] = [world.other_cluster_year.memberships.first().unit]
    with pytest.raises(DomainError) as excinfo:
        services.conference_save(actor=world.user("dongda"), agreement=draft, **data)
    assert field in field_errors(excinfo)
    assert not Conference.objects.exists()


def test_every_service_leaves_an_audit_entry(world, draft):
    actions = set(AuditEntry.objects.for_object(draft).values_list("action", flat=True))
    assert {"agreement.create", "section.add", "criterion.add"} <= actions
    adopt(world, draft)
    actions = set(AuditEntry.objects.for_object(draft).values_list("action", flat=True))
    assert {"agreement.circulate", "agreement.adopt"} <= actions


def test_revisions_belong_to_their_agreement(world, draft):
    assert Revision.objects.exclude(agreement=draft).count() == 0
