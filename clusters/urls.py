from django.urls import path

from clusters import views

app_name = "clusters"

urlpatterns = [
    path("cluster-years/", views.cluster_year_list, name="cluster_year_list"),
    path("cluster-years/new/", views.cluster_year_create, name="cluster_year_create"),
    path(
        "cluster-years/rollover/",
        views.cluster_year_rollover_all,
        name="cluster_year_rollover_all",
    ),
    path("cluster-years/<int:pk>/", views.cluster_year_detail, name="cluster_year"),
    path("cluster-years/<int:pk>/edit/", views.cluster_year_edit, name="cluster_year_edit"),
    path("cluster-years/<int:pk>/start/", views.cluster_year_start, name="cluster_year_start"),
    path(
        "cluster-years/<int:pk>/signing-mode/",
        views.cluster_year_signing_mode,
        name="cluster_year_signing_mode",
    ),
    path(
        "cluster-years/<int:pk>/delegate/",
        views.cluster_year_delegate,
        name="cluster_year_delegate",
    ),
    path(
        "cluster-years/<int:pk>/rollover/",
        views.cluster_year_rollover,
        name="cluster_year_rollover",
    ),
    path("cluster-years/<int:pk>/members/add/", views.membership_add, name="membership_add"),
    path(
        "cluster-years/<int:pk>/members/<int:membership_pk>/edit/",
        views.membership_edit,
        name="membership_edit",
    ),
    path(
        "cluster-years/<int:pk>/members/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("clusters/new/", views.cluster_create, name="cluster_create"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster"),
    path("clusters/<int:pk>/edit/", views.cluster_edit, name="cluster_edit"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/file/", views.plan_file, name="plan_file"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/successions/new/", views.succession_create, name="succession_create"),
    path("units/<int:pk>/positions/new/", views.position_create, name="position_create"),
    path("positions/<int:pk>/edit/", views.position_edit, name="position_edit"),
    path("positions/<int:pk>/confirm/", views.position_confirm, name="position_confirm"),
    path("positions/<int:pk>/refuse/", views.position_refuse, name="position_refuse"),
    path("persons/<int:pk>/", views.person_detail, name="person"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("search/", views.search, name="search"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import_preview"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path(
        "import/template/<slug:kind>.<str:fmt>",
        views.import_template,
        name="import_template",
    ),
]
