"""Asking for a prepared file as a browser without htmx does: POST, the file's page, download."""

from django.urls import resolve

from core.models import PreparedFile


class Downloaded:
    """The download response and its bytes (read to the end, which closes the file)."""

    def __init__(self, response):
        self.response = response
        self.status_code = response.status_code
        self.content = b"".join(response.streaming_content) if response.streaming else b""

    def __getitem__(self, header):
        return self.response[header]


def download(client, url):
    """Prepare the file at `url` (the immediate task backend makes it during the POST) and
    return what the download gave (`Downloaded`); the job must be ready."""
    response = client.post(url)
    assert response.status_code == 302, response.status_code
    match = resolve(response["Location"])
    assert match.url_name == "prepared_file", response["Location"]
    job = PreparedFile.objects.get(pk=match.kwargs["pk"])
    assert job.status == PreparedFile.Status.READY, (job.status, job.error)
    return Downloaded(client.get(f"{response['Location']}download/"))
