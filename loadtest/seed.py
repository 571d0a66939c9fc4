"""The load test's world: the demo foundation plus N clusters of six units, each with a 2020
agreement adopted and open for signing, and a chair account per unit.

Run inside Django (loadtest/run.py does it). Usernames: "lt{cluster}-{unit}" (the chair of unit
`unit` of cluster `cluster`), all with the demo password; "bantt" and "xem" browse.
"""

import datetime
import json
from decimal import Decimal

from agreements import services as agreements
from agreements.models import Agreement
from clusters import services as clusters
from clusters.models import Cluster, Level, Position
from demo import foundation
from demo.foundation import _cluster_year, _person, _position, _unit, _user

UNITS_PER_CLUSTER = 6


def _agreement(actor, cluster_year):
    agreement = Agreement.objects.filter(cluster_year=cluster_year).first()
    if agreement is not None:
        return agreement
    agreement = agreements.agreement_create(
        actor=actor, cluster_year=cluster_year, origin=Agreement.Origin.BLANK, is_demo=True
    )
    agreement = agreements.agreement_update(
        actor=actor,
        agreement=agreement,
        expected_version=agreement.version,
        title="GIAO ƯỚC THI ĐUA NĂM 2020",
        place="Hà Nội",
        date=datetime.date(2020, 2, 5),
        legal_basis="Căn cứ Kế hoạch thi đua năm 2020 (dữ liệu kiểm thử tải).",
        closing="Các đơn vị cam kết thực hiện (dữ liệu kiểm thử tải).",
    )
    for number in range(1, 4):
        section = agreements.section_add(
            actor=actor,
            agreement=agreement,
            heading=f"Nội dung {number}",
            text="Thi đua thực hiện tốt nhiệm vụ chính trị (dữ liệu kiểm thử tải).",
        )
        agreements.criterion_add(
            actor=actor,
            section=section,
            code=f"{number}.1",
            text="Tổ chức hội nghị chuyên đề",
            measure="number",
            target=Decimal("4"),
            max_points=Decimal("10"),
            rule="proportional",
        )
    agreement = agreements.agreement_circulate(actor=actor, agreement=agreement)
    return agreements.agreement_adopt(actor=actor, agreement=agreement)


def seed(clusters_count):
    """Build (or find) the world; return {"agreements": [pk...], "signers": [...]} as JSON."""
    world = foundation.build()
    admin, bantt = world.admin, world.user("bantt")
    district = Level.objects.get(rank=2)
    result = {"agreements": [], "signers": [], "browsers": ["bantt", "xem"]}
    for number in range(1, clusters_count + 1):
        name = f"Cụm kiểm thử tải số {number}"
        cluster = Cluster.objects.filter(parent=world.parent, name=name).first()
        if cluster is None:
            cluster = clusters.cluster_create(
                actor=bantt,
                parent=world.parent,
                name=name,
                kind=Cluster.Kind.CLUSTER,
                header_lines=f"ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ HÀ NỘI\nCỤM KIỂM THỬ {number}",
            )
        units = []
        for index in range(1, UNITS_PER_CLUSTER + 1):
            username = f"lt{number}-{index}"
            unit = _unit(
                admin,
                f"Đơn vị kiểm thử tải {number}-{index}",
                f"KT {number}-{index}",
                kind="committee",
                level=district,
                parent=world.parent,
                place_name="Hà Nội",
                header_lines=f"ỦY BAN MTTQ VIỆT NAM\nĐƠN VỊ KIỂM THỬ {number}-{index}",
                collective_name="Ban Thường trực",
            )
            user = _user(username, f"Người Ký {number}-{index}")
            _position(
                admin,
                _person(admin, f"Người Ký {number}-{index}", user),
                unit,
                Position.Title.CHAIR,
                can_sign=True,
            )
            units.append(unit)
            result["signers"].append({"username": username, "unit": unit.pk})
        cluster_year = _cluster_year(bantt, cluster, 2020, world.plan, units, units[0], units[1])
        agreement = _agreement(admin, cluster_year)
        for signer in result["signers"][-UNITS_PER_CLUSTER:]:
            signer["agreement"] = agreement.pk
        result["agreements"].append(agreement.pk)
    return json.dumps(result)
