"""Every kind of bad input raises its own LLMExtractError subclass; broken files are built here."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest
from pypdf import PdfWriter

from llmextract import load_document
from llmextract.core.errors import (
    CorruptPDFError,
    EmptyFileError,
    EncryptedPDFError,
    InputError,
    InputPathError,
    LLMExtractError,
    NotAPDFError,
    UnsupportedFormatError,
)
from tests.conftest import pdf


def _blank_pdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_encrypted_pdf(tmp_path):
    path = _write(tmp_path, "locked.pdf", _blank_pdf(password="secret"))
    with pytest.raises(EncryptedPDFError, match="needs a password"):
        load_document(path)


def test_truncated_pdf(tmp_path):
    data = pdf("普陀").read_bytes()
    path = _write(tmp_path, "cut.pdf", data[: len(data) // 2])
    with pytest.raises(CorruptPDFError, match="truncated"):
        load_document(path)


def test_corrupt_pdf(tmp_path):
    path = _write(tmp_path, "garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    with pytest.raises(CorruptPDFError, match="corrupt PDF"):
        load_document(path)


def test_a_pdf_whose_content_stream_no_longer_decodes_is_damaged(tmp_path):
    """Before: PDFium used the stream up to the break and the document was read with that text missing, no
    error. The xref and %%EOF are intact: only the bytes of one compressed stream changed."""
    data = bytearray(pdf("普陀").read_bytes())
    at = data.index(b"/FlateDecode")
    body = data.index(b"stream", at) + len(b"stream\r\n")
    data[body + 40 : body + 60] = bytes(20)
    path = _write(tmp_path, "damaged.pdf", bytes(data))
    with pytest.raises(CorruptPDFError, match="damaged PDF: a compressed stream"):
        load_document(path)


def test_html_saved_as_pdf(tmp_path):
    page = "<!DOCTYPE html><html><head><title>部门预算</title></head><body>下载</body></html>"
    path = _write(tmp_path, "budget.pdf", page.encode())
    with pytest.raises(NotAPDFError, match="HTML page, not a PDF"):
        load_document(path)


def test_other_bytes_named_pdf(tmp_path):
    path = _write(tmp_path, "x.pdf", b"PK\x03\x04 this is a zip")
    with pytest.raises(NotAPDFError, match="does not start with %PDF-"):
        load_document(path)


def test_zero_page_pdf(tmp_path):
    path = _write(tmp_path, "empty.pdf", _blank_pdf(pages=0))
    with pytest.raises(EmptyFileError, match="no pages"):
        load_document(path)


@pytest.mark.parametrize("name", ["empty.pdf", "empty.txt", "empty.md"])
def test_empty_file(tmp_path, name):
    path = _write(tmp_path, name, b"")
    with pytest.raises(EmptyFileError, match="0 bytes"):
        load_document(path)


def test_unsupported_extension(tmp_path):
    path = _write(tmp_path, "budget.docx", b"PK\x03\x04")
    with pytest.raises(UnsupportedFormatError, match=r"\.pdf, \.txt and \.md"):
        load_document(path)


def test_pdf_named_txt(tmp_path):
    path = _write(tmp_path, "budget.txt", _blank_pdf())
    with pytest.raises(UnsupportedFormatError, match=r"rename it to \.pdf"):
        load_document(path)


def test_directory(tmp_path):
    with pytest.raises(InputPathError, match=r"is a directory.*llmextract run"):
        load_document(tmp_path)


def test_missing_path(tmp_path):
    with pytest.raises(InputPathError, match="no such file"):
        load_document(tmp_path / "nope.pdf")


def test_errors_share_one_root_and_survive_pickling():
    err = EncryptedPDFError("encrypted PDF", hint="decrypt it", path="a.pdf")
    assert isinstance(err, InputError) and isinstance(err, LLMExtractError)
    assert err.exit_code == 2
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is EncryptedPDFError and str(again) == str(err) == "a.pdf: encrypted PDF (decrypt it)"
