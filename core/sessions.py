"""Sessions in the database, read with a query compiled once per process (core.compiled).

Every logged-in request reads its session; Django builds and compiles that one-row query on each
of them. This store reads the same row the same way (an unexpired session with this key) from
SQL compiled once. SESSION_ENGINE = "core.sessions".
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.compiled import compiled


@compiled
def _unexpired(*, key, now):
    return Session.objects.filter(session_key=key, expire_date__gt=now)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        rows = _unexpired(key=self.session_key, now=timezone.now()) if self.session_key else []
        if not rows:
            self._session_key = None  # as Django's store does: a new session on save
            return None
        return rows[0]
