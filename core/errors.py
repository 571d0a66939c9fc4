"""Domain errors raised by services; their messages are shown to users as they are."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A transition or change the rules do not allow (message in the user's language)."""


class ConflictError(DomainError):
    """A lost-update guard tripped: somebody saved the same record after it was loaded."""

    def __init__(self, message, *, current=None, version=None):
        super().__init__(message, code="conflict")
        self.current = current or {}
        self.version = version  # the record's version now, for a form to save against
