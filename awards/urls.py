"""URLs of the vote, the proposal file, the decision, the catalogue and a unit's awards."""

from django.urls import path

from awards.views import catalogue, proposals, votes
from core.prepared.views import prepare_view

app_name = "awards"

urlpatterns = [
    # A cluster year's year-end meeting, its votes and minutes
    path("cluster-years/<int:pk>/awards/", votes.award_overview, name="award_overview"),
    path("cluster-years/<int:pk>/awards/meeting/", votes.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", votes.meeting_update, name="meeting_update"),
    path("meetings/<int:pk>/attendance/", votes.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/votes/new/", votes.session_create, name="vote_create"),
    path("meetings/<int:pk>/minutes/", votes.minutes_issue, name="minutes_issue"),
    path("meetings/<int:pk>/minutes-pdf/", prepare_view("awards.minutes"), name="minutes_pdf"),
    path(
        "meetings/<int:pk>/minutes-docx/", prepare_view("awards.minutes_docx"), name="minutes_docx"
    ),
    path("meetings/<int:pk>/rollover/", votes.election_rollover, name="election_rollover"),
    # One vote
    path("votes/<int:pk>/", votes.session_detail, name="vote"),
    path("votes/<int:pk>/settings/", votes.session_update, name="vote_update"),
    path("votes/<int:pk>/candidates/", votes.candidate_add, name="candidate_add"),
    path("candidates/<int:pk>/remove/", votes.candidate_remove, name="candidate_remove"),
    path("votes/<int:pk>/open/", votes.session_open, name="vote_open"),
    path("votes/<int:pk>/ballot/", votes.ballot, name="ballot"),
    path("votes/<int:pk>/close/", votes.vote_close, name="vote_close"),
    path("votes/<int:pk>/tally/", votes.vote_tally, name="vote_tally"),
    path("votes/<int:pk>/next-round/", votes.vote_next_round, name="vote_next_round"),
    path("votes/<int:pk>/finish/", votes.vote_finish, name="vote_finish"),
    path("votes/<int:pk>/decide/", votes.vote_decide, name="vote_decide"),
    # The proposal file
    path("cluster-years/<int:pk>/proposal/new/", proposals.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/items/", proposals.item_add, name="proposal_item_add"),
    path("proposals/<int:pk>/submit/", proposals.proposal_submit, name="proposal_submit"),
    path(
        "proposals/<int:pk>/whole-file/",
        prepare_view("awards.proposal_bundle"),
        name="proposal_bundle",
    ),
    path(
        "proposals/<int:pk>/submission-pdf/",
        prepare_view("awards.submission"),
        name="submission_pdf",
    ),
    path("proposals/<int:pk>/return/", proposals.proposal_return, name="proposal_return"),
    path("proposals/<int:pk>/accept/", proposals.proposal_accept, name="proposal_accept"),
    path(
        "proposals/<int:pk>/start-decision/",
        proposals.proposal_start_decision,
        name="proposal_start_decision",
    ),
    path("proposals/<int:pk>/decide/", proposals.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/decision.pdf", proposals.decision_scan, name="decision_scan"),
    path(
        "proposals/<int:pk>/submission-docx/",
        prepare_view("awards.submission_docx"),
        name="submission_docx",
    ),
    path(
        "proposals/<int:pk>/decision-docx/",
        prepare_view("awards.decision_docx"),
        name="decision_docx",
    ),
    path(
        "proposals/<int:pk>/decision-document/",
        prepare_view("awards.decision"),
        name="decision_pdf",
    ),
    path("proposals/<int:pk>/revoke/", proposals.proposal_revoke, name="proposal_revoke"),
    path(
        "proposal-documents/<int:pk>/pdf/",
        prepare_view("awards.proposal_document"),
        name="proposal_document",
    ),
    path("proposal-items/<int:pk>/", proposals.item_detail, name="proposal_item"),
    path("proposal-items/<int:pk>/edit/", proposals.item_update, name="proposal_item_update"),
    path("proposal-items/<int:pk>/report/", proposals.item_report, name="proposal_item_report"),
    path(
        "proposal-items/<int:pk>/report-pdf/",
        prepare_view("awards.report_pdf"),
        name="proposal_item_report_pdf",
    ),
    path(
        "proposal-items/<int:pk>/report-docx/",
        prepare_view("awards.report_docx"),
        name="proposal_item_report_docx",
    ),
    path(
        "proposal-items/<int:pk>/report-file/",
        proposals.item_report_file,
        name="proposal_item_file",
    ),
    path(
        "proposal-items/<int:pk>/report-file/download/",
        proposals.item_report_download,
        name="proposal_item_file_download",
    ),
    path("proposal-items/<int:pk>/remove/", proposals.item_remove, name="proposal_item_remove"),
    # The parent body: the year's awards by cluster, the catalogue and the vote rules
    path("parents/<int:pk>/awards/<int:year>/", catalogue.parent_awards, name="parent_awards"),
    path(
        "parents/<int:pk>/awards/<int:year>/deadline/",
        catalogue.proposal_deadline_all,
        name="proposal_deadline_all",
    ),
    path(
        "cluster-years/<int:pk>/proposal-deadline/",
        catalogue.proposal_deadline_one,
        name="proposal_deadline",
    ),
    path(
        "parents/<int:pk>/awards/<int:year>/xlsx/",
        prepare_view("awards.parent_awards_xlsx"),
        name="parent_awards_xlsx",
    ),
    path("parents/<int:pk>/award-catalogue/<int:year>/", catalogue.catalogue, name="catalogue"),
    path(
        "parents/<int:pk>/award-catalogue/<int:year>/add/",
        catalogue.award_type_add,
        name="award_type_add",
    ),
    path(
        "parents/<int:pk>/award-catalogue/<int:year>/vote-rules/",
        catalogue.vote_rules_save,
        name="vote_rules",
    ),
    path(
        "parents/<int:pk>/award-catalogue/<int:year>/copy/",
        catalogue.catalogue_copy,
        name="catalogue_copy",
    ),
    path("award-types/<int:pk>/edit/", catalogue.award_type_edit, name="award_type_edit"),
    path("award-types/<int:pk>/remove/", catalogue.award_type_remove, name="award_type_remove"),
    # A unit's awards across years
    path("units/<int:pk>/awards/", catalogue.unit_awards, name="unit_awards"),
]
