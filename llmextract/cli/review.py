"""``llmextract review RUN``: the review web UI on 127.0.0.1, or ``--export-gold`` the reviewed records."""

from __future__ import annotations

import errno
import socket
import threading
import time
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from llmextract.cli.output import err_console, user_errors
from llmextract.core.errors import ConfigError
from llmextract.review import reverify_with_threshold, write_gold
from llmextract.score import DEFAULT_THRESHOLD
from llmextract.store import RunStore

if TYPE_CHECKING:
    import uvicorn


def review_command(
    run: Path = typer.Argument(..., help="A run directory (the --out of `llmextract run` / `extract`)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port to listen on (0: any free port)."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to bind. The UI has no login: keep it on the loopback address."
    ),
    reviewer: str = typer.Option(
        "reviewer", "--reviewer", envvar=["LLMEXTRACT_REVIEWER", "USER"], help="Name stored with every decision."
    ),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser window."),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        min=0,
        max=1,
        help="A re-verified record below this confidence needs review "
        f"(default: the --review-threshold the run routed the record with, else {DEFAULT_THRESHOLD}).",
    ),
    export_gold: Path | None = typer.Option(
        None, "--export-gold", help="Write the reviewed records as gold annotations (JSONL) to this file and exit."
    ),
) -> None:
    """Review low-confidence records in the browser: accept, edit or reject each field; edits are re-verified."""
    with user_errors():
        if export_gold is not None:
            with RunStore(run, create=False) as store:
                count = write_gold(store, export_gold)
            err_console.print(f"wrote {count} reviewed records to {export_gold}")
            return
        try:
            import uvicorn

            from llmextract.review.app import create_app
            from llmextract.review.security import LOOPBACK
        except ImportError as exc:
            raise ConfigError(f"the review UI needs {exc.name}", hint="pip install 'llmextract[review]'") from None
        app = create_app(
            run, reviewer=reviewer, reverify=reverify_with_threshold(threshold), allowed_hosts=frozenset({host})
        )
        listening = _listen(host, port)
    if host not in LOOPBACK:
        err_console.print(f"[yellow]warning:[/] serving on {host}: anyone who can reach it can change the run")
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    threading.Thread(target=_announce, args=(server, host, not no_browser), daemon=True).start()
    server.run(sockets=[listening])


def _listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound here so that a port in use is one line and exit 2, not uvicorn's log."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}: {exc.strerror}", hint="use --host 127.0.0.1") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {port} on {host} is already in use (another review server?)",
                hint=f"stop it, or pick another port: --port {port + 1} (or --port 0 for any free one)",
            ) from None
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", hint="use another --port") from None
    return sock


def _announce(server: uvicorn.Server, host: str, open_browser: bool) -> None:
    """Print the URL once the socket is bound (the real port, when --port 0), then open it."""
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    err_console.print(f"review UI at {url}  (Ctrl+C to stop)")
    if open_browser:
        webbrowser.open(url)
