"""In Chromium: the head's officer drafts in place, a member comments, the head answers, adopts."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from agreements.models import Comment
from demo.foundation import DEMO_PASSWORD
from tests.e2e.conftest import SCREENSHOTS, start_blank_agreement

pytestmark = pytest.mark.browser


def log_in(page, base_url, username):
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(base_url + reverse("dashboard")) + "$"))


def test_draft_comment_answer_adopt(page, browser, browser_context_args, live_server, live_world):
    world, base = live_world, live_server.url
    SCREENSHOTS.mkdir(exist_ok=True)

    # The head's officer starts a blank draft from the cluster year's agreements page.
    log_in(page, base, "canbo.dongda")
    agreement = start_blank_agreement(page, base, world.cluster_year)

    # Unsaved work in the header form must survive the in-place edits below.
    page.click("#agreement-header a[data-hx-get]")
    title = page.locator("input[name='header-title']")
    expect(title).to_be_visible()
    title.fill("GIAO ƯỚC THI ĐUA NĂM 2020 (chưa lưu)")

    page.fill("textarea[name='new-section-text']", "Triển khai thực hiện có hiệu quả các nhiệm vụ")
    page.click("#section-add button[type=submit]")
    sections = page.locator("#sections > section.agreement-section")
    expect(sections).to_have_count(1)
    expect(sections.first).to_contain_text("Triển khai thực hiện có hiệu quả các nhiệm vụ")
    expect(page.locator("textarea[name='new-section-text']")).to_have_value("")
    section = agreement.sections.get()

    page.click(f"#criterion-add-{section.pk} a")
    prefix = f"new-criterion-{section.pk}"
    page.fill(f"input[name='{prefix}-code']", "1.1")
    page.fill(f"textarea[name='{prefix}-text']", "Tỷ lệ khu dân cư văn hóa")
    page.select_option(f"select[name='{prefix}-measure']", "percent")
    page.fill(f"input[name='{prefix}-target']", "90")
    page.fill(f"input[name='{prefix}-max_points']", "10")
    page.click(f"#criterion-add-{section.pk} button[type=submit]")
    expect(page.locator(f"#criteria-{section.pk} tr")).to_have_count(1)
    expect(page.locator(f"#criteria-{section.pk} tr")).to_contain_text("Tỷ lệ khu dân cư văn hóa")
    expect(page.locator("#total-normal")).to_have_text("10")
    expect(page.locator(f"#section-total-{section.pk} strong")).to_have_text("10")

    # A bad value errs on its field, in place; nothing is added.
    page.click(f"#criterion-add-{section.pk} a")
    page.fill(f"input[name='{prefix}-code']", "1.2")
    page.fill(f"textarea[name='{prefix}-text']", "Điểm âm")
    page.select_option(f"select[name='{prefix}-rule']", "manual")
    page.fill(f"input[name='{prefix}-max_points']", "-5")
    # Past the browser's own check of min="0": the server must refuse it too.
    page.locator(f"input[name='{prefix}-max_points']").evaluate("el => el.removeAttribute('min')")
    page.click(f"#criterion-add-{section.pk} button[type=submit]")
    expect(page.locator(f"#criterion-add-{section.pk} .invalid-feedback")).to_be_visible()
    expect(page.locator(f"#criteria-{section.pk} tr")).to_have_count(1)

    # The header form kept what was typed.
    expect(title).to_have_value("GIAO ƯỚC THI ĐUA NĂM 2020 (chưa lưu)")
    page.click("#agreement-header button[type=submit]")
    expect(page.locator("#agreement-header h1")).to_have_text(
        "GIAO ƯỚC THI ĐUA NĂM 2020 (chưa lưu)"
    )
    page.screenshot(path=str(SCREENSHOTS / "agreement-draft.png"), full_page=True)

    # Circulating asks first: the members it goes to and the deadline for comments.
    circulate = reverse("agreements:circulate", args=[agreement.pk])
    page.click(f"a[href$='{circulate}']")
    expect(page.locator("input[name=deadline]")).not_to_have_value("")
    page.check("input[name=confirm]")
    page.click(f"form[action$='{circulate}'] button[type=submit]")
    expect(page.locator(".status-badge")).to_have_class(re.compile("status-circulated"))

    # A member's officer comments on the section, in another browser.
    member_context = browser.new_context(**browser_context_args)
    member = member_context.new_page()
    log_in(member, base, "canbo.badinh")
    member.goto(base + agreement.get_absolute_url())
    member.select_option("select[name='comment-section']", str(section.pk))
    member.fill("textarea[name='comment-text']", "Đề nghị bổ sung chỉ tiêu về khu dân cư")
    member.click("#comment-add button[type=submit]")
    expect(member.locator("#comment-list article.comment")).to_have_count(1)
    expect(member.locator("#comment-list .comment-status-open")).to_be_visible()
    expect(member.locator("textarea[name='comment-text']")).to_have_value("")
    comment = Comment.objects.get(agreement=agreement)

    # The head answers in place; the member sees the answer and its status.
    page.reload()
    page.fill(f"textarea[name='answer-{comment.pk}-answer']", "Đã tiếp thu, bổ sung chỉ tiêu 1.2")
    page.click(f"#comment-{comment.pk} form[action$='/answer/'] button")
    expect(page.locator(f"#comment-{comment.pk} .comment-status-answered")).to_be_visible()
    member.reload()
    expect(member.locator(f"#comment-{comment.pk}")).to_contain_text("Đã tiếp thu")
    expect(member.locator(f"#comment-{comment.pk} .comment-status-answered")).to_be_visible()
    member.screenshot(path=str(SCREENSHOTS / "agreement-comment.png"), full_page=True)
    member_context.close()

    # The head records the adoption; the edit controls disappear and the hash is shown.
    page.goto(base + reverse("agreements:adopt", args=[agreement.pk]))
    page.check("input[name=confirm]")
    page.click("form button[type=submit].btn-success")
    expect(page).to_have_url(re.compile(re.escape(agreement.get_absolute_url()) + "$"))
    agreement.refresh_from_db()
    assert agreement.status == "adopted"
    expect(page.locator(".content-hash")).to_have_text(agreement.content_hash)
    expect(page.locator("#section-add")).to_have_count(0)
    expect(page.locator(f"#criterion-add-{section.pk}")).to_have_count(0)
    expect(page.locator("#members")).to_contain_text("Đỗ Trọng Nam")
    page.screenshot(path=str(SCREENSHOTS / "agreement-adopted.png"), full_page=True)
