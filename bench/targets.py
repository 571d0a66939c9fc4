"""What the benchmark looks at: one parent body's pages for its last complete year.

The same page kinds are found in the seed demo (parent staff "bantt", Hà Nội, Cluster No. 1,
2020) and in the national dataset (the staff of province 01, its first cluster, the year before
the one in progress), so that their query counts can be compared.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from agreements.models import Agreement
from awards.models import Meeting, Proposal
from clusters import access
from clusters.models import ClusterYear, Unit
from results.models import Period

SEED_USER = "bantt"
NATIONAL_USER = "scale.t01.staff"
# The main pages, in the order of the report; names are the keys of docs/benchmarks.json.
PAGES = [
    "dashboard",
    "year_overview",
    "cluster_year",
    "agreement",
    "signing",
    "results",
    "parent_comparison",
    "award_summary",
]


@dataclass
class Targets:
    username: str
    parent: Unit
    year: int
    cluster_year: ClusterYear
    agreement: Agreement
    period: Period
    meeting: Meeting | None
    proposal: Proposal | None

    def urls(self):
        return {
            "dashboard": "/",
            # The parent staff's dashboard for the benchmark's year: the year at a glance.
            "year_overview": f"/?year={self.year}",
            "cluster_year": f"/cluster-years/{self.cluster_year.pk}/",
            "agreement": f"/agreements/{self.agreement.pk}/",
            "signing": f"/agreements/{self.agreement.pk}/signing/",
            "results": f"/results/{self.period.pk}/",
            "parent_comparison": f"/parents/{self.parent.pk}/comparison/?year={self.year}",
            "award_summary": f"/parents/{self.parent.pk}/awards/{self.year}/",
        }

    def lists(self):
        """List pages, each with what it lists in all (to check that at most 50 are shown)."""
        return {
            "cluster years": "/cluster-years/",
            "units": "/units/",
            "people": "/people/",
            "plans": "/plans/",
            "good practices": "/practices/",
            "comparison, open year": f"/parents/{self.parent.pk}/comparison/",
            "award summary": f"/parents/{self.parent.pk}/awards/{self.year}/",
            "search": "/search/?q=M%E1%BA%ABu",
        }


def find(username):
    """The targets of a parent-staff user: their parent body's latest locked year."""
    user = get_user_model().objects.get(username=username)
    parent = Unit.objects.get(pk=min(access.staff_parent_ids(user)))
    period = (
        Period.objects.filter(
            cluster_year__cluster__parent=parent,
            kind=Period.Kind.YEAR_END,
            status=Period.Status.LOCKED,
        )
        .select_related("cluster_year")
        .order_by("-cluster_year__year", "cluster_year__cluster__name", "pk")
        .first()
    )
    cluster_year = period.cluster_year
    return Targets(
        username=username,
        parent=parent,
        year=cluster_year.year,
        cluster_year=cluster_year,
        agreement=Agreement.objects.get(cluster_year=cluster_year, status=Agreement.Status.SEALED),
        period=period,
        meeting=Meeting.objects.filter(cluster_year=cluster_year).first(),
        proposal=Proposal.objects.filter(cluster_year=cluster_year).first(),
    )
