"""The Python API promised by DESIGN.md: ``from llmextract import extract, verify, load_document``."""

from __future__ import annotations

import dataclasses

import pytest

import llmextract
from llmextract import Config, extract, load_document, verify
from tests.conftest import seed


def test_names_are_the_functions_even_after_importing_subpackages():
    # A late first import of a subpackage must not rebind the names.
    import llmextract.extract.llm
    import llmextract.verify.records

    assert callable(llmextract.extract) and llmextract.extract is extract
    assert llmextract.verify is verify


def test_extract_verify_and_load():
    result = extract(seed("001"), Config(extractor="rules"))
    assert [s.record.name for s in result.records][:1] == ["遗属补助"]
    assert all(0 <= s.confidence <= 1 for s in result.records)
    report = verify(seed("002"))
    assert report.count("error") >= 1
    assert verify(load_document(seed("002"))).count("error") == report.count("error")


def test_config_is_frozen_and_validated():
    config = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.review_threshold = 0.1  # type: ignore[misc]
    with pytest.raises(llmextract.LLMExtractError, match="needs an LLM endpoint"):
        Config(extractor="llm")
    assert Config().fingerprint() == Config().fingerprint() != Config(review_threshold=0.5).fingerprint()
