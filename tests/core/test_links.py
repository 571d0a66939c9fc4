"""core.links.link: the same address as Django's reverse, for every view of the site."""

import pytest
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    reverse,
    set_script_prefix,
)
from django.utils import translation

from core import links
from core.links import link


def _named_patterns(resolver=None, namespace=""):
    """(name, number of arguments) of every named URL of the site."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", len(entry.pattern.converters or {}), entry


def test_every_named_address_with_ids_is_the_one_reverse_gives():
    checked = 0
    for name, count, entry in _named_patterns():
        if count == 0 or not all(c.regex == "[0-9]+" for c in entry.pattern.converters.values()):
            continue
        for ids in [(1,) * count, tuple(range(7, 7 + count)), (123_456_789,) * count]:
            try:
                expected = reverse(name, args=ids)
            except NoReverseMatch:
                continue
            assert link(name, *ids) == expected, name
            checked += 1
    assert checked > 100  # the site has many such views


def test_a_view_without_ids_and_other_values_go_to_reverse():
    assert link("dashboard") == reverse("dashboard") == "/"
    assert link("agreements:detail", 0) == reverse("agreements:detail", args=[0])
    with pytest.raises(NoReverseMatch):
        link("agreements:detail", -1)
    with pytest.raises(NoReverseMatch):
        link("agreements:detail", "abc")
    with pytest.raises(NoReverseMatch):  # a boolean is not an id, as for reverse
        link("agreements:detail", True)


def test_the_shape_follows_the_script_prefix_and_the_urlconf(settings):
    assert link("agreements:detail", 5) == "/agreements/5/"
    set_script_prefix("/thidua/")
    try:
        assert link("agreements:detail", 5) == "/thidua/agreements/5/"
    finally:
        set_script_prefix("/")
    assert link("agreements:detail", 5) == "/agreements/5/"
    settings.ROOT_URLCONF = "tests.core.urls_errors"
    assert links._shape.cache_info().currsize == 0
    assert link("agreements:detail", 5) == "/agreements/5/"
    assert links._shape.cache_info().currsize == 1


def test_the_same_in_english():
    with translation.override("en"):
        assert link("clusters:cluster_year", 3) == reverse("clusters:cluster_year", args=[3])


def test_a_shape_that_reverse_would_not_give_is_refused(monkeypatch):
    """If the ids' text were not the ids themselves (a converter that pads them, say), the
    check against reverse with other ids fails and every call goes to reverse."""
    real = links.reverse

    def padded(name, args=(), urlconf=None):
        if name == "agreements:detail":
            return "/agreements/" + "".join(f"{a:012d}" for a in args) + "/"
        return real(name, args=args, urlconf=urlconf)

    links._shape.cache_clear()
    monkeypatch.setattr(links, "reverse", padded)
    assert link("agreements:detail", 5) == "/agreements/000000000005/"
    assert links._shape("agreements:detail", 1, "config.urls", "/", "vi") is None
    links._shape.cache_clear()
