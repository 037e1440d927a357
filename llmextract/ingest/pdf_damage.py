"""Damage a PDF reader would pass over in silence: a compressed stream that no longer decodes.

PDFium (and pdfminer) repair what they can: a file whose byte offsets no longer match its cross-reference
table is re-read by scanning for objects (which recovers everything when the objects are intact), and a
compressed stream that stops decoding halfway is used up to the break. The page count then looks right while
text is missing, so the document would be read in part without a word. :func:`check_streams` says so instead
(:class:`~llmextract.core.errors.CorruptPDFError`) when a Flate-compressed stream (page content, fonts, object
streams; images are skipped: their damage loses no text) does not decode to its end. Encrypted files are not
scanned (their streams are ciphertext until decrypted). No PDF of the development corpus has such a stream.
"""

from __future__ import annotations

import re
import zlib

from llmextract.core.errors import CorruptPDFError

_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_FILTER = re.compile(rb"/Filter\s*(\[\s*)?/(\w+)")
_HINT = "the file is damaged (a download or copy went wrong); fetch it again"


def check_streams(data: bytes, path: str) -> None:
    """Every stream whose first filter is FlateDecode (images aside) must decode to its end."""
    if b"/Encrypt" in data:
        return
    at = data.find(b"stream")
    while at >= 0:
        start = _body_start(data, at)
        end = data.find(b"endstream", at + 6) if start is not None else -1
        if start is None or data[at - 3 : at] == b"end":
            at = data.find(b"stream", at + 6)
            continue
        if end < 0:
            end = len(data)
        head = data[max(0, at - 2048) : at]
        opened = list(_OBJ.finditer(head))
        header = head[opened[-1].end() :] if opened else head
        first = _FILTER.search(header)
        flate = first is not None and first.group(2) in (b"FlateDecode", b"Fl") and b"/Image" not in header
        if flate and not _inflates(data[start:end]):
            raise CorruptPDFError(
                f"damaged PDF: a compressed stream at byte {start:,} does not decode, so its content is lost",
                hint=_HINT,
                path=path,
            )
        at = data.find(b"stream", end + 9)


def _body_start(data: bytes, at: int) -> int | None:
    """Where a stream's data begins after the ``stream`` keyword at ``at`` (its end of line), or None."""
    after = at + 6
    if data[after : after + 2] == b"\r\n":
        return after + 2
    if data[after : after + 1] in (b"\n", b"\r"):
        return after + 1
    return None


def _inflates(raw: bytes) -> bool:
    inflater = zlib.decompressobj()
    try:
        inflater.decompress(raw)
        inflater.flush()
    except zlib.error:
        return False
    return inflater.eof
