"""The agreement's document: PDF download and the HTML print view (same template)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from agreements import access, document


def download_name(agreement):
    if agreement.is_template:
        return f"mau-giao-uoc-{agreement.year}-{agreement.pk}.pdf"
    suffix = "" if agreement.is_frozen else "-du-thao"
    return f"giao-uoc-{agreement.year}-{agreement.pk}{suffix}.pdf"


@require_GET
@login_required
def agreement_pdf(request, pk):
    agreement = access.get_agreement(request.user, pk)
    response = HttpResponse(document.current_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, download_name(agreement))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def agreement_print(request, pk):
    agreement = access.get_agreement(request.user, pk)
    context = {**document.agreement_document_context(agreement), "for_screen": True}
    return render(request, document.TEMPLATE, context)
