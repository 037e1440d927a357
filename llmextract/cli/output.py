"""Shared CLI plumbing: one-line errors, the debug switch, JSON output, the consoles."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from llmextract.core.errors import LLMExtractError
from llmextract.core.failures import describe_exception

# Piped output (logs, files, tests) gets wide lines instead of rich's 80-column default.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False)

INTERNAL_ERROR = 3
_debug = {"on": False}


def set_debug(on: bool) -> None:
    """``--debug``: tracebacks of internal errors and of contained failures (debug log) go to stderr."""
    _debug["on"] = on
    if on:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def debugging() -> bool:
    return _debug["on"]


def report_internal_error(exc: BaseException) -> None:
    """One line for a bug in llmextract (the traceback only with --debug)."""
    if debugging():
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    err_console.print(
        f"[bold red]internal error:[/] {describe_exception(exc)}. This is a bug in llmextract: rerun with "
        "--debug for the traceback and report it.",
        soft_wrap=True,
        markup=True,
    )


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn an LLMExtractError into one line on stderr and its exit code (2 for bad input), no traceback."""
    try:
        yield
    except LLMExtractError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise typer.Exit(130) from None


def print_json(data: Any, default: Callable[[Any], Any] | None = None) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=default or str))
    sys.stdout.write("\n")
