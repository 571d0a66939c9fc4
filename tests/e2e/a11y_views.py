"""axe-core on one page of every view, for every role that opens it, at 1280 px and 375 px.

Each role — one demo user stands for it — follows the site's own links from its dashboard,
breadth first, keeping one page per view (`resolve(path).view_name`), after first opening the
addresses no link leads to (`extra_pages`, which also makes, through the services, the moments
of the story no demo stage stops at: tests/e2e/a11y_states.py; `before_crawl` drives the browser
where the moment lives in the session). axe runs on each page kept at both sizes: no serious
or critical violation. Every view of the URLconf that answers GET with an HTML page must be checked
by the role CHECKED_BY names (so a new view fails until some role reaches and checks it); every
other view is in EXCLUDED, with the reason. The roles run in three files (test_a11y_views_*.py)
so that pytest-xdist (`--dist loadfile`) spreads them over its workers; `make a11y` crawls every
page of every demo user instead (tests/e2e/a11y_crawl.py).
"""

import time
from urllib.parse import urlparse

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.e2e import a11y_states as states
from tests.e2e.conftest import PHONE, as_user, reachable, run_axe

DESKTOP = {"width": 1280, "height": 900}
STAGE = "digital"  # the fullest demo story: 2020 decided, 2021 signing digitally (clerks)

# The roles and the demo user who stands for each (None: a visitor who is not logged in).
ROLES = {
    None: "a visitor, not logged in",
    "admin": "the administrator (superuser)",
    "bantt": "the parent body's staff",
    "xem": "a viewer of the parent body",
    "ngoai": "another parent body's staff (an outsider to Hà Nội's clusters)",
    "dongda": "the chair of the 2020 cluster head",
    "hoankiem": "the chair of the 2021 cluster head (2020 deputy)",
    "badinh": "a member's chair",
    "canbo.dongda": "the head's officer",
    "canbo.badinh": "a member's officer",
    "vanthu.hoankiem": "the head's clerk (văn thư)",
    "vanthu.badinh": "a member's clerk (văn thư)",
}

# Views that are not an HTML page a GET opens, and why they are left out.
EXCLUDED = {
    # Not a page: a health check for the load balancer, the calendar feed (text/calendar),
    # the language switch (a redirect back; POST sets the language), the remote signing
    # provider's return address (a redirect to the signing page).
    "health": "health check (JSON)",
    "calendar_feed": "calendar feed (text/calendar)",
    "set_language": "redirect back to the page",
    "agreements:digital_return": "redirect from the remote signing provider",
    # htmx fragments: without htmx they redirect to their place on the agreement page.
    "agreements:part": "htmx fragment of the agreement page",
    "agreements:section_show": "htmx fragment of the agreement page",
    "agreements:criterion_show": "htmx fragment of the agreement page",
    "agreements:section_add": "htmx fragment: the agreement page's own form (checked there)",
    # A redirect to the unit's own sheet (results:assessment, checked).
    "results:my_sheet": "redirect to the unit's sheet",
    # Documents and exports: each GET shows the same page (prepared/prepare.html) before its
    # file is prepared; that page is checked through results:score_table_xlsx.
    "agreements:document_pdf": "export (prepare page checked once)",
    "agreements:document_docx": "export (prepare page checked once)",
    "results:score_table_pdf": "export (prepare page checked once)",
    "results:score_table_docx": "export (prepare page checked once)",
    "results:comparison_xlsx": "export (prepare page checked once)",
    "awards:minutes_pdf": "export (prepare page checked once)",
    "awards:minutes_docx": "export (prepare page checked once)",
    "awards:proposal_bundle": "export (prepare page checked once)",
    "awards:submission_pdf": "export (prepare page checked once)",
    "awards:submission_docx": "export (prepare page checked once)",
    "awards:decision_pdf": "export (prepare page checked once)",
    "awards:decision_docx": "export (prepare page checked once)",
    "awards:proposal_document": "export (prepare page checked once)",
    "awards:proposal_item_report_pdf": "export (prepare page checked once)",
    "awards:proposal_item_report_docx": "export (prepare page checked once)",
    "awards:parent_awards_xlsx": "export (prepare page checked once)",
    # File downloads (PDF, Word, Excel, scans, evidence, templates): not HTML.
    "prepared_file_download": "file download",
    "clusters:plan_file": "file download",
    "clusters:import_template": "file download",
    "agreements:conference_minutes_file": "file download",
    "agreements:sealed_pdf": "file download",
    "agreements:signing_record_pdf": "file download",
    "agreements:digital_file": "file download",
    "agreements:paper_scan": "file download",
    "results:assessment_template": "file download",
    "results:evidence": "file download",
    "results:practice_file": "file download",
    "awards:decision_scan": "file download",
    "awards:proposal_item_file_download": "file download",
}
# Actions that accept POST only (a GET answers 405, which test_post_only_views_refuse_get checks).
POST_ONLY = (
    "logout",
    "otp_remove",
    "notification_open",
    "notifications_read_all",
    "accounts:create",
    "accounts:deactivate",
    "accounts:email",
    "accounts:invite",
    "accounts:reactivate",
    "clusters:cluster_year_delegate",
    "clusters:cluster_year_signing_mode",
    "clusters:cluster_year_start",
    "clusters:import_confirm",
    "clusters:membership_remove",
    "clusters:position_confirm",
    "clusters:position_refuse",
    "agreements:certificate_refuse",
    "agreements:certificate_register",
    "agreements:comment_add",
    "agreements:comment_answer",
    "agreements:comment_resolve",
    "agreements:criterion_move",
    "agreements:criterion_remove",
    "agreements:decline",
    "agreements:digital_open",
    "agreements:digital_sign",
    "agreements:organisation_key_install",
    "agreements:paper_confirm",
    "agreements:paper_contest",
    "agreements:paper_resolve",
    "agreements:paper_withdraw",
    "agreements:registration_confirm",
    "agreements:saved_signature_delete",
    "agreements:seal_image_register",
    "agreements:seal_retry",
    "agreements:section_move",
    "agreements:section_remove",
    "agreements:signing_remind",
    "agreements:start",
    "agreements:template_start",
    "results:assessment_accept",
    "results:assessment_import",
    "results:assessment_reopen",
    "results:assessment_return",
    "results:assessment_save",
    "results:assessment_submit",
    "results:evidence_remove",
    "results:evidence_upload",
    "results:period_lock",
    "results:period_open",
    "results:period_peers",
    "results:period_update",
    "results:practice_feature",
    "results:practice_file_remove",
    "results:practice_file_upload",
    "results:practice_publish",
    "results:score_adjust",
    "awards:award_type_add",
    "awards:award_type_remove",
    "awards:candidate_add",
    "awards:candidate_remove",
    "awards:catalogue_copy",
    "awards:election_rollover",
    "awards:meeting_attendance",
    "awards:meeting_create",
    "awards:meeting_update",
    "awards:minutes_issue",
    "awards:proposal_accept",
    "awards:proposal_create",
    "awards:proposal_deadline",
    "awards:proposal_deadline_all",
    "awards:proposal_decide",
    "awards:proposal_item_add",
    "awards:proposal_item_file",
    "awards:proposal_item_remove",
    "awards:proposal_item_report",
    "awards:proposal_item_update",
    "awards:proposal_return",
    "awards:proposal_revoke",
    "awards:proposal_start_decision",
    "awards:proposal_submit",
    "awards:vote_close",
    "awards:vote_create",
    "awards:vote_decide",
    "awards:vote_finish",
    "awards:vote_next_round",
    "awards:vote_open",
    "awards:vote_rules",
    "awards:vote_tally",
    "awards:vote_update",
)


def url_patterns(patterns=None, namespace=None):
    """(view name, pattern) of every named view of the URLconf, the admin's left out."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def html_views():
    """The view names that a GET opens as an HTML page: what some role must check."""
    return {name for name, _pattern in url_patterns()} - set(EXCLUDED) - set(POST_ONLY)


def view_of(path):
    try:
        return resolve(urlparse(path).path).view_name
    except Resolver404:
        return None


def check_roles(page, base, world, usernames):
    """axe on one page per view each role reaches, at both sizes; returns the problems (axe's
    serious and critical violations, views of CHECKED_BY the role did not reach)."""
    problems = []
    for username in usernames:
        started = time.monotonic()
        checked = check_role(page, base, world, username, problems)
        missing = sorted(v for v, who in CHECKED_BY.items() if who == username and v not in checked)
        problems += [f"[{username}] never reached {view}" for view in missing]
        print(
            f"a11y views: {username}: {len(checked)} views, {2 * len(checked)} page views,"
            f" {time.monotonic() - started:.0f} s"
        )
    return problems


def check_role(page, base, world, username, problems):
    """Crawl as one role, axe on the first page of each view; returns {view name: path}."""
    as_user(page, base, username)
    before_crawl(page, base, username)
    checked = {}

    def check(path):
        checked[view_of(path)] = path
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            problems.extend(f"[{size['width']}px {username}] {path}: {v}" for v in run_axe(page))
        page.set_viewport_size(DESKTOP)

    reachable(
        page, base, 1000, start=extra_pages(world, username), key=view_of, explore=2, visit=check
    )
    return checked


def before_crawl(page, base, username):
    """Steps in the browser before the role's crawl: parent staff upload an import file, whose
    preview (kept in the session) `extra_pages` then opens."""
    if username == "bantt":
        states.upload_import(page, base)


def extra_pages(world, username):
    """Addresses of the pages of this role that no link of the demo world leads to: the public
    verification, the steps of a password reset (from its e-mail), the pages after a password
    change or a file asked for, a document's preparation page (a button), the second factor's
    code page (a user with an authenticator), a draft template's editing pages, the import
    preview (after an upload), a signing turn (the signing service's way back).

    The moments no demo stage stops at are made here for the role that checks them, in the
    world its file's later roles then crawl: test_a11y_views_*.py order their roles so that no
    later role must check a page the moment takes away (or crowds out of its crawl)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agreements import services as agreement_services
    from agreements.signing.models import Seal
    from core.prepared.kinds import kind_for
    from core.prepared.services import prepare
    from tests.agreements.helpers import add_content

    if username is None:
        code = Seal.objects.filter(agreement=world.agreement).get().verification_code
        chair = world.user("dongda")
        uid = urlsafe_base64_encode(force_bytes(chair.pk))
        token = default_token_generator.make_token(chair)
        return [
            reverse("agreements:verify"),
            reverse("agreements:verify_code", args=[code]),
            reverse("password_reset_done"),
            reverse("password_reset_confirm", args=[uid, token]),
            reverse("password_reset_complete"),
        ]
    if username == "bantt":
        # Next year's template, still a draft: its sections and criteria can be edited.
        template = agreement_services.template_create(
            actor=world.user("bantt"), parent=world.parent, year=2022
        )
        add_content(world.user("bantt"), template)
        job = prepare(
            actor=world.user("bantt"),
            kind=kind_for("results.score_table_xlsx"),
            params={"pk": world.period.pk},
        )
        return [
            template.get_absolute_url(),
            reverse("password_change_done"),
            reverse("results:score_table_xlsx", args=[world.period.pk]),
            reverse("prepared_file", args=[job.pk]),
            reverse("clusters:import_preview"),
        ]
    if username == "dongda":
        # The 2020 head circulated an amendment (its dashboard links its adoption); the chair is
        # signing the 2021 agreement remotely: the turn the signing service returns to.
        states.in_thread(states.amendment_2020, world, "dongda", True)
        turn = states.in_thread(states.remote_turn, world, "dongda")
        return [reverse("agreements:digital_turn", args=[turn.pk])]
    if username == "badinh":
        # 2021 reaches its year-end meeting: the vote on next year's head is open for ballots
        # (the chair's dashboard links the ballot). No later role of the members file checks a
        # page that needs 2021 open for signing.
        states.in_thread(states.vote_2021_open, world)
        return []
    if username == "canbo.dongda":
        # The head's officer starts an amendment of the 2020 agreement: a draft to circulate.
        amendment = states.in_thread(states.amendment_2020, world, "canbo.dongda", False)
        return [amendment.get_absolute_url()]
    if username == "xem":
        TOTPDevice.objects.get_or_create(user=world.user("xem"), name="demo", confirmed=True)
        return [reverse("otp_verify")]
    return []


# The role that must check each view (one is enough; the others check it too when they reach
# it, and a visitor's pages, e.g. the log-in, are checked by every role that sees them).
CHECKED_BY = {
    # A visitor, not logged in.
    "agreements:verify": None,
    "agreements:verify_code": None,
    "login": None,
    "password_reset": None,
    "password_reset_complete": None,
    "password_reset_confirm": None,
    "password_reset_done": None,
    # The parent body's staff.
    "accounts:detail": "bantt",
    "accounts:list": "bantt",
    "agreements:cluster_year_agreements": "bantt",
    "agreements:criterion_add": "bantt",
    "agreements:criterion_edit": "bantt",
    "agreements:detail": "bantt",
    "agreements:diff": "bantt",
    "agreements:document_print": "bantt",
    "agreements:part_edit": "bantt",
    "agreements:revisions": "bantt",
    "agreements:section_edit": "bantt",
    "agreements:signing": "bantt",
    "agreements:signing_close": "bantt",
    "agreements:templates": "bantt",
    "awards:award_overview": "bantt",
    "awards:award_type_edit": "bantt",
    "awards:catalogue": "bantt",
    "awards:parent_awards": "bantt",
    "awards:unit_awards": "bantt",
    "calendar_settings": "bantt",
    "clusters:cluster": "bantt",
    "clusters:cluster_create": "bantt",
    "clusters:cluster_edit": "bantt",
    "clusters:cluster_year": "bantt",
    "clusters:cluster_year_create": "bantt",
    "clusters:cluster_year_edit": "bantt",
    "clusters:cluster_year_list": "bantt",
    "clusters:cluster_year_rollover": "bantt",
    "clusters:cluster_year_rollover_all": "bantt",
    "clusters:import": "bantt",
    "clusters:import_preview": "bantt",
    "clusters:membership_add": "bantt",
    "clusters:membership_edit": "bantt",
    "clusters:person": "bantt",
    "clusters:person_edit": "bantt",
    "clusters:plan_create": "bantt",
    "clusters:plan_edit": "bantt",
    "clusters:plan_list": "bantt",
    "clusters:position_create": "bantt",
    "clusters:position_edit": "bantt",
    "clusters:search": "bantt",
    "clusters:succession_create": "bantt",
    "clusters:unit": "bantt",
    "clusters:unit_create": "bantt",
    "clusters:unit_edit": "bantt",
    "clusters:unit_list": "bantt",
    "dashboard": "bantt",
    "notifications": "bantt",
    "otp_setup": "bantt",
    "password_change": "bantt",
    "password_change_done": "bantt",
    "prepared_file": "bantt",
    "results:assessment": "bantt",
    "results:cluster_year_results": "bantt",
    "results:comparison": "bantt",
    "results:period": "bantt",
    "results:practice": "bantt",
    "results:practices": "bantt",
    "results:rules": "bantt",
    "results:score_table_xlsx": "bantt",
    # The chair of the 2020 head.
    "agreements:adopt": "dongda",
    "agreements:digital_turn": "dongda",
    "agreements:sign": "dongda",
    "awards:proposal": "dongda",
    "awards:proposal_item": "dongda",
    "awards:vote": "dongda",
    "results:practice_new": "dongda",
    # The chair of the 2021 head.
    "agreements:amend": "hoankiem",
    "agreements:conference": "hoankiem",
    "agreements:paper_record": "hoankiem",
    "results:practice_edit": "hoankiem",
    # A member's chair.
    "agreements:certificates": "badinh",
    "agreements:saved_signature": "badinh",
    "awards:ballot": "badinh",
    # The head's officer.
    "agreements:circulate": "canbo.dongda",
    # A viewer (with an authenticator).
    "otp_verify": "xem",
}
