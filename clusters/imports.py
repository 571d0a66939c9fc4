"""Import of units, positions and memberships from an Excel (.xlsx) or CSV (UTF-8) file.

Reading never evaluates formulas (openpyxl read-only, cached values only). Every row goes
through the services inside one transaction: all rows are imported, or none. A dry run (the
same transaction, rolled back) gives the preview the exact errors the import would meet.
Errors name the spreadsheet's row and column, e.g. "Dòng 3, cột B: …".
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from clusters import access, services
from clusters.models import ClusterYear, Level, Membership, Position, Unit
from core.text import fold, folded_search

MAX_ROWS = 1000
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    help: str = ""

    def names(self):
        """Every header text that means this column (its key and its label in each language)."""
        names = {fold(self.key), fold(self.key.replace("_", " "))}
        for code in ("vi", "en"):
            with translation.override(code):
                names.add(fold(str(self.label)))
        return names


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    columns: tuple
    handler: object
    field_columns: dict = field(default_factory=dict)  # model field -> column key


@dataclass(frozen=True)
class RowError:
    row: int
    column: str = ""  # spreadsheet letter, empty for the whole row
    message: str = ""

    def __str__(self):
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


# --- cell values -----------------------------------------------------------------------------


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(text):
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": text})


def parse_int(text):
    try:
        return int(text.strip())
    except ValueError:
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": text}) from None


TRUE_WORDS = {"1", "x", "yes", "y", "true", "co", "dung"}
FALSE_WORDS = {"0", "", "no", "n", "false", "khong", "sai"}


def parse_bool(text):
    word = fold(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("Write yes or no, not “%(value)s”.") % {"value": text})


def parse_choice(text, choices):
    """Match a code or a label (in Vietnamese or English, diacritics ignored)."""
    wanted = fold(text)
    for value, label in choices:
        names = {fold(value)}
        for code in ("vi", "en"):
            with translation.override(code):
                names.add(fold(str(label)))
        if wanted in names:
            return value
    allowed = ", ".join(str(label) for _value, label in choices)
    raise ValidationError(
        _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
    )


def find_one(queryset, text, fields, what):
    """The one row of `queryset` whose folded name in one of `fields` equals `text`."""
    wanted = fold(text)
    if hasattr(queryset.model, "search_text"):
        queryset = folded_search(queryset, text)
    found = {}
    for obj in queryset:
        if any(fold(str(getattr(obj, name))) == wanted for name in fields):
            found[obj.pk] = obj
    if not found:
        raise ValidationError(
            _("No %(what)s called “%(value)s” that you may use.") % {"what": what, "value": text}
        )
    if len(found) > 1:
        raise ValidationError(
            _("Several %(what)s are called “%(value)s”; use the full official name.")
            % {"what": what, "value": text}
        )
    return next(iter(found.values()))


class RowReader:
    """Collect a row's cell errors by column, so that one row reports all its mistakes."""

    def __init__(self, values):
        self.values = values
        self.errors = {}

    def get(self, key, convert=None, default=None):
        text = self.values.get(key, "").strip()
        if not text:
            return default
        if convert is None:
            return text
        try:
            return convert(text)
        except ValidationError as error:
            self.errors.setdefault(key, []).extend(error.messages)
            return default

    def require(self, key, convert=None):
        value = self.get(key, convert)
        if value is None and key not in self.errors:
            self.errors[key] = [_("This cell must not be empty.")]
        return value

    def done(self):
        if self.errors:
            raise ValidationError(self.errors)


# --- what each kind of row does --------------------------------------------------------------


def _header_lines(text):
    if "\n" in text:
        return "\n".join(line.strip() for line in text.splitlines())
    return "\n".join(part.strip() for part in text.split("/"))


def import_unit(user, values):
    row = RowReader(values)
    name = row.require("name")
    parents = access.manageable_parents(user)
    data = {
        "name": name,
        "short_name": row.require("short_name"),
        "kind": row.get("kind", lambda t: parse_choice(t, Unit.Kind.choices), Unit.Kind.COMMITTEE),
        "level": row.require(
            "level", lambda t: find_one(Level.objects.all(), t, ["name"], _("level"))
        ),
        "parent": row.get(
            "parent", lambda t: find_one(parents, t, ["name", "short_name"], _("parent unit"))
        ),
        "place_name": row.require("place_name"),
        "header_lines": _header_lines(row.get("header_lines", default="")),
        "collective_name": row.get("collective_name", default=""),
        "email": row.get("email", default=""),
        "valid_from": row.get("valid_from", parse_date, datetime.date(2000, 1, 1)),
        "valid_to": row.get("valid_to", parse_date),
    }
    if data["parent"] is None and not user.is_superuser and "parent" not in row.errors:
        row.errors["parent"] = [_("This cell must not be empty.")]
    if name and access.managed_units(user).filter(name__iexact=name).exists():
        row.errors.setdefault("name", []).append(_("A unit with this name already exists."))
    row.done()
    return services.unit_create(actor=user, **data)


def import_position(user, values):
    row = RowReader(values)
    unit = row.require(
        "unit",
        lambda t: find_one(access.managed_units(user), t, ["name", "short_name"], _("unit")),
    )
    full_name = row.require("full_name")
    data = {
        "title": row.require("title", lambda t: parse_choice(t, Position.Title.choices)),
        "can_sign": row.get("can_sign", parse_bool, False),
        "start": row.get("start", parse_date, datetime.date(2000, 1, 1)),
        "end": row.get("end", parse_date),
        "email": row.get("email", default=""),
        "phone": row.get("phone", default=""),
    }
    row.done()
    people = [p for p in access.managed_people(user) if fold(p.full_name) == fold(full_name)]
    if len(people) > 1:
        raise ValidationError(
            {"full_name": _("Several people have this name; add the position on the unit's page.")}
        )
    return services.position_appoint(
        actor=user,
        unit=unit,
        person=people[0] if people else None,
        full_name=full_name,
        **data,
    )


def import_membership(user, values):
    row = RowReader(values)
    cluster = row.require(
        "cluster",
        lambda t: find_one(access.manageable_clusters(user), t, ["name"], _("cluster")),
    )
    year = row.require("year", parse_int)
    unit = row.require(
        "unit",
        lambda t: find_one(access.managed_units(user), t, ["name", "short_name"], _("unit")),
    )
    role = row.get(
        "role", lambda t: parse_choice(t, Membership.Role.choices), Membership.Role.MEMBER
    )
    order = row.get("order", parse_int)
    row.done()
    cluster_year = ClusterYear.objects.filter(cluster=cluster, year=year).first()
    if cluster_year is None:
        cluster_year = services.cluster_year_create(actor=user, cluster=cluster, year=year)
    return services.membership_add(
        actor=user, cluster_year=cluster_year, unit=unit, role=role, order=order
    )


KINDS = {
    "units": Kind(
        "units",
        gettext_lazy("Units"),
        (
            Column(
                "name",
                gettext_lazy("Official name"),
                True,
                gettext_lazy("e.g. Ủy ban MTTQ Việt Nam phường …"),
            ),
            Column("short_name", gettext_lazy("Short name"), True),
            Column(
                "kind",
                gettext_lazy("Kind"),
                False,
                gettext_lazy(
                    "Fatherland Front committee (default), member organisation, department "
                    "or other."
                ),
            ),
            Column(
                "level", gettext_lazy("Level"), True, gettext_lazy("One of the configured levels.")
            ),
            Column(
                "parent",
                gettext_lazy("Parent unit"),
                False,
                gettext_lazy("The parent body you manage (name or short name)."),
            ),
            Column(
                "place_name",
                gettext_lazy("Place name"),
                True,
                gettext_lazy("Used in document date lines."),
            ),
            Column(
                "header_lines",
                gettext_lazy("Document header lines"),
                True,
                gettext_lazy("Lines separated by “/” or by line breaks."),
            ),
            Column(
                "collective_name",
                gettext_lazy("Collective signing body"),
                False,
                gettext_lazy("e.g. Ban Thường trực"),
            ),
            Column("email", gettext_lazy("E-mail")),
            Column("valid_from", gettext_lazy("Valid from"), False, gettext_lazy("dd/mm/yyyy")),
            Column("valid_to", gettext_lazy("Valid to"), False, gettext_lazy("dd/mm/yyyy")),
        ),
        import_unit,
    ),
    "positions": Kind(
        "positions",
        gettext_lazy("Positions"),
        (
            Column(
                "unit",
                gettext_lazy("Unit"),
                True,
                gettext_lazy("Name or short name of a unit you manage."),
            ),
            Column(
                "full_name",
                gettext_lazy("Full name"),
                True,
                gettext_lazy(
                    "An existing person of your units with this name is reused; otherwise "
                    "one is created."
                ),
            ),
            Column(
                "title",
                gettext_lazy("Position"),
                True,
                gettext_lazy("Chair, vice-chair, standing member or emulation officer."),
            ),
            Column(
                "can_sign",
                gettext_lazy("May sign"),
                False,
                gettext_lazy("yes or no (only a chair or a vice-chair may sign)."),
            ),
            Column("start", gettext_lazy("From"), False, gettext_lazy("dd/mm/yyyy")),
            Column("end", gettext_lazy("To"), False, gettext_lazy("dd/mm/yyyy")),
            Column("email", gettext_lazy("E-mail"), False, gettext_lazy("For a new person.")),
            Column("phone", gettext_lazy("Phone"), False, gettext_lazy("For a new person.")),
        ),
        import_position,
        {"person": "full_name", "unit": "unit"},
    ),
    "memberships": Kind(
        "memberships",
        gettext_lazy("Cluster memberships"),
        (
            Column(
                "cluster",
                gettext_lazy("Cluster"),
                True,
                gettext_lazy("Name of a cluster of your parent body."),
            ),
            Column(
                "year",
                gettext_lazy("Year"),
                True,
                gettext_lazy("The cluster year is created when missing."),
            ),
            Column(
                "unit",
                gettext_lazy("Unit"),
                True,
                gettext_lazy("Name or short name of a unit you manage."),
            ),
            Column(
                "role",
                gettext_lazy("Role"),
                False,
                gettext_lazy("Cluster head, deputy head or member (default)."),
            ),
            Column(
                "order",
                gettext_lazy("Order"),
                False,
                gettext_lazy("A whole number; empty adds the unit at the end."),
            ),
        ),
        import_membership,
        {"cluster_year": "year", "cluster": "cluster"},
    ),
}


def kind_choices():
    return [(kind.key, kind.label) for kind in KINDS.values()]


# --- reading a file --------------------------------------------------------------------------


def _not_a_spreadsheet():
    return ValidationError(_("The file could not be read as a spreadsheet."), code="unreadable")


def _csv_records(upload):
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The CSV file must be saved as UTF-8."), code="encoding") from None
    # The header decides the separator: Excel writes ";" in some locales, "," in others.
    header = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=header.count)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        return [[cell.strip() for cell in record] for record in reader]
    except csv.Error:
        raise _not_a_spreadsheet() from None


def _xlsx_records(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ValidationError(
                    _("The spreadsheet is too large once unpacked."), code="too_large"
                )
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception:  # openpyxl raises many kinds on damaged files
        raise _not_a_spreadsheet() from None
    try:
        sheet = workbook.worksheets[0]
        records = []
        for values in sheet.iter_rows(values_only=True):
            records.append([_text(value) for value in values])
            if len(records) > MAX_ROWS + 1:
                break
        return records
    except Exception:
        raise _not_a_spreadsheet() from None
    finally:
        workbook.close()


def read_file(upload, kind):
    """Return (rows, letters): rows as {"row": n, "values": {key: text}} and column letters.

    Raises ValidationError listing the header's problems (unknown or missing columns).
    """
    upload.seek(0)
    ext = PurePath(upload.name or "").suffix.lower()
    records = _csv_records(upload) if ext == ".csv" else _xlsx_records(upload)
    if not records or not any(records[0]):
        raise ValidationError(_("The first row must hold the column names."), code="no_header")
    by_name = {name: column for column in kind.columns for name in column.names()}
    letters, errors = {}, []
    for index, header in enumerate(records[0]):
        if not header:
            continue
        column = by_name.get(fold(header))
        letter = get_column_letter(index + 1)
        if column is None:
            errors.append(
                str(RowError(1, letter, _("unknown column “%(name)s”.") % {"name": header}))
            )
        elif column.key in letters:
            errors.append(
                str(
                    RowError(
                        1, letter, _("the column “%(name)s” appears twice.") % {"name": header}
                    )
                )
            )
        else:
            letters[column.key] = letter
    for column in kind.columns:
        if column.required and column.key not in letters:
            errors.append(
                str(
                    RowError(1, "", _("the column “%(name)s” is missing.") % {"name": column.label})
                )
            )
    if errors:
        raise ValidationError(errors, code="header")
    positions = {key: column_index_from_string(letter) - 1 for key, letter in letters.items()}
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(record):
            continue
        values = {key: record[i] if i < len(record) else "" for key, i in positions.items()}
        rows.append({"row": number, "values": values})
    if not rows:
        raise ValidationError(_("The file has no rows to import."), code="empty")
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS}, code="too_many"
        )
    return rows, letters


# --- running an import -----------------------------------------------------------------------


class _RollBack(Exception):
    pass


def _row_errors(kind, row, letters, error):
    labels = {column.key: column.label for column in kind.columns}
    items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
    found = []
    for name, errors in items:
        key = kind.field_columns.get(name, name)
        letter = letters.get(key, "") if name != NON_FIELD_ERRORS else ""
        for item in errors:
            for message in ValidationError(item).messages:
                if not letter and key in labels:
                    message = f"{labels[key]}: {message}"  # a column the file lacks
                found.append(RowError(row["row"], letter, message))
    return found


def run(*, kind, user, rows, letters, commit):
    """Import every row through the services, or none: return the rows' errors.

    With commit=False (the preview) the transaction is always rolled back.
    """
    errors = []
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    with transaction.atomic():
                        kind.handler(user, row["values"])
                except ValidationError as error:
                    errors.extend(_row_errors(kind, row, letters, error))
                except IntegrityError:
                    message = _("This row conflicts with data saved in the meantime.")
                    errors.append(RowError(row["row"], "", message))
            if errors or not commit:
                raise _RollBack
    except _RollBack:
        pass
    access.forget(user)
    return errors


# --- templates to fill in ----------------------------------------------------------------------


def template_xlsx(kind):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(kind.label)[:31]
    sheet.append([str(column.label) for column in kind.columns])
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            14, len(str(column.label)) + 4
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(kind):
    buffer = io.StringIO()
    csv.writer(buffer).writerow([str(column.label) for column in kind.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
