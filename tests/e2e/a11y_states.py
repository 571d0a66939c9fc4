"""Moments of the story no demo stage stops at, made through the product's services for the axe
crawl of tests/e2e/a11y_views.py: a cluster draft before and during its consultation, a chair's
remote signing turn in progress, an online vote open for ballots, an uploaded import awaiting
confirmation (driven in the browser: it lives in the session).

Each builder runs in a thread of its own (`in_thread`): sealing calls asyncio.run(), which
refuses to run in the thread where Playwright's event loop lives.
"""

import datetime
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.urls import reverse
from django.utils import timezone

WEEK = datetime.timedelta(days=7)


def in_thread(build, *args):
    """`build(*args)` in a thread of its own, committed; its result."""

    def run():
        try:
            return build(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def amendment_2020(world, username, circulated):
    """The 2020 head's people start an amendment of the 2020 agreement (a cluster draft); with
    `circulated`, the head also sends it to the members for comment. Returns it."""
    from agreements import services
    from agreements.models import Agreement

    actor = world.user(username)
    amendment = services.agreement_amend(
        actor=actor,
        agreement=Agreement.objects.get(pk=world.agreement.pk),
        reason="Bổ sung chỉ tiêu về chuyển đổi số trong công tác Mặt trận. (Dữ liệu minh họa.)",
    )
    if circulated:
        amendment = services.agreement_circulate(
            actor=actor, agreement=amendment, deadline=timezone.now() + WEEK
        )
    return amendment


def remote_turn(world, username):
    """The chair of `username` asks to sign the 2021 agreement remotely (its personal field):
    the turn is theirs, the signing service not yet approved. Returns the turn."""
    from agreements.models import Agreement
    from agreements.signing.digital import services
    from agreements.signing.digital.models import DocumentRevision, SignatureSlot

    agreement = Agreement.objects.get(pk=world.agreement_2021.pk)
    slot = SignatureSlot.objects.get(
        agreement=agreement, unit=world.unit(username), kind=SignatureSlot.Kind.PERSONAL
    )
    return services.turn_request(
        actor=world.user(username),
        agreement=agreement,
        slot=slot,
        channel=DocumentRevision.Channel.REMOTE,
    )


# Every unit's 2021 sheet (the 2021 template's criteria), all marks but one.
VALUES_2021 = {"1.1": "2", "1.2": "100", "2.1": "1", "2.2": "0", "3.1": "1"}


def vote_2021_open(world):
    """2021 to its year-end meeting: the units that have not signed the 2021 agreement sign it
    (typed signature), the year-end review is filled, accepted and locked, and the head (Hoàn
    Kiếm) records the meeting and opens the online vote on next year's head. Returns the vote."""
    from agreements.models import Agreement, Criterion
    from agreements.signing import services as signing
    from agreements.signing.models import Signature
    from agreements.signing.selectors import unsigned_unit_ids
    from awards.models import VoteSession
    from awards.services import votes as voting
    from results import services as results
    from results.models import Period

    agreement = Agreement.objects.get(pk=world.agreement_2021.pk)
    by_pk = {unit.pk: name for name, unit in world.units.items()}
    for unit_id in sorted(unsigned_unit_ids(agreement)):
        signing.signature_sign(
            actor=world.user(by_pk[unit_id]),
            agreement=Agreement.objects.get(pk=agreement.pk),
            unit=world.units[by_pk[unit_id]],
            method=Signature.Method.TYPED,
            content_hash=agreement.content_hash,
        )
    head, deputy = world.user("hoankiem"), world.user("badinh")
    cluster_year = world.cluster_year_2021
    period = results.period_open(
        actor=head,
        cluster_year=cluster_year,
        kind=Period.Kind.YEAR_END,
        deadline=timezone.now() + WEEK,
    )
    criteria = Criterion.objects.filter(section__agreement=period.agreement)
    entries = {c.pk: {"value": VALUES_2021[c.code]} for c in criteria}
    sheets = list(period.assessments.all())
    for sheet in sheets:
        actor = world.user(by_pk[sheet.unit_id])
        results.assessment_save(
            actor=actor, assessment=sheet, expected_version=sheet.version, entries=entries
        )
        results.assessment_submit(actor=actor, assessment=sheet)
    for sheet in sheets:
        reviewer = deputy if sheet.unit_id == world.unit("hoankiem").pk else head
        results.assessment_accept(actor=reviewer, assessment=sheet)
    results.period_lock(actor=head, period=period)
    meeting = voting.meeting_create(
        actor=head,
        cluster_year=cluster_year,
        title="Hội nghị tổng kết công tác thi đua năm 2021",
        held_at=timezone.now(),
        venue="Trụ sở Ủy ban MTTQ Việt Nam quận Hoàn Kiếm",
        chair_name="Phạm Văn D",
        chair_title="Chủ tịch Ủy ban MTTQ Việt Nam quận Hoàn Kiếm, Cụm trưởng",
        secretary_name="Bùi Thị L",
        secretary_title="Phó Chủ tịch Ủy ban MTTQ Việt Nam quận Hoàn Kiếm",
    )
    session = voting.session_create(actor=head, meeting=meeting, purpose=VoteSession.Purpose.HEAD)
    return voting.session_open(actor=head, session=session)


# An upload of two units: the first can be imported, the second names no configured level.
IMPORT_CSV = "\n".join(
    [
        "name,short_name,level,parent,place_name,header_lines,collective_name",
        'Ủy ban MTTQ Việt Nam quận Cầu Giấy,Cầu Giấy,"Quận, huyện",MTTQ Hà Nội,Cầu Giấy,'
        "ỦY BAN MTTQ VIỆT NAM / QUẬN CẦU GIẤY / BAN THƯỜNG TRỰC,Ban Thường trực",
        "Ủy ban MTTQ Việt Nam quận Tây Hồ,Tây Hồ,Cấp không có,MTTQ Hà Nội,Tây Hồ,"
        "ỦY BAN MTTQ VIỆT NAM / QUẬN TÂY HỒ / BAN THƯỜNG TRỰC,Ban Thường trực",
    ]
)


def upload_import(page, base):
    """Parent staff upload a file of units: its preview (kept in the session) awaits them."""
    page.goto(base + reverse("clusters:import"))
    page.select_option("select[name=kind]", "units")
    page.set_input_files(
        "input[name=file]",
        {"name": "don-vi.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode()},
    )
    page.click("main form button[type=submit]")
    page.wait_for_url(base + reverse("clusters:import_preview"))
