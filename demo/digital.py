"""Digital signatures (chữ ký số) in the demo: the 2020 agreement signed digitally by every unit
(stage "signed", through `prepare` and `sign_all`), and stage "digital": the 2021 agreement
waiting for the visitors' signatures.

Each unit gets a clerk (văn thư: `vanthu.<district>`), each chair's personal certificate is
registered with the demo remote signing provider and each unit's organisation certificate and
seal image are entrusted to the server — every one confirmed by a second person of the parent
body (the chairs register their own, bantt confirms). In 2021 the parent's staff let each unit
choose (mixed: digitally, or simply) and the head (Hoàn Kiếm) opens the signing; its chair and its
clerk sign first, so that the file already carries two signatures; the other units' chairs sign
remotely from the signing page (the demo provider's PIN is 123456) and their clerks add the
organisation signatures.
"""

import datetime
import io
import math

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from agreements.models import Agreement
from agreements.signing.digital import pdf, selectors, services
from agreements.signing.digital.models import (
    Certificate,
    Confirmation,
    DocumentRevision,
    OrganisationKey,
    SealImage,
    SignatureSlot,
)
from clusters import services as cluster_services
from clusters.models import ClusterYear, Position
from demo.drawn import drawn_signature_png
from demo.foundation import DISTRICTS, _person, _position, _user
from demo.pki import config
from demo.pki.generate import pfx_path

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"
RED = (200, 16, 24, 255)


def seal_png(text):
    """A round red seal with `text` around it (demo data), transparent around the ink."""
    size = 600
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([12, 12, size - 12, size - 12], outline=RED, width=16)
    draw.ellipse([100, 100, size - 100, size - 100], outline=RED, width=6)
    font = ImageFont.truetype(FONT, 34)
    letters = f"{text} • DEMO • "
    for index, letter in enumerate(letters):
        angle = 2 * math.pi * index / len(letters) - math.pi / 2
        x = size / 2 + 240 * math.cos(angle)
        y = size / 2 + 240 * math.sin(angle)
        draw.text((x, y), letter, font=font, fill=RED, anchor="mm")
    draw.text((size / 2, size / 2), "★", font=ImageFont.truetype(FONT, 90), fill=RED, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _folder():
    return settings.DEV_KEYS_DIR / "pki"


def _chair_pfx(username):
    return pfx_path(_folder(), config.chair_arch(username), config.chair_label(username))


def _unit_pfx(username):
    return pfx_path(_folder(), config.SERVICE, config.unit_label(username))


def _clerk(world, username):
    short_name = next(name for user, name, _chair in DISTRICTS if user == username)
    login = f"vanthu.{username}"
    user = world.users.get(login) or _user(login, f"Văn thư {short_name}")
    world.users[login] = user
    person = _person(world.admin, f"Văn thư {short_name}", user)
    _position(world.user("bantt"), person, world.unit(username), Position.Title.CLERK)
    return user


def _confirmed(record, confirm, world, argument):
    if record.status == Confirmation.PENDING:
        confirm(actor=world.user("bantt"), **{argument: record})


def _certificates(world, username):
    chair = world.user(username)
    if not Certificate.objects.filter(person=chair.person).exists():
        der = services.certificate_der(
            (
                _folder() / config.chair_arch(username) / f"{config.chair_label(username)}.cert.pem"
            ).read_bytes()
        )
        record = services.certificate_register(
            actor=chair,
            kind=Certificate.Kind.PERSONAL,
            der=der,
            person=chair.person,
            remote_credential=f"{config.chair_arch(username)}/{config.chair_label(username)}",
        )
        services.certificate_confirm(actor=world.user("bantt"), certificate=record)
    clerk = _clerk(world, username)
    unit = world.unit(username)
    if not OrganisationKey.objects.filter(unit=unit).exists():
        key = services.organisation_key_install(
            actor=clerk,
            unit=unit,
            pkcs12_data=pfx_path(
                _folder(), config.SERVICE, config.unit_label(username)
            ).read_bytes(),
            password="",
        )
        services.organisation_key_confirm(actor=world.user("bantt"), organisation_key=key)
    if not SealImage.objects.filter(unit=unit).exists():
        seal = services.seal_image_register(
            actor=clerk,
            unit=unit,
            image=seal_png(f"ỦY BAN MTTQ VIỆT NAM {unit.short_name.upper()}"),
        )
        services.seal_image_confirm(actor=world.user("bantt"), seal_image=seal)


def sign_unit(world, agreement, username, *, organisation=True):
    """The unit's chair signs with its key (as a USB token would); its clerk adds the unit's
    organisation signature with the key entrusted to the server (unless `organisation` is off)."""
    chair = world.user(username)
    field = SignatureSlot.objects.get(
        agreement=agreement, unit=world.unit(username), kind=SignatureSlot.Kind.PERSONAL
    )
    if not selectors.is_filled(field):
        turn = services.turn_request(
            actor=chair, agreement=agreement, slot=field, channel=DocumentRevision.Channel.UPLOAD
        )
        signer = pdf.signer_from_pkcs12(
            pfx_path(
                _folder(), config.chair_arch(username), config.chair_label(username)
            ).read_bytes()
        )
        position = Position.objects.current().get(
            person=chair.person, unit=world.unit(username), title="chair"
        )
        data = pdf.sign(
            selectors.read_revision(turn.base_revision),
            field.name,
            signer,
            services.personal_appearance(position, drawn_signature_png(position.person.full_name)),
            reason=services.REASON,
            location=agreement.place or "",
        )
        services.revision_accept(
            actor=chair, turn=turn, data=data, channel=DocumentRevision.Channel.UPLOAD
        )
    organisation_field = SignatureSlot.objects.get(
        agreement=agreement, unit=world.unit(username), kind=SignatureSlot.Kind.ORGANISATION
    )
    if organisation and not selectors.is_filled(organisation_field):
        clerk = world.user(f"vanthu.{username}")
        turn = services.turn_request(
            actor=clerk,
            agreement=agreement,
            slot=organisation_field,
            channel=DocumentRevision.Channel.SERVER_KEY,
        )
        services.organisation_sign(actor=clerk, turn=turn)


def prepare(world):
    """Every unit's clerk, certificates, organisation key and seal image (confirmed by bantt)."""
    for username, _name, _chair in DISTRICTS:
        _certificates(world, username)


def _open(world, agreement, head, mode):
    """Parent staff set the year's way of signing, then its head opens the digital signing."""
    if agreement.signature_slots.exists():
        return agreement
    cluster_year = cluster_services.cluster_year_signing_mode_set(
        actor=world.user("bantt"), cluster_year=agreement.cluster_year, mode=mode
    )
    for value in vars(world).values():  # the world's own copy of the year, kept true
        if isinstance(value, ClusterYear) and value.pk == cluster_year.pk:
            value.signing_mode = cluster_year.signing_mode
    agreement = Agreement.objects.get(pk=agreement.pk)
    services.digital_signing_open(actor=world.user(head), agreement=agreement)
    return agreement


def sign_all(world, agreement, head):
    """The whole agreement signed digitally: each unit's chair (with the chair's key, as a USB
    token would) then its clerk (the unit's key held by the server); the last signature makes
    the agreement signed and asks for the closing."""
    agreement = _open(world, agreement, head, ClusterYear.SigningMode.DIGITAL)
    for username, _name, _chair in DISTRICTS:
        sign_unit(world, agreement, username)
    return Agreement.objects.get(pk=agreement.pk)


def build(world):
    """Build (or find) the digital signing of the 2021 agreement, begun by its head."""
    prepare(world)
    agreement = _open(
        world,
        Agreement.objects.get(pk=world.agreement_2021.pk),
        "hoankiem",
        ClusterYear.SigningMode.MIXED,
    )
    sign_unit(world, agreement, "hoankiem")
    world.agreement_2021 = Agreement.objects.get(pk=agreement.pk)
    world.digital_opened_on = datetime.date(2021, 2, 4)
    return world
