"""Core layer: records, errors, numbers, locations, the document model. No I/O, no imports from other layers."""
