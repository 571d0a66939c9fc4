"""The permission matrix: every URL of the project × every role × GET and POST.

Each URL pattern is built from the demo world's objects (URL_ARGS) and requested by each role of
the story with GET and with an empty POST (the point is the access decision, not the form); each
request runs in a savepoint that is rolled back. EXPECTED holds the answers, one row per URL
name, "GET/POST" per role:

- 302 anonymous users are sent to log in (and a few pages redirect after a refusal message);
- 404 outsiders (ngoai, of another parent body) and anybody for whom the object is not theirs;
- 403 readers (the viewer xem; members for what only the head or the parent may do);
- 405 the method is not allowed (checked after the log-in).

A URL pattern without a row fails the test, and so does a row for a URL that no longer exists.
The Django admin is one row family: every named admin URL redirects everybody but the superuser
to its log-in, and never fails or hides an object from the superuser.

Set TRUST_MATRIX_RECORD=path to write the table of the answers observed (to review by hand,
row by row, before pasting it here).
"""

import os
import time

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.trust.support import ROLES, client_as, savepoint

pytestmark = pytest.mark.django_db

# The roles, as named in the table's header.
ROLE_HEADER = ["anon", "ngoai", "bantt", "xem", "cb.dd", "cb.bd", "badinh", "admin"]


def _first(queryset):
    obj = queryset.order_by("pk").first()
    assert obj is not None, f"The demo world has no {queryset.model.__name__}"
    return obj


def _badinh_sheet(w):
    from results.models import Assessment

    return _first(Assessment.objects.filter(unit=w.unit("badinh"), period=w.period))


def _badinh_score(w):
    return _first(_badinh_sheet(w).scores.all())


def _evidence(w):
    from results.models import Evidence

    mine = Evidence.objects.filter(score__assessment__unit=w.unit("badinh"))
    return _first(mine if mine.exists() else Evidence.objects.all())


def _session(w):
    return _first(w.meeting.sessions.all())


def _candidate(w):
    return _first(_session(w).candidates.all())


def _item(w):
    return _first(w.proposal.items.all())


def _badinh_chair_field(w):
    from agreements.signing.digital.models import SignatureSlot

    return _first(
        SignatureSlot.objects.filter(
            agreement=w.agreement_2021, unit=w.unit("badinh"), kind=SignatureSlot.Kind.PERSONAL
        )
    )


def _hoankiem_turn(w):
    from agreements.signing.digital.models import Turn

    return _first(Turn.objects.filter(agreement=w.agreement_2021, user=w.user("hoankiem")))


def _badinh_certificate(w):
    from agreements.signing.digital.models import Certificate

    return _first(Certificate.objects.filter(person__user=w.user("badinh")))


def _award_type(w):
    from awards.models import AwardType

    return _first(AwardType.objects.filter(parent=w.parent, year=2020))


def _bantts_file(w):
    """A document prepared for bantt (the parent body's staff), ready to download."""
    from agreements.prepared_files import DOCUMENT
    from core.prepared import services

    return services.prepare(actor=w.user("bantt"), kind=DOCUMENT, params={"pk": w.agreement.pk})


def _bantts_notification(w):
    """A notification for bantt, linking to the 2020 agreement."""
    from core.models import Notification

    return Notification.objects.create(
        recipient=w.user("bantt"), title="Thông báo", link=w.agreement.get_absolute_url()
    )


def _bantts_calendar(w):
    """The token of bantt's calendar address: whoever holds it reads the feed."""
    from core.calendar.services import feed_issue

    return feed_issue(actor=w.user("bantt"))


def _membership(w):
    return w.cluster_year.memberships.get(unit=w.unit("badinh"))


def _comment(w):
    from agreements.models import Comment

    return _first(Comment.objects.filter(agreement=w.agreement))


def _position(w):
    from clusters.models import Position

    return Position.objects.get(person=w.person, unit=w.unit("badinh"))


def pk(getter):
    return lambda w: {"pk": getter(w).pk}


# URL name -> the keyword arguments of a concrete URL in the demo world (no entry: no arguments).
# Agreements: the 2020 one is sealed, the 2021 one (head Hoàn Kiếm) is open for signatures, the
# 2022 draft (head Đống Đa) is being edited; the parent's 2021 template is a draft too.
URL_ARGS = {
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "accounts:detail": pk(lambda w: w.person),
    "accounts:create": pk(lambda w: w.person),
    "accounts:email": pk(lambda w: w.person),
    "accounts:invite": pk(lambda w: w.person),
    "accounts:deactivate": pk(lambda w: w.person),
    "accounts:reactivate": pk(lambda w: w.person),
    "clusters:cluster_year": pk(lambda w: w.cluster_year),
    "clusters:cluster_year_edit": pk(lambda w: w.cluster_year),
    "clusters:cluster_year_start": pk(lambda w: w.cluster_year_2022),
    "clusters:cluster_year_delegate": pk(lambda w: w.cluster_year_2022),
    "clusters:cluster_year_signing_mode": pk(lambda w: w.cluster_year_2022),
    "clusters:cluster_year_rollover": pk(lambda w: w.cluster_year),
    "clusters:membership_add": pk(lambda w: w.cluster_year),
    "clusters:membership_edit": lambda w: {
        "pk": w.cluster_year.pk,
        "membership_pk": _membership(w).pk,
    },
    "clusters:membership_remove": lambda w: {
        "pk": w.cluster_year.pk,
        "membership_pk": _membership(w).pk,
    },
    "clusters:cluster": pk(lambda w: w.cluster),
    "clusters:cluster_edit": pk(lambda w: w.cluster),
    "clusters:plan_edit": pk(lambda w: w.plan),
    "clusters:plan_file": pk(lambda w: w.plan),
    "clusters:unit": pk(lambda w: w.unit("badinh")),
    "clusters:unit_edit": pk(lambda w: w.unit("badinh")),
    "clusters:succession_create": pk(lambda w: w.unit("badinh")),
    "clusters:position_create": pk(lambda w: w.unit("badinh")),
    "clusters:position_edit": pk(_position),
    "clusters:position_confirm": pk(_position),
    "clusters:position_refuse": pk(_position),
    "clusters:person": pk(lambda w: w.person),
    "clusters:person_edit": pk(lambda w: w.person),
    "clusters:import_template": lambda w: {"kind": "units", "fmt": "xlsx"},
    "agreements:cluster_year_agreements": lambda w: {"cluster_year_pk": w.cluster_year.pk},
    "agreements:start": lambda w: {"cluster_year_pk": w.cluster_year_2022.pk},
    "agreements:detail": pk(lambda w: w.agreement),
    "agreements:part": lambda w: {"pk": w.draft.pk, "part": "header"},
    "agreements:part_edit": lambda w: {"pk": w.draft.pk, "part": "header"},
    "agreements:section_add": pk(lambda w: w.draft),
    "agreements:section_show": pk(lambda w: w.section),
    "agreements:section_edit": pk(lambda w: w.section),
    "agreements:section_remove": pk(lambda w: w.section),
    "agreements:section_move": pk(lambda w: w.section),
    "agreements:criterion_add": pk(lambda w: w.section),
    "agreements:criterion_show": pk(lambda w: w.criterion),
    "agreements:criterion_edit": pk(lambda w: w.criterion),
    "agreements:criterion_remove": pk(lambda w: w.criterion),
    "agreements:criterion_move": pk(lambda w: w.criterion),
    "agreements:circulate": pk(lambda w: w.draft),
    "agreements:comment_add": pk(lambda w: w.draft),
    "agreements:comment_answer": pk(_comment),
    "agreements:comment_resolve": pk(_comment),
    "agreements:revisions": pk(lambda w: w.agreement),
    "agreements:diff": pk(lambda w: w.agreement),
    "agreements:adopt": pk(lambda w: w.draft),
    "agreements:amend": pk(lambda w: w.agreement_2021),
    "agreements:conference": pk(lambda w: w.agreement),
    "agreements:conference_minutes_file": pk(lambda w: w.agreement),
    "agreements:document_pdf": pk(lambda w: w.agreement),
    "agreements:document_docx": pk(lambda w: w.agreement),
    "prepared_file": pk(_bantts_file),
    "notification_open": pk(_bantts_notification),
    "calendar_feed": lambda w: {"token": _bantts_calendar(w)},
    "prepared_file_download": pk(_bantts_file),
    "agreements:document_print": pk(lambda w: w.agreement),
    "agreements:sign": pk(lambda w: w.agreement_2021),
    "agreements:decline": pk(lambda w: w.agreement_2021),
    "agreements:signing": pk(lambda w: w.agreement_2021),
    "agreements:signing_remind": pk(lambda w: w.agreement_2021),
    "agreements:paper_record": pk(lambda w: w.agreement_2021),
    "agreements:signing_close": pk(lambda w: w.agreement_2021),
    "agreements:paper_confirm": pk(lambda w: w.paper),
    "agreements:paper_withdraw": pk(lambda w: w.paper),
    "agreements:paper_contest": pk(lambda w: w.paper),
    "agreements:paper_resolve": pk(lambda w: w.paper),
    "agreements:paper_scan": pk(lambda w: w.paper),
    "agreements:sealed_pdf": pk(lambda w: w.agreement),
    "agreements:seal_retry": pk(lambda w: w.agreement),
    "agreements:verify_code": lambda w: {"code": w.seal.verification_code},
    "agreements:signing_record_pdf": lambda w: {"code": w.seal.verification_code},
    "agreements:digital_open": pk(lambda w: w.agreement_2021),
    "agreements:digital_sign": lambda w: {
        "pk": w.agreement_2021.pk,
        "slot_pk": _badinh_chair_field(w).pk,
    },
    "agreements:digital_file": pk(lambda w: w.agreement_2021),
    "agreements:digital_turn": pk(_hoankiem_turn),
    "agreements:digital_return": lambda w: {},
    "agreements:certificates": lambda w: {},
    "agreements:certificate_register": lambda w: {},
    "agreements:certificate_refuse": pk(_badinh_certificate),
    "agreements:registration_confirm": lambda w: {
        "kind": "certificate",
        "pk": _badinh_certificate(w).pk,
    },
    "agreements:seal_image_register": lambda w: {"unit_pk": w.unit("badinh").pk},
    "agreements:organisation_key_install": lambda w: {"unit_pk": w.unit("badinh").pk},
    "results:cluster_year_results": pk(lambda w: w.cluster_year),
    "results:period_open": pk(lambda w: w.cluster_year_2022),
    "results:period": pk(lambda w: w.period),
    "results:period_update": pk(lambda w: w.period),
    "results:period_peers": pk(lambda w: w.period),
    "results:period_lock": pk(lambda w: w.period),
    "results:my_sheet": pk(lambda w: w.period),
    "results:score_table_xlsx": pk(lambda w: w.period),
    "results:score_table_pdf": pk(lambda w: w.period),
    "results:score_table_docx": pk(lambda w: w.period),
    "results:assessment": pk(_badinh_sheet),
    "results:assessment_save": pk(_badinh_sheet),
    "results:assessment_submit": pk(_badinh_sheet),
    "results:assessment_template": pk(_badinh_sheet),
    "results:assessment_import": pk(_badinh_sheet),
    "results:assessment_accept": pk(_badinh_sheet),
    "results:assessment_return": pk(_badinh_sheet),
    "results:assessment_reopen": pk(_badinh_sheet),
    "results:evidence_upload": pk(_badinh_score),
    "results:score_adjust": pk(_badinh_score),
    "results:evidence": pk(_evidence),
    "results:evidence_remove": pk(_evidence),
    "results:comparison": pk(lambda w: w.parent),
    "results:comparison_xlsx": lambda w: {"pk": w.parent.pk, "year": 2020, "kind": "year_end"},
    "results:rules": lambda w: {"pk": w.parent.pk, "year": 2020},
    "results:practice_new": pk(lambda w: w.cluster_year),
    "results:practice": pk(lambda w: w.practice),
    "results:practice_edit": pk(lambda w: w.practice),
    "results:practice_publish": pk(lambda w: w.practice),
    "results:practice_feature": pk(lambda w: w.practice),
    "results:practice_file_upload": pk(lambda w: w.practice),
    "results:practice_file": pk(lambda w: w.practice_file),
    "results:practice_file_remove": pk(lambda w: w.practice_file),
    "awards:award_overview": pk(lambda w: w.cluster_year),
    "awards:meeting_create": pk(lambda w: w.cluster_year_2022),
    "awards:meeting_update": pk(lambda w: w.meeting),
    "awards:meeting_attendance": pk(lambda w: w.meeting),
    "awards:vote_create": pk(lambda w: w.meeting),
    "awards:minutes_issue": pk(lambda w: w.meeting),
    "awards:minutes_pdf": pk(lambda w: w.meeting),
    "awards:minutes_docx": pk(lambda w: w.meeting),
    "awards:election_rollover": pk(lambda w: w.meeting),
    "awards:vote": pk(_session),
    "awards:vote_update": pk(_session),
    "awards:candidate_add": pk(_session),
    "awards:candidate_remove": pk(_candidate),
    "awards:vote_open": pk(_session),
    "awards:ballot": pk(_session),
    "awards:vote_close": pk(_session),
    "awards:vote_tally": pk(_session),
    "awards:vote_next_round": pk(_session),
    "awards:vote_finish": pk(_session),
    "awards:vote_decide": pk(_session),
    "awards:proposal_create": pk(lambda w: w.cluster_year_2022),
    "awards:proposal": pk(lambda w: w.proposal),
    "awards:proposal_item_add": pk(lambda w: w.proposal),
    "awards:proposal_submit": pk(lambda w: w.proposal),
    "awards:submission_pdf": pk(lambda w: w.proposal),
    "awards:submission_docx": pk(lambda w: w.proposal),
    "awards:decision_docx": pk(lambda w: w.proposal),
    "awards:proposal_bundle": pk(lambda w: w.proposal),
    "awards:proposal_return": pk(lambda w: w.proposal),
    "awards:proposal_accept": pk(lambda w: w.proposal),
    "awards:proposal_start_decision": pk(lambda w: w.proposal),
    "awards:proposal_decide": pk(lambda w: w.proposal),
    "awards:decision_scan": pk(lambda w: w.proposal),
    "awards:decision_pdf": pk(lambda w: w.proposal),
    "awards:proposal_revoke": pk(lambda w: w.proposal),
    "awards:proposal_document": pk(lambda w: _first(w.proposal.documents.all())),
    "awards:proposal_item": pk(_item),
    "awards:proposal_item_update": pk(_item),
    "awards:proposal_item_report": pk(_item),
    "awards:proposal_item_report_pdf": pk(_item),
    "awards:proposal_item_report_docx": pk(_item),
    "awards:proposal_item_file": pk(_item),
    "awards:proposal_item_file_download": pk(_item),
    "awards:proposal_item_remove": pk(_item),
    "awards:parent_awards": lambda w: {"pk": w.parent.pk, "year": 2020},
    "awards:parent_awards_xlsx": lambda w: {"pk": w.parent.pk, "year": 2020},
    "awards:catalogue": lambda w: {"pk": w.parent.pk, "year": 2020},
    "awards:proposal_deadline_all": lambda w: {"pk": w.parent.pk, "year": 2020},
    "awards:proposal_deadline": pk(lambda w: w.cluster_year),
    "awards:award_type_add": lambda w: {"pk": w.parent.pk, "year": 2020},
    "awards:vote_rules": lambda w: {"pk": w.parent.pk, "year": 2020},
    "awards:catalogue_copy": lambda w: {"pk": w.parent.pk, "year": 2021},
    "awards:award_type_edit": pk(_award_type),
    "awards:award_type_remove": pk(_award_type),
    "awards:unit_awards": pk(lambda w: w.unit("badinh")),
}

# GET/POST per role (cb.dd: canbo.dongda, the cluster head's officer; cb.bd: canbo.badinh, a
# member's officer; badinh: that member's chair; ngoai: an officer of another parent body).
EXPECTED = """
# url name                          anon    ngoai   bantt   xem     cb.dd   cb.bd   badinh  admin
# The dashboard, the health check, languages, logging in and one's own account and second factor
dashboard                           302/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
health                              200/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
# A prepared file (bantt's): only the person who asked for it sees it
prepared_file                       302/405 404/405 200/405 404/405 404/405 404/405 404/405 404/405
prepared_file_download              302/405 404/405 200/405 404/405 404/405 404/405 404/405 404/405
# One's own notifications: opening goes to the link, whose view checks access again
notifications                       302/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
notification_open                   405/302 405/404 405/302 405/404 405/404 405/404 405/404 405/404
notifications_read_all              405/302 405/302 405/302 405/302 405/302 405/302 405/302 405/302
# One's own calendar address; the feed answers whoever holds the token (a calendar app)
calendar_settings                   302/302 200/302 200/302 200/302 200/302 200/302 200/302 200/302
calendar_feed                       200/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
set_language                        302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302
login                               200/200 302/302 302/302 302/302 302/302 302/302 302/302 302/302
logout                              405/302 405/302 405/302 405/302 405/302 405/302 405/302 405/302
password_change                     302/302 200/200 200/200 200/200 200/200 200/200 200/200 200/200
password_change_done                302/302 200/405 200/405 200/405 200/405 200/405 200/405 200/405
password_reset                      200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
password_reset_done                 200/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
password_reset_confirm              200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
password_reset_complete             200/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
otp_setup                           302/302 200/400 200/400 200/400 200/400 200/400 200/400 200/400
otp_verify                          302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302
otp_remove                          302/302 405/302 405/302 405/302 405/302 405/302 405/302 405/302
# Accounts: parent staff manage the people of their units
accounts:list                       302/405 200/405 200/405 403/405 403/405 403/405 403/405 200/405
accounts:detail                     302/405 404/405 200/405 403/405 403/405 403/405 403/405 200/405
accounts:create                     405/302 405/404 405/200 405/403 405/403 405/403 405/403 405/200
accounts:email                      405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
accounts:invite                     405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
accounts:deactivate                 405/302 405/404 405/200 405/403 405/403 405/403 405/403 405/200
accounts:reactivate                 405/302 405/404 405/200 405/403 405/403 405/403 405/403 405/200
# Clusters: parent staff set up; everybody of the parent's clusters reads
clusters:cluster_year_list          302/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
clusters:cluster_year_create        302/302 200/200 200/200 403/403 403/403 403/403 403/403 200/200
clusters:cluster_year               302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
clusters:cluster_year_edit          302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:cluster_year_start         405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
clusters:cluster_year_delegate      405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/403
clusters:cluster_year_signing_mode  405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
clusters:cluster_year_rollover      302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:cluster_year_rollover_all  302/302 200/400 200/400 403/403 403/403 403/403 403/403 200/400
clusters:membership_add             302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:membership_edit            302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:membership_remove          405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
clusters:cluster_create             302/302 200/200 200/200 403/403 403/403 403/403 403/403 200/200
clusters:cluster                    302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
clusters:cluster_edit               302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:plan_list                  302/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
clusters:plan_create                302/302 200/200 200/200 403/403 403/403 403/403 403/403 200/200
clusters:plan_edit                  302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:plan_file                  302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
clusters:unit_list                  302/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
clusters:unit_create                302/302 200/200 200/200 403/403 403/403 403/403 403/403 200/200
clusters:unit                       302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
clusters:unit_edit                  302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:succession_create          302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:position_create            302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:position_edit              302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:position_confirm           405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
clusters:position_refuse            405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
clusters:person                     302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
clusters:person_edit                302/302 404/404 200/200 403/403 403/403 403/403 403/403 200/200
clusters:search                     302/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
clusters:import                     302/302 200/200 200/200 403/403 403/403 403/403 403/403 200/200
clusters:import_preview             302/405 302/405 302/405 403/405 403/405 403/405 403/405 302/405
clusters:import_confirm             405/302 405/302 405/302 405/403 405/403 405/403 405/403 405/302
clusters:import_template            302/405 200/405 200/405 403/405 403/405 403/405 403/405 200/405
# Agreements: 2020 sealed, 2021 open to sign (head Hoàn Kiếm), 2022 draft (head Đống Đa)
agreements:cluster_year_agreements  302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:start                    405/302 405/404 405/403 405/403 405/200 405/403 405/403 405/403
agreements:templates                302/405 200/405 200/405 403/405 403/405 403/405 403/405 200/405
agreements:template_start           405/302 405/200 405/200 405/403 405/403 405/403 405/403 405/200
agreements:detail                   302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:part                     302/405 404/405 302/405 302/405 302/405 302/405 302/405 302/405
agreements:part_edit                302/302 404/404 403/403 403/403 200/200 403/403 403/403 403/403
agreements:section_add              302/302 404/404 403/403 403/403 200/200 403/403 403/403 403/403
agreements:section_show             302/405 404/405 302/405 302/405 302/405 302/405 302/405 302/405
agreements:section_edit             302/302 404/404 403/403 403/403 200/200 403/403 403/403 403/403
agreements:section_remove           405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/403
agreements:section_move             405/302 405/404 405/403 405/403 405/404 405/403 405/403 405/403
agreements:criterion_add            302/302 404/404 403/403 403/403 200/200 403/403 403/403 403/403
agreements:criterion_show           302/405 404/405 302/405 302/405 302/405 302/405 302/405 302/405
agreements:criterion_edit           302/302 404/404 403/403 403/403 200/200 403/403 403/403 403/403
agreements:criterion_remove         405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/403
agreements:criterion_move           405/302 405/404 405/403 405/403 405/404 405/403 405/403 405/403
agreements:circulate                302/302 404/404 403/403 403/403 200/400 403/403 403/403 403/403
agreements:comment_add              405/302 405/404 405/403 405/403 405/302 405/302 405/302 405/403
agreements:comment_answer           405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/403
agreements:comment_resolve          405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/403
agreements:revisions                302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:diff                     302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:adopt                    302/302 404/404 403/403 403/403 200/200 403/403 403/403 403/403
agreements:amend                    302/302 404/404 403/403 403/403 403/403 403/403 403/403 403/403
agreements:conference               302/302 404/404 403/403 403/403 200/200 403/403 403/403 403/403
agreements:conference_minutes_file  302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:document_pdf             302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
agreements:document_docx            302/302 404/404 404/404 404/404 404/404 404/404 404/404 404/404
agreements:document_print           302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:sign                     302/302 404/404 403/403 403/403 403/403 403/403 200/400 403/403
agreements:decline                  302/302 405/404 405/403 405/403 405/403 405/403 405/302 405/403
agreements:saved_signature          302/302 200/400 200/400 200/400 200/400 200/400 200/400 200/400
agreements:saved_signature_delete   302/302 405/302 405/302 405/302 405/302 405/302 405/302 405/302
agreements:signing                  302/302 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:signing_remind           302/302 405/404 405/403 405/403 405/403 405/403 405/403 405/403
agreements:paper_record             302/302 404/404 403/403 403/403 403/403 403/403 403/403 403/403
agreements:signing_close            302/302 404/404 200/400 403/403 403/403 403/403 403/403 200/400
agreements:paper_confirm            302/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
agreements:paper_withdraw           302/302 405/404 405/403 405/403 405/403 405/403 405/403 405/403
agreements:paper_contest            302/302 405/404 405/403 405/403 405/403 405/403 405/403 405/403
agreements:paper_resolve            302/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
agreements:paper_scan               302/302 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:sealed_pdf               302/302 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:seal_retry               302/302 405/404 405/302 405/403 405/302 405/403 405/403 405/302
agreements:verify                   200/400 200/400 200/400 200/400 200/400 200/400 200/400 200/400
agreements:verify_code              200/400 200/400 200/400 200/400 200/400 200/400 200/400 200/400
# Digital signatures. The signing record of the digitally signed 2020 agreement is public, like
# the verification page: anyone holding the code printed on the document may read it.
# 2021, opened by its head Hoàn Kiếm: the field's chair or clerk signs;
# a turn is its signer's only; certificates are registered by their holders and confirmed by staff
agreements:signing_record_pdf       200/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:digital_open             302/302 405/404 405/403 405/403 405/403 405/403 405/403 405/403
agreements:digital_sign             302/302 405/404 405/403 405/403 405/403 405/403 405/302 405/403
agreements:digital_file             302/302 404/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:digital_turn             302/302 404/404 404/404 404/404 404/404 404/404 404/404 404/404
agreements:digital_return           302/302 404/405 404/405 404/405 404/405 404/405 404/405 404/405
agreements:certificates             302/302 200/405 200/405 200/405 200/405 200/405 200/405 200/405
agreements:certificate_register     302/302 405/302 405/302 405/403 405/302 405/302 405/302 405/403
agreements:certificate_refuse       302/302 405/404 405/302 405/404 405/404 405/403 405/403 405/302
agreements:registration_confirm     302/302 405/404 405/302 405/404 405/404 405/403 405/403 405/302
agreements:seal_image_register      302/302 405/404 405/302 405/404 405/404 405/302 405/302 405/302
agreements:organisation_key_install 302/302 405/404 405/302 405/404 405/404 405/302 405/302 405/302
# Results, votes, proposals and the catalogue of 2020 (head Đống Đa); badinh's own sheet
results:cluster_year_results         302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
results:period_open                  405/302 405/404 405/403 405/403 405/400 405/403 405/403 405/400
results:period                       302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
results:period_update                405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
results:period_peers                 405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
results:period_lock                  405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
results:my_sheet                     302/405 404/405 302/405 302/405 302/405 302/405 302/405 302/405
results:score_table_xlsx             302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
results:score_table_pdf              302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
results:score_table_docx             302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
results:assessment                   302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
results:assessment_save              405/302 405/404 405/403 405/403 405/403 405/400 405/400 405/403
results:assessment_submit            405/302 405/404 405/403 405/403 405/403 405/302 405/302 405/403
results:assessment_template          302/405 404/405 403/405 403/405 403/405 200/405 200/405 403/405
results:assessment_import            405/302 405/404 405/403 405/403 405/403 405/400 405/400 405/403
results:assessment_accept            405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
results:assessment_return            405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
results:assessment_reopen            405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
results:evidence_upload              405/302 405/404 405/403 405/403 405/403 405/302 405/302 405/403
results:score_adjust                 405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
results:evidence                     302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
results:evidence_remove              405/302 405/404 405/403 405/403 405/403 405/302 405/302 405/403
results:comparison                   302/405 404/405 200/405 200/405 404/405 404/405 404/405 200/405
results:comparison_xlsx              302/302 404/404 200/302 200/302 404/404 404/404 404/404 200/302
results:rules                        302/302 404/404 200/400 403/403 404/404 404/404 404/404 200/400
results:practices                    302/405 200/405 200/405 200/405 200/405 200/405 200/405 200/405
results:practice_new                 302/302 404/404 403/403 403/403 200/400 200/400 200/400 403/403
results:practice                     302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
results:practice_edit                302/302 404/404 403/403 403/403 403/403 403/403 403/403 403/403
results:practice_publish             405/302 405/404 405/403 405/403 405/403 405/403 405/403 405/403
results:practice_feature             405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
results:practice_file_upload         405/302 405/404 405/403 405/403 405/403 405/403 405/403 405/403
results:practice_file                302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
results:practice_file_remove         405/302 405/404 405/403 405/403 405/403 405/403 405/403 405/403
awards:award_overview               302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
awards:meeting_create               405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:meeting_update               405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:meeting_attendance           405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:vote_create                  405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:minutes_issue                405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:minutes_pdf                  302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:minutes_docx                 302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:election_rollover            405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:vote                         302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
awards:vote_update                  405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:candidate_add                405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:candidate_remove             405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:vote_open                    405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:ballot                       302/302 404/404 403/403 403/403 403/403 403/403 302/302 403/403
awards:vote_close                   405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:vote_tally                   405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:vote_next_round              405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:vote_finish                  405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:vote_decide                  405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
awards:proposal_create              405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:proposal                     302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
awards:proposal_item_add            405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:proposal_submit              405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:submission_pdf               302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:submission_docx              302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:proposal_bundle              302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:proposal_return              405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
awards:proposal_accept              405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
awards:proposal_start_decision      405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
awards:proposal_decide              405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
awards:decision_scan                302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
awards:decision_pdf                 302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:decision_docx                302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:proposal_revoke              405/302 405/404 405/302 405/403 405/403 405/403 405/403 405/302
awards:proposal_document            302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:proposal_item                302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
awards:proposal_item_update         405/302 405/404 405/403 405/403 405/400 405/403 405/403 405/400
awards:proposal_item_report         405/302 405/404 405/403 405/403 405/400 405/403 405/403 405/400
awards:proposal_item_report_pdf     302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:proposal_item_report_docx    302/302 404/404 200/302 200/302 200/302 200/302 200/302 200/302
awards:proposal_item_file           405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:proposal_item_file_download  302/405 404/405 302/405 302/405 302/405 302/405 302/405 302/405
awards:proposal_item_remove         405/302 405/404 405/403 405/403 405/302 405/403 405/403 405/302
awards:parent_awards                302/405 404/405 200/405 200/405 404/405 404/405 404/405 200/405
awards:parent_awards_xlsx           302/302 404/404 200/302 200/302 404/404 404/404 404/404 200/302
awards:proposal_deadline_all        405/302 405/404 405/302 405/403 405/404 405/404 405/404 405/302
awards:proposal_deadline            405/302 405/404 405/302 405/403 405/404 405/404 405/404 405/302
awards:catalogue                    302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
awards:award_type_add               405/302 405/404 405/400 405/403 405/404 405/404 405/404 405/400
awards:vote_rules                   405/302 405/404 405/400 405/403 405/404 405/404 405/404 405/400
awards:catalogue_copy               405/302 405/404 405/302 405/403 405/404 405/404 405/404 405/302
awards:award_type_edit              302/302 404/404 200/400 403/403 404/404 404/404 404/404 200/400
awards:award_type_remove            405/302 405/404 405/302 405/403 405/404 405/404 405/404 405/302
awards:unit_awards                  302/405 404/405 200/405 200/405 200/405 200/405 200/405 200/405
"""


# --- walking the URL configuration ---------------------------------------------------------


def url_patterns(patterns=None, namespace=None):
    """Yield (name, namespace, pattern) for every URL pattern, names with their namespaces."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, namespace, entry


def project_url_names():
    names = []
    for name, namespace, entry in url_patterns():
        if namespace == "admin":
            continue  # the admin's row family
        assert name is not None, f"URL pattern {entry.pattern} has no name"
        names.append(name)
    return names


def admin_urls(world):
    """Concrete URLs of every named admin pattern (an object of each model where there is one)."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        object_id = obj.pk if obj is not None else 0
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        urls += [reverse(f"{prefix}_{v}", args=[object_id]) for v in ("change", "history")]
        urls.append(reverse(f"{prefix}_delete", args=[object_id]))
    app_labels = {model._meta.app_label for model in admin.site._registry}
    urls += [reverse("admin:app_list", args=[label]) for label in sorted(app_labels)]
    return urls


# --- the table -----------------------------------------------------------------------------


def parse_table(text):
    rows = {}
    for line in text.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, *cells = line.split()
        assert len(cells) == len(ROLES), f"Row {name} needs {len(ROLES)} cells"
        assert name not in rows, f"Row {name} is in the table twice"
        rows[name] = {
            role: tuple(int(code) for code in cell.split("/"))
            for role, cell in zip(ROLES, cells, strict=True)
        }
    return rows


def format_table(results):
    lines = ["# url name".ljust(36) + "".join(r.ljust(8) for r in ROLE_HEADER).rstrip()]
    for name, by_role in results.items():
        cells = "".join(f"{by_role[r][0]}/{by_role[r][1]}".ljust(8) for r in ROLES)
        lines.append((name.ljust(36) + cells).rstrip())
    return "\n".join(lines) + "\n"


def request_status(world, role, method, url):
    client = client_as(world, role)
    cache.clear()  # the verification page's rate limit counts per address
    with savepoint():
        response = client.get(url) if method == "GET" else client.post(url, {})
        status = response.status_code
        if status >= 500 and getattr(response, "exc_info", None):
            raise response.exc_info[1].with_traceback(response.exc_info[2])
        if response.streaming:
            b"".join(response.streaming_content)  # the test client closes it once consumed
    return status


# --- the test ------------------------------------------------------------------------------


def test_every_url_for_every_role_and_method_answers_as_the_table_says(trust_world):
    world = trust_world
    started = time.monotonic()
    names = project_url_names()
    assert len(names) == len(set(names)), "Two URL patterns share a name"
    results = {}
    for name in names:
        kwargs = URL_ARGS[name](world) if name in URL_ARGS else {}
        url = reverse(name, kwargs=kwargs)
        results[name] = {
            role: (
                request_status(world, role, "GET", url),
                request_status(world, role, "POST", url),
            )
            for role in ROLES
        }
    record = os.environ.get("TRUST_MATRIX_RECORD")
    if record:
        with open(record, "w", encoding="utf-8") as out:
            out.write(format_table(results))
    expected = parse_table(EXPECTED)
    missing = sorted(set(names) - set(expected))
    assert not missing, f"URLs missing from the permission table: {missing}"
    stale = sorted(set(expected) - set(names))
    assert not stale, f"Rows for URLs that no longer exist: {stale}"
    wrong = [
        f"{name} as {role}: expected {'/'.join(map(str, expected[name][role]))}, "
        f"got {'/'.join(map(str, got))}"
        for name, by_role in results.items()
        for role, got in by_role.items()
        if got != expected[name][role]
    ]
    assert not wrong, "\n".join(wrong)
    print(f"{len(names)} URLs x {len(ROLES)} roles x 2 in {time.monotonic() - started:.0f}s")


def test_the_admin_is_for_the_superuser_only(trust_world):
    login = reverse("admin:login")
    for role in ROLES:
        expected = (302, 200) if role == "admin" else (200, 200)
        got = tuple(request_status(trust_world, role, m, login) for m in ("GET", "POST"))
        assert got == expected, (role, got)
    for url in admin_urls(trust_world):
        for role in ROLES:
            for method in ("GET", "POST"):
                status = request_status(trust_world, role, method, url)
                if role == "admin":
                    assert status in (200, 302, 403), (url, method, status)
                else:
                    assert status == 302, (url, role, method, status)
