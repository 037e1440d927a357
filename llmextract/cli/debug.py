"""What every command shares before it runs: the ``--debug`` switch, redacted logging, internal errors.

Kept free of rich and typer so that ``llmextract --help`` stays fast.
"""

from __future__ import annotations

import logging
import sys

from llmextract.core.errors import describe_exception
from llmextract.core.secrets import RedactingFilter, redact

INTERNAL_ERROR = 3
_debug = {"on": False}


def set_debug(on: bool) -> None:
    """Logging to stderr, every line redacted (libraries log what endpoints answer, keys included): warnings
    and errors, or with ``--debug`` everything, with the tracebacks of contained failures."""
    _debug["on"] = on
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if on else logging.WARNING, handlers=[handler], force=True)


def debugging() -> bool:
    return _debug["on"]


def report_internal_error(exc: BaseException) -> None:
    """One line for a bug in llmextract (the traceback only with --debug)."""
    if debugging():
        import traceback

        sys.stderr.write(redact("".join(traceback.format_exception(exc))))
    sys.stderr.write(
        f"internal error: {redact(describe_exception(exc))}. This is a bug in llmextract: rerun with --debug for "
        "the traceback and report it.\n"
    )
