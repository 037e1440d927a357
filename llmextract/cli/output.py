"""Shared plumbing of the commands: one-line errors, JSON output, the consoles."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from llmextract.core.errors import LLMExtractError
from llmextract.core.secrets import redact

# Piped output (logs, files, tests) gets wide lines instead of rich's 80-column default.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn an LLMExtractError into one line on stderr and its exit code (2 for bad input), no traceback."""
    try:
        yield
    except LLMExtractError as exc:
        err_console.print(f"[bold red]error:[/] {escape(redact(str(exc)))}", markup=True, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise typer.Exit(130) from None


def print_json(data: Any, default: Callable[[Any], Any] | None = None) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=default or str))
    sys.stdout.write("\n")
