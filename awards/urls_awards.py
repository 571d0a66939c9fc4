"""URLs of the vote, the proposal file, the decision, the catalogue and a unit's awards."""

from django.urls import path

from awards import award_views as v
from core.prepared_views import prepare_view

urlpatterns = [
    # A cluster year's year-end meeting, its votes and minutes
    path("cluster-years/<int:pk>/awards/", v.award_overview, name="award_overview"),
    path("cluster-years/<int:pk>/awards/meeting/", v.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", v.meeting_update, name="meeting_update"),
    path("meetings/<int:pk>/attendance/", v.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/votes/new/", v.session_create, name="vote_create"),
    path("meetings/<int:pk>/minutes/", v.minutes_issue, name="minutes_issue"),
    path("meetings/<int:pk>/minutes-pdf/", prepare_view("awards.minutes"), name="minutes_pdf"),
    path("meetings/<int:pk>/rollover/", v.election_rollover, name="election_rollover"),
    # One vote
    path("votes/<int:pk>/", v.session_detail, name="vote"),
    path("votes/<int:pk>/settings/", v.session_update, name="vote_update"),
    path("votes/<int:pk>/candidates/", v.candidate_add, name="candidate_add"),
    path("candidates/<int:pk>/remove/", v.candidate_remove, name="candidate_remove"),
    path("votes/<int:pk>/open/", v.session_open, name="vote_open"),
    path("votes/<int:pk>/ballot/", v.ballot, name="ballot"),
    path("votes/<int:pk>/close/", v.vote_close, name="vote_close"),
    path("votes/<int:pk>/tally/", v.vote_tally, name="vote_tally"),
    path("votes/<int:pk>/next-round/", v.vote_next_round, name="vote_next_round"),
    path("votes/<int:pk>/finish/", v.vote_finish, name="vote_finish"),
    # The proposal file
    path("cluster-years/<int:pk>/proposal/new/", v.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", v.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/items/", v.item_add, name="proposal_item_add"),
    path("proposals/<int:pk>/submit/", v.proposal_submit, name="proposal_submit"),
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
    path("proposals/<int:pk>/return/", v.proposal_return, name="proposal_return"),
    path("proposals/<int:pk>/accept/", v.proposal_accept, name="proposal_accept"),
    path(
        "proposals/<int:pk>/start-decision/",
        v.proposal_start_decision,
        name="proposal_start_decision",
    ),
    path("proposals/<int:pk>/decide/", v.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/decision.pdf", v.decision_scan, name="decision_scan"),
    path("proposals/<int:pk>/revoke/", v.proposal_revoke, name="proposal_revoke"),
    path(
        "proposal-documents/<int:pk>/pdf/",
        prepare_view("awards.proposal_document"),
        name="proposal_document",
    ),
    path("proposal-items/<int:pk>/", v.item_detail, name="proposal_item"),
    path("proposal-items/<int:pk>/edit/", v.item_update, name="proposal_item_update"),
    path("proposal-items/<int:pk>/report/", v.item_report, name="proposal_item_report"),
    path("proposal-items/<int:pk>/report-file/", v.item_report_file, name="proposal_item_file"),
    path(
        "proposal-items/<int:pk>/report-file/download/",
        v.item_report_download,
        name="proposal_item_file_download",
    ),
    path("proposal-items/<int:pk>/remove/", v.item_remove, name="proposal_item_remove"),
    # The parent body: the year's awards by cluster, the catalogue and the vote rules
    path("parents/<int:pk>/awards/<int:year>/", v.parent_awards, name="parent_awards"),
    path(
        "parents/<int:pk>/awards/<int:year>/xlsx/",
        prepare_view("awards.parent_awards_xlsx"),
        name="parent_awards_xlsx",
    ),
    path("parents/<int:pk>/award-catalogue/<int:year>/", v.catalogue, name="catalogue"),
    path(
        "parents/<int:pk>/award-catalogue/<int:year>/add/", v.award_type_add, name="award_type_add"
    ),
    path(
        "parents/<int:pk>/award-catalogue/<int:year>/vote-rules/",
        v.vote_rules_save,
        name="vote_rules",
    ),
    path(
        "parents/<int:pk>/award-catalogue/<int:year>/copy/",
        v.catalogue_copy,
        name="catalogue_copy",
    ),
    path("award-types/<int:pk>/edit/", v.award_type_edit, name="award_type_edit"),
    path("award-types/<int:pk>/remove/", v.award_type_remove, name="award_type_remove"),
    # A unit's awards across years
    path("units/<int:pk>/awards/", v.unit_awards, name="unit_awards"),
]
