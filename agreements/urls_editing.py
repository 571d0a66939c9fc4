from django.urls import path

from agreements import views

urlpatterns = [
    # From the cluster-year page.
    path(
        "cluster-years/<int:cluster_year_pk>/agreements/",
        views.cluster_year_agreements,
        name="cluster_year_agreements",
    ),
    path(
        "cluster-years/<int:cluster_year_pk>/agreements/start/",
        views.agreement_start,
        name="start",
    ),
    # Parent staff's templates.
    path("agreement-templates/", views.template_list, name="templates"),
    path("agreement-templates/new/", views.template_start, name="template_start"),
    # One agreement (or template).
    path("agreements/<int:pk>/", views.agreement_detail, name="detail"),
    path("agreements/<int:pk>/parts/<str:part>/", views.agreement_part, name="part"),
    path("agreements/<int:pk>/parts/<str:part>/edit/", views.agreement_part_edit, name="part_edit"),
    path("agreements/<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("sections/<int:pk>/", views.section_show, name="section_show"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/remove/", views.section_remove, name="section_remove"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/criteria/add/", views.criterion_add, name="criterion_add"),
    path("criteria/<int:pk>/", views.criterion_show, name="criterion_show"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/remove/", views.criterion_remove, name="criterion_remove"),
    path("criteria/<int:pk>/move/", views.criterion_move, name="criterion_move"),
    # Consultation.
    path("agreements/<int:pk>/circulate/", views.agreement_circulate, name="circulate"),
    path("agreements/<int:pk>/comments/add/", views.comment_add, name="comment_add"),
    path("comments/<int:pk>/answer/", views.comment_answer, name="comment_answer"),
    path("comments/<int:pk>/resolve/", views.comment_resolve, name="comment_resolve"),
    # Revisions.
    path("agreements/<int:pk>/revisions/", views.revision_list, name="revisions"),
    path("agreements/<int:pk>/diff/", views.revision_diff, name="diff"),
    # Adoption, amendment, conference.
    path("agreements/<int:pk>/adopt/", views.agreement_adopt, name="adopt"),
    path("agreements/<int:pk>/amend/", views.agreement_amend, name="amend"),
    path("agreements/<int:pk>/conference/", views.conference_edit, name="conference"),
    path(
        "agreements/<int:pk>/conference/minutes/",
        views.conference_minutes_file,
        name="conference_minutes_file",
    ),
]
