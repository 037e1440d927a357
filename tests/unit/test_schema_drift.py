"""schemas/ must be exactly what the models generate: run `llmextract schema --write` after changing a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmextract.core.schemas import OUTPUT_MODELS, schema_texts

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.mark.parametrize(("name", "text"), sorted(schema_texts().items()))
def test_schema_file_matches_the_model(name, text):
    path = SCHEMAS / name
    assert path.exists(), f"{path} is missing: run `llmextract schema --write`"
    assert path.read_text(encoding="utf-8") == text, f"{path} drifted from the model: run `llmextract schema --write`"


def test_no_stale_schema_files():
    expected = set(schema_texts())
    assert {p.name for p in SCHEMAS.glob("*.schema.json")} == expected


def test_every_output_record_has_a_schema_with_chinese_titles():
    assert set(OUTPUT_MODELS) == {"ProjectRecord", "Indicator", "Finding", "NarrativeClaim"}
    assert "项目名称" in schema_texts()["ProjectRecord.schema.json"]
