"""Stage "foundation" of the demo: the seed story's organisations, people and Cluster No. 1.

Names in the news report are used where the report puts them (Nguyễn Lan Hương, Hà Minh Hải,
Đỗ Trọng Nam); every other person is plainly fictional ("Nguyễn Văn A"-style names).
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from clusters import services
from clusters.models import (
    Cluster,
    ClusterYear,
    Level,
    Membership,
    Person,
    Plan,
    Position,
    Unit,
    ViewerGrant,
)
from core.text import fold

DEMO_PASSWORD = "thidua-demo"
DEMO_MARK = "DỮ LIỆU MINH HỌA"
SECOND_STAFF = "bantt2"  # the Hà Nội parent body's second staff member: confirms appointments

User = get_user_model()

# (username, short name, chair's name) in the report's order of the cluster's members.
DISTRICTS = [
    ("haibatrung", "Hai Bà Trưng", "Trần Văn B"),
    ("dongda", "Đống Đa", "Đỗ Trọng Nam"),
    ("badinh", "Ba Đình", "Lê Thị C"),
    ("hoankiem", "Hoàn Kiếm", "Phạm Văn D"),
    ("longbien", "Long Biên", "Hoàng Thị E"),
    ("hoangmai", "Hoàng Mai", "Vũ Văn G"),
]


@dataclass
class World:
    """Handles on the demo's main objects, for later stages and for tests."""

    admin: object = None
    parent: Unit = None
    other_parent: Unit = None
    plan: Plan = None
    cluster: Cluster = None
    cluster_year: ClusterYear = None
    other_cluster_year: ClusterYear = None
    units: dict = field(default_factory=dict)  # username -> Unit
    users: dict = field(default_factory=dict)  # username -> User

    def unit(self, username):
        return self.units[username]

    def user(self, username):
        return self.users[username]


def _user(username, full_name, *, email=None, superuser=False, hasher_cache={}):  # noqa: B006
    user = User.objects.filter(username=username).first()
    if user is None:
        first, _sep, last = full_name.rpartition(" ")
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=email or f"{username}@demo.thidua.invalid",
            is_staff=superuser,
            is_superuser=superuser,
        )
        # Hash the shared demo password once and reuse it: hashing is slow on purpose.
        if "hash" not in hasher_cache:
            user.set_password(DEMO_PASSWORD)
            hasher_cache["hash"] = user.password
        else:
            user.password = hasher_cache["hash"]
        user.save()
    return user


def _level(name, rank):
    return Level.objects.get_or_create(name=name, defaults={"rank": rank})[0]


def _unit(actor, name, short_name, **fields):
    unit = Unit.objects.filter(name=name).first()
    return unit or services.unit_create(actor=actor, name=name, short_name=short_name, **fields)


def _person(actor, full_name, user=None):
    person = Person.objects.filter(full_name=full_name).first()
    if person is None:
        person = services.person_create(
            actor=actor, full_name=full_name, email=user.email if user else ""
        )
    if user is not None and person.user_id is None:
        person.user = user
        person.save(update_fields=["user"])
    return person


def _position(actor, person, unit, title, *, can_sign=False, start=datetime.date(2019, 6, 1)):
    """Appoint through the service; a position that grants a right is confirmed by the second
    staff member of the Hà Nội parent body (bantt2), as the rule asks of every appointment."""
    position = Position.objects.filter(person=person, unit=unit, title=title).first()
    if position is None:
        position = services.position_create(
            actor=actor, person=person, unit=unit, title=title, can_sign=can_sign, start=start
        )
    if position.is_pending:
        position = services.position_confirm(
            actor=User.objects.get(username=SECOND_STAFF), position=position
        )
    return position


def _district(actor, parent, level, short_name):
    upper = short_name.upper()
    return _unit(
        actor,
        f"Ủy ban MTTQ Việt Nam quận {short_name}",
        short_name,
        kind=Unit.Kind.COMMITTEE,
        level=level,
        parent=parent,
        place_name=short_name,
        header_lines=f"ỦY BAN MTTQ VIỆT NAM\nQUẬN {upper}\nBAN THƯỜNG TRỰC",
        collective_name="Ban Thường trực",
        email=f"mttq.{fold(short_name).replace(' ', '')}@demo.thidua.invalid",
    )


def _cluster_year(actor, cluster, year, plan, members, head, deputy):
    cluster_year = ClusterYear.objects.filter(cluster=cluster, year=year).first()
    if cluster_year is None:
        cluster_year = services.cluster_year_create(
            actor=actor, cluster=cluster, year=year, plan=plan
        )
        for order, unit in enumerate(members, start=1):
            role = Membership.Role.MEMBER
            if unit == head:
                role = Membership.Role.HEAD
            elif unit == deputy:
                role = Membership.Role.DEPUTY
            services.membership_add(
                actor=actor, cluster_year=cluster_year, unit=unit, role=role, order=order
            )
        cluster_year = services.cluster_year_start(actor=actor, cluster_year=cluster_year)
    return cluster_year


def build():
    """Build (or find) the foundation of the seed story; safe to run twice."""
    world = World()
    admin = world.admin = _user("admin", "Quản trị Hệ thống", superuser=True)
    world.users["admin"] = admin
    central = _level("Trung ương", 0)
    province = _level("Tỉnh, thành phố", 1)
    district = _level("Quận, huyện", 2)
    _level("Xã, phường, đặc khu", 3)

    vietnam = _unit(
        admin,
        "Ủy ban Trung ương MTTQ Việt Nam",
        "Trung ương MTTQ",
        kind=Unit.Kind.COMMITTEE,
        level=central,
        place_name="Hà Nội",
        header_lines="ỦY BAN TRUNG ƯƠNG\nMẶT TRẬN TỔ QUỐC VIỆT NAM\nBAN THƯỜNG TRỰC",
        collective_name="Ban Thường trực",
    )
    parent = world.parent = _unit(
        admin,
        "Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        "MTTQ Hà Nội",
        kind=Unit.Kind.COMMITTEE,
        level=province,
        parent=vietnam,
        place_name="Hà Nội",
        header_lines="ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ HÀ NỘI\nBAN THƯỜNG TRỰC",
        collective_name="Ban Thường trực",
        email="mttq.hanoi@demo.thidua.invalid",
    )
    bantt = world.users["bantt"] = _user("bantt", "Ngô Thị H")
    _position(admin, _person(admin, "Ngô Thị H", bantt), parent, Position.Title.OFFICER)
    bantt2 = world.users[SECOND_STAFF] = _user(SECOND_STAFF, "Đào Văn Q")
    _position(admin, _person(admin, "Đào Văn Q", bantt2), parent, Position.Title.OFFICER)
    xem = world.users["xem"] = _user("xem", "Đinh Văn K")
    if not ViewerGrant.objects.filter(user=xem, unit=parent).exists():
        services.viewer_grant_create(actor=admin, user=xem, unit=parent)

    world.plan = Plan.objects.filter(parent=parent, year=2020, number=37).first() or (
        services.plan_create(
            actor=bantt,
            parent=parent,
            year=2020,
            number=37,
            symbol="KH-MTTQ-BTT",
            date=datetime.date(2020, 1, 20),
            title="Kế hoạch công tác thi đua, khen thưởng năm 2020",
        )
    )

    for username, short_name, chair_name in DISTRICTS:
        unit = world.units[username] = _district(admin, parent, district, short_name)
        user = world.users[username] = _user(username, chair_name)
        _position(
            bantt, _person(admin, chair_name, user), unit, Position.Title.CHAIR, can_sign=True
        )
    _position(
        bantt,
        _person(admin, "Bùi Thị L"),
        world.units["hoankiem"],
        Position.Title.VICE_CHAIR,
        can_sign=True,
    )
    _position(
        bantt, _person(admin, "Nguyễn Lan Hương"), parent, Position.Title.CHAIR, can_sign=True
    )
    for username, officer_name in (("dongda", "Nguyễn Văn M"), ("badinh", "Lý Thị N")):
        officer = world.users[f"canbo.{username}"] = _user(f"canbo.{username}", officer_name)
        _position(
            admin,
            _person(admin, officer_name, officer),
            world.units[username],
            Position.Title.OFFICER,
        )

    cluster = world.cluster = Cluster.objects.filter(parent=parent, name="Cụm thi đua số 1").first()
    if cluster is None:
        cluster = world.cluster = services.cluster_create(
            actor=bantt,
            parent=parent,
            name="Cụm thi đua số 1",
            kind=Cluster.Kind.CLUSTER,
            header_lines="ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ HÀ NỘI\nCỤM THI ĐUA SỐ 1",
        )
    members = [world.units[username] for username, _short, _chair in DISTRICTS]
    world.cluster_year = _cluster_year(
        bantt, cluster, 2020, world.plan, members, world.units["dongda"], world.units["hoankiem"]
    )
    _build_other_parent(world, admin, province, district)
    return world


def _build_other_parent(world, admin, province, district):
    """A second parent body with a cluster of its own: the outsiders of every test."""
    other = world.other_parent = _unit(
        admin,
        "Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
        "MTTQ Hải Phòng",
        kind=Unit.Kind.COMMITTEE,
        level=province,
        place_name="Hải Phòng",
        header_lines="ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ HẢI PHÒNG\nBAN THƯỜNG TRỰC",
        collective_name="Ban Thường trực",
    )
    ngoai = world.users["ngoai"] = _user("ngoai", "Mai Văn P")
    _position(admin, _person(admin, "Mai Văn P", ngoai), other, Position.Title.OFFICER)
    cluster = Cluster.objects.filter(parent=other, name="Cụm thi đua số 1").first()
    if cluster is None:
        cluster = services.cluster_create(
            actor=ngoai,
            parent=other,
            name="Cụm thi đua số 1",
            kind=Cluster.Kind.CLUSTER,
            header_lines="ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ HẢI PHÒNG\nCỤM THI ĐUA SỐ 1",
        )
    units = [
        _district(admin, other, district, name) for name in ("Hồng Bàng", "Lê Chân", "Ngô Quyền")
    ]
    world.other_cluster_year = _cluster_year(ngoai, cluster, 2020, None, units, units[0], units[1])
