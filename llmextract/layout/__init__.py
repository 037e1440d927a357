"""Layout layer: where the parts of a disclosure are (sections, standard tables, prose, target tables)."""

from llmextract.layout.parts import Part, detect_parts, find_project_tables

__all__ = ["Part", "detect_parts", "find_project_tables"]
