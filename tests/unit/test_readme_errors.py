"""Every error class of the README's error table is the one llmextract raises for that input."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from llmextract import Config, load_document
from llmextract.core import errors
from llmextract.settings import Settings
from tests.conftest import PDFS, SCAN_PDF, blank_pdf, pdf

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _table_errors() -> set[str]:
    section = README.split("Bad input is reported on one line", 1)[1].split("All derive from", 1)[0]
    return set(re.findall(r"^\|[^|]+\| `(\w+Error)`", section, flags=re.MULTILINE))



def _damaged_stream() -> bytes:
    data = bytearray(pdf("普陀").read_bytes())
    body = data.index(b"stream", data.index(b"/FlateDecode")) + len(b"stream\r\n")
    data[body + 40 : body + 60] = bytes(20)
    return bytes(data)


def _noise(seed: int, size: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


def _file(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], object]:
    def make(tmp: Path) -> object:
        path = tmp / name
        path.write_bytes(data if isinstance(data, bytes) else data())
        return load_document(path)

    return make


INPUTS: dict[str, list[Callable[[Path], object]]] = {
    "NoTextLayerError": [
        lambda tmp: load_document(SCAN_PDF),
        lambda tmp: load_document(PDFS / "pages" / "no-unicode-maps.pdf"),
    ],
    "EncryptedPDFError": [_file("locked.pdf", lambda: blank_pdf(1, password="pw"))],
    "CorruptPDFError": [
        _file("cut.pdf", lambda: pdf("普陀").read_bytes()[:50_000]),
        _file("damaged.pdf", _damaged_stream),
    ],
    "NotAPDFError": [
        _file("page.pdf", "<!DOCTYPE html><html><body>预算</body></html>".encode()),
        _file("noise.pdf", lambda: _noise(1, 3000)),
    ],
    "EmptyFileError": [_file("empty.txt", b""), _file("none.pdf", lambda: blank_pdf(0))],
    "UnsupportedFormatError": [_file("notes.docx", b"PK\x03\x04")],
    "InputPathError": [lambda tmp: load_document(tmp / "missing.pdf"), lambda tmp: load_document(tmp)],
    "TextEncodingError": [_file("noise.txt", lambda: _noise(7, 4000))],
    "ConfigError": [lambda tmp: Settings(mode="grammar"), lambda tmp: Config(extractor="llm", settings=Settings())],
}


def test_the_table_names_exactly_the_errors_tested_here():
    assert _table_errors() == set(INPUTS)


@pytest.mark.parametrize(("name", "index"), [(n, i) for n, makers in INPUTS.items() for i in range(len(makers))])
def test_the_input_raises_the_error_the_table_names(tmp_path, name, index):
    with pytest.raises(getattr(errors, name)):
        INPUTS[name][index](tmp_path)
