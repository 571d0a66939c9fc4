from django.urls import include, path

from agreements.views import adoption, consultation, documents, drafting, page
from core.prepared.views import prepare_view

app_name = "agreements"

urlpatterns = [
    # From the cluster-year page.
    path(
        "cluster-years/<int:cluster_year_pk>/agreements/",
        drafting.cluster_year_agreements,
        name="cluster_year_agreements",
    ),
    path(
        "cluster-years/<int:cluster_year_pk>/agreements/start/",
        drafting.agreement_start,
        name="start",
    ),
    # Parent staff's templates.
    path("agreement-templates/", drafting.template_list, name="templates"),
    path("agreement-templates/new/", drafting.template_start, name="template_start"),
    # One agreement (or template).
    path("agreements/<int:pk>/", page.agreement_detail, name="detail"),
    path("agreements/<int:pk>/parts/<str:part>/", page.agreement_part, name="part"),
    path(
        "agreements/<int:pk>/parts/<str:part>/edit/", drafting.agreement_part_edit, name="part_edit"
    ),
    path("agreements/<int:pk>/sections/add/", drafting.section_add, name="section_add"),
    path("sections/<int:pk>/", drafting.section_show, name="section_show"),
    path("sections/<int:pk>/edit/", drafting.section_edit, name="section_edit"),
    path("sections/<int:pk>/remove/", drafting.section_remove, name="section_remove"),
    path("sections/<int:pk>/move/", drafting.section_move, name="section_move"),
    path("sections/<int:pk>/criteria/add/", drafting.criterion_add, name="criterion_add"),
    path("criteria/<int:pk>/", drafting.criterion_show, name="criterion_show"),
    path("criteria/<int:pk>/edit/", drafting.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/remove/", drafting.criterion_remove, name="criterion_remove"),
    path("criteria/<int:pk>/move/", drafting.criterion_move, name="criterion_move"),
    # Consultation.
    path("agreements/<int:pk>/circulate/", consultation.agreement_circulate, name="circulate"),
    path("agreements/<int:pk>/comments/add/", consultation.comment_add, name="comment_add"),
    path("comments/<int:pk>/answer/", consultation.comment_answer, name="comment_answer"),
    path("comments/<int:pk>/resolve/", consultation.comment_resolve, name="comment_resolve"),
    # Revisions.
    path("agreements/<int:pk>/revisions/", consultation.revision_list, name="revisions"),
    path("agreements/<int:pk>/diff/", consultation.revision_diff, name="diff"),
    # Adoption, amendment, conference.
    path("agreements/<int:pk>/adopt/", adoption.agreement_adopt, name="adopt"),
    path("agreements/<int:pk>/amend/", adoption.agreement_amend, name="amend"),
    path("agreements/<int:pk>/conference/", adoption.conference_edit, name="conference"),
    path(
        "agreements/<int:pk>/conference/minutes/",
        adoption.conference_minutes_file,
        name="conference_minutes_file",
    ),
    # The document.
    path(
        "agreements/<int:pk>/document-pdf/",
        prepare_view("agreements.document"),
        name="document_pdf",
    ),
    path(
        "agreements/<int:pk>/document-docx/",
        prepare_view("agreements.document_docx"),
        name="document_docx",
    ),
    path("agreements/<int:pk>/print/", documents.agreement_print, name="document_print"),
    # Signing, the seal and its verification.
    path("", include("agreements.signing.urls")),
]
