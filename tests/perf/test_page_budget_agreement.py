"""The agreement page and its signing page: at most 12 queries, the same at both sizes, for the
parent body's staff and for the chair of the cluster head, on the sealed agreement of the
benchmark and on an agreement still open for signing (simple and mixed signing).

And the cache of an adopted agreement's rendered content (agreements/views/page.py
`frozen_content`): one block per agreement and language, with nothing of the viewer in it.
"""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.utils import timezone, translation

from agreements.models import Agreement, Section
from agreements.signing.models import Decline, Seal, Signature
from agreements.views.page import CONTENT_CACHE, content_cache_key
from clusters.models import ClusterYear, Position
from tests.perf.support import measure, pages_of

pytestmark = pytest.mark.django_db

BUDGET = 12
PAGES = ("agreement", "signing")


def _agreement(pages):
    return Agreement.objects.select_related("cluster_year").get(
        pk=int(pages.urls["agreement"].strip("/").split("/")[-1])
    )


def _chair_of_head(agreement):
    """The user of the cluster head's chair (a signatory of the agreement)."""
    position = Position.objects.current().get(
        unit=agreement.cluster_year.head, title=Position.Title.CHAIR
    )
    return get_user_model().objects.get(pk=position.person.user_id)


def _open_for_signing(agreement, mode):
    """The sealed agreement back in its signing: no seal, two members signed (not the head),
    one refusal; signed simply (`mode` simple) or in mixed mode."""
    ClusterYear.objects.filter(pk=agreement.cluster_year_id).update(signing_mode=mode)
    Seal.objects.filter(agreement=agreement).delete()
    head = agreement.cluster_year.head
    keep = list(
        Signature.objects.filter(agreement=agreement)
        .exclude(unit=head)
        .order_by("pk")
        .values_list("pk", flat=True)[:2]
    )
    Signature.objects.filter(agreement=agreement).exclude(pk__in=keep).delete()
    refusing = (
        agreement.cluster_year.memberships.exclude(unit=head)
        .exclude(unit__signatures__agreement=agreement)
        .order_by("order")
        .first()
        .unit
    )
    Decline.objects.create(
        agreement=agreement,
        unit=refusing,
        user=_chair_of_head(agreement),
        signer_name="Người từ chối",
        reason="Chưa đồng ý mục 2.",
        at=timezone.now() - datetime.timedelta(hours=1),
    )
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNING)


def _counts(client, pages, who):
    """{page: queries} for `who` ("staff" or "chair") on the pages of one dataset."""
    user = pages.staff if who == "staff" else _chair_of_head(_agreement(pages))
    client.force_login(user)
    counts = {}
    for name in PAGES:
        status, queries, _html = measure(client, pages.urls[name])
        assert status == 200, (name, who)
        counts[name] = queries
    return counts


def _assert_budget(client, small_pages, big_pages):
    for who in ("staff", "chair"):
        small_counts = _counts(client, small_pages, who)
        big_counts = _counts(client, big_pages, who)
        for name in PAGES:
            assert small_counts[name] <= BUDGET, (who, name, small_counts)
            assert small_counts[name] == big_counts[name], (who, name, small_counts, big_counts)


def test_the_sealed_agreement_and_its_signing_page_stay_within_budget(client, small, big):
    _assert_budget(client, pages_of("small"), pages_of("big"))


@pytest.mark.parametrize("mode", [ClusterYear.SigningMode.SIMPLE, ClusterYear.SigningMode.MIXED])
def test_an_agreement_open_for_signing_stays_within_budget(client, small, big, mode):
    small_pages, big_pages = pages_of("small"), pages_of("big")
    for pages in (small_pages, big_pages):
        _open_for_signing(_agreement(pages), mode)
    _assert_budget(client, small_pages, big_pages)
    # The chair of the (unsigned) head sees the button to sign, and the refusal.
    client.force_login(_chair_of_head(_agreement(big_pages)))
    html = client.get(big_pages.urls["signing"]).content.decode()
    assert f'href="/agreements/{_agreement(big_pages).pk}/sign/"' in html
    assert "Chưa đồng ý mục 2." in html


# --- the cache of an adopted agreement's content -------------------------------------------


def _block(agreement, language):
    with translation.override(language):
        return caches[CONTENT_CACHE].get(content_cache_key(agreement))


def test_the_content_block_is_per_language_and_holds_nothing_of_the_viewer(client, small):
    pages = pages_of("small")
    agreement = _agreement(pages)
    caches[CONTENT_CACHE].clear()
    client.force_login(pages.staff)
    vi = client.get(pages.urls["agreement"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(pages.urls["agreement"])
    block_vi, block_en = _block(agreement, "vi"), _block(agreement, "en")
    assert block_vi and block_en and block_vi != block_en
    assert 'aria-label="Các nội dung"' in block_vi and 'aria-label="Content sections"' in block_en
    assert block_vi in vi.content.decode() and block_en in en.content.decode()
    assert 'aria-label="Content sections"' in en.content.decode()
    assert 'aria-label="Các nội dung"' not in en.content.decode()
    for block in (block_vi, block_en):
        for viewer_specific in ("csrfmiddlewaretoken", "nonce", "signing-status", "/sign/"):
            assert viewer_specific not in block
        assert f'id="section-{agreement.sections.order_by("pk").first().pk}"' in block
    # The chair gets the same block, and the page around it is theirs (their signing panel).
    client.force_login(_chair_of_head(agreement))
    chair_page = client.get(pages.urls["agreement"]).content.decode()
    assert block_en in chair_page and 'id="signing-status"' in chair_page


def test_two_agreements_never_share_a_block_even_with_the_same_content(client, small):
    pages = pages_of("small")
    first = _agreement(pages)
    parent = first.cluster_year.cluster.parent
    other = (
        Agreement.objects.filter(
            status=Agreement.Status.SEALED, cluster_year__cluster__parent=parent
        )
        .exclude(pk=first.pk)
        .order_by("pk")
        .first()
    )
    # The same content, as far as its hash says.
    Agreement.objects.filter(pk=other.pk).update(content_hash=first.content_hash)
    client.force_login(pages.staff)
    first_html = client.get(first.get_absolute_url()).content.decode()
    other_html = client.get(other.get_absolute_url()).content.decode()
    for agreement, html, stranger in ((first, first_html, other), (other, other_html, first)):
        mine = Section.objects.filter(agreement=agreement).order_by("order").first()
        theirs = Section.objects.filter(agreement=stranger).order_by("order").first()
        assert f'id="section-{mine.pk}"' in html
        assert f'id="section-{theirs.pk}"' not in html


def test_a_draft_is_never_cached(client, small):
    pages = pages_of("small")
    agreement = _agreement(pages)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.DRAFT)
    caches[CONTENT_CACHE].clear()
    client.force_login(pages.staff)
    assert client.get(pages.urls["agreement"]).status_code == 200
    assert _block(agreement, "vi") is None
