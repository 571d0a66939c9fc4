"""The document's download and print view, through the agreement's access rules."""

import re

import pytest
from django.urls import reverse

from core.models import PreparedFile
from tests.agreements.helpers import adopt, make_draft
from tests.prepared_support import download

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return make_draft(world)


def test_a_member_downloads_the_pdf_as_an_attachment(world, draft, client_for):
    response = download(
        client_for(world.user("canbo.badinh")), reverse("agreements:document_pdf", args=[draft.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"giao-uoc-2020-{draft.pk}-du-thao.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")


def test_the_adopted_pdf_is_named_without_the_draft_suffix(world, draft, client_for):
    adopt(world, draft)
    response = download(
        client_for(world.user("xem")), reverse("agreements:document_pdf", args=[draft.pk])
    )
    assert response.status_code == 200
    assert f"giao-uoc-2020-{draft.pk}.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["agreements:document_pdf", "agreements:document_print"])
def test_an_outsider_gets_404(world, draft, client_for, name):
    response = client_for(world.user("ngoai")).get(reverse(name, args=[draft.pk]))
    assert response.status_code == 404


def test_an_outsider_cannot_have_the_pdf_prepared(world, draft, client_for):
    response = client_for(world.user("ngoai")).post(
        reverse("agreements:document_pdf", args=[draft.pk])
    )
    assert response.status_code == 404
    assert not PreparedFile.objects.exists()


@pytest.mark.parametrize("name", ["agreements:document_pdf", "agreements:document_print"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, draft, name):
    response = client.get(reverse(name, args=[draft.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_print_view_is_read_only_get(world, draft, client_for):
    response = client_for(world.user("dongda")).post(
        reverse("agreements:document_print", args=[draft.pk])
    )
    assert response.status_code == 405


def test_the_print_view_is_the_same_document_and_passes_the_csp(world, draft, client_for):
    response = client_for(world.user("xem")).get(
        reverse("agreements:document_print", args=[draft.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "GIAO ƯỚC THI ĐUA NĂM 2020" in html
    assert "DỰ THẢO" in html
    assert "Nhiệm vụ chính trị" in html
    csp = response["Content-Security-Policy"]
    nonces = re.findall(r"<style nonce=\"([^\"]+)\"", html)
    assert len(nonces) == 1 and f"'nonce-{nonces[0]}'" in csp
    assert "<style>" not in html and " style=" not in html and "<script" not in html
