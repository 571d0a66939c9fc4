"""Pages of the prepared files: ask for one, follow its progress, download it.

`prepare_view(key)` is the view of every URL that offers a document or an export: GET shows
what will be prepared (and the last copy still kept), POST queues it. With htmx the POST
answers with the progress panel, which asks for itself every second until the file is ready.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.prepared.kinds import kind_for
from core.prepared.selectors import get_job, latest_ready
from core.prepared.services import prepare
from core.uploads import attachment_response

PANEL = "includes/prepared_file.html"


def prepare_view(key):
    @require_http_methods(["GET", "POST"])
    @login_required
    def view(request, **params):
        kind = kind_for(key)
        if request.method == "POST":
            job = prepare(actor=request.user, kind=kind, params=params)
            if request.htmx:
                return render(request, PANEL, {"job": job})
            return redirect("prepared_file", pk=job.pk)
        obj = kind.target(request.user, **params)
        return render(
            request,
            "prepared/prepare.html",
            {
                "title": kind.title(obj, **params),
                "prepare_url": request.path,
                "latest": latest_ready(request.user, kind, params),
            },
        )

    view.prepared_kind = key
    return view


@require_GET
@login_required
def job_detail(request, pk):
    job = get_job(request.user, pk)
    if request.htmx:
        return render(request, PANEL, {"job": job})
    kind = kind_for(job.kind)
    return render(
        request,
        "prepared/detail.html",
        {
            "job": job,
            "prepare_url": kind.prepare_url(job.params),
            "job_hours": settings.PREPARED_FILE_HOURS,
        },
    )


@require_GET
@login_required
def job_download(request, pk):
    job = get_job(request.user, pk)
    if job.status != job.Status.READY or not job.file:
        return redirect("prepared_file", pk=job.pk)
    kind_for(job.kind).target(request.user, **job.params)  # still allowed to read it?
    response = attachment_response(job.file, job.filename)
    response["Cache-Control"] = "private, no-store"
    return response
