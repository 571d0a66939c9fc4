"""core.forms.Select writes the same HTML as Django's select and select_option templates."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from core.forms import Select
from results.forms import ComparisonFilterForm
from results.models import Period

CHOICES = [
    ("", gettext_lazy("All clusters")),
    (2026, 2026),
    (7, 'Cụm "số 1" <A&B>'),
    ("x'y", mark_safe("<b>safe</b>")),
    (
        gettext_lazy("Review"),
        [("year_end", gettext_lazy("Year end")), ("mid", "Giữa năm"), (3, 1234567)],
    ),
    ("Nhóm <2>", [("a", "A")]),
]
ATTRS = {"class": "form-select", "required": True, "disabled": False, "data-x": 'a"<b>', "n": 5}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "value", [None, "", 2026, "2026", 7, "x'y", "mid", 3, "a", "nothing", ["7", "mid"]]
)
@pytest.mark.parametrize("attrs", [None, ATTRS])
def test_the_select_is_the_html_of_djangos_templates(language, value, attrs):
    with override(language):
        ours = Select(attrs=attrs, choices=CHOICES).render("f<1>", value, {"id": "id_f"})
        theirs = forms.Select(attrs=attrs, choices=CHOICES).render("f<1>", value, {"id": "id_f"})
    assert ours == theirs


def test_the_comparison_filters_render_as_with_djangos_select():
    data = {"year": "2025", "kind": Period.Kind.YEAR_END, "cluster": "7", "rating": "Tốt"}
    kwargs = {"years": [2026, 2025], "clusters": [(7, "Cụm <1>"), (8, "Cụm 2")]}
    form = ComparisonFilterForm(data, ratings=["Xuất sắc", "Tốt"], **kwargs)
    for name in ("year", "kind", "cluster", "rating"):
        field = form[name]
        widget = field.field.widget
        assert isinstance(widget, Select)
        django_widget = forms.Select(attrs=widget.attrs, choices=widget.choices)
        theirs = field.as_widget(widget=django_widget)
        assert field.as_widget() == theirs
        assert "selected" in theirs
