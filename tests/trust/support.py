"""Helpers of the trust tests: the full demo world, savepoints, clients per role."""

import contextlib
import datetime

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from clusters.models import ClusterYear

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# The roles of the permission matrix, in its column order.
ROLES = ["anon", "ngoai", "bantt", "xem", "canbo.dongda", "canbo.badinh", "badinh", "admin"]


def pdf_upload(name, title):
    from demo.results import placeholder_pdf

    return SimpleUploadedFile(name, placeholder_pdf(title), content_type="application/pdf")


def _year_2022(world):
    """Cluster No. 1 in 2022 (head Đống Đa, deputy Hoàn Kiếm) with a draft agreement."""
    from agreements import services as agreement_services
    from agreements.models import Agreement
    from clusters import services
    from clusters.models import Membership
    from demo.foundation import DISTRICTS

    bantt = world.user("bantt")
    cluster_year = services.cluster_year_create(actor=bantt, cluster=world.cluster, year=2022)
    roles = {"dongda": Membership.Role.HEAD, "hoankiem": Membership.Role.DEPUTY}
    for order, (username, _short, _chair) in enumerate(DISTRICTS, start=1):
        services.membership_add(
            actor=bantt,
            cluster_year=cluster_year,
            unit=world.unit(username),
            role=roles.get(username, Membership.Role.MEMBER),
            order=order,
        )
    cluster_year = services.cluster_year_start(actor=bantt, cluster_year=cluster_year)
    draft = agreement_services.agreement_create(
        actor=world.user("canbo.dongda"),
        cluster_year=cluster_year,
        origin=Agreement.Origin.PREVIOUS,
    )
    return cluster_year, draft


def build_full_world():
    """Every demo stage, and the records the story lacks (see the module's docstring)."""
    from agreements.signing import services as signing
    from clusters import services
    from clusters.models import Person
    from demo import stages
    from results import services as award_services
    from results.models import GoodPractice

    world = stages.build()
    world.plan = services.plan_update(
        actor=world.user("bantt"),
        plan=world.plan,
        expected_version=world.plan.version,
        file=pdf_upload("ke-hoach-37.pdf", "Ke hoach 37/KH-MTTQ-BTT"),
    )
    world.cluster_year_2022, world.draft = _year_2022(world)
    world.section = world.draft.sections.order_by("order").first()
    world.criterion = world.section.criteria.order_by("order").first()
    (world.paper, *_rest) = signing.paper_signing_record(
        actor=world.user("hoankiem"),
        agreement=world.agreement_2021,
        units=[world.unit("longbien")],
        scan=pdf_upload("ban-giay.pdf", "Ban giay da ky"),
    )
    world.practice = GoodPractice.objects.filter(unit=world.unit("badinh")).first() or (
        GoodPractice.objects.order_by("pk").first()
    )
    world.practice_file = award_services.practice_file_add(
        actor=world.admin,
        practice=world.practice,
        upload=pdf_upload("mo-hinh.pdf", "Mo hinh hay"),
    )
    conference = world.agreement.conference
    conference.minutes_file.save("bien-ban.pdf", pdf_upload("bien-ban.pdf", "Bien ban hoi nghi"))
    world.person = Person.objects.get(user=world.user("canbo.badinh"))
    world.today = datetime.date.today()
    return world


@contextlib.contextmanager
def savepoint():
    """Run the block's database changes in a savepoint that is always rolled back."""
    sid = transaction.savepoint_create()
    try:
        yield
    finally:
        transaction.savepoint_rollback(sid)


def client_as(world, role, **defaults):
    """A test client logged in as `role` ("anon": nobody), sharing the module's session."""
    client = Client(raise_request_exception=False, **defaults)
    if role != "anon":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def reopen(cluster_year):
    """The story's 2020 year is decided, hence finished (closed): a case that opens another
    review on it puts it back in progress first (rolled back with the test)."""
    ClusterYear.objects.filter(pk=cluster_year.pk).update(status=ClusterYear.Status.ACTIVE)
