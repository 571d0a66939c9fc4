from django.urls import path

from agreements import document_views

urlpatterns = [
    path("agreements/<int:pk>/document.pdf", document_views.agreement_pdf, name="document_pdf"),
    path("agreements/<int:pk>/print/", document_views.agreement_print, name="document_print"),
]
