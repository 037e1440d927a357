"""The version of llmextract (one place: the package, the wheel, fingerprints and --version read it)."""

__version__ = "0.2.0"
