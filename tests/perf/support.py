"""Two generated datasets side by side, and the pages of one parent body in each.

`small` is the seed's size (about eight member units, 16 criteria); `big` has nearly three
times the members per cluster, 50 criteria, twenty clusters and three years. Both are written
by demo/scale.py into the test database, each under its own login prefix.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement
from awards.models import Meeting, Proposal, VoteSession
from clusters.models import ClusterYear, Unit
from demo import scale
from results.models import Assessment, Period

LAST_YEAR = 2025
SMALL = scale.Sizes(prefix="small", units=20, clusters=3, years=2, criteria=16, last_year=LAST_YEAR)
BIG = scale.Sizes(
    prefix="big", units=420, clusters=20, years=3, provinces=2, criteria=50, last_year=LAST_YEAR
)
ROW = re.compile(r"<tr[\s>]")
TBODY = re.compile(r"<tbody.*?</tbody>", re.S)
LIST_ITEM = re.compile(r'<li class="list-group-item[ "]')


@dataclass
class Pages:
    """The URLs of one province's pages for its last complete year, seen by its staff."""

    staff: object
    urls: dict


def pages_of(prefix):
    """The main pages of province 01 of the dataset `prefix`, for the year before the last."""
    staff = get_user_model().objects.get(username=f"{prefix}.t01.staff")
    province = Unit.objects.get(positions__person__user=staff)
    year = LAST_YEAR - 1
    cluster_year = (
        ClusterYear.objects.filter(cluster__parent=province, year=year).order_by("pk").first()
    )
    agreement = Agreement.objects.get(cluster_year=cluster_year, status=Agreement.Status.SEALED)
    period = Period.objects.get(cluster_year=cluster_year, kind=Period.Kind.YEAR_END)
    sheet = Assessment.objects.filter(period=period).order_by("pk").first()
    meeting = Meeting.objects.get(cluster_year=cluster_year)
    vote = VoteSession.objects.get(meeting=meeting, purpose=VoteSession.Purpose.LEADING)
    proposal = Proposal.objects.get(cluster_year=cluster_year)
    member = cluster_year.memberships.order_by("order").first().unit
    urls = {
        "dashboard": "/",
        "cluster year": f"/cluster-years/{cluster_year.pk}/",
        "agreement": f"/agreements/{agreement.pk}/",
        "signing": f"/agreements/{agreement.pk}/signing/",
        "results": f"/results/{period.pk}/",
        "parent comparison": f"/parents/{province.pk}/comparison/?year={year}",
        "parent comparison, open year": f"/parents/{province.pk}/comparison/",
        "award summary": f"/parents/{province.pk}/awards/{year}/",
        "awards of the cluster year": f"/cluster-years/{cluster_year.pk}/awards/",
        "vote": f"/votes/{vote.pk}/",
        "proposal": f"/proposals/{proposal.pk}/",
        "self-assessment": f"/sheets/{sheet.pk}/",
        "unit": f"/units/{member.pk}/",
        "cluster years": "/cluster-years/",
        "units": "/units/",
        "people": "/people/",
        "good practices": "/practices/",
    }
    return Pages(staff, urls)


def measure(client, url):
    """(status, queries, body) of a GET, after one warm-up request (caches filled)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries), response.content.decode()


def table_rows(html):
    """How many rows the page's tables and list groups show."""
    return sum(len(ROW.findall(body)) for body in TBODY.findall(html)) + len(
        LIST_ITEM.findall(html)
    )


def database_url():
    """DATABASE_URL of the database the tests use (for servers and workers in other processes)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or ""
    port = f":{db['PORT']}" if db["PORT"] and host else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"
