"""The timeline of a cluster year: the yearly cycle's steps and how far the year has come.

`clusters` knows only the plan and the year's status. Later apps (agreements, awards) report
the steps they own through `register(provider)`, so that `clusters` imports none of them:
a provider is `provider(cluster_year) -> {step_key: Progress}` and should cost a constant
number of queries whatever the size of the cluster.

What a provider reads it should declare with `register_read(annotations)`: expressions read
with the cluster year (by the page's own query of the year, `annotations(prefix)`, or else by
one query that `build` makes for all of them), whose values the provider finds as attributes of
the year — so the timeline costs no query of its own on the cluster-year page.
"""

import copy
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from clusters.models import ClusterYear
from core.compiled import compiled
from core.registry import Registry

DONE, CURRENT, PENDING = "done", "current", "pending"
# A step the year went past without completing it (e.g. no mid-year review was held).
SKIPPED = "skipped"


@dataclass(frozen=True)
class Step:
    key: str
    number: int
    title: str
    when: str
    who: str
    state: str = PENDING
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class Progress:
    """What a provider knows about one step; empty values leave the step as it was."""

    state: str = ""
    detail: str = ""
    url: str = ""


# The yearly cycle of DOMAIN.md (step 2, the work through the year, is not a milestone).
CYCLE = [
    Step("plan", 0, _("Parent's plan"), _("January"), _("parent staff")),
    Step("signing", 1, _("Signing conference"), _("February–March"), _("head hosts, all sign")),
    Step("midyear", 3, _("Mid-year review"), _("July–August"), _("cluster")),
    Step(
        "year_end", 4, _("Year-end review and self-scores"), _("October–December"), _("each unit")
    ),
    Step(
        "score_review", 5, _("Score review"), _("at the year-end review"), _("head, peers, parent")
    ),
    Step("ranking", 6, _("Ranking and vote"), _("year-end meeting"), _("all members")),
    Step(
        "election", 7, _("Election of next year's head and deputy"), _("same meeting"), _("members")
    ),
    Step("proposal", 8, _("Award proposal"), _("right after"), _("cluster head")),
    Step("decision", 9, _("Parent's decision"), _("December–February"), _("parent's council")),
]

_providers = Registry()


def register(provider):
    """Register `provider(cluster_year) -> dict[str, Progress]`; usable as a decorator."""
    return _providers.register(provider)


_reads = Registry()
_names = []  # the names of the annotations, once known (reset when a read is registered)


def register_read(annotations):
    """Register `annotations(prefix) -> {name: expression}`: what a provider reads with the
    cluster year, `prefix` being the lookups' path from the query's rows to the year ("" or
    "cluster_year__"; OuterRef(f"{prefix}pk") its key in a subquery). Names start with the
    app's label. Usable as a decorator."""
    _names.clear()
    return _reads.register(annotations)


def annotations(prefix=""):
    """{name: expression} of every registered read, for the query that reads the year."""
    merged = {}
    for read in _reads:
        merged.update(read(prefix))
    return merged


def _annotation_names():
    if not _names:
        _names.extend(annotations(""))
    return _names


@compiled
def _read(*, pk):
    """The registered reads of one cluster year (when its page's query did not carry them)."""
    expressions = annotations("")
    return ClusterYear.objects.filter(pk=pk).annotate(**expressions).values(*expressions)


def _with_reads(cluster_year):
    """The year with the values of the registered reads: itself when its query read them,
    else a copy given them by one query (the year itself is left as it was, so that a later
    call reads them again)."""
    names = _annotation_names()
    if not names or all(hasattr(cluster_year, name) for name in names):
        return cluster_year
    [row] = _read(pk=cluster_year.pk)
    cluster_year = copy.copy(cluster_year)
    for name in names:
        setattr(cluster_year, name, row[name])
    return cluster_year


def build(cluster_year):
    """Return the year's steps in order, each marked done, current, pending or skipped.

    The states follow from what has happened: a step before the last one done that is not
    done itself was gone past (skipped), never "current"; the current step comes after the
    last one done; a year whose steps are all behind it has none."""
    cluster_year = _with_reads(cluster_year)
    steps = {step.key: step for step in CYCLE}
    for provider in _providers:
        for key, progress in provider(cluster_year).items():
            if key in steps:
                steps[key] = replace(
                    steps[key],
                    state=progress.state or steps[key].state,
                    detail=progress.detail or steps[key].detail,
                    url=progress.url or steps[key].url,
                )
    ordered = [steps[step.key] for step in CYCLE]
    last_done = max((i for i, s in enumerate(ordered) if s.state == DONE), default=-1)
    ordered = [
        replace(step, state=SKIPPED) if index < last_done and step.state != DONE else step
        for index, step in enumerate(ordered)
    ]
    if cluster_year.status != ClusterYear.Status.PREPARING and not any(
        s.state == CURRENT for s in ordered
    ):
        for index, step in enumerate(ordered):
            if step.state == PENDING:
                ordered[index] = replace(step, state=CURRENT)
                break
    return ordered


def is_finished(steps):
    """Every step is behind the year (done, or gone past)."""
    return all(step.state in (DONE, SKIPPED) for step in steps)


@register
def _foundation_progress(cluster_year):
    """What the foundation knows: the plan is linked; a closed year has run its course."""
    if cluster_year.status == ClusterYear.Status.CLOSED:
        return {step.key: Progress(state=DONE) for step in CYCLE}
    if cluster_year.plan_id:
        plan = cluster_year.plan
        return {"plan": Progress(state=DONE, detail=f"{plan.reference} ({plan.date:%d/%m/%Y})")}
    return {"plan": Progress(state=CURRENT, detail=_("No plan linked to this year yet."))}
