"""Every HTML view of the URLconf is checked by axe as some role (tests/e2e/a11y_views.py):
a new view fails here until it is given to a role that reaches it, or excluded with a reason."""

import pytest
from django.urls import reverse
from django.urls.converters import IntConverter

from tests.e2e.a11y_views import CHECKED_BY, EXCLUDED, POST_ONLY, ROLES, html_views, url_patterns


def test_every_html_view_is_checked_by_a_role():
    names = {name for name, _pattern in url_patterns()}
    unchecked = sorted(html_views() - set(CHECKED_BY))
    assert not unchecked, f"Views no role checks (give each to a role in CHECKED_BY): {unchecked}"
    listed = set(CHECKED_BY) | set(EXCLUDED) | set(POST_ONLY)
    assert not listed - names, f"Not in the URLconf any more: {sorted(listed - names)}"
    assert not set(CHECKED_BY) & (set(EXCLUDED) | set(POST_ONLY))
    assert set(CHECKED_BY.values()) <= set(ROLES)


@pytest.mark.django_db
def test_the_post_only_views_refuse_get(admin_client):
    """The exclusion of the actions is true: a GET is refused (405), whoever asks."""
    patterns = dict(url_patterns())
    answers = {}
    for name in POST_ONLY:
        converters = patterns[name].pattern.converters
        kwargs = {
            key: 1 if isinstance(converter, IntConverter) else "x"
            for key, converter in converters.items()
        }
        answers[name] = admin_client.get(reverse(name, kwargs=kwargs)).status_code
    assert {name: code for name, code in answers.items() if code != 405} == {}
