"""Django admin: frozen agreements are read-only; draft edits go through the services."""

import pytest
from django.urls import reverse

from agreements.models import Agreement, Criterion, Revision
from core.models import AuditEntry
from tests.agreements.helpers import adopt, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(world, client_for):
    return client_for(world.admin)


@pytest.mark.parametrize(
    "model",
    ["agreement", "section", "criterion", "comment", "revision", "conference", "guest"],
)
def test_every_agreement_model_has_a_list(world, admin_client_, model):
    adopt(world, make_draft(world))
    response = admin_client_.get(reverse(f"admin:agreements_{model}_changelist"))
    assert response.status_code == 200


def test_an_adopted_agreement_is_read_only_in_admin(world, admin_client_):
    adopted = adopt(world, make_draft(world))
    url = reverse("admin:agreements_agreement_change", args=[adopted.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = admin_client_.post(url, {"title": "Đã sửa", "place": "X"})
    assert response.status_code == 403
    adopted.refresh_from_db()
    assert adopted.title == "GIAO ƯỚC THI ĐUA NĂM 2020"
    criterion = Criterion.objects.filter(section__agreement=adopted).first()
    response = admin_client_.post(
        reverse("admin:agreements_criterion_change", args=[criterion.pk]), {"max_points": "99"}
    )
    assert response.status_code == 403
    criterion.refresh_from_db()
    assert criterion.max_points == 10


def test_nobody_adds_or_deletes_agreements_in_admin(world, admin_client_):
    draft = make_draft(world)
    assert admin_client_.get(reverse("admin:agreements_agreement_add")).status_code == 403
    delete = reverse("admin:agreements_agreement_delete", args=[draft.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert Agreement.objects.filter(pk=draft.pk).exists()


def test_a_draft_edited_in_admin_goes_through_the_service(world, admin_client_):
    draft = make_draft(world)
    revisions = draft.revisions.count()
    url = reverse("admin:agreements_agreement_change", args=[draft.pk])
    response = admin_client_.post(
        url,
        {
            "title": "GIAO ƯỚC THI ĐUA NĂM 2020",
            "place": "Hà Nội",
            "date": "",
            "legal_basis": draft.legal_basis,
            "closing": "Điều khoản thi hành.",
            "sections-TOTAL_FORMS": "2",
            "sections-INITIAL_FORMS": "2",
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "1000",
            "sections-0-id": str(draft.sections.get(order=1).pk),
            "sections-0-agreement": str(draft.pk),
            "sections-1-id": str(draft.sections.get(order=2).pk),
            "sections-1-agreement": str(draft.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert (draft.place, draft.closing, draft.version) == ("Hà Nội", "Điều khoản thi hành.", 2)
    assert draft.revisions.count() == revisions + 1
    entry = AuditEntry.objects.for_object(draft).filter(action="agreement.update").get()
    assert entry.actor == world.admin


def test_revisions_and_comments_are_read_only(world, admin_client_):
    draft = make_draft(world)
    revision = Revision.objects.filter(agreement=draft).first()
    url = reverse("admin:agreements_revision_change", args=[revision.pk])
    assert admin_client_.post(url, {"summary": "x"}).status_code == 403
    assert admin_client_.get(reverse("admin:agreements_revision_add")).status_code == 403


def test_the_criteria_list_tells_agreements_and_years_apart(world, admin_client_):
    adopted = adopt(world, make_draft(world))
    url = reverse("admin:agreements_criterion_changelist")
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert "column-year" in page.text and "column-agreement" in page.text
    assert "Đã thông qua" in page.text or adopted.get_status_display() in page.text
    assert world.cluster.name in page.text
    criteria = Criterion.objects.filter(section__agreement=adopted).count()
    assert page.context["cl"].result_count == criteria
    assert admin_client_.get(url, {"year": "2020"}).context["cl"].result_count == criteria
    assert admin_client_.get(url, {"year": "2019"}).context["cl"].result_count == 0
    filtered = admin_client_.get(url, {"section__agreement__status__exact": adopted.status})
    assert filtered.context["cl"].result_count == criteria


def test_the_members_at_adoption_show_as_a_table(world, admin_client_):
    adopted = adopt(world, make_draft(world))
    page = admin_client_.get(reverse("admin:agreements_agreement_change", args=[adopted.pk]))
    assert page.status_code == 200
    assert 'class="members-at-adoption"' in page.text
    assert "Cụm trưởng" in page.text and "Đỗ Trọng Nam" in page.text
    assert "unit_id" not in page.text and "signature_block" not in page.text
