"""JSON Schema of every output record, generated from the pydantic models (the models are the source).

The files in ``schemas/`` are these texts; ``llmextract schema --write`` writes them and a test fails when
they drift from the models. Schemas describe the JSON the tool writes, so they use serialization mode
(Decimal amounts are written as strings, which keeps every printed digit).
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from llmextract.core.claims import NarrativeClaim
from llmextract.core.findings import Finding
from llmextract.core.records import Indicator, ProjectRecord

OUTPUT_MODELS: dict[str, type[BaseModel]] = {
    "ProjectRecord": ProjectRecord,
    "Indicator": Indicator,
    "Finding": Finding,
    "NarrativeClaim": NarrativeClaim,
}


def schema_texts() -> dict[str, str]:
    """File name → JSON Schema text, for every output record."""
    return {f"{name}.schema.json": _dump(model) for name, model in OUTPUT_MODELS.items()}


def _dump(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
