"""The signing conference: the lost-update guard and the optional scan of the minutes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, Conference
from core.errors import ConflictError, DomainError
from core.models import AuditEntry
from tests.agreements.test_views import add_criterion, url

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def pdf(name="Biên bản hội nghị.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_named_pdf():
    return SimpleUploadedFile("bien-ban.pdf", PNG_BYTES, content_type="application/pdf")


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def head(world):
    return world.user("canbo.dongda")


@pytest.fixture
def agreement(world, head):
    agreement = services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    section = services.section_add(actor=head, agreement=agreement, heading="", text="Thi đua")
    add_criterion(head, section)
    return services.agreement_circulate(actor=head, agreement=agreement)


def save(head, agreement, **overrides):
    kwargs = {
        "actor": head,
        "agreement": agreement,
        "starts_at": timezone.make_aware(datetime.datetime(2020, 2, 5, 14, 0)),
        "venue": "Trụ sở Quận ủy Đống Đa",
        "hosts": [],
        "minutes": "Hội nghị nhất trí thông qua.",
    }
    kwargs.update(overrides)
    return services.conference_save(**kwargs)[0]


def post_data(world, **overrides):
    data = {
        "starts_at": "2020-02-05T14:00",
        "venue": "Trụ sở Quận ủy Đống Đa",
        "hosts": [world.unit("dongda").pk],
        "minutes": "Hội nghị nhất trí thông qua.",
        "guests-TOTAL_FORMS": "1",
        "guests-INITIAL_FORMS": "0",
        "guests-MIN_NUM_FORMS": "0",
        "guests-MAX_NUM_FORMS": "50",
        "guests-0-name": "Nguyễn Lan Hương",
        "guests-0-title": "",
        "guests-0-organisation": "",
    }
    data.update(overrides)
    return data


# --- the service ---------------------------------------------------------------------------


class TestVersionGuard:
    def test_a_stale_version_is_a_conflict_and_the_first_save_stays(self, head, agreement):
        first = save(head, agreement)
        assert first.version == 1
        save(head, agreement, venue="Hội trường A", expected_version=1)
        with pytest.raises(ConflictError) as caught:
            save(head, agreement, venue="Hội trường B", expected_version=1)
        assert "Hội trường A" in caught.value.current.values()
        conference = Conference.objects.get(agreement=agreement)
        assert (conference.venue, conference.version) == ("Hội trường A", 2)
        assert (
            AuditEntry.objects.for_object(agreement).filter(action="conference.save").count() == 2
        )

    def test_a_form_read_before_any_conference_conflicts_with_one_saved_since(
        self, head, agreement
    ):
        save(head, agreement, venue="Hội trường A", expected_version=0)
        with pytest.raises(ConflictError):
            save(head, agreement, venue="Hội trường B", expected_version=0)
        assert Conference.objects.get(agreement=agreement).venue == "Hội trường A"

    def test_the_current_version_saves_and_moves_on(self, head, agreement):
        save(head, agreement)
        conference = save(head, agreement, venue="Hội trường A", expected_version=1)
        assert conference.version == 2
        assert Conference.objects.get(pk=conference.pk).version == 2


class TestMinutesScan:
    def test_a_pdf_is_stored_under_a_generated_name(self, settings, head, agreement):
        conference = save(head, agreement, minutes_file=pdf())
        name = Conference.objects.get(pk=conference.pk).minutes_file.name
        assert name.startswith("conference-minutes/") and name.endswith(".pdf")
        assert "Biên" not in name
        assert (settings.MEDIA_ROOT / name).read_bytes() == PDF_BYTES
        entry = AuditEntry.objects.for_object(agreement).get(action="conference.save")
        assert entry.after["minutes_file"] == name

    def test_a_later_save_without_a_file_keeps_the_scan(self, head, agreement):
        first = save(head, agreement, minutes_file=pdf())
        name = Conference.objects.get(pk=first.pk).minutes_file.name
        save(head, agreement, venue="Hội trường A", expected_version=1)
        assert Conference.objects.get(pk=first.pk).minutes_file.name == name

    def test_a_new_scan_replaces_the_old_on_the_record(self, head, agreement):
        first = save(head, agreement, minutes_file=pdf())
        old = Conference.objects.get(pk=first.pk).minutes_file.name
        save(head, agreement, minutes_file=pdf("v2.pdf"), expected_version=1)
        conference = Conference.objects.get(pk=first.pk)
        assert conference.minutes_file.name not in ("", old)
        entry = AuditEntry.objects.for_object(agreement).filter(action="conference.save").first()
        assert (entry.before["minutes_file"], entry.after["minutes_file"]) == (
            old,
            conference.minutes_file.name,
        )

    def test_a_png_renamed_pdf_is_refused_on_the_field_and_nothing_is_saved(
        self, settings, head, agreement
    ):
        with pytest.raises(DomainError) as caught:
            save(head, agreement, minutes_file=png_named_pdf())
        assert "minutes_file" in caught.value.error_dict
        assert not Conference.objects.exists()
        assert stored_files(settings) == []
        assert not AuditEntry.objects.filter(action="conference.save").exists()

    def test_a_conflict_with_a_scan_stores_no_file(self, settings, head, agreement):
        save(head, agreement)
        save(head, agreement, venue="Hội trường A", expected_version=1)
        with pytest.raises(ConflictError):
            save(head, agreement, minutes_file=pdf(), expected_version=1)
        conference = Conference.objects.get(agreement=agreement)
        assert (conference.venue, conference.minutes_file.name) == ("Hội trường A", "")
        assert stored_files(settings) == []


# --- the page ------------------------------------------------------------------------------


class TestConferencePage:
    def test_the_form_carries_the_version_and_accepts_files(self, world, client_for, agreement):
        client = client_for(world.user("canbo.dongda"))
        page = client.get(url("conference", agreement.pk))
        assert page.context["form"]["version"].value() == 0
        assert 'enctype="multipart/form-data"' in page.text
        assert 'name="minutes_file"' in page.text
        client.post(url("conference", agreement.pk), post_data(world, version="0"))
        page = client.get(url("conference", agreement.pk))
        assert page.context["form"]["version"].value() == 1

    def test_a_stale_form_shows_the_conflict_and_keeps_the_input(
        self, world, client_for, head, agreement
    ):
        save(head, agreement, venue="Hội trường A")  # version 1
        client = client_for(head)
        response = client.post(
            url("conference", agreement.pk),
            post_data(world, version="1", venue="Hội trường của tôi"),
        )
        assert response.status_code == 302
        response = client.post(
            url("conference", agreement.pk),
            post_data(world, version="1", venue="Hội trường khác"),
        )
        assert response.status_code == 409
        assert response.context["conflict"] is not None
        assert "Hội trường của tôi" in response.text  # the other person's saved value
        assert 'value="Hội trường khác"' in response.text  # the user's input kept
        assert response.context["form"]["version"].value() == 2
        assert Conference.objects.get(agreement=agreement).venue == "Hội trường của tôi"
        # Saving again after reviewing the conflict goes through.
        response = client.post(
            url("conference", agreement.pk),
            post_data(world, version="2", venue="Hội trường khác"),
        )
        assert response.status_code == 302
        assert Conference.objects.get(agreement=agreement).venue == "Hội trường khác"

    def test_a_scan_is_stored_and_members_download_it(self, world, client_for, head, agreement):
        response = client_for(head).post(
            url("conference", agreement.pk),
            post_data(world, version="0", minutes_file=pdf()),
        )
        assert response.status_code == 302
        assert Conference.objects.get(agreement=agreement).minutes_file
        member = client_for(world.user("canbo.badinh"))
        download = member.get(url("conference_minutes_file", agreement.pk))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert download["Content-Type"] == "application/pdf"
        assert "attachment" in download["Content-Disposition"]
        assert f"bien-ban-hoi-nghi-{agreement.pk}.pdf" in download["Content-Disposition"]

    def test_the_outsider_gets_404_for_the_scan(self, world, client_for, head, agreement):
        save(head, agreement, minutes_file=pdf())
        response = client_for(world.user("ngoai")).get(url("conference_minutes_file", agreement.pk))
        assert response.status_code == 404

    def test_a_png_renamed_pdf_errs_on_the_field_and_nothing_is_saved(
        self, world, settings, client_for, head, agreement
    ):
        response = client_for(head).post(
            url("conference", agreement.pk),
            post_data(world, version="0", minutes_file=png_named_pdf()),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["minutes_file"]
        assert not Conference.objects.exists()
        assert stored_files(settings) == []

    def test_a_reader_cannot_upload(self, world, client_for, agreement):
        response = client_for(world.user("xem")).post(
            url("conference", agreement.pk), post_data(world, minutes_file=pdf())
        )
        assert response.status_code == 403
        assert not Conference.objects.exists()
