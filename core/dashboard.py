"""The "Việc cần làm" registry: each app contributes the tasks it knows about.

`clusters` registers first; later apps register in their AppConfig.ready(), so no app
imports a later one.
"""

from dataclasses import dataclass

from django.utils import timezone

_providers = []


@dataclass(frozen=True)
class Task:
    title: str
    url: str
    detail: str = ""
    due: object = None
    kind: str = "info"  # info | action | warning

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
