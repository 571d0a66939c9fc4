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


def on_signing_mode_change(check):
    """Register `check(cluster_year) -> str | None`: the reason the year's signing mode can no
    longer change (its agreement's signing has begun), or None. Run under the year's row lock."""
    if check not in _signing_mode_locks:
        _signing_mode_locks.append(check)


def signing_mode_locked(cluster_year):
    """The first reason a registered app gives for keeping the signing mode, or ""."""
    for check in _signing_mode_locks:
        reason = check(cluster_year)
        if reason:
            return reason
    return ""
