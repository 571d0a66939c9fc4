"""The "Việc cần làm" registry: each app contributes the tasks it knows about.

`clusters` registers first; later apps register in their AppConfig.ready(), so no app
imports a later one.
"""

from dataclasses import dataclass

from django.utils import timezone

_providers = []


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


def register(provider):
    """Register `provider(user) -> list[Task]`; usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def tasks_for(user):
    items = []
    for provider in _providers:
        items.extend(provider(user))
    return items


# --- the parent body's year at a glance ------------------------------------------------------
# Every cluster of a year on one row; each app contributes the columns of the steps it owns:
# `provider(cluster_years) -> {cluster_year_pk: Cell}`, a constant number of queries whatever
# the number of clusters. Columns appear in `order`.


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    done: bool = False
    late: bool = False


_columns = []


def register_column(title, order):
    """Register a column of the year board; usable as a decorator of its provider."""

    def decorator(provider):
        if all(existing is not provider for _o, _t, existing in _columns):
            _columns.append((order, title, provider))
            _columns.sort(key=lambda column: column[0])
        return provider

    return decorator


def year_board(cluster_years):
    """([column titles], [(cluster_year, [Cell or None per column])]) for these years."""
    cells = [provider(cluster_years) for _order, _title, provider in _columns]
    rows = [(cy, [column.get(cy.pk) for column in cells]) for cy in cluster_years]
    return [title for _order, title, _provider in _columns], rows
