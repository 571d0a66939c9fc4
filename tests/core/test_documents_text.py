"""Date lines of official documents and the folding used by search."""

import datetime
import unicodedata
import zoneinfo

import pytest

from core.documents import document_number, place_date_line, vn_date
from core.text import fold


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2020, 2, 5), "ngày 05 tháng 02 năm 2020"),
        (datetime.date(2020, 12, 15), "ngày 15 tháng 12 năm 2020"),
        (datetime.date(2021, 3, 1), "ngày 01 tháng 3 năm 2021"),
        (datetime.date(2020, 1, 20), "ngày 20 tháng 01 năm 2020"),
        (datetime.date(2020, 10, 9), "ngày 09 tháng 10 năm 2020"),
    ],
)
def test_vn_date_pads_days_under_10_and_months_1_and_2(value, expected):
    assert vn_date(value) == expected


def test_vn_date_of_an_aware_datetime_uses_the_local_day():
    # 20:00 UTC on 4 February is already 5 February in Hà Nội (UTC+7).
    moment = datetime.datetime(2020, 2, 4, 20, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert vn_date(moment) == "ngày 05 tháng 02 năm 2020"


def test_place_date_line():
    assert (
        place_date_line("Hà Nội", datetime.date(2020, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2020"
    )
    assert place_date_line("", datetime.date(2020, 2, 5)) == "Ngày 05 tháng 02 năm 2020"


def test_document_number():
    assert document_number(5, "TTr-MTTQ") == "Số: 05/TTr-MTTQ"
    assert document_number(37, "KH-MTTQ-BTT") == "Số: 37/KH-MTTQ-BTT"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đống Đa", "dong da"),
        ("ĐỐNG   ĐA", "dong da"),
        ("Hoàn Kiếm", "hoan kiem"),
        ("Ủy ban MTTQ Việt Nam quận Hai Bà Trưng", "uy ban mttq viet nam quan hai ba trung"),
        ("Nguyễn Lan Hương", "nguyen lan huong"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_drops_diacritics_case_and_extra_spaces(text, expected):
    assert fold(text) == expected


def test_fold_treats_composed_and_decomposed_text_alike():
    composed = unicodedata.normalize("NFC", "Hoàng Mai")
    decomposed = unicodedata.normalize("NFD", "Hoàng Mai")
    assert composed != decomposed
    assert fold(composed) == fold(decomposed) == "hoang mai"


@pytest.mark.django_db
def test_folded_search_finds_units_whatever_the_accents(world):
    from clusters.models import Unit
    from core.text import folded_search

    found = folded_search(Unit.objects.all(), "dong DA")
    assert list(found) == [world.unit("dongda")]
    assert folded_search(Unit.objects.all(), "quan dong da hoan").count() == 0
