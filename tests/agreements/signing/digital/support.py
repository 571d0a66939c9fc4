"""Helpers of the digital signing tests: the demo PKI's certificates registered and confirmed,
a clerk per unit with its organisation key entrusted to the server, and the signer's approval
played at the demo remote signing provider."""

import datetime
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from django.contrib.auth import get_user_model

from agreements.signing.digital import services
from agreements.signing.digital.models import DocumentRevision, SignatureSlot
from clusters import services as cluster_services
from clusters.models import Person, Position
from demo.pki import config
from tests.agreements.signing.support import MEMBERS

RETURN_URL = "http://testserver/remote-signing/return/"


def pki_file(*parts):
    return Path(settings.DEV_KEYS_DIR) / "pki" / Path(*parts)


def credential(username):
    return f"{config.chair_arch(username)}/{config.chair_label(username)}"


def certificate_der(arch, label):
    return services.certificate_der(pki_file(arch, f"{label}.cert.pem").read_bytes())


def clerk(world, username):
    """The clerk (văn thư) of `username`'s unit, made on first use."""
    login = f"vanthu.{username}"
    user = get_user_model().objects.filter(username=login).first()
    if user is None:
        user = get_user_model().objects.create_user(login, password="x")
        person = Person.objects.create(full_name=f"Văn thư {username}", user=user)
        Position.objects.create(
            person=person,
            unit=world.unit(username),
            title=Position.Title.CLERK,
            start=datetime.date(2019, 1, 1),
            confirmation="confirmed",
        )
    return user


def register_chair(world, username, *, confirm=True):
    chair = world.user(username)
    record = services.certificate_register_remote(
        actor=chair, person=chair.person, credential=credential(username)
    )
    if confirm:
        services.certificate_confirm(actor=world.user("bantt"), certificate=record)
    return record


def install_organisation_key(world, username, *, confirm=True):
    pfx = pki_file(config.SERVICE, f"{config.unit_label(username)}.pfx").read_bytes()
    record = services.organisation_key_install(
        actor=clerk(world, username), unit=world.unit(username), pkcs12_data=pfx, password=""
    )
    if confirm:
        services.organisation_key_confirm(actor=world.user("bantt"), organisation_key=record)
    return record


def prepare_everyone(world, members=MEMBERS):
    for username in members:
        register_chair(world, username)
        install_organisation_key(world, username)


def approve_at_provider(url, *, pin="123456", decision="approve"):
    """What the signer does on the provider's page; the parameters it sends back."""
    page = requests.get(url, timeout=10)
    assert page.status_code == 200, page.text
    fields = dict(parse_qs(urlsplit(url).query, keep_blank_values=True))
    form = {key: values[0] for key, values in fields.items()}
    form.update(pin=pin, decision=decision)
    reply = requests.post(url.split("?")[0], data=form, allow_redirects=False, timeout=10)
    if reply.status_code != 302:
        return {"page": reply.text}
    return {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["Location"]).query).items()}


def slot(agreement, username, kind, world):
    return SignatureSlot.objects.get(agreement=agreement, unit=world.unit(username), kind=kind)


def sign_remotely(world, agreement, username, *, decision="approve"):
    chair = world.user(username)
    field = slot(agreement, username, SignatureSlot.Kind.PERSONAL, world)
    turn = services.turn_request(
        actor=chair, agreement=agreement, slot=field, channel=DocumentRevision.Channel.REMOTE
    )
    url = services.remote_begin(actor=chair, turn=turn, return_url=RETURN_URL)
    params = approve_at_provider(url, decision=decision)
    return services.remote_finish(actor=chair, turn=turn, params=params, return_url=RETURN_URL)


def sign_organisation(world, agreement, username):
    user = clerk(world, username)
    field = slot(agreement, username, SignatureSlot.Kind.ORGANISATION, world)
    turn = services.turn_request(
        actor=user, agreement=agreement, slot=field, channel=DocumentRevision.Channel.SERVER_KEY
    )
    return services.organisation_sign(actor=user, turn=turn)


def nss_db(folder):
    """An NSS database trusting the two demo roots (what pdfsig checks trust against)."""
    folder.mkdir()
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"],
        check=True,
        capture_output=True,
    )
    for arch in config.ARCHES:
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{folder}", "-n", arch, "-t", "CT,C,C", "-i"]
            + [str(pki_file("roots", f"{arch}-root.pem"))],
            check=True,
            capture_output=True,
        )
    return folder


def pdfsig(path, nss):
    """[(valid, trusted, field name)] of the signed fields, as poppler's pdfsig reports them."""
    out = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True, check=False
    ).stdout
    blocks = [b for b in out.split("Signature #")[1:] if "is not signed" not in b]
    assert blocks, out
    return [
        (
            "Signature is Valid." in block,
            "Certificate is Trusted." in block,
            block.split("Signature Field Name: ")[1].split("\n")[0]
            if "Field Name" in block
            else "",
        )
        for block in blocks
    ]


def open_digital(world, agreement, mode="digital", *, actor="dongda"):
    """Parent staff (bantt) set the cluster year's signing mode, then the head's people open
    the digital signing: the file is prepared once."""
    cluster_services.cluster_year_signing_mode_set(
        actor=world.user("bantt"), cluster_year=agreement.cluster_year, mode=mode
    )
    agreement.cluster_year.refresh_from_db()
    return services.digital_signing_open(actor=world.user(actor), agreement=agreement)
