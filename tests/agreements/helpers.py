"""Agreements in the shared world: a draft with two sections, and a helper to adopt it.

Plain functions (not fixtures) so that every agreements test module can import them.
"""

from agreements import services


def add_content(actor, agreement):
    """Two sections with a normal criterion each, a bonus and a per-occurrence penalty."""
    first = services.section_add(
        actor=actor,
        agreement=agreement,
        heading="Nhiệm vụ chính trị",
        text="Triển khai thực hiện có hiệu quả các nhiệm vụ của Trung ương và Thành phố.",
    )
    second = services.section_add(
        actor=actor,
        agreement=agreement,
        heading="Công tác thi đua",
        text="Đổi mới, nâng cao chất lượng công tác Thi đua - Khen thưởng.",
    )
    services.criterion_add(
        actor=actor,
        section=first,
        code="1.1",
        text="Tổ chức hội nghị quán triệt nghị quyết",
        measure="number",
        unit_label="hội nghị",
        target="4",
        max_points="10",
    )
    services.criterion_add(
        actor=actor,
        section=second,
        code="2.1",
        text="Tỷ lệ khu dân cư được khen thưởng",
        measure="percent",
        unit_label="%",
        target="80",
        max_points="15",
    )
    services.criterion_add(
        actor=actor,
        section=second,
        code="2.2",
        text="Mô hình mới, cách làm hay được Thành phố ghi nhận",
        measure="number",
        kind="bonus",
        rule="per_occurrence",
        points_per_occurrence="1",
        max_points="3",
        cap="3",
    )
    services.criterion_add(
        actor=actor,
        section=second,
        code="2.3",
        text="Báo cáo gửi chậm",
        measure="number",
        kind="penalty",
        rule="per_occurrence",
        points_per_occurrence="0.5",
        max_points="0",
        cap="2",
    )
    return first, second


def make_draft(world, origin="blank"):
    """A draft of Cluster No. 1's 2020 agreement, by the head's chair, with content."""
    agreement = services.agreement_create(
        actor=world.user("dongda"), cluster_year=world.cluster_year, origin=origin
    )
    add_content(world.user("dongda"), agreement)
    agreement.refresh_from_db()
    return agreement


def adopt(world, agreement):
    """Circulate (if needed) and adopt an agreement as the cluster head's chair."""
    head = world.user("dongda")
    if agreement.status == "draft":
        services.agreement_circulate(actor=head, agreement=agreement)
    return services.agreement_adopt(actor=head, agreement=agreement)
