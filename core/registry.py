"""Providers that later apps register and that core (or an earlier app) calls without knowing
them: the tasks of the dashboard, reminders, calendar events, a unit's links, a cluster year's
timeline and roll-over. Apps register in their AppConfig.ready(), so no app imports a later one.
"""


class Registry:
    """An ordered set of providers; iterating gives them in the order they were registered."""

    def __init__(self):
        self._providers = []

    def register(self, provider):
        """Add `provider` (once, however often it is registered); usable as a decorator."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def remove(self, provider):
        self._providers.remove(provider)

    def __iter__(self):
        return iter(list(self._providers))

    def collect(self, *args, **kwargs):
        """Every provider's items for these arguments, one list, in the providers' order."""
        items = []
        for provider in self:
            items.extend(provider(*args, **kwargs))
        return items
