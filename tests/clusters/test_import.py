"""Import of units, positions and memberships: preview, confirm, all rows or none."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from clusters import services
from clusters.imports import KINDS
from clusters.models import ClusterYear, Membership, Person, Position, Unit
from tests.clusters.test_views import login

pytestmark = pytest.mark.django_db

UNIT_HEADER = [
    "Official name",
    "Short name",
    "Level",
    "Parent unit",
    "Place name",
    "Valid from",
    "Document header lines",
]
HEADER = "ỦY BAN MTTQ VIỆT NAM\nPHƯỜNG\nBAN THƯỜNG TRỰC"


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("data.xlsx", buffer.getvalue())


def csv_file(text, name="data.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def row_error(row, column, message):
    """The error line as a Vietnamese user reads it, e.g. "Dòng 3, cột B: …"."""
    with translation.override("vi"):
        if column:
            return gettext("Row %(row)s, column %(column)s: %(message)s") % {
                "row": row,
                "column": column,
                "message": gettext(message),
            }
        return gettext("Row %(row)s: %(message)s") % {"row": row, "message": gettext(message)}


@pytest.fixture
def staff(world):
    return login(world.user("bantt"))


def upload(client, kind, file):
    return client.post(reverse("clusters:import"), {"kind": kind, "file": file})


def pending(client):
    return client.session.get("clusters_import")


def confirm(client):
    return client.post(reverse("clusters:import_confirm"), {"token": pending(client)["token"]})


def _units_file(world, *extra_rows):
    level = world.unit("dongda").level.name
    one = ["Ủy ban MTTQ Việt Nam phường Một", "Phường Một", level, "MTTQ Hà Nội", "Hà Nội"]
    two = ["Ủy ban MTTQ Việt Nam phường Hai", "Phường Hai", level, "MTTQ Hà Nội", "Hà Nội"]
    return xlsx([UNIT_HEADER, [*one, None, HEADER], [*two, "01/07/2025", HEADER], *extra_rows])


# --- happy paths ----------------------------------------------------------------------------


def test_units_are_previewed_then_imported_on_confirm(world, staff):
    response = upload(staff, "units", _units_file(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("clusters:import_preview")
    preview = staff.get(reverse("clusters:import_preview"))
    assert preview.status_code == 200
    assert len(preview.context["rows"]) == 2
    assert pending(staff)["errors"] == []
    assert "Phường Hai" in preview.content.decode()
    assert not Unit.objects.filter(short_name__startswith="Phường").exists()  # preview only

    response = confirm(staff)
    assert response.status_code == 302
    units = Unit.objects.filter(short_name__startswith="Phường").order_by("short_name")
    assert [u.short_name for u in units] == ["Phường Hai", "Phường Một"]
    assert units[0].parent == world.parent
    assert str(units[0].valid_from) == "2025-07-01"
    assert pending(staff) is None


def test_memberships_from_csv_create_the_cluster_year(world, staff):
    text = (
        "cluster;year;unit;role;order\n"
        "Cụm thi đua số 1;2021;Đống Đa;head;1\n"
        "Cụm thi đua số 1;2021;hoan kiem;Deputy head;2\n"
        "Cụm thi đua số 1;2021;Ba Đình;;3\n"
    )
    assert upload(staff, "memberships", csv_file(text)).status_code == 302
    assert pending(staff)["errors"] == []
    assert confirm(staff).status_code == 302
    cluster_year = ClusterYear.objects.get(cluster=world.cluster, year=2021)
    roles = {m.unit.short_name: m.role for m in cluster_year.memberships.all()}
    assert roles == {"Đống Đa": "head", "Hoàn Kiếm": "deputy", "Ba Đình": "member"}


def test_positions_reuse_a_known_person_and_create_new_ones(world, staff):
    text = (
        "unit,full_name,title,can_sign,start\n"
        "Long Biên,Bùi Thị L,vice_chair,có,01/01/2021\n"
        "Long Biên,Đặng Văn Q,officer,không,2021-01-01\n"
    )
    assert upload(staff, "positions", csv_file(text)).status_code == 302
    response = confirm(staff)
    assert response.status_code == 302
    assert Person.objects.filter(full_name="Bùi Thị L").count() == 1
    signer = Position.objects.get(unit=world.unit("longbien"), person__full_name="Bùi Thị L")
    assert signer.can_sign
    # The signer waits for a second person of the parent body (issue 14); the officer counts.
    assert (signer.confirmation, signer.requested_by) == ("pending", world.user("bantt"))
    officer = Position.objects.get(person__full_name="Đặng Văn Q", title="officer")
    assert officer.confirmation == "confirmed"
    shown = [str(m) for m in staff.get(response.url).context["messages"]]
    with translation.override("vi"):
        expected = gettext(
            "%(count)s imported positions may sign, vote or apply the organisation signature: "
            "they count once another person of the parent body confirms them."
        ) % {"count": 1}
    assert expected in shown, shown


# --- bad rows -------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(world, staff):
    level = world.unit("dongda").level.name
    file = _units_file(
        world,
        [
            "Ủy ban MTTQ Việt Nam phường Ba",
            None,
            level,
            "MTTQ Hà Nội",
            "Hà Nội",
            "31/02/2025",
            HEADER,
        ],
        [
            "Ủy ban MTTQ Việt Nam phường Bốn",
            "Phường Bốn",
            "Không có",
            "MTTQ Hà Nội",
            "Hà Nội",
            None,
            HEADER,
        ],
    )
    assert upload(staff, "units", file).status_code == 302
    errors = [e["text"] for e in pending(staff)["errors"]]
    assert row_error(4, "B", "This cell must not be empty.") in errors
    assert any(e.startswith(row_error(4, "F", "")[:-1]) for e in errors)  # the bad date
    assert any(e.startswith(row_error(5, "C", "")[:-1]) for e in errors)  # unknown level
    preview = staff.get(reverse("clusters:import_preview"))
    body = preview.content.decode()
    assert reverse("clusters:import_confirm") not in body  # no confirm button
    assert row_error(4, "B", "This cell must not be empty.") in body

    response = confirm(staff)  # even when forced, nothing is imported
    assert response.status_code == 302
    assert response["Location"] == reverse("clusters:import_preview")
    assert not Unit.objects.filter(short_name__startswith="Phường").exists()


def test_a_second_head_in_the_file_is_refused_on_its_row(world, staff):
    text = (
        "cluster,year,unit,role\n"
        "Cụm thi đua số 1,2021,Đống Đa,head\n"
        "Cụm thi đua số 1,2021,Ba Đình,head\n"
        "Cụm thi đua số 1,2021,Ba Đình,member\n"
    )
    assert upload(staff, "memberships", csv_file(text)).status_code == 302
    errors = [e["text"] for e in pending(staff)["errors"]]
    assert errors == [
        row_error(3, "D", "The cluster already has a head this year."),
    ]
    assert confirm(staff).status_code == 302
    assert not ClusterYear.objects.filter(cluster=world.cluster, year=2021).exists()


def test_a_unit_twice_in_the_file_is_refused_on_its_row(world, staff):
    text = (
        "cluster,year,unit,role\nCụm thi đua số 1,2021,Đống Đa,head\n"
        "Cụm thi đua số 1,2021,Đống Đa,member\n"
    )
    upload(staff, "memberships", csv_file(text))
    assert [e["text"] for e in pending(staff)["errors"]] == [
        row_error(3, "C", "This unit is already a member of the cluster this year.")
    ]


def test_a_change_between_preview_and_confirm_imports_nothing(world, staff):
    year = services.cluster_year_create(actor=world.user("bantt"), cluster=world.cluster, year=2021)
    text = "cluster,year,unit\nCụm thi đua số 1,2021,Đống Đa\nCụm thi đua số 1,2021,Ba Đình\n"
    upload(staff, "memberships", csv_file(text))
    assert pending(staff)["errors"] == []
    services.membership_add(actor=world.user("bantt"), cluster_year=year, unit=world.unit("badinh"))
    response = confirm(staff)
    assert response["Location"] == reverse("clusters:import_preview")
    assert [m.unit for m in Membership.objects.filter(cluster_year=year)] == [world.unit("badinh")]
    assert pending(staff)["errors"]


def test_an_outsider_cannot_import_into_another_parent_body(world):
    client = login(world.user("ngoai"))
    upload(client, "memberships", csv_file("cluster,year,unit\nCụm thi đua số 1,2021,Đống Đa\n"))
    errors = [e["text"] for e in pending(client)["errors"]]
    assert len(errors) == 1
    assert errors[0].startswith(row_error(2, "C", "")[:-1])  # Đống Đa is not theirs
    assert confirm(client).status_code == 302
    assert not Membership.objects.filter(unit=world.unit("dongda"), cluster_year__year=2021)


# --- bad files ------------------------------------------------------------------------------


def _zip_without_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("units.xlsx", b"this is plain text, not a spreadsheet"),
        ("units.xlsx", _zip_without_workbook()),
        ("units.csv", b"\x00\x01\x02\xff\xfe binary"),
        ("units.pdf", b"%PDF-1.4 not accepted here"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(world, staff, name, content):
    response = upload(staff, "units", SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert pending(staff) is None


def test_missing_and_unknown_columns_are_named(world, staff):
    response = upload(staff, "units", csv_file("Official name,colour\nX,red\n"))
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    with translation.override("vi"):
        missing = gettext("the column “%(name)s” is missing.") % {"name": gettext("Short name")}
    assert row_error(1, "", missing) in errors
    assert any("colour" in e and e.startswith(row_error(1, "B", "")[:-1]) for e in errors)


# --- templates and access -------------------------------------------------------------------


def test_templates_list_the_expected_columns(world, staff):
    response = staff.get(reverse("clusters:import_template", args=["units", "xlsx"]))
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    header = next(sheet.iter_rows(values_only=True))
    with translation.override("vi"):
        assert list(header) == [str(c.label) for c in KINDS["units"].columns]
    response = staff.get(reverse("clusters:import_template", args=["positions", "csv"]))
    assert response.content.startswith("\ufeff".encode())


def test_a_filled_in_template_imports(world, staff):
    template = staff.get(reverse("clusters:import_template", args=["units", "csv"])).content
    buffer = io.StringIO()
    csv.writer(buffer).writerow(
        [
            "Ủy ban MTTQ Việt Nam phường Năm",
            "Phường Năm",
            "",
            world.unit("dongda").level.name,
            "MTTQ Hà Nội",
            "Hà Nội",
            "ỦY BAN MTTQ VIỆT NAM / PHƯỜNG NĂM / BAN THƯỜNG TRỰC",
            "Ban Thường trực",
            "",
            "",
            "",
        ]
    )
    file = SimpleUploadedFile("units.csv", template + buffer.getvalue().encode())
    assert upload(staff, "units", file).status_code == 302
    assert pending(staff)["errors"] == []
    confirm(staff)
    unit = Unit.objects.get(short_name="Phường Năm")
    assert unit.header == ["ỦY BAN MTTQ VIỆT NAM", "PHƯỜNG NĂM", "BAN THƯỜNG TRỰC"]


@pytest.mark.parametrize("username", ["xem", "canbo.badinh"])
def test_readers_may_not_import(world, username):
    client = login(world.user(username))
    assert upload(client, "units", _units_file(world)).status_code == 403
    assert client.post(reverse("clusters:import_confirm"), {"token": "x"}).status_code == 403
    assert client.get(reverse("clusters:import_preview")).status_code == 403
    assert not Unit.objects.filter(short_name__startswith="Phường").exists()


def test_formulas_are_not_calculated(world, staff):
    level = world.unit("dongda").level.name
    row = ["Ủy ban MTTQ Việt Nam phường Sáu", "=A2", level, "MTTQ Hà Nội", "Hà Nội", None, HEADER]
    assert upload(staff, "units", xlsx([UNIT_HEADER, row])).status_code == 302
    errors = [e["text"] for e in pending(staff)["errors"]]
    assert errors == [row_error(2, "B", "This cell must not be empty.")]  # no cached value
