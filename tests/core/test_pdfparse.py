"""The fast hex-string reader gives pyHanko's results and refuses what pyHanko refuses."""

import io
import random

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from core import pdfparse

CASES = [
    b"<>",
    b"<4F6B>",
    b"<4f6b>rest",
    b"<4F6>",  # odd: a final 0 is implied
    b"<4F 6B\n0a\r\t\x00\x0c7E>",  # whitespace anywhere
    b"<4F6B % a comment with > inside\n 7E>tail",  # comments are pyHanko's to skip
    b"<" + b"0123456789abcdef" * 5000 + b">",  # a signature's size, over several chunks
    b"<" + b"ab " * 300 + b">",
]
REFUSED = [
    b"<4G>",  # not a hex digit
    b"<4F6B",  # never closed
    b"<",
    b"<4F 6B  ",
    b"<4F<6B>",
]


def _read(reader, data, prefix=b""):
    stream = io.BytesIO(prefix + data)
    stream.seek(len(prefix))
    value = reader(stream)
    return value, stream.tell()


@pytest.mark.parametrize("data", CASES)
def test_same_value_and_same_position_as_pyhanko(data):
    for prefix in (b"", b"1 0 obj "):
        fast = _read(pdfparse.read_hex_string, data, prefix)
        slow = _read(pdfparse._original, data, prefix)
        assert fast == slow
        assert type(fast[0]) is type(slow[0])


@pytest.mark.parametrize("data", REFUSED)
def test_refuses_what_pyhanko_refuses(data):
    with pytest.raises(PdfStreamError):
        _read(pdfparse._original, data)
    with pytest.raises(PdfStreamError):
        _read(pdfparse.read_hex_string, data)


def test_random_strings_read_alike():
    rng = random.Random(20261205)
    alphabet = b"0123456789abcdefABCDEF \n\r\t" + b"xz%<"
    for _ in range(2000):
        body = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        data = b"<" + body + b">" + (b"\n" if b"%" in body else b"") + b"0 R"
        outcomes = []
        for reader in (pdfparse._original, pdfparse.read_hex_string):
            try:
                outcomes.append(_read(reader, data))
            except PdfStreamError:
                outcomes.append("refused")
        assert outcomes[0] == outcomes[1], data


def test_installed_for_pyhankos_object_reader():
    import agreements.signing.digital.pdf  # noqa: F401  (installs it on import)

    assert generic.read_hex_string_from_stream is pdfparse.read_hex_string
    assert generic.read_object(io.BytesIO(b"<4F6B>"), container_ref=None) == "Ok"
    array = generic.read_object(io.BytesIO(b"[<0a1B> <f>]"), container_ref=None)
    assert [v.original_bytes for v in array] == [b"\x0a\x1b", b"\xf0"]
