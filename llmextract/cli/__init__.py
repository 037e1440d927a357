"""The ``llmextract`` command line. Exit codes: 0 ok, 1 findings or failures in the data, 2 bad input or usage."""

from llmextract.cli.app import app, main

__all__ = ["app", "main"]
