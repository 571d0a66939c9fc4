"""The "Việc cần làm" registry: each app contributes the tasks it knows about.

`clusters` registers first; later apps register in their AppConfig.ready(), so no app
imports a later one.
"""

from dataclasses import dataclass

from django.db.models import F, Func, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.registry import Registry

_providers = Registry()


@dataclass(frozen=True)
class Action:
    """A button on a task that posts to `url`; with `reason`, it asks for one first."""

    label: str
    url: str
    style: str = "primary"
    reason: bool = False


@dataclass(frozen=True)
class Task:
    title: str
    url: str
    detail: str = ""
    due: object = None
    kind: str = "info"  # info | action | warning
    actions: tuple = ()

    @property
    def late(self):
        """The task is still to do after its deadline."""
        return self.due is not None and self.due < timezone.now()


class Shared:
    """What the task providers of one request read once and share: `get(key, read)` calls
    `read()` the first time a key is asked for and keeps the value for the other providers
    (e.g. clusters' list of the user's memberships, reused by agreements, results and awards)."""

    def __init__(self):
        self._values = {}

    def get(self, key, read):
        if key not in self._values:
            self._values[key] = read()
        return self._values[key]

    def put(self, key, value):
        self._values[key] = value


def register(provider):
    """Register `provider(user, shared) -> list[Task]` (`shared`: a Shared of the request);
    usable as a decorator."""
    return _providers.register(provider)


def tasks_for(user, shared=None):
    return _providers.collect(user, Shared() if shared is None else shared)


def count_of(queryset, field="pk", distinct=False):
    """How many rows of `queryset` (which may use OuterRef), or distinct values of `field`, as
    a scalar subquery: an annotation that counts without joining and grouping the outer query.
    """
    # A plain function, not an aggregate: Django adds no GROUP BY, so the subquery is one row.
    extra = {"template": "%(function)s(DISTINCT %(expressions)s)"} if distinct else {}
    count = Func(F(field), function="COUNT", output_field=IntegerField(), **extra)
    return Coalesce(Subquery(queryset.order_by().annotate(_n=count).values("_n")[:1]), 0)


# --- the parent body's year at a glance ------------------------------------------------------
# Every cluster of a year on one row; each app contributes the columns of the steps it owns.
# A column gives the annotations it reads (`annotations() -> {name: expression}`, expressions
# on the cluster year, OuterRef("pk") for its key) and `provider(cluster_year) -> Cell | None`,
# which reads them: core adds every column's annotations to one query of the cluster years, so
# the whole board is one query whatever the number of clusters and columns. Columns appear in
# `order`; annotation names start with the app's label, so that they do not collide.


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    done: bool = False
    late: bool = False

    @property
    def html(self):
        """The board's table cell for this step ({{ cell.html }} in dashboard.html): written here,
        once a cell, rather than by a dozen template nodes for each of a board's many cells."""
        state = "board-late" if self.late else "board-done" if self.done else ""
        text = conditional_escape(self.text)
        if self.url:
            text = f'<a href="{conditional_escape(self.url)}">{text}</a>'
        done = '<span aria-hidden="true">✓ </span>' if self.done else ""
        late = (
            f' <span class="badge text-bg-danger">{conditional_escape(gettext("late"))}</span>'
            if self.late
            else ""
        )
        return mark_safe(f'<td class="{state}">{done}{text}{late}</td>')  # noqa: S308 (escaped)


_columns = []


_board_reads = []


def register_board_read(key):
    """Register `factory(user) -> expression` (a subquery that does not depend on the row):
    when the board is shown, its value rides along the board's query and is kept in the
    request's Shared under `key`, so that the provider reading it then spends no query of its
    own. Usable as a decorator."""

    def decorator(factory):
        if all(existing is not factory for _key, existing in _board_reads):
            _board_reads.append((key, factory))
        return factory

    return decorator


def register_column(title, order, annotations=None):
    """Register a column of the year board; usable as a decorator of its provider."""

    def decorator(provider):
        if all(existing is not provider for _o, _t, existing, _a in _columns):
            _columns.append((order, title, provider, annotations))
            _columns.sort(key=lambda column: column[0])
        return provider

    return decorator


def board_annotations(user=None, reads=False):
    """Every column's annotations for a query of cluster years, and, with `reads`, the
    registered board reads of `user` (named board_read_N: `board_rows` hands them over)."""
    annotations = {}
    for _order, _title, _provider, annotate in _columns:
        if annotate is not None:
            annotations.update(annotate())
    if reads:
        for index, (_key, factory) in enumerate(_board_reads):
            annotations[f"board_read_{index}"] = factory(user)
    return annotations


def board_rows(years, shared=None):
    """([column titles], [(cluster_year, [Cell or None per column])]) for cluster years read
    with `board_annotations`; given the request's Shared, the board reads are put in it."""
    if years and shared is not None:
        for index, (key, _factory) in enumerate(_board_reads):
            name = f"board_read_{index}"
            if hasattr(years[0], name):
                shared.put(key, getattr(years[0], name))
    rows = [(cy, [provider(cy) for _o, _t, provider, _a in _columns]) for cy in years]
    return [title for _order, title, _provider, _a in _columns], rows
