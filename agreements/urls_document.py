from django.urls import path

from agreements import document_views
from core.prepared_views import prepare_view

urlpatterns = [
    path(
        "agreements/<int:pk>/document-pdf/",
        prepare_view("agreements.document"),
        name="document_pdf",
    ),
    path("agreements/<int:pk>/print/", document_views.agreement_print, name="document_print"),
]
