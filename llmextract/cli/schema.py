"""``llmextract schema [--write]``: the JSON Schemas of the output records."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from llmextract.cli.output import console, print_json, user_errors
from llmextract.core.errors import InputPathError
from llmextract.core.schemas import schema_texts


def schema_command(
    write: bool = typer.Option(False, "--write", help="Write one <Record>.schema.json per output record."),
    directory: Path = typer.Option(Path("schemas"), "--dir", help="Where --write puts the files."),
) -> None:
    """Print the JSON Schemas of the output records, or write them (one file per record) with --write."""
    texts = schema_texts()
    if not write:
        print_json({name: json.loads(text) for name, text in texts.items()})
        return
    with user_errors():
        if directory.exists() and not directory.is_dir():
            raise InputPathError(f"{directory} is not a directory", hint="pass --dir with a directory path")
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (directory / name).write_text(text, encoding="utf-8")
    console.print(f"wrote {len(texts)} schemas to {directory}")
