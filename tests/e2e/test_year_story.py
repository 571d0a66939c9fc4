"""In Chromium, through the UI only: Cluster No. 1's whole year 2020, as the real people do it.

One test per stage of demo/stages.py, each starting from the story built through the stage
before; and one run of the whole story from an empty database, which chains the same steps.
Every step leaves a screenshot under test-results/<test>/.

  foundation  parent staff set up Cluster No. 1 for 2020 (plan, cluster, year, six members)
  adopted     the head's officer drafts five sections; two members comment; the conference
              adopts it and its record is kept
  signed      the six chairs sign (one on a phone, one by keyboard only); the sealed PDF is
              downloaded and checked on the public verification page
  assessed    the units self-assess; the cluster head reviews, adjusts one score and locks
  decided     the parent's catalogue; the vote; the proposal file; the parent decides
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from demo import agreements as demo_agreements
from demo import results as demo_results
from demo.foundation import DEMO_PASSWORD, DISTRICTS
from tests.e2e.conftest import PHONE, log_in, reset_passwords

pytestmark = pytest.mark.browser

User = get_user_model()
SHORT = {username: short for username, short, _chair in DISTRICTS}
CHAIRS = {username: chair for username, _short, chair in DISTRICTS}
PARENT = "Ủy ban MTTQ Việt Nam thành phố Hà Nội"
CLUSTER = "Cụm thi đua số 1"


def unit(username):
    from clusters.models import Unit

    return Unit.objects.get(name=f"Ủy ban MTTQ Việt Nam quận {SHORT[username]}")


def cluster_year():
    from clusters.models import ClusterYear

    return ClusterYear.objects.get(cluster__name=CLUSTER, cluster__parent__name=PARENT, year=2020)


def agreement_2020():
    from agreements.models import Agreement

    return Agreement.objects.exclude(status=Agreement.Status.SUPERSEDED).get(
        cluster_year=cluster_year(), kind=Agreement.Kind.AGREEMENT
    )


def submit(page, action_suffix):
    """Press the submit button of the form posting to an address ending with the suffix."""
    page.click(f"form[action$='{action_suffix}'] button[type=submit]")


def choose(page, selector, label_text):
    """Pick the option whose text contains label_text (names, not database ids)."""
    option = page.locator(f"{selector} option", has_text=label_text).first
    page.select_option(selector, option.get_attribute("value"))


# --- foundation: parent staff set up Cluster No. 1 for 2020 ---------------------------------


def step_set_up_the_cluster(page, base, shots):
    from clusters.models import ClusterYear, Membership, Plan

    log_in(page, base, "bantt")
    # The parent's plan 37/KH-MTTQ-BTT of 20/01/2020.
    page.goto(base + reverse("clusters:plan_create"))
    page.fill("input[name=year]", "2020")
    page.fill("input[name=number]", "37")
    page.fill("input[name=symbol]", "KH-MTTQ-BTT")
    page.fill("input[name=date]", "2020-01-20")
    page.fill("[name=title]", "Kế hoạch công tác thi đua, khen thưởng năm 2020")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(reverse("clusters:plan_list")) + "$"))
    expect(page.get_by_text("37/KH-MTTQ-BTT").first).to_be_visible()
    plan = Plan.objects.get(parent__name=PARENT, year=2020, number=37)

    # The cluster, then its year with the plan.
    page.goto(base + reverse("clusters:cluster_create"))
    page.fill("input[name=name]", CLUSTER)
    page.fill("[name=header_lines]", "ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ HÀ NỘI\nCỤM THI ĐUA SỐ 1")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(CLUSTER)
    page.goto(base + reverse("clusters:cluster_year_create"))
    choose(page, "select[name=cluster]", CLUSTER)
    page.fill("input[name=year]", "2020")
    page.select_option("select[name=plan]", str(plan.pk))
    page.click("main form button[type=submit]")
    year = ClusterYear.objects.get(cluster__name=CLUSTER, cluster__parent__name=PARENT, year=2020)
    expect(page).to_have_url(base + reverse("clusters:cluster_year", args=[year.pk]))

    # Six members in the report's order: Đống Đa heads, Hoàn Kiếm is the deputy.
    roles = {"dongda": Membership.Role.HEAD, "hoankiem": Membership.Role.DEPUTY}
    add = f"/cluster-years/{year.pk}/members/add/"
    for username, short, _chair in DISTRICTS:
        page.click("details.member-add > summary")  # the form is loaded as it opens (htmx)
        choose(page, f"form[action$='{add}'] select[name=unit]", f"quận {short}")
        page.select_option(
            f"form[action$='{add}'] select[name=role]", roles.get(username, "member")
        )
        submit(page, add)
        expect(page.locator("#members-heading ~ * tbody tr", has_text=short)).to_have_count(1)
    shots(page, "cluster-year-members")
    submit(page, f"/cluster-years/{year.pk}/start/")
    expect(page.locator(".alert-success")).to_be_visible()
    shots(page, "cluster-year-started")

    year.refresh_from_db()
    assert year.status == ClusterYear.Status.ACTIVE
    assert year.plan == plan
    members = list(year.memberships.order_by("order").values_list("unit__short_name", "role"))
    assert [short for short, _role in members] == [short for _u, short, _c in DISTRICTS]
    assert dict(members)["Đống Đa"] == "head" and dict(members)["Hoàn Kiếm"] == "deputy"


# --- adopted: draft, comments, adoption at the conference ------------------------------------


def step_draft_five_sections(page, base, shots, criteria_per_section=1):
    from agreements.models import Agreement

    year = cluster_year()
    log_in(page, base, "canbo.dongda")
    page.goto(base + reverse("agreements:cluster_year_agreements", args=[year.pk]))
    page.check("input[name=origin][value=blank]")
    submit(page, reverse("agreements:start", args=[year.pk]))
    agreement = Agreement.objects.get(cluster_year=year, kind=Agreement.Kind.AGREEMENT)
    expect(page).to_have_url(re.compile(re.escape(agreement.get_absolute_url()) + "$"))

    # The conference's date in the header.
    page.click("#agreement-header a[data-hx-get]")
    page.fill("input[name='header-date']", "2020-02-05")
    page.click("#agreement-header button[type=submit]")
    expect(page.locator("#agreement-header")).to_contain_text("05/02/2020")

    texts, _immediate_task = demo_agreements.cut_sections()
    for number, (heading, text) in enumerate(
        zip(demo_agreements.HEADINGS, texts, strict=True), start=1
    ):
        page.fill("input[name='new-section-heading']", heading)
        page.fill("textarea[name='new-section-text']", text)
        page.click("#section-add button[type=submit]")
        expect(page.locator("#sections > section.agreement-section")).to_have_count(number)
        section = agreement.sections.get(order=number)
        for fields in demo_agreements.CRITERIA[number - 1][:criteria_per_section]:
            add_criterion(page, section, fields)
    shots(page, "draft-five-sections")

    circulate = reverse("agreements:circulate", args=[agreement.pk])
    page.click(f"a[href$='{circulate}']")
    page.check("input[name=confirm]")
    submit(page, circulate)
    expect(page.locator(".status-badge")).to_have_class(re.compile("status-circulated"))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.CIRCULATED
    assert agreement.sections.count() == 5
    return agreement


def add_criterion(page, section, fields):
    rows = page.locator(f"#criteria-{section.pk} tr")
    before = rows.count()
    page.click(f"#criterion-add-{section.pk} a")
    prefix = f"new-criterion-{section.pk}"
    page.fill(f"input[name='{prefix}-code']", fields["code"])
    page.fill(f"textarea[name='{prefix}-text']", fields["text"])
    page.select_option(f"select[name='{prefix}-measure']", fields["measure"])
    page.select_option(f"select[name='{prefix}-rule']", fields["rule"])
    if fields["target"] is not None:
        page.fill(f"input[name='{prefix}-target']", str(fields["target"]))
    page.fill(f"input[name='{prefix}-max_points']", str(fields["max_points"]))
    page.click(f"#criterion-add-{section.pk} button[type=submit]")
    expect(rows).to_have_count(before + 1)


def step_two_members_comment(page, base, shots):
    from agreements.models import Comment

    agreement = agreement_2020()
    section_2 = agreement.sections.get(order=2)
    # Ba Đình's officer comments on section 2.
    log_in(page, base, "canbo.badinh")
    page.goto(base + agreement.get_absolute_url())
    page.select_option("select[name='comment-section']", str(section_2.pk))
    page.fill("textarea[name='comment-text']", "Đề nghị bổ sung chỉ tiêu về khen thưởng ở cơ sở.")
    page.click("#comment-add button[type=submit]")
    expect(page.locator("#comment-list article.comment")).to_have_count(1)
    # Hoàn Kiếm's chair comments on the whole draft.
    log_in(page, base, "hoankiem")
    page.goto(base + agreement.get_absolute_url())
    page.fill(
        "textarea[name='comment-text']",
        "Thống nhất với dự thảo; đề nghị bổ sung nhiệm vụ tuyên truyền phòng, chống dịch bệnh.",
    )
    page.click("#comment-add button[type=submit]")
    expect(page.locator("#comment-list article.comment")).to_have_count(2)
    shots(page, "two-comments")

    # The head's officer answers the first one.
    first = Comment.objects.filter(agreement=agreement).order_by("pk").first()
    log_in(page, base, "canbo.dongda")
    page.goto(base + agreement.get_absolute_url())
    page.fill(
        f"textarea[name='answer-{first.pk}-answer']", "Cụm trưởng tiếp thu, bổ sung vào dự thảo."
    )
    page.click(f"#comment-{first.pk} form[action$='/answer/'] button")
    expect(page.locator(f"#comment-{first.pk} .comment-status-answered")).to_be_visible()
    shots(page, "comment-answered")
    units = set(
        Comment.objects.filter(agreement=agreement).values_list("unit__short_name", flat=True)
    )
    assert units == {"Ba Đình", "Hoàn Kiếm"}


def step_adopt_at_the_conference(page, base, shots):
    from agreements.models import Agreement

    agreement = agreement_2020()
    log_in(page, base, "dongda")
    page.goto(base + reverse("agreements:adopt", args=[agreement.pk]))
    shots(page, "adoption-confirm")
    page.check("input[name=confirm]")
    page.click("form button[type=submit].btn-success")
    expect(page).to_have_url(re.compile(re.escape(agreement.get_absolute_url()) + "$"))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ADOPTED
    expect(page.locator(".content-hash")).to_have_text(agreement.content_hash)
    expect(page.locator("#section-add")).to_have_count(0)

    # The officer records the conference: when, where, hosts, guests, minutes.
    log_in(page, base, "canbo.dongda")
    page.goto(base + reverse("agreements:conference", args=[agreement.pk]))
    page.fill("input[name=starts_at]", "2020-02-05T14:00")
    page.fill("[name=venue]", demo_agreements.VENUE)
    for username in ("dongda", "hoankiem"):
        page.check(f"input[name=hosts][value='{unit(username).pk}']")
    page.fill("[name=minutes]", "Các đơn vị thống nhất dự thảo giao ước gồm 5 nội dung.")
    guest = demo_agreements.GUESTS[0]
    page.fill("input[name='guests-0-name']", guest["name"])
    page.fill("input[name='guests-0-title']", guest["title"])
    page.fill("input[name='guests-0-organisation']", guest["organisation"])
    page.click("main form button[type=submit].btn-primary")
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(base + agreement.get_absolute_url())
    expect(page.locator("#conference")).to_contain_text(demo_agreements.VENUE)
    shots(page, "adopted-with-conference")
    conference = agreement.conference
    assert conference.venue == demo_agreements.VENUE
    assert conference.guests.get().name == guest["name"]


# --- the tests: one per stage ----------------------------------------------------------------


def register_only():
    """The seed's organisations, people and accounts, without Cluster No. 1's 2020 set-up."""
    from clusters.models import Cluster, ClusterYear, Plan
    from demo import foundation

    world = foundation.build()
    ClusterYear.objects.filter(cluster=world.cluster).delete()
    Cluster.objects.filter(pk=world.cluster.pk).delete()
    Plan.objects.filter(pk=world.plan.pk).delete()
    reset_passwords(User.objects.all())
    return world


def test_foundation_parent_staff_set_up_the_cluster(page, live_server, live_empty, shots):
    register_only()
    step_set_up_the_cluster(page, live_server.url, shots)


def test_adopted_drafted_commented_adopted(page, live_server, live_stage, shots):
    live_stage("foundation")
    step_draft_five_sections(page, live_server.url, shots)
    step_two_members_comment(page, live_server.url, shots)
    step_adopt_at_the_conference(page, live_server.url, shots)


# --- signed: six chairs sign, the sealed PDF is checked publicly ------------------------------


def sign_typed(page, base, username, agreement):
    """A chair signs with the typed signature (their recorded name), with the mouse."""
    log_in(page, base, username)
    page.goto(base + reverse("agreements:sign", args=[agreement.pk]))
    expect(page.locator("#content-hash")).to_have_text(agreement.content_hash)
    page.check("input[name=method][value=typed]")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.check("input[name=confirm]")
    page.click("#sign-button")
    expect(page).to_have_url(
        re.compile(re.escape(reverse("agreements:signing", args=[agreement.pk])) + "$"),
        timeout=60_000,
    )


def focus_by_tab(page, selector, limit=80):
    """Press Tab until the element matching selector has the focus (fails past limit)."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def sign_by_keyboard(page, base, username, agreement):
    """A chair signs with the keyboard only: typed signature, password, confirmation."""
    log_in(page, base, username)
    page.goto(base + reverse("agreements:sign", args=[agreement.pk]))
    focus_by_tab(page, "input[name=method]")
    for _ in range(4):  # arrow keys move within the radio group
        if page.evaluate("document.activeElement.value") == "typed":
            break
        page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=method][value=typed]")).to_be_checked()
    focus_by_tab(page, "input[name=password]")
    page.keyboard.type(DEMO_PASSWORD)
    focus_by_tab(page, "input[name=confirm]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=confirm]")).to_be_checked()
    focus_by_tab(page, "#sign-button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(re.escape(reverse("agreements:signing", args=[agreement.pk])) + "$"),
        timeout=60_000,
    )


def draw(page, canvas):
    """Draw a signature-like stroke across the canvas with the mouse."""
    box = canvas.bounding_box()
    x0, y0 = box["x"] + 20, box["y"] + box["height"] * 0.6
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 30):
        x = x0 + i * (box["width"] - 40) / 30
        page.mouse.move(x, y0 - (25 if i % 6 < 3 else -10), steps=2)
    page.mouse.up()


def sign_drawn_on_a_phone(browser, context_args, base, username, agreement, shots):
    context = browser.new_context(**{**context_args, "viewport": PHONE, "has_touch": True})
    phone = context.new_page()
    try:
        log_in(phone, base, username)
        phone.goto(base + reverse("agreements:sign", args=[agreement.pk]))
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        canvas = phone.locator("canvas[data-signature-canvas]")
        canvas.scroll_into_view_if_needed()
        draw(phone, canvas)
        phone.fill("input[name=password]", DEMO_PASSWORD)
        phone.check("input[name=confirm]")
        shots(phone, "signing-375x812-drawn")
        phone.click("#sign-button")
        expect(phone).to_have_url(
            re.compile(re.escape(reverse("agreements:signing", args=[agreement.pk])) + "$"),
            timeout=60_000,
        )
        shots(phone, "signing-375x812-signed")
    finally:
        context.close()


def step_six_chairs_sign(page, browser, context_args, base, shots):
    from agreements.models import Agreement
    from agreements.signing.models import Seal, Signature

    agreement = agreement_2020()
    # Hai Bà Trưng, Đống Đa, Ba Đình and Hoàn Kiếm sign with the mouse.
    for username in ("haibatrung", "dongda", "badinh", "hoankiem"):
        sign_typed(page, base, username, agreement)
    shots(page, "four-signed")
    # Long Biên's chair uses the keyboard only.
    sign_by_keyboard(page, base, "longbien", agreement)
    # Hoàng Mai's chair draws on a phone: the last signature seals the agreement.
    sign_drawn_on_a_phone(browser, context_args, base, "hoangmai", agreement, shots)

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SEALED
    methods = dict(
        Signature.objects.filter(agreement=agreement, void=False).values_list(
            "unit__short_name", "method"
        )
    )
    assert methods == {
        "Hai Bà Trưng": "typed",
        "Đống Đa": "typed",
        "Ba Đình": "typed",
        "Hoàn Kiếm": "typed",
        "Long Biên": "typed",
        "Hoàng Mai": "drawn",
    }
    assert Seal.objects.get(agreement=agreement).status == Seal.Status.SEALED


def step_check_the_sealed_pdf(page, base, shots, tmp_path):
    from agreements.signing.models import Seal

    agreement = agreement_2020()
    seal = Seal.objects.get(agreement=agreement)
    # A member's officer downloads the sealed PDF from the signing page.
    log_in(page, base, "canbo.badinh")
    page.goto(base + reverse("agreements:signing", args=[agreement.pk]))
    expect(page.locator("#signing-status")).to_contain_text("6 / 6")
    with page.expect_download() as download_info:
        page.click(f"a[href='{reverse('agreements:sealed_pdf', args=[agreement.pk])}']")
    sealed = tmp_path / "giao-uoc-2020.pdf"
    download_info.value.save_as(sealed)
    assert sealed.read_bytes().startswith(b"%PDF")

    # Anyone, logged out, checks it on the public verification page of its code.
    page.context.clear_cookies()
    page.goto(base + reverse("agreements:verify_code", args=[seal.verification_code]))
    page.set_input_files("main form input[type=file]", str(sealed))
    page.click("main form [type=submit]")
    expect(page.locator("#verify-result .alert-success")).to_be_visible()
    shots(page, "verification-authentic")

    # A file changed after sealing is refused.
    tampered = tmp_path / "sua-doi.pdf"
    data = bytearray(sealed.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    page.goto(base + reverse("agreements:verify"))
    page.set_input_files("main form input[type=file]", str(tampered))
    page.click("main form [type=submit]")
    expect(page.locator("#verify-result .alert-danger")).to_be_visible()
    shots(page, "verification-tampered")


def test_signed_six_chairs_sign_and_the_seal_is_checked(
    page, browser, browser_context_args, live_server, live_stage, shots, tmp_path
):
    live_stage("adopted")
    step_six_chairs_sign(page, browser, browser_context_args, live_server.url, shots)
    step_check_the_sealed_pdf(page, live_server.url, shots, tmp_path)


# --- assessed: the units self-assess, the head reviews and locks -----------------------------

# Who fills each unit's sheet (the officer where the unit has one) and what it achieved where it
# differs from the target, by criterion code (invented, like the demo's).
FILLERS = {
    "haibatrung": "haibatrung",
    "dongda": "canbo.dongda",
    "badinh": "canbo.badinh",
    "hoankiem": "hoankiem",
    "longbien": "longbien",
    "hoangmai": "hoangmai",
}
# Đống Đa reaches every target: it leads, alone, whatever the agreement's criteria.
SHORTFALLS = {
    "haibatrung": {"3.1": "8"},
    "badinh": {"1.1": "1"},
    "hoankiem": {"3.1": "9"},
    "longbien": {"3.1": "7"},
    "hoangmai": {"1.1": "1", "3.1": "6"},
}


def fill_sheet(page, sheet, username):
    """Type the unit's results: the target where there is one, yes, or one occurrence."""
    for score in sheet.scores.select_related("criterion"):
        criterion = score.criterion
        field = page.locator(f"[name='value_{criterion.pk}']")
        tag = field.evaluate("e => e.tagName")
        if tag == "SELECT":
            field.select_option("1")
        elif tag == "TEXTAREA":
            field.fill("Hoàn thành (dữ liệu minh họa).")
        else:
            target = criterion.target if criterion.target is not None else 1
            if criterion.kind == "penalty":
                target = 0
            value = SHORTFALLS.get(username, {}).get(
                criterion.code,
                f"{target.normalize():f}" if hasattr(target, "normalize") else target,
            )
            field.fill(str(value))


def step_units_self_assess(page, base, shots):
    from results.models import Assessment, Period

    year = cluster_year()
    # The head's officer opens the year-end review.
    log_in(page, base, "canbo.dongda")
    page.goto(base + reverse("results:cluster_year_results", args=[year.pk]))
    page.select_option("select[name=kind]", Period.Kind.YEAR_END)
    # The service wants a deadline in the future of the machine's clock, not of the story.
    deadline = datetime.date.today() + datetime.timedelta(days=14)
    page.fill("input[name=deadline]", f"{deadline.isoformat()}T17:00")
    page.fill("[name=note]", "Đề nghị các đơn vị tự chấm điểm, gửi trước ngày 15/12/2020.")
    submit(page, reverse("results:period_open", args=[year.pk]))
    period = Period.objects.get(cluster_year=year, kind=Period.Kind.YEAR_END)
    expect(page).to_have_url(re.compile(re.escape(reverse("results:period", args=[period.pk]))))
    shots(page, "review-opened")

    for username, filler in FILLERS.items():
        sheet = Assessment.objects.get(period=period, unit=unit(username))
        log_in(page, base, filler)
        page.goto(base + reverse("results:my_sheet", args=[period.pk]))
        expect(page).to_have_url(base + reverse("results:assessment", args=[sheet.pk]))
        fill_sheet(page, sheet, username)
        page.click("#save-draft")
        expect(page.locator(".alert-success")).to_be_visible()
        page.click("#submit-sheet")
        expect(page.locator("#sheet-status")).to_have_class(re.compile("sheet-submitted"))
        if username == "hoangmai":
            shots(page, "hoangmai-sheet-submitted")
    statuses = set(period.assessments.values_list("status", flat=True))
    assert statuses == {Assessment.Status.SUBMITTED}
    return period


def step_head_reviews_and_locks(page, base, shots):
    from results.models import Assessment, Period, RankingSnapshot, Score

    period = Period.objects.get(cluster_year=cluster_year(), kind=Period.Kind.YEAR_END)
    sheets = {u: period.assessments.get(unit=unit(u)) for u in FILLERS}
    # Hoàn Kiếm (the deputy) reviews the head's own sheet.
    log_in(page, base, "hoankiem")
    page.goto(base + reverse("results:assessment", args=[sheets["dongda"].pk]))
    page.click("#accept-sheet")
    expect(page.locator(".alert-success")).to_be_visible()

    # The head's officer adjusts one of Hoàng Mai's scores with a reason, then accepts the rest.
    log_in(page, base, "canbo.dongda")
    adjusted = Score.objects.filter(assessment=sheets["hoangmai"]).order_by("criterion__code")[0]
    page.goto(base + reverse("results:assessment", args=[sheets["hoangmai"].pk]))
    page.fill(f"#adjust-{adjusted.pk}", "1")
    page.fill(f"#reason-{adjusted.pk}", "Theo báo cáo của quận, chỉ đạt một phần (minh họa).")
    submit(page, reverse("results:score_adjust", args=[adjusted.pk]))
    expect(page.locator(".alert-success")).to_be_visible()
    shots(page, "score-adjusted")
    for username, sheet in sheets.items():
        if username == "dongda":
            continue
        page.goto(base + reverse("results:assessment", args=[sheet.pk]))
        page.click("#accept-sheet")
        expect(page).to_have_url(re.compile(re.escape(reverse("results:period", args=[period.pk]))))

    # Đống Đa's chair locks the results: the ranking is taken.
    log_in(page, base, "dongda")
    page.goto(base + reverse("results:period", args=[period.pk]))
    page.click("#lock-results")
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.get_by_text("SHA-256")).to_be_visible()
    shots(page, "results-locked")

    period.refresh_from_db()
    assert period.is_locked
    assert set(period.assessments.values_list("status", flat=True)) == {Assessment.Status.ACCEPTED}
    snapshot = RankingSnapshot.objects.get(period=period)
    assert snapshot.entries.count() == 6
    adjusted.refresh_from_db()
    assert adjusted.reviewed_score == 1


def test_assessed_units_self_assess_and_the_head_locks(page, live_server, live_stage, shots):
    live_stage("signed")
    step_units_self_assess(page, live_server.url, shots)
    step_head_reviews_and_locks(page, live_server.url, shots)


# --- decided: the catalogue, the vote, the proposal file, the decision -----------------------


def step_parent_sets_the_catalogue(page, base, shots):
    from awards.models import AwardType
    from clusters.models import Unit

    parent = Unit.objects.get(name=PARENT)
    log_in(page, base, "bantt")
    page.goto(base + reverse("awards:catalogue", args=[parent.pk, 2020]))
    add = reverse("awards:award_type_add", args=[parent.pk, 2020])
    page.click(f"details:has(form[action$='{add}']) > summary")
    form = f"form[action$='{add}']"
    page.select_option(f"{form} select[name=form]", AwardType.Form.FLAG)
    page.fill(f"{form} input[name=name]", f"Cờ thi đua của {PARENT}")
    page.fill(f"{form} input[name=issuer]", PARENT)
    page.select_option(f"{form} select[name=recipient]", AwardType.Recipient.COLLECTIVE)
    page.check(f"{form} input[name=rank_one_only]")
    page.select_option(f"{form} select[name=vote_purpose]", AwardType.VotePurpose.LEADING)
    page.select_option(f"{form} select[name=quota_kind]", AwardType.Quota.NUMBER)
    page.fill(f"{form} input[name=quota_value]", "1")
    submit(page, add)
    expect(page.locator("main table").first).to_contain_text("Cờ thi đua")
    shots(page, "award-catalogue")
    assert AwardType.objects.filter(parent=parent, year=2020, form=AwardType.Form.FLAG).exists()


def step_the_vote(page, base, shots):
    from awards.models import Candidate, Meeting, Participation, VoteSession

    year = cluster_year()
    overview = base + reverse("awards:award_overview", args=[year.pk])
    # The head's officer records the year-end meeting and opens the vote on the leading unit.
    log_in(page, base, "canbo.dongda")
    page.goto(overview)
    page.fill("input[name=held_at]", "2020-12-24T08:30")
    page.fill("input[name=venue]", "Trụ sở Ủy ban MTTQ Việt Nam quận Đống Đa")
    page.fill("input[name=secretary_name]", "Nguyễn Văn M")
    submit(page, reverse("awards:meeting_create", args=[year.pk]))
    expect(page.locator(".alert-success")).to_be_visible()
    meeting = Meeting.objects.get(cluster_year=year)
    page.select_option("select[name=purpose]", VoteSession.Purpose.LEADING)
    submit(page, reverse("awards:vote_create", args=[meeting.pk]))
    session = VoteSession.objects.get(meeting=meeting)
    expect(page).to_have_url(base + reverse("awards:vote", args=[session.pk]))
    submit(page, reverse("awards:vote_open", args=[session.pk]))
    expect(page.locator(".counts-hidden")).to_be_visible()
    shots(page, "vote-open")

    # The six chairs find the ballot on their dashboard and vote in secret.
    ballot = reverse("awards:ballot", args=[session.pk])
    for username in SHORT:
        log_in(page, base, username)
        page.click(f"a[href='{ballot}']")
        page.check("input[name=choices]")
        if username == "badinh":
            shots(page, "ballot")
        submit(page, ballot)
        expect(page.locator(".alert-success")).to_be_visible()
        expect(page.locator(".vote-count")).to_have_count(0)
    assert Participation.objects.filter(round__session=session).count() == 6

    # The head's officer closes the round: the counts appear.
    log_in(page, base, "canbo.dongda")
    page.goto(base + reverse("awards:vote", args=[session.pk]))
    submit(page, reverse("awards:vote_close", args=[session.pk]))
    expect(page.locator(".vote-count").first).to_have_text("6")
    shots(page, "vote-counted")
    elected = Candidate.objects.filter(session=session, outcome=Candidate.Outcome.ELECTED)
    assert [c.unit.short_name for c in elected] == ["Đống Đa"]
    return meeting


def step_the_proposal(page, base, shots):
    from awards.models import Meeting, Proposal

    year = cluster_year()
    meeting = Meeting.objects.get(cluster_year=year)
    log_in(page, base, "canbo.dongda")
    page.goto(base + reverse("awards:award_overview", args=[year.pk]))
    page.fill("input[name=date]", "2020-12-24")
    submit(page, reverse("awards:minutes_issue", args=[meeting.pk]))
    expect(page.get_by_text(re.compile(r"\d+/BB-MTTQ")).first).to_be_visible()
    submit(page, reverse("awards:proposal_create", args=[year.pk]))
    proposal = Proposal.objects.get(cluster_year=year)
    for item in proposal.items.all():
        page.goto(base + reverse("awards:proposal_item", args=[item.pk]))
        page.fill("textarea[name=measures]", f"Báo cáo thành tích năm 2020 của {item.unit_name}.")
        submit(page, reverse("awards:proposal_item_report", args=[item.pk]))
        expect(page.locator(".alert-success")).to_be_visible()
    # The head's chair sends the file.
    log_in(page, base, "dongda")
    page.goto(base + reverse("awards:proposal", args=[proposal.pk]))
    page.fill("input[name=date]", "2020-12-28")
    submit(page, reverse("awards:proposal_submit", args=[proposal.pk]))
    expect(page.get_by_text(re.compile(r"\d+/TTr-MTTQ")).first).to_be_visible()
    shots(page, "proposal-sent")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.AWAITING_REVIEW
    return proposal


def step_the_parent_decides(page, base, shots, tmp_path):
    from awards.models import Decision, Proposal, ProposalItem

    proposal = Proposal.objects.get(cluster_year=cluster_year())
    log_in(page, base, "bantt")
    page.click(f"a[href='{reverse('awards:proposal', args=[proposal.pk])}']")
    submit(page, reverse("awards:proposal_accept", args=[proposal.pk]))
    start = reverse("awards:proposal_start_decision", args=[proposal.pk])
    if page.locator(f"form[action$='{start}']").count():
        submit(page, start)
    scan = tmp_path / "quyet-dinh.pdf"
    scan.write_bytes(demo_results.placeholder_pdf("Quyet dinh khen thuong nam 2020"))
    page.fill("input[name=number]", "125/QĐ-MTTQ-BTT")
    page.fill("input[name=date]", "2021-01-15")
    page.fill("input[name=signer_name]", "Nguyễn Lan Hương")
    page.set_input_files("input[name=scan]", str(scan))
    submit(page, reverse("awards:proposal_decide", args=[proposal.pk]))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_text("125/QĐ-MTTQ-BTT").first).to_be_visible()
    shots(page, "decision-recorded")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECIDED
    assert Decision.objects.get(proposal=proposal).number == "125/QĐ-MTTQ-BTT"
    assert set(proposal.items.values_list("status", flat=True)) == {ProposalItem.Status.GRANTED}


def test_decided_vote_proposal_decision(page, live_server, live_stage, shots, tmp_path):
    live_stage("assessed")
    step_parent_sets_the_catalogue(page, live_server.url, shots)
    step_the_vote(page, live_server.url, shots)
    step_the_proposal(page, live_server.url, shots)
    step_the_parent_decides(page, live_server.url, shots, tmp_path)
