"""The agreement's document: its download name and the HTML print view (same template as the PDF,
which is prepared in the background: agreements/prepared_files.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements import access, document


@require_GET
@login_required
def agreement_print(request, pk):
    agreement = access.get_agreement(request.user, pk)
    context = {**document.agreement_document_context(agreement), "for_screen": True}
    return render(request, document.TEMPLATE, context)
