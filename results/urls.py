from django.urls import path

from core.prepared.views import prepare_view
from results.views import comparison, periods, practices, sheets

app_name = "results"

urlpatterns = [
    # A cluster year's reviews
    path(
        "cluster-years/<int:pk>/results/", periods.cluster_year_results, name="cluster_year_results"
    ),
    path("cluster-years/<int:pk>/results/open/", periods.period_open, name="period_open"),
    # The results page of a review, its settings, peers, lock and exports
    path("results/<int:pk>/", periods.period_detail, name="period"),
    path("results/<int:pk>/settings/", periods.period_update, name="period_update"),
    path("results/<int:pk>/peers/", periods.period_peers, name="period_peers"),
    path("results/<int:pk>/lock/", periods.period_lock, name="period_lock"),
    path("results/<int:pk>/my-sheet/", periods.my_sheet, name="my_sheet"),
    path(
        "results/<int:pk>/score-table-xlsx/",
        prepare_view("results.score_table_xlsx"),
        name="score_table_xlsx",
    ),
    path(
        "results/<int:pk>/score-table-pdf/",
        prepare_view("results.score_table_pdf"),
        name="score_table_pdf",
    ),
    path(
        "results/<int:pk>/score-table-docx/",
        prepare_view("results.score_table_docx"),
        name="score_table_docx",
    ),
    # A self-assessment sheet
    path("sheets/<int:pk>/", sheets.assessment_detail, name="assessment"),
    path("sheets/<int:pk>/save/", sheets.assessment_save, name="assessment_save"),
    path("sheets/<int:pk>/submit/", sheets.assessment_submit, name="assessment_submit"),
    path("sheets/<int:pk>/template.xlsx", sheets.assessment_template, name="assessment_template"),
    path("sheets/<int:pk>/import/", sheets.assessment_import, name="assessment_import"),
    path("sheets/<int:pk>/accept/", sheets.assessment_accept, name="assessment_accept"),
    path("sheets/<int:pk>/return/", sheets.assessment_return, name="assessment_return"),
    path("sheets/<int:pk>/reopen/", sheets.assessment_reopen, name="assessment_reopen"),
    path("scores/<int:pk>/evidence/", sheets.evidence_upload, name="evidence_upload"),
    path("scores/<int:pk>/adjust/", sheets.score_adjust, name="score_adjust"),
    path("evidence/<int:pk>/", sheets.evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", sheets.evidence_remove, name="evidence_remove"),
    # The parent body: comparison between clusters, rules
    path("parents/<int:pk>/comparison/", comparison.comparison, name="comparison"),
    path(
        "parents/<int:pk>/comparison/<int:year>/<slug:kind>/xlsx/",
        prepare_view("results.comparison_xlsx"),
        name="comparison_xlsx",
    ),
    path("parents/<int:pk>/result-rules/<int:year>/", comparison.rules_edit, name="rules"),
    # Good practices
    path("practices/", practices.practice_list, name="practices"),
    path("cluster-years/<int:pk>/practices/new/", practices.practice_new, name="practice_new"),
    path("practices/<int:pk>/", practices.practice_detail, name="practice"),
    path("practices/<int:pk>/edit/", practices.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/publish/", practices.practice_publish, name="practice_publish"),
    path("practices/<int:pk>/feature/", practices.practice_feature, name="practice_feature"),
    path("practices/<int:pk>/files/", practices.practice_file_upload, name="practice_file_upload"),
    path("practice-files/<int:pk>/", practices.practice_file_download, name="practice_file"),
    path(
        "practice-files/<int:pk>/remove/",
        practices.practice_file_remove,
        name="practice_file_remove",
    ),
]
