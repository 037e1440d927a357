"""The ``llmextract`` command line. Exit codes: 0 ok, 1 findings or failures in the data, 2 bad input or usage,
3 internal error."""

from llmextract.cli.app import main

__all__ = ["main"]
