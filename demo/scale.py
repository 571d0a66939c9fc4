"""A national-scale dataset for benchmarks: provinces, communes, clusters and ten years of work.

`build(Sizes(units=4000, clusters=400, years=10))` writes, with bulk inserts and without
rendering any PDF, what a whole country's emulation clusters accumulate: parent bodies
(the central committee and the provinces), their member units and people, one login per
chair and per parent body's staff (all sharing ONE password hash), clusters and cluster
years with their memberships and rotating roles, a sealed agreement per cluster year
(sections, ~50 criteria, the conference, a revision, every member's signature, the seal
record), the year-end review with every sheet and score, the ranking snapshot, the year-end
meeting's votes (participation and counters only), the award catalogue, the proposal file
with its history and submission, and the parent's decision. The last year is in progress:
its mid-year review is locked and its year-end review is open, half filled in.

Every object is marked as demo data where the model can say so; names are plainly fictional
("Xã Mẫu 03.017", "Nguyễn Văn K17"). Nothing here goes through the services: the data is
shaped like theirs (same JSON snapshots, same hashes) but written in bulk. Scores, the largest
table by far, are written with COPY.
"""

import datetime
import hashlib
import io
import json
import math
import random
import time
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from agreements import content
from agreements.models import Agreement, Conference, Criterion, Guest, Revision, Section
from agreements.scoring import suggest
from agreements.services import default_title, plan_basis
from agreements.signing.models import Seal, Signature
from awards.models import (
    Attendance,
    AwardType,
    Candidate,
    Decision,
    Meeting,
    Participation,
    Proposal,
    ProposalDocument,
    ProposalItem,
    ProposalStatusChange,
    VoteBase,
    VoteCount,
    VoteRound,
    VoteSession,
)
from awards.selectors import FORM_VN, purpose_title_vn, rule_text_vn
from clusters.models import (
    Cluster,
    ClusterYear,
    IssuedNumber,
    Level,
    Membership,
    NumberRegister,
    Person,
    Plan,
    Position,
    Unit,
    ViewerGrant,
    signature_block,
)
from core.confirmation import Confirmation
from core.models import AuditEntry
from core.text import fold, vn_number
from demo.drawn import drawn_signature_png
from demo.foundation import DEMO_MARK, DEMO_PASSWORD
from results.models import (
    DEFAULT_THRESHOLDS,
    DEFAULT_TIE_BREAK,
    Assessment,
    GoodPractice,
    Period,
    RankingEntry,
    RankingSnapshot,
    Score,
)
from results.selectors import percent_of, q2, rank_rows, rating_for

User = get_user_model()
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PREFIX = "scale"  # logins are scale.t01.staff, scale.t01.x0001, …
CENTRAL_NAME = "Ủy ban Trung ương MTTQ Việt Nam"
PROVINCES_MAX = 34
CLUSTERS_PER_PROVINCE = 12
PROVINCES_PER_CENTRAL_CLUSTER = 9
BATCH = 5000
ZERO = Decimal("0")
# The remaining columns of a score row (see Builder.results): not filled in; not reviewed.
EMPTY_SCORE = (None, "", None, None, "", "", None, "")
NO_REVIEW = ("", "", None, "")
D = Decimal

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Kim"]
LETTERS = "ABCDEGHKLMNPQSTVX"

SECTION_HEADINGS = [
    "Thực hiện nhiệm vụ chính trị của Trung ương và địa phương",
    "Đổi mới, nâng cao chất lượng công tác Thi đua - Khen thưởng",
    "Thực hiện các phong trào thi đua và cuộc vận động",
    "Xây dựng tổ chức bộ máy và đội ngũ cán bộ",
    "Xây dựng cơ quan văn hóa, đơn vị an toàn; thực hiện dân chủ ở cơ sở",
]
PURPOSES = [
    VoteSession.Purpose.LEADING,
    VoteSession.Purpose.CERTIFICATES,
    VoteSession.Purpose.HEAD,
    VoteSession.Purpose.DEPUTY,
]
PROPOSAL_STEPS = [
    ("", Proposal.Status.TO_SEND),
    (Proposal.Status.TO_SEND, Proposal.Status.AWAITING_REVIEW),
    (Proposal.Status.AWAITING_REVIEW, Proposal.Status.ACCEPTED),
    (Proposal.Status.ACCEPTED, Proposal.Status.BEING_DECIDED),
    (Proposal.Status.BEING_DECIDED, Proposal.Status.DECIDED),
]


@dataclass
class Sizes:
    """How big a country to build. `units` counts every unit, parent bodies included."""

    units: int = 4000
    clusters: int = 400
    years: int = 10
    provinces: int = 0  # 0: about one province per twelve clusters, at most 34
    criteria: int = 50
    sections: int = 5
    last_year: int = 0  # 0: this year (in progress); earlier years are complete
    seed: int = 2020
    prefix: str = PREFIX  # another prefix builds a second dataset beside the first (tests)

    def resolved(self):
        provinces = self.provinces or max(
            2, min(PROVINCES_MAX, round(self.clusters / CLUSTERS_PER_PROVINCE))
        )
        central = max(1, math.ceil(provinces / PROVINCES_PER_CENTRAL_CLUSTER))
        if self.clusters < central + provinces:
            raise ValueError(
                f"{self.clusters} clusters cannot cover {provinces} provinces and {central} "
                "cluster(s) of provinces: ask for more clusters or fewer provinces."
            )
        communes = self.units - provinces - 1
        if communes < 2 * (self.clusters - central):
            raise ValueError("Too few units: each cluster of communes needs at least two.")
        if self.sections < 1 or self.criteria < self.sections * 2:
            raise ValueError("Each section needs at least two criteria.")
        last = self.last_year or timezone.localdate().year
        return provinces, central, communes, list(range(last - self.years + 1, last + 1))


@dataclass
class Summary:
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0
    staff: dict = field(default_factory=dict)  # parent pk -> staff username


def _bulk(model, objects, counts):
    """Insert model instances in bulk and give them their primary keys.

    On PostgreSQL the keys are taken from the table's sequence in one query and the rows are
    sent with COPY, several times faster than INSERT; elsewhere bulk_create does it.
    """
    objects = list(objects)
    if not objects:
        return objects
    counts[model._meta.label] = counts.get(model._meta.label, 0) + len(objects)
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return objects
    opts = model._meta
    fields = list(opts.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    relations = [f for f in fields if f.is_relation]
    for obj, pk in zip(objects, ids, strict=True):
        for f in relations:  # a related object saved after it was assigned: take its key now
            if getattr(obj, f.attname) is None and f.is_cached(obj):
                related = f.get_cached_value(obj)
                if related is not None:
                    setattr(obj, f.attname, related.pk)  # this empties the cache: refill it
                    f.set_cached_value(obj, related)
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    plain = [f.attname for f in fields if f.get_internal_type() in PLAIN_TYPES]
    if len(plain) == len(fields) and not any(_pre_saved(f) for f in fields):
        rows = ([getattr(obj, name) for name in plain] for obj in objects)
    else:
        rows = (
            [
                getattr(obj, f.attname)
                if f.get_internal_type() in PLAIN_TYPES and not _pre_saved(f)
                else f.get_db_prep_save(f.pre_save(obj, True), connection)
                for f in fields
            ]
            for obj in objects
        )
    _copy_rows(opts.db_table, [f.column for f in fields], rows)
    return objects


# Field types whose Python value COPY takes as it is (the others go through the field).
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def _pre_saved(f):
    """Does the field set its own value when a row is added (auto_now, auto_now_add)?"""
    return getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)


def _copy_rows(table, columns, rows):
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _copy(model, fields, rows, counts):
    """Insert plain tuples (no primary keys needed afterwards) with COPY."""
    if connection.vendor != "postgresql":
        _bulk(model, (model(**dict(zip(fields, row, strict=True))) for row in rows), counts)
        return
    rows = list(rows)
    columns = [model._meta.get_field(name).column for name in fields]
    _copy_rows(model._meta.db_table, columns, rows)
    counts[model._meta.label] = counts.get(model._meta.label, 0) + len(rows)


def _at(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=HANOI)


def person_name(index):
    """A plainly fictional name, unique by its number: 'Nguyễn Văn K17'."""
    return (
        f"{FAMILY[index % len(FAMILY)]} {MIDDLE[(index // len(FAMILY)) % len(MIDDLE)]} "
        f"{LETTERS[index % len(LETTERS)]}{index}"
    )


# --- the criteria of an agreement ----------------------------------------------------------


@dataclass
class Spec:
    """One criterion of the agreement template, with a few achieved values and their scores."""

    section: int
    order: int
    code: str
    criterion: Criterion  # unsaved: the values every agreement copies
    levels: list  # [(achieved, occurrences, self_score)], best first
    weights: list


def _criterion_specs(sections, criteria):
    """`criteria` criteria over `sections` sections: normal ones worth 100 points in all,
    three bonus criteria and two penalties (when there is room for them)."""
    extra = 5 if criteria >= sections * 2 + 5 else 0
    normal = criteria - extra
    base, rest = divmod(10000, normal)  # hundredths of a point
    per_section = [
        normal // sections + (1 if i < normal % sections else 0) for i in range(sections)
    ]
    specs, n = [], 0
    for s in range(sections):
        kinds = ["normal"] * per_section[s]
        if extra and s == 2:
            kinds += ["bonus"] * 3
        if extra and s == 4:
            kinds += ["penalty"] * 2
        for order, kind in enumerate(kinds, start=1):
            code = f"{s + 1}.{order}"
            if kind == "normal":
                points = D(base + (1 if n < rest else 0)) / 100
                n += 1
                if n % 3 == 0:
                    c = Criterion(
                        code=code,
                        text=f"Hoàn thành nhiệm vụ {code} đúng kế hoạch (chỉ tiêu minh họa)",
                        measure=Criterion.Measure.YES_NO,
                        max_points=points,
                        rule=Criterion.Rule.ALL_OR_NOTHING,
                    )
                    values = [(D(1), None), (D(1), None), (D(0), None)]
                elif n % 3 == 1:
                    c = Criterion(
                        code=code,
                        text=f"Tỷ lệ khu dân cư thực hiện nội dung {code} (chỉ tiêu minh họa)",
                        measure=Criterion.Measure.PERCENT,
                        unit_label="%",
                        target=D(100),
                        max_points=points,
                        rule=Criterion.Rule.PROPORTIONAL,
                    )
                    values = [(D(100), None), (D(96), None), (D(88), None), (D(75), None)]
                else:
                    c = Criterion(
                        code=code,
                        text=f"Số hội nghị, hoạt động về nội dung {code} (chỉ tiêu minh họa)",
                        measure=Criterion.Measure.NUMBER,
                        unit_label="hoạt động",
                        target=D(4),
                        max_points=points,
                        rule=Criterion.Rule.PROPORTIONAL,
                    )
                    values = [(D(4), None), (D(5), None), (D(3), None), (D(2), None)]
            elif kind == "bonus":
                c = Criterion(
                    code=code,
                    text=f"Mô hình, cách làm hay được biểu dương ({code}, minh họa)",
                    measure=Criterion.Measure.NUMBER,
                    unit_label="mô hình",
                    max_points=D(2),
                    kind=Criterion.Kind.BONUS,
                    rule=Criterion.Rule.PER_OCCURRENCE,
                    points_per_occurrence=D(1),
                    cap=D(2),
                )
                values = [(D(0), 0), (D(0), 0), (D(1), 1), (D(2), 2)]
            else:
                c = Criterion(
                    code=code,
                    text=f"Báo cáo chậm, không đúng yêu cầu ({code}, minh họa)",
                    measure=Criterion.Measure.NUMBER,
                    unit_label="lần",
                    max_points=D(2),
                    kind=Criterion.Kind.PENALTY,
                    rule=Criterion.Rule.PER_OCCURRENCE,
                    points_per_occurrence=D("0.5"),
                    cap=D(2),
                )
                values = [(D(0), 0), (D(0), 0), (D(0), 0), (D(1), 1)]
            c.order = order
            levels = [(value, occ, suggest(c, value)) for value, occ in values]
            weights = [6, 3, 2, 1][: len(levels)]
            specs.append(Spec(s, order, code, c, levels, weights))
    return specs


# --- the builder ---------------------------------------------------------------------------


@dataclass
class CY:
    """A cluster year as the builder knows it."""

    pk: int
    year: int
    cluster: Cluster
    parent: Unit
    members: list
    head: Unit
    deputy: Unit
    plan: Plan
    current: bool
    agreement: Agreement = None
    criteria: list = field(default_factory=list)  # saved Criterion, in spec order
    sections: list = field(default_factory=list)
    ranking: list = field(default_factory=list)  # ranked rows of the year-end review


@dataclass
class RankRow:
    unit: Unit
    name: str
    total: Decimal
    normal: Decimal
    bonus: Decimal
    penalty: Decimal
    section_points: list
    rank: int = 0
    decided_by: str = ""
    percent: Decimal = ZERO
    rating: str = ""


class Builder:
    def __init__(self, sizes, log=None):
        self.sizes = sizes
        self.prefix = sizes.prefix
        self.tag = "" if sizes.prefix == PREFIX else f"{sizes.prefix}, "
        self.log = log or (lambda message: None)
        self.rng = random.Random(sizes.seed)
        self.summary = Summary()
        self.counts = self.summary.counts
        self.provinces_n, self.central_n, self.communes_n, self.years = sizes.resolved()
        self.specs = _criterion_specs(sizes.sections, sizes.criteria)
        self.password = make_password(DEMO_PASSWORD)
        self.people = 0
        self.chairs = {}  # unit pk -> (user, person name)
        self.staff = {}  # parent unit pk -> user
        self.images = []
        self.types = {
            model: ContentType.objects.get_for_model(model).pk
            for model in (ClusterYear, Agreement, Seal, Period, Proposal)
        }
        self.audit = []
        self.now = timezone.now()

    # --- helpers ---

    def step(self, name, started):
        self.log(f"  {name}: {time.monotonic() - started:.1f} s")

    def _signature_images(self):
        images = []
        for i in range(12):
            # A drawn signature in eight colours: the size of a signature pad's PNG (~3 KB).
            image = Image.open(io.BytesIO(drawn_signature_png(person_name(i), size=(240, 86))))
            out = io.BytesIO()
            image.quantize(colors=8, method=Image.Quantize.FASTOCTREE).save(
                out, format="PNG", optimize=True
            )
            images.append(out.getvalue())
        return images

    def _audit(self, model, pk, action, at, actor=None, after=None):
        self.audit.append(
            AuditEntry(
                at=at,
                actor=actor,
                actor_name=actor.get_full_name() if actor else "",
                content_type_id=self.types[model],
                object_id=str(pk),
                object_repr=f"{model._meta.verbose_name} {pk}"[:300],
                action=action,
                after=after,
            )
        )

    # --- organisations and people ---

    def organisations(self):
        started = time.monotonic()
        levels = [
            Level.objects.get_or_create(name=name, defaults={"rank": rank})[0]
            for rank, name in enumerate(
                ["Trung ương", "Tỉnh, thành phố", "Quận, huyện", "Xã, phường, đặc khu"]
            )
        ]
        central = Unit.objects.filter(name=CENTRAL_NAME).first()
        if central is None:
            central = _bulk(
                Unit,
                [
                    self._unit(
                        CENTRAL_NAME,
                        "Trung ương MTTQ",
                        levels[0],
                        None,
                        "Hà Nội",
                        "ỦY BAN TRUNG ƯƠNG\nMẶT TRẬN TỔ QUỐC VIỆT NAM\nBAN THƯỜNG TRỰC",
                    )
                ],
                self.counts,
            )[0]
        central.code = "tw"
        self.central = central
        provinces = []
        for p in range(1, self.provinces_n + 1):
            place = f"Tỉnh Mẫu {p:02d}"
            provinces.append(
                self._unit(
                    f"Ủy ban MTTQ Việt Nam tỉnh Mẫu {p:02d}",
                    f"MTTQ tỉnh Mẫu {p:02d}",
                    levels[1],
                    central,
                    place,
                    f"ỦY BAN MTTQ VIỆT NAM\nTỈNH MẪU {p:02d}\nBAN THƯỜNG TRỰC",
                )
            )
        for p, province in enumerate(provinces, start=1):
            province.code = f"t{p:02d}"
        self.provinces = _bulk(Unit, provinces, self.counts)
        # Clusters: the central committee's clusters of provinces, then the provinces'
        # clusters of communes (cluster k of communes belongs to province k mod P).
        commune_clusters = self.sizes.clusters - self.central_n
        sizes = [
            self.communes_n // commune_clusters
            + (1 if k < self.communes_n % commune_clusters else 0)
            for k in range(commune_clusters)
        ]
        communes, self.commune_groups = [], []
        number = 0
        for k, size in enumerate(sizes):
            province = self.provinces[k % self.provinces_n]
            p = k % self.provinces_n + 1
            group = []
            for _ in range(size):
                number += 1
                short = f"Xã Mẫu {p:02d}.{number:04d}"
                unit = self._unit(
                    f"Ủy ban MTTQ Việt Nam xã Mẫu {p:02d}.{number:04d}",
                    short,
                    levels[3],
                    province,
                    short,
                    f"ỦY BAN MTTQ VIỆT NAM\nXÃ MẪU {p:02d}.{number:04d}\nBAN THƯỜNG TRỰC",
                )
                unit.code = f"t{p:02d}.x{number:04d}"
                group.append(unit)
            communes.extend(group)
            self.commune_groups.append((province, group))
        _bulk(Unit, communes, self.counts)
        self.step("units", started)

        started = time.monotonic()
        self._people([self.central, *self.provinces, *communes])
        self.step("people and logins", started)

        started = time.monotonic()
        clusters = []
        per_central = math.ceil(self.provinces_n / self.central_n)
        self.central_groups = [
            self.provinces[i : i + per_central] for i in range(0, self.provinces_n, per_central)
        ]
        for k, _group in enumerate(self.central_groups, start=1):
            clusters.append(
                self._cluster(
                    central,
                    f"Cụm thi đua các tỉnh số {k} ({self.tag}minh họa)",
                    f"ỦY BAN TRUNG ƯƠNG\nMẶT TRẬN TỔ QUỐC VIỆT NAM\nCỤM THI ĐUA SỐ {k}",
                )
            )
        numbers = {}
        for province, _group in self.commune_groups:
            numbers[province.pk] = numbers.get(province.pk, 0) + 1
            place = province.place_name.upper()
            clusters.append(
                self._cluster(
                    province,
                    f"Cụm thi đua số {numbers[province.pk]}",
                    f"ỦY BAN MTTQ VIỆT NAM\n{place}\nCỤM THI ĐUA SỐ {numbers[province.pk]}",
                )
            )
        clusters = _bulk(Cluster, clusters, self.counts)
        groups = [*self.central_groups, *(g for _p, g in self.commune_groups)]
        self.clusters = list(zip(clusters, groups, strict=True))
        parents = [central, *self.provinces]
        plans = []
        for parent in parents:
            for y in self.years:
                plans.append(
                    Plan(
                        parent=parent,
                        year=y,
                        number=10 + parent.pk % 80,
                        symbol="KH-MTTQ-BTT",
                        date=datetime.date(y, 1, 20),
                        title=f"Kế hoạch công tác thi đua, khen thưởng năm {y}",
                    )
                )
        # The central committee may be there already, with its plans (a second dataset).
        existing = {
            (p.parent_id, p.year): p
            for p in Plan.objects.filter(parent=central, year__in=self.years, symbol="KH-MTTQ-BTT")
        }
        _bulk(Plan, (p for p in plans if (p.parent_id, p.year) not in existing), self.counts)
        self.plans = {(p.parent_id, p.year): p for p in plans} | existing
        self.step("clusters and plans", started)

    def _unit(self, name, short, level, parent, place, header):
        return Unit(
            name=name,
            short_name=short,
            kind=Unit.Kind.COMMITTEE,
            level=level,
            parent=parent,
            place_name=place,
            header_lines=header,
            collective_name="Ban Thường trực",
            valid_from=datetime.date(2000, 1, 1),
            search_text=fold(f"{name} {short}"),
        )

    def _cluster(self, parent, name, header):
        return Cluster(parent=parent, name=name, header_lines=header, search_text=fold(name))

    def _people(self, units):
        parents = [self.central, *self.provinces]
        start = datetime.date(self.years[0] - 1, 6, 1)
        users, people, roles = [], [], []
        for unit in units:
            roles.append((unit, f"{self.prefix}.{unit.code}", Position.Title.CHAIR, True))
        for parent in parents:
            code = parent.code
            roles.append((parent, f"{self.prefix}.{code}.staff", Position.Title.OFFICER, False))
            roles.append((parent, f"{self.prefix}.{code}.xem", None, False))
        for _unit, username, _title, _sign in roles:
            self.people += 1
            name = person_name(self.people)
            family, _sep, given = name.rpartition(" ")
            users.append(
                User(
                    username=username,
                    password=self.password,
                    first_name=family,
                    last_name=given,
                    email=f"{username}@scale.thidua.invalid",
                )
            )
        _bulk(User, users, self.counts)
        grants = []
        for (unit, _username, title, _can_sign), user in zip(roles, users, strict=True):
            if title is None:
                grants.append(ViewerGrant(user=user, unit=unit))
                continue
            people.append(
                Person(
                    full_name=user.get_full_name(),
                    email=user.email,
                    user=user,
                    search_text=fold(user.get_full_name()),
                )
            )
        _bulk(Person, people, self.counts)
        _bulk(ViewerGrant, grants, self.counts)
        positions = []
        holders = [r for r in roles if r[2] is not None]
        for (unit, username, title, can_sign), person in zip(holders, people, strict=True):
            positions.append(
                Position(
                    person=person,
                    unit=unit,
                    title=title,
                    can_sign=can_sign,
                    start=start,
                    # Bulk demo data: counted as appointments confirmed before the rule.
                    confirmation=Confirmation.CONFIRMED,
                )
            )
            if title == Position.Title.CHAIR:
                self.chairs[unit.pk] = (person.user, person.full_name)
            else:
                self.staff[unit.pk] = person.user
                self.summary.staff[unit.pk] = username
        _bulk(Position, positions, self.counts)

    # --- cluster years ---

    def cluster_years(self):
        started = time.monotonic()
        rows = []
        for cluster, members in self.clusters:
            for i, y in enumerate(self.years):
                current = y == self.years[-1]
                rows.append(
                    (
                        ClusterYear(
                            cluster=cluster,
                            year=y,
                            status=ClusterYear.Status.ACTIVE
                            if current
                            else ClusterYear.Status.CLOSED,
                            plan=self.plans[(cluster.parent_id, y)],
                        ),
                        cluster,
                        members,
                        i,
                        current,
                    )
                )
        saved = _bulk(ClusterYear, (r[0] for r in rows), self.counts)
        memberships = []
        self.cys = []
        parents = {u.pk: u for u in [self.central, *self.provinces]}
        for cy, (_obj, cluster, members, i, current) in zip(saved, rows, strict=True):
            n = len(members)
            head, deputy = members[i % n], members[(i + 1) % n]
            for order, unit in enumerate(members, start=1):
                role = (
                    Membership.Role.HEAD
                    if unit is head
                    else Membership.Role.DEPUTY
                    if unit is deputy
                    else Membership.Role.MEMBER
                )
                memberships.append(Membership(cluster_year=cy, unit=unit, order=order, role=role))
            self.cys.append(
                CY(
                    pk=cy.pk,
                    year=cy.year,
                    cluster=cluster,
                    parent=parents[cluster.parent_id],
                    members=members,
                    head=head,
                    deputy=deputy,
                    plan=self.plans[(cluster.parent_id, cy.year)],
                    current=current,
                )
            )
            self._audit(ClusterYear, cy.pk, "cluster_year.start", _at(cy.year, 1, 25))
        _bulk(Membership, memberships, self.counts)
        self.step("cluster years and memberships", started)

    # --- per chunk of cluster years: everything from the agreement to the decision ---

    def work(self, chunk=400):
        self.images = self._signature_images()
        self.timings = {}
        for start in range(0, len(self.cys), chunk):
            part = self.cys[start : start + chunk]
            for name, method in (
                ("agreements", self.agreements),
                ("signatures", self.signatures),
                ("results", self.results),
                ("votes", self.votes),
                ("proposals", self.proposals),
            ):
                began = time.monotonic()
                method(part)
                self.timings[name] = self.timings.get(name, 0) + time.monotonic() - began
            _bulk(AuditEntry, self.audit, self.counts)
            self.audit = []
            self.log(f"  cluster years {start + len(part)}/{len(self.cys)}")
        for name, seconds in self.timings.items():
            self.log(f"  {name}: {seconds:.1f} s")

    def agreements(self, part):
        agreements, sections, criteria = [], [], []
        for cy in part:
            chair, _name = self.chairs[cy.head.pk]
            date = datetime.date(cy.year, 2, 10 + cy.pk % 15)
            agreement = cy.agreement = Agreement(
                cluster_year_id=cy.pk,
                status=Agreement.Status.SEALED,
                origin=Agreement.Origin.PREVIOUS
                if cy.year > self.years[0]
                else Agreement.Origin.BLANK,
                title=default_title(cy.year),
                place=cy.head.place_name,
                date=date,
                legal_basis=plan_basis_text(cy.plan, cy.parent),
                closing=(
                    f"Các đơn vị trong {cy.cluster.name} cam kết thực hiện nghiêm túc các nội "
                    "dung giao ước thi đua này. " + DEMO_MARK
                ),
                adopted_at=_at(cy.year, 2, date.day, 15),
                adopted_by=chair,
                is_demo=True,
                created_by=chair,
            )
            cy.sections = [
                Section(
                    agreement=agreement,
                    order=s + 1,
                    heading=SECTION_HEADINGS[s % len(SECTION_HEADINGS)],
                    text=(
                        f"Nội dung thi đua số {s + 1} của {cy.cluster.name} năm {cy.year} "
                        f"({DEMO_MARK})."
                    ),
                )
                for s in range(self.sizes.sections)
            ]
            cy.criteria = []
            for spec in self.specs:
                c = spec.criterion
                cy.criteria.append(
                    Criterion(
                        section=cy.sections[spec.section],
                        order=c.order,
                        code=c.code,
                        text=c.text,
                        measure=c.measure,
                        unit_label=c.unit_label,
                        target=c.target,
                        max_points=c.max_points,
                        kind=c.kind,
                        rule=c.rule,
                        points_per_occurrence=c.points_per_occurrence,
                        cap=c.cap,
                    )
                )
            canonical = canonical_content(agreement, cy.sections, cy.criteria, self.specs)
            agreement.canonical_content = canonical
            agreement.content_hash = hashlib.sha256(canonical.encode()).hexdigest()
            agreement.members_snapshot = self._members_snapshot(cy)
            agreements.append(agreement)
            sections.extend(cy.sections)
            criteria.extend(cy.criteria)
        _bulk(Agreement, agreements, self.counts)
        _bulk(Section, sections, self.counts)
        _bulk(Criterion, criteria, self.counts)
        conferences, revisions = [], []
        for cy in part:
            agreement = cy.agreement
            conferences.append(
                Conference(
                    agreement=agreement,
                    starts_at=_at(cy.year, 2, agreement.date.day, 14),
                    venue=f"Trụ sở {cy.head.name}",
                    minutes=f"Hội nghị ký giao ước thi đua năm {cy.year}. {DEMO_MARK}",
                )
            )
            revisions.append(
                Revision(
                    agreement=agreement,
                    number=1,
                    content=agreement.canonical_content,
                    summary="Dự thảo",
                    author=agreement.created_by,
                )
            )
            self._audit(
                Agreement,
                agreement.pk,
                "agreement.adopt",
                agreement.adopted_at,
                agreement.adopted_by,
                {"content_hash": agreement.content_hash},
            )
        _bulk(Conference, conferences, self.counts)
        _bulk(Revision, revisions, self.counts)
        hosts, guests = [], []
        through = Conference.hosts.through
        for cy, conference in zip(part, conferences, strict=True):
            hosts.append(through(conference_id=conference.pk, unit_id=cy.head.pk))
            hosts.append(through(conference_id=conference.pk, unit_id=cy.deputy.pk))
            guests.append(
                Guest(
                    conference=conference,
                    order=1,
                    name=self.chairs[cy.parent.pk][1],
                    title=f"Chủ tịch {cy.parent.name}",
                    organisation=cy.parent.name,
                )
            )
        _bulk(through, hosts, self.counts)
        _bulk(Guest, guests, self.counts)

    def _members_snapshot(self, cy):
        rows = []
        for order, unit in enumerate(cy.members, start=1):
            _user, name = self.chairs[unit.pk]
            role = "head" if unit is cy.head else "deputy" if unit is cy.deputy else "member"
            rows.append(
                {
                    "unit_id": unit.pk,
                    "name": unit.name,
                    "short_name": unit.short_name,
                    "role": role,
                    "order": order,
                    "collective_name": unit.collective_name,
                    "signatory_name": name,
                    "signatory_title": Position.Title.CHAIR,
                    "signature_block": signature_block(unit, Position.Title.CHAIR),
                }
            )
        return rows

    def signatures(self, part):
        signatures, seals = [], []
        for cy in part:
            agreement = cy.agreement
            signed = agreement.adopted_at + datetime.timedelta(minutes=20)
            for i, unit in enumerate(cy.members):
                user, name = self.chairs[unit.pk]
                signatures.append(
                    Signature(
                        agreement=agreement,
                        unit=unit,
                        user=user,
                        unit_name=unit.name,
                        signer_name=name,
                        signer_title=Position.Title.CHAIR,
                        signer_position="Chủ tịch",
                        signature_block=signature_block(unit, Position.Title.CHAIR),
                        image=self.images[unit.pk % len(self.images)],
                        method=Signature.Method.DRAWN,
                        signed_at=signed + datetime.timedelta(minutes=2 * i),
                        content_hash=agreement.content_hash,
                    )
                )
            sealed_at = signed + datetime.timedelta(minutes=2 * len(cy.members) + 1)
            digest = hashlib.sha256(f"{self.prefix}-seal-{agreement.pk}".encode()).hexdigest()
            seals.append(
                Seal(
                    agreement=agreement,
                    status=Seal.Status.SEALED,
                    file=f"sealed/{self.prefix}-{agreement.pk}.pdf",
                    sha256=digest,
                    size=180_000 + agreement.pk % 5000,
                    certificate_subject=f"Thi đua — {DEMO_MARK}",
                    attests=(
                        "Chữ ký số của hệ thống Thi đua trên tệp này xác nhận nội dung giao ước có "
                        f"mã băm SHA-256 {agreement.content_hash} ({DEMO_MARK})."
                    ),
                    requested_at=sealed_at,
                    sealed_at=sealed_at,
                    attempts=1,
                )
            )
        _bulk(Signature, signatures, self.counts)
        _bulk(Seal, seals, self.counts)
        for seal in seals:
            self._audit(Seal, seal.pk, "seal.sealed", seal.sealed_at, None, {"sha256": seal.sha256})

    # --- results ---

    def results(self, part):
        periods, plans = [], []
        for cy in part:
            kinds = [Period.Kind.MID_YEAR, Period.Kind.YEAR_END] if cy.current else []
            kinds = kinds or [Period.Kind.YEAR_END]
            for kind in kinds:
                locked = not (cy.current and kind == Period.Kind.YEAR_END)
                month = 7 if kind == Period.Kind.MID_YEAR else 12
                staff = self.chairs[cy.head.pk][0]
                period = Period(
                    cluster_year_id=cy.pk,
                    kind=kind,
                    agreement=cy.agreement,
                    deadline=_at(cy.year, month, 15, 17)
                    if locked
                    else self.now + datetime.timedelta(days=20),
                    status=Period.Status.LOCKED if locked else Period.Status.OPEN,
                    opened_by=staff,
                    locked_at=_at(cy.year, month, 22, 15) if locked else None,
                    locked_by=staff if locked else None,
                )
                periods.append(period)
                plans.append((cy, period, locked))
        _bulk(Period, periods, self.counts)
        assessments, plan_rows = [], []
        for cy, period, locked in plans:
            for unit in cy.members:
                user = self.chairs[unit.pk][0]
                if locked:
                    status = Assessment.Status.ACCEPTED
                else:
                    status = self.rng.choice(
                        [Assessment.Status.DRAFT, Assessment.Status.SUBMITTED]
                        + [Assessment.Status.ACCEPTED] * 2
                    )
                sent = status != Assessment.Status.DRAFT
                done = status == Assessment.Status.ACCEPTED
                day = period.deadline - datetime.timedelta(days=3)
                assessments.append(
                    Assessment(
                        period=period,
                        unit=unit,
                        unit_name=unit.name,
                        status=status,
                        submitted_at=day if sent else None,
                        submitted_by=user if sent else None,
                        reviewed_at=day + datetime.timedelta(days=1) if done else None,
                        reviewed_by=self.chairs[cy.head.pk][0] if done else None,
                    )
                )
                plan_rows.append((cy, period, locked, unit, status))
        _bulk(Assessment, assessments, self.counts)

        rows, snapshots, ranked = [], [], []
        by_period = {}
        specs = self.specs
        for assessment, (cy, period, locked, unit, status) in zip(
            assessments, plan_rows, strict=True
        ):
            picks = self.rng.choices(range(4), weights=[6, 3, 2, 1], k=len(specs))
            filled = len(specs) if status != Assessment.Status.DRAFT else len(specs) // 2
            normal = bonus = penalty = ZERO
            section_points = [ZERO] * self.sizes.sections
            for j, (spec, criterion) in enumerate(zip(specs, cy.criteria, strict=True)):
                if j >= filled:
                    rows.append(
                        (assessment.pk, criterion.pk, None, "", None, None, "", "", None, "")
                    )
                    continue
                value, occurrences, score = spec.levels[picks[j] % len(spec.levels)]
                rows.append(
                    (assessment.pk, criterion.pk, value, "", occurrences, score, *NO_REVIEW)
                )
                score = score or ZERO
                if criterion.kind == Criterion.Kind.BONUS:
                    bonus += score
                elif criterion.kind == Criterion.Kind.PENALTY:
                    penalty -= score
                else:
                    normal += score
                    section_points[spec.section] += score
            if locked:
                by_period.setdefault(period.pk, (cy, period, []))[2].append(
                    RankRow(
                        unit,
                        unit.name,
                        max(normal + bonus - penalty, ZERO),
                        normal,
                        bonus,
                        penalty,
                        [q2(v) for v in section_points],
                    )
                )
        _copy(
            Score,
            [
                "assessment",
                "criterion",
                "achieved",
                "achieved_text",
                "occurrences",
                "self_score",
                "explanation",
                "links",
                "reviewed_score",
                "review_reason",
            ],
            rows,
            self.counts,
        )
        section_max = [ZERO] * self.sizes.sections
        for spec in specs:
            if spec.criterion.kind == Criterion.Kind.NORMAL:
                section_max[spec.section] += spec.criterion.max_points
        maximum = self.maximum = sum(section_max, ZERO)
        thresholds = [[label, str(minimum)] for label, minimum in DEFAULT_THRESHOLDS]
        for cy, period, members in by_period.values():
            members[:] = rank_rows(members, DEFAULT_TIE_BREAK)  # best first
            for row in members:
                row.percent = percent_of(row.total, maximum)
                row.rating = rating_for(row.percent, DEFAULT_THRESHOLDS)
            sections = [
                {
                    "id": s.pk,
                    "order": s.order,
                    "heading": s.heading,
                    "max_points": str(section_max[i]),
                }
                for i, s in enumerate(cy.sections)
            ]
            payload = json.dumps(
                {"period": period.pk, "entries": [[r.unit.pk, str(r.total)] for r in members]}
            )
            snapshots.append(
                RankingSnapshot(
                    period=period,
                    binding=period.kind == Period.Kind.YEAR_END,
                    max_points=maximum,
                    tie_break=list(DEFAULT_TIE_BREAK),
                    thresholds=thresholds,
                    sections=sections,
                    content_hash=hashlib.sha256(payload.encode()).hexdigest(),
                    created_by=period.locked_by,
                )
            )
            ranked.append(members)
            if period.kind == Period.Kind.YEAR_END:
                cy.ranking = members
            self._audit(Period, period.pk, "period.lock", period.locked_at, period.locked_by)
        _bulk(RankingSnapshot, snapshots, self.counts)
        entries = []
        for snapshot, members in zip(snapshots, ranked, strict=True):
            for row in members:
                entries.append(
                    RankingEntry(
                        snapshot=snapshot,
                        unit=row.unit,
                        unit_name=row.name,
                        rank=row.rank,
                        total=q2(row.total),
                        normal=q2(row.normal),
                        bonus=q2(row.bonus),
                        penalty=q2(row.penalty),
                        percent=row.percent,
                        rating=row.rating,
                        section_totals=[str(v) for v in row.section_points],
                        decided_by=row.decided_by,
                    )
                )
        _bulk(RankingEntry, entries, self.counts)
        practices = []
        for cy in part:
            unit = cy.members[cy.pk % len(cy.members)]
            title = f"Mô hình “Khu dân cư tự quản” của {unit.short_name} năm {cy.year}"
            description = f"Cách làm hay được chia sẻ trong {cy.cluster.name} ({DEMO_MARK})."
            practices.append(
                GoodPractice(
                    cluster_year_id=cy.pk,
                    unit=unit,
                    unit_name=unit.name,
                    title=title,
                    description=description,
                    results="Tăng tỷ lệ hộ gia đình tham gia các hoạt động ở khu dân cư.",
                    status=GoodPractice.Status.PUBLISHED,
                    published_at=_at(cy.year, 9, 1),
                    featured=not cy.current,
                    search_text=fold(f"{title} {description} {unit.name}"),
                    created_by=self.chairs[unit.pk][0],
                )
            )
        _bulk(GoodPractice, practices, self.counts)

    # --- the year-end meeting and its votes ---

    def votes(self, part):
        done = [cy for cy in part if cy.ranking]
        if not done:
            return
        registers = _bulk(
            NumberRegister,
            (NumberRegister(unit=cy.head, year=cy.year, last_number=2) for cy in done),
            self.counts,
        )
        numbers = []
        for cy, register in zip(done, registers, strict=True):
            cy.minutes_number = IssuedNumber(
                register=register,
                number=1,
                symbol="BB-MTTQ",
                purpose=f"Biên bản hội nghị tổng kết {cy.cluster.name} năm {cy.year}",
            )
            cy.submission_number = IssuedNumber(
                register=register,
                number=2,
                symbol="TTr-MTTQ",
                purpose=f"Tờ trình đề nghị khen thưởng {cy.cluster.name} năm {cy.year}",
            )
            numbers += [cy.minutes_number, cy.submission_number]
        _bulk(IssuedNumber, numbers, self.counts)
        meetings = []
        for cy in done:
            absent = cy.members[-1] if len(cy.members) > 4 and cy.pk % 3 == 0 else None
            cy.present = [u for u in cy.members if u is not absent]
            cy.absent = absent
            cy.sessions = [self._session(cy, purpose) for purpose in PURPOSES]
            chair_user, chair_name = self.chairs[cy.head.pk]
            held = _at(cy.year, 12, 26, 8, 30)
            cy.meeting = Meeting(
                cluster_year_id=cy.pk,
                title=f"Hội nghị tổng kết công tác thi đua năm {cy.year}",
                held_at=held,
                venue=f"Trụ sở {cy.head.name}",
                chair_name=chair_name,
                chair_title=f"Chủ tịch {cy.head.name}",
                secretary_name=self.chairs[cy.deputy.pk][1],
                secretary_title=f"Chủ tịch {cy.deputy.name}",
                minutes_number=cy.minutes_number,
                minutes_date=held.date(),
                created_by=chair_user,
            )
            cy.meeting.minutes_snapshot = self._minutes_snapshot(cy)
            meetings.append(cy.meeting)
        _bulk(Meeting, meetings, self.counts)
        attendance, sessions = [], []
        for cy in done:
            for order, unit in enumerate(cy.members, start=1):
                attendance.append(
                    Attendance(
                        meeting=cy.meeting,
                        unit=unit,
                        unit_name=unit.name,
                        order=order,
                        present=unit is not cy.absent,
                    )
                )
            for session, _standing in cy.sessions:
                session.meeting = cy.meeting
                sessions.append(session)
        _bulk(Attendance, attendance, self.counts)
        _bulk(VoteSession, sessions, self.counts)
        candidates, rounds, counts, participations = [], [], [], []
        for cy in done:
            present = len(cy.present)
            for session, standing in cy.sessions:
                vote_round = VoteRound(
                    session=session,
                    number=1,
                    status=VoteRound.Status.CLOSED,
                    seats=session.seats,
                    present_count=present,
                    member_count=len(cy.members),
                    base_count=present,
                    ballots_cast=present,
                    closed_at=session.closed_at,
                )
                rounds.append(vote_round)
                for row, votes, won in standing:
                    candidate = Candidate(
                        session=session,
                        unit=row.unit,
                        unit_name=row.name,
                        rank=row.rank,
                        rating=row.rating,
                        total=q2(row.total),
                        outcome=Candidate.Outcome.ELECTED if won else Candidate.Outcome.NOT_ELECTED,
                        elected_round=1 if won else None,
                        share=q2(D(votes) * 100 / D(present)),
                    )
                    candidates.append(candidate)
                    counts.append(VoteCount(round=vote_round, candidate=candidate, votes=votes))
                participations.extend(
                    Participation(round=vote_round, unit=unit, unit_name=unit.name)
                    for unit in cy.present
                )
        _bulk(Candidate, candidates, self.counts)
        _bulk(VoteRound, rounds, self.counts)
        _bulk(VoteCount, counts, self.counts)
        _bulk(Participation, participations, self.counts)

    def _session(self, cy, purpose):
        """An unsaved closed session and its candidates: [(ranking row, votes, elected)]."""
        ranking, members, present = cy.ranking, len(cy.members), len(cy.present)
        seats = min(3, members - 1) if purpose == VoteSession.Purpose.CERTIFICATES else 1
        if purpose == VoteSession.Purpose.LEADING:
            standing, elected = ranking[:2], ranking[:1]
        elif purpose == VoteSession.Purpose.CERTIFICATES:
            standing = ranking[1 : 1 + seats + 2]
            elected = standing[:seats]
        else:
            offset = 1 if purpose == VoteSession.Purpose.HEAD else 2
            nominee = cy.members[(self.years.index(cy.year) + offset) % members]
            by_unit = {r.unit.pk: r for r in ranking}
            standing = [by_unit[nominee.pk], next(r for r in ranking if r.unit is not nominee)]
            elected = standing[:1]
        held = _at(cy.year, 12, 26, 8, 30)
        session = VoteSession(
            purpose=purpose,
            seats=seats,
            status=VoteSession.Status.CLOSED,
            threshold_percent=D(50),
            strictly_more=True,
            base=VoteBase.PRESENT,
            rounds_allowed=2,
            tie_break="ranking",
            created_by=self.chairs[cy.head.pk][0],
            opened_at=held + datetime.timedelta(minutes=30),
            closed_at=held + datetime.timedelta(minutes=45),
        )
        rows = [(r, max(present - 1, 1) if r in elected else 1, r in elected) for r in standing]
        return session, rows

    def _minutes_snapshot(self, cy):
        """The minutes as awards.award_selectors.minutes_content freezes them."""
        meeting, held = cy.meeting, timezone.localtime(cy.meeting.held_at)
        present = len(cy.present)
        sessions, elected = [], {}
        for session, standing in cy.sessions:
            ordered = sorted(standing, key=lambda s: (-s[1], s[0].rank, s[0].name))
            names = [row.name for row, _votes, won in ordered if won]
            elected[session.purpose] = names
            sessions.append(
                {
                    "purpose": session.purpose,
                    "title": purpose_title_vn(session.purpose, cy.year),
                    "online": True,
                    "rule": rule_text_vn(session),
                    "seats": session.seats,
                    "rounds": [
                        {
                            "number": 1,
                            "ballots": present,
                            "present": present,
                            "members": len(cy.members),
                            "base": present,
                            "seats": session.seats,
                            "rows": [
                                {
                                    "name": row.name,
                                    "votes": votes,
                                    "share": vn_number(q2(D(votes) * 100 / D(present))),
                                    "elected": won,
                                }
                                for row, votes, won in ordered
                            ],
                        }
                    ],
                    "elected": names,
                }
            )
        return {
            "cluster": cy.cluster.name,
            "header_lines": cy.cluster.header,
            "year": cy.year,
            "number": cy.minutes_number.reference,
            "date": held.date().isoformat(),
            "place": cy.head.place_name,
            "head_name": cy.head.name,
            "title": meeting.title,
            "held_time": f"{held:%H} giờ {held:%M}",
            "held_date": held.date().isoformat(),
            "venue": meeting.venue,
            "chair": {"name": meeting.chair_name, "title": meeting.chair_title},
            "secretary": {"name": meeting.secretary_name, "title": meeting.secretary_title},
            "present": [u.name for u in cy.present],
            "absent": [cy.absent.name] if cy.absent else [],
            "member_count": len(cy.members),
            "ranking": [
                {"rank": r.rank, "name": r.name, "total": vn_number(r.total), "rating": r.rating}
                for r in cy.ranking
            ],
            "max_points": vn_number(self.maximum),
            "sessions": sessions,
            "leading": elected[VoteSession.Purpose.LEADING],
            "certificates": elected[VoteSession.Purpose.CERTIFICATES],
            "next_head": elected[VoteSession.Purpose.HEAD],
            "next_deputy": elected[VoteSession.Purpose.DEPUTY],
            "next_year": cy.year + 1,
            "notes": DEMO_MARK,
            "is_demo": True,
        }

    # --- the catalogue, the proposal file and the decision ---

    def catalogue(self):
        types = []
        for parent in [self.central, *self.provinces]:
            for y in self.years:
                issuer = parent.name
                types.append(
                    AwardType(
                        parent=parent,
                        year=y,
                        order=1,
                        form=AwardType.Form.FLAG,
                        name=f"Cờ thi đua của {parent.name}",
                        issuer=issuer,
                        rank_one_only=True,
                        min_rating=DEFAULT_THRESHOLDS[0][0],
                        vote_purpose=AwardType.VotePurpose.LEADING,
                        quota_kind=AwardType.Quota.NUMBER,
                        quota_value=D(1),
                    )
                )
                types.append(
                    AwardType(
                        parent=parent,
                        year=y,
                        order=2,
                        form=AwardType.Form.MERIT,
                        name=f"Bằng khen của {parent.name}",
                        issuer=issuer,
                        vote_purpose=AwardType.VotePurpose.CERTIFICATES,
                        quota_kind=AwardType.Quota.SHARE,
                        quota_value=D(40),
                    )
                )
        existing = {
            (t.parent_id, t.year, t.form): t
            for t in AwardType.objects.filter(parent=self.central, year__in=self.years)
        }
        _bulk(
            AwardType,
            (t for t in types if (t.parent_id, t.year, t.form) not in existing),
            self.counts,
        )
        self.award_types = {(t.parent_id, t.year, t.form): t for t in types} | existing

    def proposals(self, part):
        done = [cy for cy in part if cy.ranking]
        if not done:
            return
        proposals = []
        for cy in done:
            proposals.append(
                Proposal(
                    cluster_year_id=cy.pk,
                    status=Proposal.Status.DECIDED,
                    head=cy.head,
                    head_name=cy.head.name,
                    submitted_at=_at(cy.year, 12, 28, 10),
                    created_by=self.chairs[cy.head.pk][0],
                )
            )
        _bulk(Proposal, proposals, self.counts)
        items, history, documents, decisions = [], [], [], []
        for cy, proposal in zip(done, proposals, strict=True):
            flag = self.award_types[(cy.parent.pk, cy.year, AwardType.Form.FLAG)]
            merit = self.award_types[(cy.parent.pk, cy.year, AwardType.Form.MERIT)]
            seats = max(1, min(3, len(cy.members) - 1))
            nominees = [(flag, cy.ranking[0])] + [(merit, r) for r in cy.ranking[1 : 1 + seats]]
            rows = []
            for order, (award, row) in enumerate(nominees, start=1):
                reason = (
                    f"Dẫn đầu {cy.cluster.name} năm {cy.year}"
                    if award is flag
                    else f"Hoàn thành xuất sắc nhiệm vụ năm {cy.year}, xếp thứ {row.rank}"
                )
                items.append(
                    ProposalItem(
                        proposal=proposal,
                        award_type=award,
                        unit=row.unit,
                        unit_name=row.name,
                        reason=reason,
                        score=q2(row.total),
                        rank=row.rank,
                        rating=row.rating,
                        report_text=f"Báo cáo thành tích của {row.name} ({DEMO_MARK}).",
                        status=ProposalItem.Status.GRANTED,
                        order=order,
                    )
                )
                rows.append(
                    {
                        "nominee": row.name,
                        "unit_name": row.name,
                        "person_name": "",
                        "person_title": "",
                        "award": award.name,
                        "form": FORM_VN[award.form],
                        "individual": False,
                        "score": vn_number(row.total),
                        "rank": row.rank,
                        "rating": row.rating,
                        "vote_share": vn_number(
                            q2(D(max(len(cy.present) - 1, 1)) * 100 / D(len(cy.present)))
                        ),
                        "reason": reason,
                    }
                )
            staff = self.staff[cy.parent.pk]
            head_user = self.chairs[cy.head.pk][0]
            for step, (before, after) in enumerate(PROPOSAL_STEPS):
                actor = head_user if step < 2 else staff
                history.append(
                    ProposalStatusChange(
                        proposal=proposal,
                        from_status=before,
                        to_status=after,
                        actor=actor,
                        actor_name=actor.get_full_name(),
                    )
                )
            documents.append(
                ProposalDocument(
                    proposal=proposal,
                    number=cy.submission_number,
                    date=datetime.date(cy.year, 12, 28),
                    content=self._submission_content(cy, rows),
                )
            )
            decisions.append(
                Decision(
                    proposal=proposal,
                    number=f"{100 + cy.pk % 800}/QĐ-MTTQ-BTT",
                    date=datetime.date(cy.year + 1, 1, 15),
                    signer_name=self.chairs[cy.parent.pk][1],
                    signer_title="Chủ tịch",
                    scan=f"decisions/{self.prefix}-{proposal.pk}.pdf",
                    recorded_by=staff,
                )
            )
            self._audit(Proposal, proposal.pk, "proposal.decide", _at(cy.year + 1, 1, 16), staff)
        _bulk(ProposalItem, items, self.counts)
        _bulk(ProposalStatusChange, history, self.counts)
        _bulk(ProposalDocument, documents, self.counts)
        _bulk(Decision, decisions, self.counts)

    def _submission_content(self, cy, rows):
        """The covering submission as awards.award_selectors.submission_content freezes it."""
        forms = {}
        for row in rows:
            forms.setdefault(row["award"], {"collective": 0, "individual": 0})
            forms[row["award"]]["collective"] += 1
        return {
            "cluster": cy.cluster.name,
            "header_lines": cy.cluster.header,
            "year": cy.year,
            "number": cy.submission_number.reference,
            "date": datetime.date(cy.year, 12, 28).isoformat(),
            "place": cy.head.place_name,
            "head_name": cy.head.name,
            "parent_name": cy.parent.name,
            "parent_collective": cy.parent.collective_name,
            "plan_line": plan_basis(cy.plan),
            "minutes": {
                "reference": cy.minutes_number.reference,
                "date": cy.meeting.minutes_date.isoformat(),
            },
            "member_count": len(cy.members),
            "items": rows,
            "summary": [
                {"award": award, "collective": n["collective"], "individual": n["individual"]}
                for award, n in forms.items()
            ],
            "signer": {
                "unit": f"TM. {cy.cluster.name.upper()}",
                "lines": ["CỤM TRƯỞNG"],
                "name": self.chairs[cy.head.pk][1],
            },
            "is_demo": True,
        }


def plan_basis_text(plan, parent):
    plan.parent = parent
    return "\n".join(
        [
            "Căn cứ Luật Thi đua, khen thưởng năm 2022;",
            plan_basis(plan),
        ]
    )


def canonical_content(agreement, sections, criteria, specs):
    """The canonical JSON of an agreement built in memory, by agreements.content itself."""
    by_section = {}
    for spec, criterion in zip(specs, criteria, strict=True):
        by_section.setdefault(spec.section, []).append(criterion)
    parts = [(section, by_section.get(i, [])) for i, section in enumerate(sections)]
    return content.dumps(content.content_of(agreement, parts))


def already_built(prefix=PREFIX):
    return User.objects.filter(username__startswith=f"{prefix}.").exists()


def build(sizes, log=None):
    """Write the whole dataset in one transaction; return a Summary (row counts, seconds)."""
    started = time.monotonic()
    builder = Builder(sizes, log)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                # Like pg_restore --disable-triggers: the generator writes consistent keys, so
                # the three million deferred foreign-key checks at COMMIT are skipped when the
                # role may do so (superuser); tests/perf checks every key of a generated set.
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cursor.fetchone()[0]:
                    cursor.execute("SET LOCAL session_replication_role = replica")
        builder.organisations()
        builder.cluster_years()
        builder.catalogue()
        builder.work()
    if connection.vendor == "postgresql" and outermost:
        began = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        builder.step("analyze", began)
    builder.summary.seconds = time.monotonic() - started
    return builder.summary
