"""Links that later apps add to a unit's page (clusters knows no later app).

An app registers `provider(user, unit) -> list[Link]` in its AppConfig.ready(); the unit's page
shows every provider's links. A provider must not query the database: the page's query count
stays what clusters spends.
"""

from dataclasses import dataclass

from core.registry import Registry

_providers = Registry()


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def register(provider):
    """Register `provider(user, unit) -> list[Link]`; usable as a decorator."""
    return _providers.register(provider)


def links_for(user, unit):
    """The links of the registered providers for `unit`, as `user` sees its page."""
    return _providers.collect(user, unit)
