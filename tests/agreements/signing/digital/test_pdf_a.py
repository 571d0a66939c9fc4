"""The PDF/A-3b claim of the digitally signed file and of its signing record stays true: every
revision the application adds keeps one Producer in the document information and the XMP."""

import io
import re

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from agreements.models import Agreement
from agreements.signing.models import Seal
from tests.agreements.signing.digital.support import (
    open_digital,
    prepare_everyone,
    sign_organisation,
    sign_remotely,
)
from tests.agreements.signing.support import MEMBERS, adopt_agreement

pytestmark = pytest.mark.django_db


def producers(data):
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    xmp = reader.root["/Metadata"].get_object().data.decode()
    found = re.search(r'pdf:Producer(?:="([^"]*)"|>([^<]*)<)', xmp)
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    return str(reader.trailer["/Info"]["/Producer"]), found.group(1) or found.group(2)


def test_the_closed_file_and_the_signing_record_keep_one_producer(
    world, django_capture_on_commit_callbacks
):
    agreement = adopt_agreement(world)
    prepare_everyone(world)
    open_digital(world, agreement)
    for username in MEMBERS:
        sign_remotely(world, agreement, username)
        with django_capture_on_commit_callbacks(execute=True):  # the last one closes the file
            sign_organisation(world, agreement, username)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SEALED
    with Seal.objects.get(agreement=agreement).file.open("rb") as handle:
        info, xmp = producers(handle.read())
    assert info == xmp
    with agreement.signing_record.file.open("rb") as handle:
        info, xmp = producers(handle.read())
    assert info == xmp
