from django.urls import path

from awards import views
from core.prepared_views import prepare_view

app_name = "awards"

urlpatterns = [
    # A cluster year's reviews
    path(
        "cluster-years/<int:pk>/results/", views.cluster_year_results, name="cluster_year_results"
    ),
    path("cluster-years/<int:pk>/results/open/", views.period_open, name="period_open"),
    # The results page of a review, its settings, peers, lock and exports
    path("results/<int:pk>/", views.period_detail, name="period"),
    path("results/<int:pk>/settings/", views.period_update, name="period_update"),
    path("results/<int:pk>/peers/", views.period_peers, name="period_peers"),
    path("results/<int:pk>/lock/", views.period_lock, name="period_lock"),
    path("results/<int:pk>/my-sheet/", views.my_sheet, name="my_sheet"),
    path(
        "results/<int:pk>/score-table-xlsx/",
        prepare_view("awards.score_table_xlsx"),
        name="score_table_xlsx",
    ),
    path(
        "results/<int:pk>/score-table-pdf/",
        prepare_view("awards.score_table_pdf"),
        name="score_table_pdf",
    ),
    # A self-assessment sheet
    path("sheets/<int:pk>/", views.assessment_detail, name="assessment"),
    path("sheets/<int:pk>/save/", views.assessment_save, name="assessment_save"),
    path("sheets/<int:pk>/submit/", views.assessment_submit, name="assessment_submit"),
    path("sheets/<int:pk>/template.xlsx", views.assessment_template, name="assessment_template"),
    path("sheets/<int:pk>/import/", views.assessment_import, name="assessment_import"),
    path("sheets/<int:pk>/accept/", views.assessment_accept, name="assessment_accept"),
    path("sheets/<int:pk>/return/", views.assessment_return, name="assessment_return"),
    path("sheets/<int:pk>/reopen/", views.assessment_reopen, name="assessment_reopen"),
    path("scores/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("scores/<int:pk>/adjust/", views.score_adjust, name="score_adjust"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    # The parent body: comparison between clusters, rules
    path("parents/<int:pk>/comparison/", views.comparison, name="comparison"),
    path("parents/<int:pk>/result-rules/<int:year>/", views.rules_edit, name="rules"),
    # Good practices
    path("practices/", views.practice_list, name="practices"),
    path("cluster-years/<int:pk>/practices/new/", views.practice_new, name="practice_new"),
    path("practices/<int:pk>/", views.practice_detail, name="practice"),
    path("practices/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/publish/", views.practice_publish, name="practice_publish"),
    path("practices/<int:pk>/feature/", views.practice_feature, name="practice_feature"),
    path("practices/<int:pk>/files/", views.practice_file_upload, name="practice_file_upload"),
    path("practice-files/<int:pk>/", views.practice_file_download, name="practice_file"),
    path(
        "practice-files/<int:pk>/remove/", views.practice_file_remove, name="practice_file_remove"
    ),
]

from awards.urls_awards import urlpatterns as award_urlpatterns  # noqa: E402

urlpatterns += award_urlpatterns
