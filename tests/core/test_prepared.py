"""Prepared files (core.prepared): documents and exports produced by a django.tasks task.

The agreement's document is the kind used here (agreements/prepared_files.py); the award and
result kinds are exercised by their apps' view tests through tests/prepared_support.py.
"""

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from agreements.prepared_files import DOCUMENT
from core.models import PreparedFile
from core.prepared import kinds, services, tasks
from tests.agreements.helpers import make_draft
from tests.perf.test_background import DATABASE_TASKS, _db_worker_batch

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
POLLING = 'hx-trigger="every 1s"'
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def draft(world):
    return make_draft(world)


def prepare_url(agreement):
    return reverse("agreements:document_pdf", args=[agreement.pk])


def file_url(job, download=False):
    return reverse("prepared_file_download" if download else "prepared_file", args=[job.pk])


def body(response):
    data = b"".join(response.streaming_content)  # read to the end: the test client closes it
    return data


# --- the service ---------------------------------------------------------------------------


def test_a_prepared_document_is_the_rendered_pdf_stored_for_its_requester(world, draft):
    with translation.override("vi"):  # the title is in the language of the request
        job = services.prepare(actor=world.user("xem"), kind=DOCUMENT, params={"pk": draft.pk})
    assert job.status == PreparedFile.Status.READY  # the immediate backend of the tests
    assert job.requested_by == world.user("xem")
    assert job.filename == f"giao-uoc-2020-{draft.pk}-du-thao.pdf"
    assert job.title == f"Văn bản {draft.title} (PDF)"
    with job.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and job.size == len(data) > 10_000
    assert job.started_at <= job.finished_at


def test_asking_again_while_it_waits_returns_the_same_job(world, draft, settings):
    settings.TASKS = DUMMY_TASKS  # nothing runs the task: the job stays queued
    first = services.prepare(actor=world.user("xem"), kind=DOCUMENT, params={"pk": draft.pk})
    again = services.prepare(actor=world.user("xem"), kind=DOCUMENT, params={"pk": draft.pk})
    other = services.prepare(actor=world.user("bantt"), kind=DOCUMENT, params={"pk": draft.pk})
    assert first.status == PreparedFile.Status.QUEUED
    assert again.pk == first.pk and other.pk != first.pk
    assert PreparedFile.objects.count() == 2
    assert tasks.run(first.pk) == PreparedFile.Status.READY
    assert tasks.run(first.pk) == "skipped"  # a task delivered twice does the work once


def test_an_outsider_cannot_have_it_prepared(world, draft):
    from django.http import Http404

    with pytest.raises(Http404):
        services.prepare(actor=world.user("ngoai"), kind=DOCUMENT, params={"pk": draft.pk})
    assert not PreparedFile.objects.exists()


@pytest.fixture
def failing_kind(world):
    """A kind whose producer fails, as a rendering that breaks would (registered for the test)."""

    def produce(agreement, pk):
        raise RuntimeError("the renderer broke")

    kind = kinds.register(
        kinds.Kind(
            key="tests.failing",
            url_name="agreements:document_pdf",
            target=DOCUMENT.target,
            produce=produce,
            title=DOCUMENT.title,
        )
    )
    yield kind
    kinds._kinds.pop(kind.key)


def test_a_failure_is_recorded_logged_and_can_be_retried(
    world, draft, failing_kind, client_for, caplog
):
    with caplog.at_level(logging.ERROR, logger="core.prepared.tasks"):
        job = services.prepare(actor=world.user("xem"), kind=failing_kind, params={"pk": draft.pk})
    assert job.status == PreparedFile.Status.FAILED
    assert "RuntimeError: the renderer broke" in job.error and not job.file
    assert "tests.failing" in caplog.text
    panel = client_for(world.user("xem")).get(file_url(job), headers=HTMX).content.decode()
    assert "Thử lại" in panel and POLLING not in panel
    assert f'action="{prepare_url(draft)}"' in panel  # the retry asks again
    assert "RuntimeError" not in panel  # the details are for the log, not the reader


def test_old_files_are_pruned_with_their_stored_file(world, draft):
    old = services.prepare(actor=world.user("xem"), kind=DOCUMENT, params={"pk": draft.pk})
    storage, name = old.file.storage, old.file.name
    PreparedFile.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    fresh = services.prepare(actor=world.user("xem"), kind=DOCUMENT, params={"pk": draft.pk})
    assert list(PreparedFile.objects.all()) == [fresh]  # finishing a job prunes the old ones
    assert not storage.exists(name) and fresh.file.storage.exists(fresh.file.name)


# --- the pages -----------------------------------------------------------------------------


def test_the_htmx_request_answers_with_the_panel_and_its_download(world, draft, client_for):
    client = client_for(world.user("canbo.badinh"))
    response = client.post(prepare_url(draft), headers=HTMX)
    job = PreparedFile.objects.get()
    html = response.content.decode()
    assert response.status_code == 200 and f'id="prepared-file-{job.pk}"' in html
    assert "đã sẵn sàng" in html and file_url(job, download=True) in html
    assert POLLING not in html  # finished: the panel no longer asks for itself
    download = client.get(file_url(job, download=True))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store"
    assert body(download).startswith(b"%PDF-")


def test_without_htmx_the_browser_goes_to_the_files_page(world, draft, client_for):
    client = client_for(world.user("canbo.badinh"))
    response = client.post(prepare_url(draft))
    job = PreparedFile.objects.get()
    assert response.status_code == 302 and response["Location"] == file_url(job)
    page = client.get(file_url(job))
    assert page.status_code == 200 and file_url(job, download=True) in page.text
    assert "Chuẩn bị bản mới" in page.text and "được giữ trong 24 giờ" in page.text


def test_while_it_waits_the_panel_polls_and_shows_no_link(world, draft, client_for, settings):
    settings.TASKS = DUMMY_TASKS
    client = client_for(world.user("canbo.badinh"))
    html = client.post(prepare_url(draft), headers=HTMX).content.decode()
    job = PreparedFile.objects.get()
    assert POLLING in html and f'hx-get="{file_url(job)}"' in html
    assert "đang chờ" in html and file_url(job, download=True) not in html
    full = client.get(file_url(job))
    assert POLLING in full.text and "<html" in full.text
    # Download before it is ready: back to the file's page, nothing half-made is served.
    early = client.get(file_url(job, download=True))
    assert early.status_code == 302 and early["Location"] == file_url(job)
    tasks.run(job.pk)
    done = client.get(file_url(job), headers=HTMX).content.decode()
    assert POLLING not in done and file_url(job, download=True) in done


def test_the_prepare_page_offers_the_button_and_the_last_copy(world, draft, client_for):
    client = client_for(world.user("xem"))
    first = client.get(prepare_url(draft))
    assert first.status_code == 200 and "Chuẩn bị tệp" in first.text
    assert not PreparedFile.objects.exists()  # a GET prepares nothing
    job = services.prepare(actor=world.user("xem"), kind=DOCUMENT, params={"pk": draft.pk})
    again = client.get(prepare_url(draft))
    assert file_url(job, download=True) in again.text and job.filename in again.text


def test_nobody_else_sees_or_downloads_a_users_file(world, draft, client_for):
    job = services.prepare(actor=world.user("xem"), kind=DOCUMENT, params={"pk": draft.pk})
    for username in ("bantt", "canbo.badinh", "ngoai"):
        client = client_for(world.user(username))
        assert client.get(file_url(job)).status_code == 404
        assert client.get(file_url(job, download=True)).status_code == 404
        assert client.get(file_url(job), headers=HTMX).status_code == 404


def test_losing_access_before_the_download_refuses_it(world, draft, client_for):
    """The kind's access check runs again at the download (here: a file made for an outsider)."""
    job = services.prepare(actor=world.user("xem"), kind=DOCUMENT, params={"pk": draft.pk})
    PreparedFile.objects.filter(pk=job.pk).update(requested_by=world.user("ngoai"))
    client = client_for(world.user("ngoai"))
    assert client.get(file_url(job)).status_code == 200  # their own job's page
    assert client.get(file_url(job, download=True)).status_code == 404


def test_the_files_pages_read_a_fixed_number_of_queries(
    world, draft, client_for, django_assert_max_num_queries
):
    client = client_for(world.user("xem"))
    jobs = [
        services.prepare(actor=world.user("xem"), kind=DOCUMENT, params={"pk": draft.pk})
        for _ in range(3)
    ]
    client.get(file_url(jobs[0]))  # the session and the user's roles are loaded once
    for job in jobs:
        with django_assert_max_num_queries(3):
            assert client.get(file_url(job), headers=HTMX).status_code == 200


def test_the_page_offers_the_document_as_a_button_that_posts(world, draft, client_for):
    page = client_for(world.user("xem")).get(draft.get_absolute_url())
    url = prepare_url(draft)
    assert f'hx-post="{url}"' in page.text and 'hx-target="#prepared-files"' in page.text
    assert 'id="prepared-files"' in page.text


# --- the worker ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_prepares_the_queued_file(world, settings, client_for):
    settings.TASKS = DATABASE_TASKS
    from django_tasks_db.models import DBTaskResult

    draft = make_draft(world)
    client = client_for(world.user("canbo.badinh"))
    html = client.post(prepare_url(draft), headers=HTMX).content.decode()
    job = PreparedFile.objects.get()
    assert job.status == PreparedFile.Status.QUEUED and POLLING in html
    assert DBTaskResult.objects.filter(task_path="core.prepared.tasks.prepare_file").count() == 1

    worker = _db_worker_batch()
    assert worker.returncode == 0, worker.stderr[-2000:]

    job.refresh_from_db()
    assert job.status == PreparedFile.Status.READY, job.error
    panel = client.get(file_url(job), headers=HTMX).content.decode()
    assert POLLING not in panel and file_url(job, download=True) in panel
    assert body(client.get(file_url(job, download=True))).startswith(b"%PDF-")
