"""The kinds of prepared file the apps register: how to find the object and produce the file."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.urls import reverse

_kinds = {}


@dataclass(frozen=True)
class Produced:
    """What a producer returns: the file's bytes and the name it is downloaded under."""

    content: bytes
    filename: str


@dataclass(frozen=True)
class Kind:
    """One kind of prepared file.

    `target(user, **params)` returns the object the file is made from, or raises Http404 /
    PermissionDenied (the app's access check); `produce(obj, **params)` returns `Produced`;
    `title(obj, **params)` names the file for people; `url_name` is the URL that prepares it
    (its keyword arguments are the params).
    """

    key: str
    url_name: str
    target: Callable
    produce: Callable
    title: Callable

    def prepare_url(self, params):
        return reverse(self.url_name, kwargs=params)


def register(kind):
    _kinds[kind.key] = kind
    return kind


def kind_for(key):
    try:
        return _kinds[key]
    except KeyError:
        raise Http404 from None


def retention():
    return datetime.timedelta(hours=settings.PREPARED_FILE_HOURS)
