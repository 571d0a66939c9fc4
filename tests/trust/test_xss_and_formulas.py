"""Script, markup and formula payloads typed into free-text fields stay inert everywhere.

The payloads go in through the services (unit and person names, the plan, the cluster, the 2022
draft's title, legal basis, sections, criteria and a comment, a refusal to sign, a good
practice, the self-assessment explanations of a new mid-year review). Then every page of the
permission matrix is read as two users and must show them escaped only; the PDFs must print
them as literal text; the Excel files must hold them as text, never as formulas.
"""

import datetime
import io
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.prepared_support import download
from tests.trust import test_permission_matrix as matrix
from tests.trust.support import client_as, reopen, savepoint

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HYPERLINK = '=HYPERLINK("http://x")'
DDE = "+cmd|' /C calc'!A0"
RAW_MARKUP = [SCRIPT, "<img src=x onerror=alert(1)>", "<script>"]
FORMULA_START = ("=", "+", "-", "@")


def inject(w):
    """Type the payloads into every kind of free-text field, through the services."""
    from agreements import services as agreements
    from agreements.models import Criterion
    from agreements.signing import services as signing
    from clusters import services as clusters
    from clusters.models import Person
    from demo.foundation import DISTRICTS
    from results import services as awards
    from results.models import Assessment, Period

    admin = w.admin
    unit = w.unit("badinh")
    clusters.unit_update(
        actor=admin,
        unit=unit,
        expected_version=unit.version,
        name=f"Ủy ban MTTQ quận {SCRIPT}",
        short_name=f"Ba Đình{IMG}",
    )
    person = Person.objects.get(pk=w.person.pk)
    clusters.person_update(
        actor=admin, person=person, expected_version=person.version, full_name=f"Lý {SCRIPT}"
    )
    plan = type(w.plan).objects.get(pk=w.plan.pk)
    clusters.plan_update(
        actor=admin, plan=plan, expected_version=plan.version, title=f"Kế hoạch {IMG}"
    )
    head = w.user("canbo.dongda")
    draft = type(w.draft).objects.get(pk=w.draft.pk)
    draft = agreements.agreement_update(
        actor=head,
        agreement=draft,
        expected_version=draft.version,
        title=f"GIAO ƯỚC {SCRIPT}",
        place="Hà Nội",
        date=datetime.date(2022, 2, 10),
        legal_basis=f"Căn cứ {IMG}",
        closing=f"{HYPERLINK} cam kết",
    )
    section = agreements.section_add(
        actor=head, agreement=draft, heading=f"Mục {SCRIPT}", text=f"{DDE} nội dung {IMG}"
    )
    agreements.criterion_add(
        actor=head,
        section=section,
        code="9.9",
        text=f"{HYPERLINK} {SCRIPT}",
        measure=Criterion.Measure.YES_NO,
        rule=Criterion.Rule.ALL_OR_NOTHING,
        max_points=1,
    )
    draft = agreements.agreement_circulate(actor=head, agreement=draft)
    agreements.comment_add(
        actor=w.user("canbo.badinh"), agreement=draft, unit=unit, text=f"Góp ý {SCRIPT}{IMG}"
    )
    signing.signature_decline(
        actor=w.user("haibatrung"),
        agreement=w.agreement_2021,
        unit=w.unit("haibatrung"),
        reason=f"{SCRIPT} lý do",
    )
    awards.practice_create(
        actor=w.user("canbo.badinh"),
        cluster_year=w.cluster_year,
        unit=unit,
        title=f"Mô hình {SCRIPT}",
        description=f"{IMG} mô tả",
        results=f"{HYPERLINK}",
    )
    reopen(w.cluster_year)
    period = awards.period_open(
        actor=head,
        cluster_year=w.cluster_year,
        kind=Period.Kind.MID_YEAR,
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    from demo.results import _entries

    criteria = {c.code: c for c in Criterion.objects.filter(section__agreement=period.agreement)}
    for username, _short, _chair in DISTRICTS:
        sheet = Assessment.objects.get(period=period, unit=w.unit(username))
        entries = _entries(username, criteria, fixed=True)
        for number, entry in enumerate(entries.values()):
            entry["explanation"] = [HYPERLINK, DDE, SCRIPT, IMG, "@SUM(1+1)", "-2+3"][number % 6]
        awards.assessment_save(
            actor=w.user("canbo.badinh" if username == "badinh" else username),
            assessment=sheet,
            expected_version=sheet.version,
            entries=entries,
        )
    return period


def page_urls(w, period):
    urls = []
    for name in matrix.project_url_names():
        kwargs = matrix.URL_ARGS[name](w) if name in matrix.URL_ARGS else {}
        urls.append(reverse(name, kwargs=kwargs))
    sheet = period.assessments.get(unit=w.unit("badinh"))
    urls += [
        reverse("results:period", args=[period.pk]),
        reverse("results:assessment", args=[sheet.pk]),
        reverse("agreements:detail", args=[w.draft.pk]),
        reverse("agreements:signing", args=[w.agreement_2021.pk]),
        reverse("clusters:unit", args=[w.unit("badinh").pk]) + "?q=%3Cscript%3E",
        reverse("clusters:search") + "?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ]
    return urls


def test_payloads_are_escaped_on_every_page(trust_world):
    world = trust_world
    period = inject(world)
    shown_escaped = 0
    for role in ("admin", "canbo.dongda", "canbo.badinh"):
        client = client_as(world, role)
        for url in page_urls(world, period):
            with savepoint():
                response = client.get(url)
            if response.streaming or "text/html" not in response.get("Content-Type", ""):
                if response.streaming:
                    b"".join(response.streaming_content)
                continue
            html = response.content.decode()
            for raw in RAW_MARKUP:
                assert raw not in html, f"{url} as {role} shows {raw!r} unescaped"
            assert not re.search(r"<img[^>]*onerror", html), f"{url} as {role}: onerror"
            shown_escaped += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert shown_escaped >= 20, "the payloads did not reach the pages"


def pdf_text(data):
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return "".join(result.stdout.decode().split())


def test_payloads_are_literal_text_in_every_pdf(trust_world):
    world = trust_world
    period = inject(world)
    client = client_as(world, "admin")
    pdfs = {
        "the 2022 draft": reverse("agreements:document_pdf", args=[world.draft.pk]),
        "the mid-year score table": reverse("results:score_table_pdf", args=[period.pk]),
    }
    for label, url in pdfs.items():
        response = download(client, url)
        assert response.status_code == 200, label
        text = pdf_text(response.content)
        assert "".join(SCRIPT.split()) in text, f"{label}: the script is not printed literally"
        if label == "the 2022 draft":
            assert "".join(IMG.split()) in text and "".join(HYPERLINK.split()) in text


def cells(data):
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_excel_exports_hold_the_payloads_as_text_never_as_formulas(trust_world):
    world = trust_world
    period = inject(world)
    sheet = period.assessments.get(unit=world.unit("badinh"))
    prepared = {  # made in the background (core.prepared)
        "score table": ("admin", reverse("results:score_table_xlsx", args=[period.pk])),
        "awards of the year": (
            "admin",
            reverse("awards:parent_awards_xlsx", args=[world.parent.pk, 2020]),
        ),
    }
    direct = {  # small, answered at once
        "sheet template": ("canbo.badinh", reverse("results:assessment_template", args=[sheet.pk])),
        "import template": (
            "admin",
            reverse("clusters:import_template", kwargs={"kind": "units", "fmt": "xlsx"}),
        ),
    }
    files = {}
    for label, (role, url) in prepared.items():
        response = download(client_as(world, role), url)
        assert response.status_code == 200, label
        files[label] = response.content
    for label, (role, url) in direct.items():
        response = client_as(world, role).get(url)
        assert response.status_code == 200, label
        files[label] = response.content
    found = set()
    for label, data in files.items():
        for cell in cells(data):
            assert cell.data_type != "f", f"{label} {cell.coordinate} is a formula: {cell.value}"
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                assert cell.quotePrefix, f"{label} {cell.coordinate} {cell.value!r} not quoted"
                found.add(cell.value)
    assert {HYPERLINK, DDE} <= found, f"the formula payloads did not reach the exports: {found}"
