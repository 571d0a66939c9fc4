"""A faster reader of PDF hex strings for pyHanko, with the same results and the same refusals.

pyHanko reads a hex string (`<4F6B…>`) one byte at a time in Python. A signature's /Contents is
such a string of tens of thousands of digits, and checking a new signature on an agreement reads
every earlier one's (pyHanko's difference analysis walks the whole file): for the twelfth
signature, about half of the check's time went into these loops (docs/benchmarks.md).

`read_hex_string` takes the digits up to the closing `>` in one slice. Whatever it is not sure to
read the same way — a comment (`%`) inside the string, or a stream that is not seekable — it
hands to pyHanko's own reader, from the same position. `install()` puts it in place of pyHanko's
(module attribute looked up at each call by `read_object`); tests/core/test_pdfparse.py compares
the two on valid, odd, spaced, commented, truncated and invalid strings.
"""

import binascii
import os

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE, PdfStreamError

_original = generic.read_hex_string_from_stream
_HEX_DIGITS = b"0123456789abcdefABCDEF"
# Most hex strings are short (a file identifier: 32 digits); a signature's is long: read a little
# first, then more and more.
_FIRST_CHUNK, _LAST_CHUNK = 256, 256 * 1024


def read_hex_string(stream):
    """The PDF string object of the hex string at the stream's position (at its `<`)."""
    start = stream.tell()
    stream.read(1)  # the opening "<"
    chunks, size = [], _FIRST_CHUNK
    while True:
        chunk = stream.read(size)
        size = min(size * 4, _LAST_CHUNK)
        if not chunk:
            raise PdfStreamError("Stream ended prematurely")
        end = chunk.find(b">")
        if end >= 0:
            chunks.append(chunk[:end])
            stream.seek(end + 1 - len(chunk), os.SEEK_CUR)
            break
        chunks.append(chunk)
    digits = b"".join(chunks)
    if b"%" in digits:  # a comment: pyHanko's reader skips it to its end of line
        stream.seek(start)
        return _original(stream)
    digits = digits.translate(None, PDF_WHITESPACE)
    wrong = digits.translate(None, _HEX_DIGITS)
    if wrong:
        raise PdfStreamError("Unexpected token in hex string: " + repr(wrong[:1]))
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def install():
    """Use `read_hex_string` for every hex string pyHanko reads in this process (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string
