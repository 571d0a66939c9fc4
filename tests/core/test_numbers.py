"""Numbers read and written one way: the decimal comma or point in, the Vietnamese way out."""

from decimal import Decimal as D

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.forms import NumberField
from core.text import NumberFormatError, parse_number, vn_number


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17,5", D("17.5")),
        ("17.5", D("17.5")),
        (" 15 ", D("15")),
        ("-0,5", D("-0.5")),
        (",5", D("0.5")),
        ("1234", D("1234")),
        ("1234,56", D("1234.56")),
        ("0,125", D("0.125")),
        ("100", D("100")),
        (17.5, D("17.5")),
        (D("2.50"), D("2.50")),
        (3, D("3")),
    ],
)
def test_the_decimal_comma_and_the_point_both_read_as_decimals(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "  ", None])
def test_blank_is_no_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1.234,5", "hàng nghìn"),
        ("1,234.5", "hàng nghìn"),
        ("1 234", "hàng nghìn"),
        ("1.234.567", "hàng nghìn"),
        ("1,234", "1234"),
        ("12.500", "12500"),
        ("abc", "Nhập một số"),
        ("17,5 điểm", "Nhập một số"),
        ("NaN", "Nhập một số"),
        ("-", "Nhập một số"),
    ],
)
def test_what_could_group_thousands_is_refused_with_a_vietnamese_message(text, words):
    with pytest.raises(NumberFormatError) as caught:
        parse_number(text)
    assert words in str(caught.value.message)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("15.00"), "15"),
        (D("17.50"), "17,5"),
        (D("101.8000000000000"), "101,8"),
        (D("100"), "100"),
        (D("-0.50"), "-0,5"),
        (D("-0.001"), "0"),
        (D("2.255"), "2,26"),
        (D("1234.5"), "1234,5"),
        (0, "0"),
        (None, ""),
    ],
)
def test_numbers_are_written_the_vietnamese_way_without_noise(value, expected):
    assert vn_number(value) == expected


@given(st.decimals(min_value=-100000, max_value=100000, places=2, allow_nan=False))
def test_what_is_written_reads_back_to_the_same_value(value):
    assert parse_number(vn_number(value)) == value


def test_the_template_filter_is_the_same_function_in_every_template():
    rendered = Template("{{ a|vn_number }} {{ b|vn_number }} {{ c|vn_number }}").render(
        Context({"a": D("15.00"), "b": D("101.8000000000000"), "c": None})
    )
    assert rendered == "15 101,8 "


class _Form(forms.Form):
    points = NumberField(max_digits=6, decimal_places=2)
    count = NumberField(whole=True, required=False, min_value=0)


@pytest.mark.parametrize(("typed", "saved"), [("17,5", D("17.5")), ("17.5", D("17.5"))])
def test_the_number_field_keeps_the_magnitude(typed, saved):
    form = _Form({"points": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["points"] == saved


def test_the_number_field_refuses_an_ambiguous_value_on_the_field():
    form = _Form({"points": "1,234"})
    assert not form.is_valid()
    assert "hàng nghìn" in form.errors["points"][0]


def test_the_number_field_refuses_a_third_decimal_and_half_a_count():
    form = _Form({"points": "0,125", "count": "2,5"})
    assert not form.is_valid()
    assert set(form.errors) == {"points", "count"}
    assert "số nguyên" in form.errors["count"][0]
    assert _Form({"points": "1", "count": "3"}).is_valid()


def test_the_number_field_is_a_text_input_for_decimals_with_the_comma_shown():
    html = str(_Form(initial={"points": D("17.50")})["points"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert "pattern=" in html
    assert 'value="17,5"' in html
    assert 'inputmode="numeric"' in str(_Form()["count"])


def test_pages_in_english_get_a_decimal_point_documents_never():
    template = Template("{{ a|vn_number }}")
    with translation.override("en"):
        assert template.render(Context({"a": D("17.50")})) == "17.5"
        assert vn_number(D("17.50")) == "17,5"  # what documents use
        assert 'value="17.5"' in str(_Form(initial={"points": D("17.50")})["points"])
    with translation.override("vi"):
        assert template.render(Context({"a": D("17.50")})) == "17,5"
