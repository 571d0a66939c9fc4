"""core.reversing.each_url writes what `reverse` writes."""

import pytest
from django.urls import reverse

from core.reversing import each_url


@pytest.mark.parametrize(
    ("viewname", "args"),
    [
        ("awards:award_overview", []),
        ("awards:proposal", []),
        ("awards:proposal_deadline", []),
        ("awards:parent_awards", [7]),
        ("results:period", []),
    ],
)
def test_each_url_is_reverse(viewname, args):
    url = each_url(viewname, *args)
    for number in (1, 9, 10, 2025, 123456789, 2**31 - 1):
        assert url(number) == reverse(viewname, args=[*args, number])


def test_each_url_keeps_the_script_prefix(settings):
    from django.urls import set_script_prefix

    set_script_prefix("/thidua/")
    try:
        assert each_url("results:period")(5) == reverse("results:period", args=[5])
        assert each_url("results:period")(5).startswith("/thidua/")
    finally:
        set_script_prefix("/")


def test_a_view_without_a_last_argument_is_refused():
    with pytest.raises(Exception):  # noqa: B017, PT011 - NoReverseMatch or ValueError
        each_url("dashboard")
