from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
PDFS = FIXTURES / "pdf"

SEED_FILES = sorted(SEEDS.glob("*.txt"))
SCAN_PDF = PDFS / "北京市政务服务和数据管理局2026年度部门预算情况说明.pdf"
TEXT_PDFS = sorted(p for p in PDFS.glob("*.pdf") if p != SCAN_PDF)


def without_llm_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment minus every LLM setting (a subprocess then runs the rules extractor), keeping the
    session's parse cache."""
    return {
        k: v
        for k, v in environ.items()
        if not k.startswith(("LLMEXTRACT_", "OPENAI_")) or k == "LLMEXTRACT_PARSE_CACHE"
    }


def seed(prefix: str) -> Path:
    """The seed export whose file name starts with ``prefix`` ("001")."""
    (path,) = [p for p in SEED_FILES if p.name.startswith(prefix)]
    return path


def pdf(name_part: str) -> Path:
    (path,) = [p for p in TEXT_PDFS if name_part in p.name]
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session", autouse=True)
def _private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands the tests run (in process or as subprocesses) keep parsed documents in a session directory,
    never in the user's cache."""
    import os

    os.environ["LLMEXTRACT_PARSE_CACHE"] = str(tmp_path_factory.mktemp("parse-cache"))


def blank_pdf(pages: int, password: str | None = None) -> bytes:
    """A PDF of blank A4 pages (no text layer), encrypted with ``password`` when given."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(user_password=password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
