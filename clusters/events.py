"""What later apps do when a unit joins a cluster year, and what keeps its signing mode.

`clusters` imports no later app: an app that keeps a record per member of a cluster year (the
self-assessment sheets of an open review) registers here, from its AppConfig.ready(), to give a
unit that joins mid-year, or that succeeds a member, its own.
"""

_member_joined = []


def on_member_joined(callback):
    """Register `callback(actor, membership, predecessor)`, run inside the joining transaction.

    `predecessor` is the unit whose membership `membership` continues (a succession), else None.
    """
    if callback not in _member_joined:
        _member_joined.append(callback)


def member_joined(*, actor, membership, predecessor=None):
    """Tell every registered app that `membership` began (the services call it)."""
    for callback in _member_joined:
        callback(actor, membership, predecessor)


_signing_mode_locks = []


def on_signing_mode_change(check, *, expression=None, reason=None):
    """Register `check(cluster_year) -> str | None`: the reason the year's signing mode can no
    longer change (its agreement's signing has begun), or None. Run under the year's row lock.

    `expression(cluster_year_pk)`, when given, is the same check as a boolean expression over
    the outer query's field `cluster_year_pk`, whose `reason()` is shown when it is true: a page
    reads it with the cluster year (`signing_mode_lock_annotations`) instead of on its own."""
    if all(entry[0] is not check for entry in _signing_mode_locks):
        _signing_mode_locks.append((check, expression, reason))


def signing_mode_lock_annotations(cluster_year_pk="pk"):
    """{name: expression} of the registered checks that have one, to annotate the rows that
    read a cluster year (its pk being the field `cluster_year_pk`); copy the values onto the
    cluster year as attributes of the same names and `signing_mode_locked` reads no more."""
    return {
        _lock_name(index): expression(cluster_year_pk)
        for index, (_check, expression, _reason) in enumerate(_signing_mode_locks)
        if expression is not None
    }


def _lock_name(index):
    return f"signing_mode_lock_{index}"


def signing_mode_locked(cluster_year):
    """The first reason a registered app gives for keeping the signing mode, or ""."""
    for index, (check, _expression, reason) in enumerate(_signing_mode_locks):
        known = getattr(cluster_year, _lock_name(index), None)
        found = check(cluster_year) if known is None else known and reason()
        if found:
            return found
    return ""
